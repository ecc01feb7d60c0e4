"""In Chromium: a date of death typed into the patient's date input is saved and
shown back; the chart then says the patient died, offers no booking, and the
booking page, reached anyway, sends back to the chart saying why. On a tablet the
chart does not scroll sideways."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from patients.models import Patient
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_recording_a_death_stops_booking(page, log_in, neurologist):
    patient = PatientFactory(date_of_birth=datetime.date(1940, 3, 1))
    died = timezone.localdate() - datetime.timedelta(days=3)
    page.set_viewport_size({"width": 820, "height": 1000})
    log_in(neurologist)

    page.goto(f"/patients/{patient.pk}/edit/")
    page.fill("#id_date_of_death", died.isoformat())
    page.click("button:has-text('Save patient')")
    page.wait_for_url(f"**/patients/{patient.pk}/")

    assert Patient.objects.get(pk=patient.pk).date_of_death == died
    expect(page.locator("h1")).to_contain_text("Deceased")
    expect(page.get_by_text(f"died {died:%d %b %Y} aged")).to_be_visible()
    expect(page.get_by_role("link", name="Book appointment")).to_have_count(0)
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")

    page.goto(f"/patients/{patient.pk}/edit/")
    assert page.input_value("#id_date_of_death") == died.isoformat()

    page.goto(f"/treatments/appointments/book/?patient={patient.pk}")
    page.wait_for_url(f"**/patients/{patient.pk}/")
    expect(page.locator(".alert-danger").first).to_contain_text(
        "no visit is booked for them"
    )
