"""A forgotten password: a link by e-mail to the account's own address, on the
host the request named only if ALLOWED_HOSTS allows it; the same answer for an
unknown address; the link works once; the second factor is still asked."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.signin import authenticator_for

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a new and long passphrase 42"
LINK = re.compile(r"http://testserver(/accounts/password-reset/[^/\s]+/[^/\s]+/)")


def ask(client, email):
    return client.post(reverse("password_reset"), {"email": email})


def test_the_link_goes_to_the_accounts_address_and_sets_a_new_password():
    user = UserFactory(email="a.okafor@clinic.example")
    client = Client()
    response = ask(client, "a.okafor@clinic.example")
    assert response["Location"] == reverse("password_reset_done")
    [message] = mail.outbox
    assert message.to == ["a.okafor@clinic.example"]
    path = LINK.search(message.body)[1]
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"] is True
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The link works once.
    again = Client().get(path, follow=True)
    assert again.context["validlink"] is False


def test_an_unknown_address_gets_the_same_answer_and_no_mail():
    response = ask(Client(), "nobody@clinic.example")
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_forged_host_gets_no_link():
    UserFactory(email="a.okafor@clinic.example")
    client = Client(raise_request_exception=False)
    response = client.post(
        reverse("password_reset"),
        {"email": "a.okafor@clinic.example"},
        HTTP_HOST="attacker.example",
    )
    assert response.status_code == 400
    assert mail.outbox == []


def test_a_new_password_still_asks_for_the_second_factor():
    user = UserFactory(email="a.okafor@clinic.example")
    authenticator_for(user)
    client = Client()
    ask(client, user.email)
    path = LINK.search(mail.outbox[0].body)[1]
    form_page = client.get(path, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    client.post(reverse("login"), {"username": user.username, "password": NEW_PASSWORD})
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("second_factor"))
