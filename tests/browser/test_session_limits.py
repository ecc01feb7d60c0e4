"""In Chromium: two minutes before the idle limit the page says so, and "Stay
signed in" keeps the session; a form sent after the session ended comes back
filled in once the same person signs in again."""

import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from playwright.sync_api import expect

from clinic.session_limits import LAST_SEEN
from tests.browser.conftest import PASSWORD
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def stored_session(page):
    [cookie] = [
        c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME
    ]
    return Session.objects.get(session_key=cookie["value"])


def test_the_page_warns_before_the_idle_limit_and_stays(page, log_in, neurologist):
    log_in(neurologist)
    page.clock.install()
    page.goto(reverse("patients:patient_list"))
    notice = page.locator("#session-notice")
    expect(notice).to_be_hidden()
    page.clock.fast_forward("13:01")  # 15 minutes, less the two of the warning
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("signed out in 2 minutes")
    before = stored_session(page).get_decoded()[LAST_SEEN]
    time.sleep(1.1)
    page.get_by_role("button", name="Stay signed in").click()
    expect(notice).to_be_hidden()
    assert stored_session(page).get_decoded()[LAST_SEEN] > before


def test_a_form_sent_late_comes_back_filled_in(page, log_in, clinic_admin):
    patient = PatientFactory(given_name="Saved")
    recovery = StaticDevice.objects.create(user=clinic_admin, name="recovery codes")
    StaticToken.objects.create(device=recovery, token="late2345")
    log_in(clinic_admin)
    page.goto(reverse("patients:patient_update", args=[patient.pk]))
    page.fill("input[name=given_name]", "Typed before lunch")
    session = stored_session(page)
    data = session.get_decoded()
    data[LAST_SEEN] -= 16 * 60
    session.session_data = session.__class__.objects.encode(data)
    session.save()
    page.get_by_role("button", name="Save patient").click()
    page.wait_for_url("**/accounts/login/**")
    expect(page.get_by_text("what you sent is kept")).to_be_visible()
    page.fill("input[name=username]", clinic_admin.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.fill("input[name=code]", "late2345")  # the app's code was used already
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**{reverse('patients:patient_update', args=[patient.pk])}")
    expect(page.locator("input[name=given_name]")).to_have_value("Typed before lunch")
    patient.refresh_from_db()
    assert patient.given_name == "Saved"
