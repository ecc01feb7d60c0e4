"""A signed-in session ends after 15 minutes without a request and 12 hours after
signing in; typing keeps it alive; a form sent after the end comes back filled
in, for the same user only; cookies are __Host- over HTTPS."""

import time
from urllib.parse import quote

import pytest
from django.urls import reverse

from clinic.session_limits import KEPT_FORM, LAST_SEEN, SIGNED_IN_AT
from tests.clinic.test_settings import run_python
from tests.factories import PatientFactory, UserFactory

pytestmark = pytest.mark.django_db

MINUTE = 60


def set_clocks(client, *, signed_in_ago=0, last_seen_ago=0):
    now = int(time.time())
    session = client.session
    session[SIGNED_IN_AT] = now - signed_in_ago
    session[LAST_SEEN] = now - last_seen_ago
    session.save()


def signed_out(response, client) -> bool:
    return (
        response.status_code == 302
        and response["Location"].startswith(reverse("login"))
        and "_auth_user_id" not in client.session
    )


def test_signing_in_starts_both_clocks(client, neurologist):
    before = int(time.time())
    client.force_login(neurologist)
    assert client.session[SIGNED_IN_AT] >= before
    assert client.session[LAST_SEEN] >= before


def test_fifteen_minutes_without_a_request_end_the_session(client, neurologist):
    client.force_login(neurologist)
    set_clocks(client, signed_in_ago=20 * MINUTE, last_seen_ago=15 * MINUTE + 1)
    response = client.get(reverse("patients:patient_list"), follow=False)
    assert signed_out(response, client)
    assert "next=%2Fpatients%2F" in response["Location"]
    page = client.get(response["Location"])
    assert "signed out after a while without activity" in page.content.decode()


def test_a_request_within_the_idle_limit_restarts_its_clock(client, neurologist):
    client.force_login(neurologist)
    set_clocks(client, signed_in_ago=20 * MINUTE, last_seen_ago=14 * MINUTE)
    assert client.get(reverse("home")).status_code == 200
    assert client.session[LAST_SEEN] >= int(time.time()) - 5


def test_the_clock_is_written_at_most_once_a_minute(client, neurologist):
    client.force_login(neurologist)
    set_clocks(client, last_seen_ago=30)
    seen = client.session[LAST_SEEN]
    client.get(reverse("home"))
    assert client.session[LAST_SEEN] == seen


def test_twelve_hours_after_signing_in_the_session_ends(client, neurologist):
    client.force_login(neurologist)
    set_clocks(client, signed_in_ago=12 * 60 * MINUTE + 1, last_seen_ago=10)
    assert signed_out(client.get(reverse("home")), client)


def test_keep_alive_restarts_the_idle_clock(client, neurologist):
    client.force_login(neurologist)
    set_clocks(client, last_seen_ago=14 * MINUTE)
    response = client.post(reverse("keep_alive"))
    assert response.json() == {"idle_seconds": 15 * MINUTE}
    assert client.session[LAST_SEEN] >= int(time.time()) - 5
    assert client.get(reverse("keep_alive")).status_code == 405


def test_keep_alive_needs_a_signed_in_session(client):
    response = client.post(reverse("keep_alive"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def send_late(client, user, patient):
    client.force_login(user)
    set_clocks(client, last_seen_ago=16 * MINUTE)
    url = reverse("patients:patient_update", args=[patient.pk])
    data = {"given_name": "Typed", "family_name": "Late", "mrn": patient.mrn}
    return url, client.post(url, data)


def test_a_form_sent_after_the_end_comes_back_filled_in(client, clinic_admin):
    patient = PatientFactory(given_name="Saved")
    url, response = send_late(client, clinic_admin, patient)
    assert signed_out(response, client)
    assert f"next={quote(url, safe='')}" in response["Location"]
    patient.refresh_from_db()
    assert patient.given_name == "Saved"  # nothing saved
    kept = client.session[KEPT_FORM]
    assert "csrfmiddlewaretoken" not in kept["fields"]
    client.force_login(clinic_admin)
    page = client.get(url)
    assert page.context["kept_form"]["given_name"] == ["Typed"]
    assert "kept-form-data" in page.content.decode()
    # Once: the next visit shows the saved record only.
    assert "kept_form" not in client.get(url).context


def test_a_kept_form_is_never_shown_to_another_user(client, clinic_admin):
    patient = PatientFactory()
    url, _ = send_late(client, clinic_admin, patient)
    other = UserFactory(roles=["Clinic admin"], is_staff=True)
    client.force_login(other)
    page = client.get(url)
    assert "kept_form" not in page.context
    assert KEPT_FORM not in client.session


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"DJANGO_DEBUG": "0"}, "__Host-sessionid __Host-csrftoken"),
        ({"DJANGO_DEBUG": "0", "DJANGO_SECURE_COOKIES": "0"}, "sessionid csrftoken"),
    ],
)
def test_cookies_are_host_only_over_https(env, names):
    result = run_python(
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'clinic.settings';"
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME)",
        DJANGO_SECRET_KEY="x",
        **env,
    )
    assert result.stdout.strip() == names, result.stderr
