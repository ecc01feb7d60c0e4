"""Sign-in lockout: a username at one address after 5 failures, a username from
any address after 20, each for 15 minutes after the last failure; the same
answer for unknown usernames; every attempt recorded, the password never."""

import datetime
import logging

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from axes.models import AccessLog as SignInLog
from django.test import Client
from django.urls import reverse

from clinic.signin import LOCKED_OUT_STATUS, client_ip
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # tests.factories.UserFactory
WRONG = "Tr0ub4dor&3-not-it"


def sign_in(username, password, address="10.0.0.1", **extra):
    client = Client()
    response = client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **extra,
    )
    return client, response


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(username, times, address="10.0.0.1"):
    for _ in range(times):
        _, response = sign_in(username, WRONG, address)
        assert response.status_code in (200, LOCKED_OUT_STATUS)


def test_five_failures_at_one_address_lock_the_username_there():
    user = UserFactory()
    fail(user.username, 4)
    client, response = sign_in(user.username, PASSWORD)
    assert signed_in(client)  # 4 failures: still in
    fail(user.username, 5)
    client, response = sign_in(user.username, PASSWORD)
    assert response.status_code == LOCKED_OUT_STATUS
    assert b"Sign-in paused" in response.content
    assert b"15 minutes" in response.content
    assert not signed_in(client)


def test_the_fifth_failure_itself_answers_with_the_lockout_page():
    user = UserFactory()
    fail(user.username, 4)
    _, response = sign_in(user.username, WRONG)
    assert response.status_code == LOCKED_OUT_STATUS


def test_a_lockout_at_a_shared_address_leaves_others_signing_in_there():
    typist, colleague = UserFactory(), UserFactory()
    fail(typist.username, 5)
    client, _ = sign_in(colleague.username, PASSWORD)
    assert signed_in(client)
    # The same person from another address is not locked by the first one.
    client, _ = sign_in(typist.username, PASSWORD, address="10.0.0.2")
    assert signed_in(client)


def test_twenty_failures_from_any_addresses_lock_the_username_everywhere():
    user = UserFactory()
    for number in range(5):
        fail(user.username, 4, address=f"10.0.1.{number}")
    client, response = sign_in(user.username, PASSWORD, address="10.0.2.1")
    assert response.status_code == LOCKED_OUT_STATUS
    assert not signed_in(client)
    # 19 would not have: the username rule counts every address's failures.
    other = UserFactory()
    fail(other.username, 4, "10.0.3.1")
    for number in range(5):
        fail(other.username, 3, address=f"10.0.4.{number}")
    client, _ = sign_in(other.username, PASSWORD, address="10.0.5.1")
    assert signed_in(client)


def move_attempts_back(username, minutes):
    for attempt in AccessAttempt.objects.filter(username=username):
        attempt.attempt_time -= datetime.timedelta(minutes=minutes)
        attempt.save()


def test_the_pause_ends_fifteen_minutes_after_the_last_failure():
    user = UserFactory()
    fail(user.username, 5)
    move_attempts_back(user.username, 16)
    client, _ = sign_in(user.username, PASSWORD)
    assert signed_in(client)


def test_a_try_during_the_pause_counts_and_restarts_it():
    user = UserFactory()
    fail(user.username, 5)
    move_attempts_back(user.username, 14)
    client, response = sign_in(user.username, PASSWORD)
    assert response.status_code == LOCKED_OUT_STATUS
    move_attempts_back(user.username, 2)  # 16 minutes after the first pause
    client, _ = sign_in(user.username, PASSWORD)
    assert not signed_in(client)


def test_a_success_clears_that_addresss_count():
    user = UserFactory()
    fail(user.username, 4)
    client, _ = sign_in(user.username, PASSWORD)
    assert signed_in(client)
    fail(user.username, 4)
    client, _ = sign_in(user.username, PASSWORD)
    assert signed_in(client)


def test_unknown_usernames_get_the_same_answers():
    user = UserFactory()
    _, wrong = sign_in(user.username, WRONG, address="10.0.6.1")
    _, unknown = sign_in("nobody-by-this-name", WRONG, address="10.0.6.2")
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].errors == unknown.context["form"].errors
    fail(user.username, 5, "10.0.6.3")
    fail("nobody-by-this-name", 5, "10.0.6.4")
    _, locked = sign_in(user.username, WRONG, address="10.0.6.3")
    _, unknown_locked = sign_in("nobody-by-this-name", WRONG, address="10.0.6.4")
    assert locked.status_code == unknown_locked.status_code == LOCKED_OUT_STATUS
    assert locked.content == unknown_locked.content


def test_every_attempt_is_recorded_and_no_password_is_kept(caplog):
    user = UserFactory()
    with caplog.at_level(logging.INFO):
        fail(user.username, 5)
        client, _ = sign_in(user.username, PASSWORD, address="10.0.7.1")
    assert signed_in(client)
    failures = AccessFailureLog.objects.filter(username=user.username)
    assert failures.count() == 5
    assert failures.filter(locked_out=True).exists()
    assert SignInLog.objects.filter(username=user.username).count() == 1
    kept = [
        str(value)
        for row in (*AccessAttempt.objects.all(), *failures)
        for value in vars(row).values()
    ]
    for password in (WRONG, PASSWORD):
        assert all(password not in value for value in kept)
        assert password not in caplog.text


def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw(rf, settings):
    request = rf.post(
        "/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5"
    )
    assert client_ip(request) == "10.9.9.9"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client_ip(request) == "203.0.113.5"
