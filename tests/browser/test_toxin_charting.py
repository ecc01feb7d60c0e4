"""In Chromium: a visit that used two vials of two lots is charted as one session,
each site from its vial, and the page fits a tablet without scrolling sideways."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import TreatmentCourseFactory
from treatments.models import ToxinSession

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _local(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%dT%H:%M}"


def _fill_vial(page, index, *, size, lot, diluent_ml, reconstituted):
    prefix = f"#id_vials-{index}-"
    page.fill(prefix + "size_units", size)
    page.fill(prefix + "lot_number", lot)
    page.fill(prefix + "expiry_date", "2027-06-30")
    page.fill(prefix + "diluent_volume_ml", diluent_ml)
    page.fill(prefix + "reconstituted_at", reconstituted)


def _fill_site(page, index, *, muscle, side, units, vial):
    prefix = f"#id_injections-{index}-"
    page.select_option(prefix + "muscle", muscle)
    page.select_option(prefix + "side", side)
    page.fill(prefix + "units", units)
    page.select_option(prefix + "vial_number", vial)


def test_two_vials_one_session(page, log_in, neurologist):
    course = TreatmentCourseFactory()
    given = timezone.now() - datetime.timedelta(hours=1)
    log_in(neurologist)
    page.set_viewport_size({"width": 820, "height": 1180})
    page.goto(f"/treatments/courses/{course.pk}/sessions/new/")

    page.select_option("#id_product", "onabotulinumtoxina")
    page.fill("#id_performed_at", _local(given))
    page.check("#id_consent_obtained")
    reconstituted = _local(given - datetime.timedelta(minutes=30))
    _fill_vial(
        page, 0, size="100", lot="L-ONE", diluent_ml="4", reconstituted=reconstituted
    )
    _fill_vial(
        page, 1, size="50", lot="L-TWO", diluent_ml="1", reconstituted=reconstituted
    )
    _fill_site(page, 0, muscle="frontalis", side="right", units="10", vial="1")
    _fill_site(page, 1, muscle="frontalis", side="left", units="10", vial="2")

    page.click("button:has-text('Check totals and warnings')")
    assert page.locator("[data-concentration='1']").inner_text() == (
        "2.5 U per 0.1 mL (25 U/mL)"
    )
    assert page.locator("[data-concentration='2']").inner_text() == (
        "5 U per 0.1 mL (50 U/mL)"
    )
    # What was typed survives the check: dates and choices stay as entered.
    assert page.input_value("#id_vials-1-reconstituted_at") == reconstituted
    assert page.input_value("#id_injections-1-vial_number") == "2"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        "the charting page scrolls sideways on a tablet"
    )

    page.click("button:has-text('Save session')")
    page.wait_for_url("**/treatments/sessions/*/")
    expect(page.locator(".alert-success")).to_have_text("Toxin session saved.")

    session = ToxinSession.objects.get()
    assert list(session.vials.values_list("lot_number", "size_units")) == [
        ("L-ONE", 100),
        ("L-TWO", 50),
    ]
    assert sorted(
        session.injections.values_list("side", "units", "vial__lot_number")
    ) == [("left", Decimal("10.00"), "L-TWO"), ("right", Decimal("10.00"), "L-ONE")]
    expect(page.locator("#vials tbody tr")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
