"""In Chromium, a first sign-in sets up an authenticator: the QR code shows, the
app's code confirms it, the ten recovery codes are shown once, and the page
asked for opens."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD
from tests.signin import current_code

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_first_sign_in_enrols_an_authenticator(page, neurologist):
    page.goto("/patients/")
    page.fill("input[name=username]", neurologist.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/second-factor/enrol/**")
    qr = page.get_by_role("img", name="QR code")
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.naturalWidth") > 0  # drawn, not blocked
    device = TOTPDevice.objects.get(user=neurologist, confirmed=False)
    page.fill("input[name=code]", current_code(device))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator("ul.font-monospace li")).to_have_count(10)
    page.get_by_role("link", name="I have kept them: continue").click()
    page.wait_for_url("**/patients/")
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()
