"""In Chromium: a file of historical sessions is checked, one session's warnings
are overridden with a reason, and the import writes both; the report fits a
tablet without sideways scrolling."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.factories import PatientFactory, TreatmentCourseFactory, UserFactory
from treatments.models import ToxinSession

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FILE = (
    "mrn,performed_at,product,injector,consent,muscle,side,units\n"
    "A1001,2019-03-14 10:30,onabotulinumtoxina,drsmith,yes,corrugator,right,5\n"
    "A1001,2019-03-14 10:30,onabotulinumtoxina,drsmith,yes,procerus,midline,2.5\n"
    "A1001,2019-04-13 10:30,onabotulinumtoxina,drsmith,yes,corrugator,right,5\n"
    "A1001,2019-07-13,onabotulinumtoxina,drsmith,yes,elbow,right,5\n"
)


@pytest.mark.parametrize("width", [820, 1366])
def test_a_file_is_checked_overridden_and_imported(
    page, log_in, neurologist, tmp_path, width
):
    UserFactory(username="drsmith", roles=["Injector"])
    patient = PatientFactory(mrn="A1001", date_of_birth=datetime.date(1960, 1, 1))
    TreatmentCourseFactory(case__patient=patient)
    upload = tmp_path / "sessions.csv"
    upload.write_text(FILE)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(neurologist)
    page.goto("/admin/treatments/toxinsession/")
    page.get_by_role("link", name="Import historical sessions").click()

    page.set_input_files("input[type=file]", str(upload))
    page.get_by_role("button", name="Check the file (dry run)").click()

    expect(page.get_by_text("Dry run: nothing was written")).to_be_visible()
    expect(page.locator("#session-line-5")).to_contain_text("muscle: “elbow”")
    expect(page.locator("#session-line-4")).to_contain_text("Warning")
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not ToxinSession.objects.exists()
    page.locator("#session-line-4").get_by_label("Override").check()
    page.get_by_label("Reason for overriding").fill("Transcribed from the paper chart")
    page.get_by_role("button", name="Import the sessions without errors").click()

    expect(page.get_by_text("Import finished")).to_be_visible()
    expect(page.locator("#import-counts")).to_contain_text("Imported: 2")
    assert ToxinSession.objects.filter(is_historical=True).count() == 2
    later = ToxinSession.objects.order_by("performed_at").last()
    assert later.override_reason == "Transcribed from the paper chart"
