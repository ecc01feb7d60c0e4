"""Steps a clinician takes through the pages, in Chromium, for the whole-workflow
tests: each fills a page as a person would (by its labels and buttons) and
returns what it saved, read back from the database."""

import datetime

from django.utils import timezone
from playwright.sync_api import Page, expect

from patients.models import Case, Patient
from treatments.models import TreatmentCourse


def local_minute(moment: datetime.datetime) -> str:
    """A datetime-local input's value, on the clinic's clock."""
    return f"{timezone.localtime(moment):%Y-%m-%dT%H:%M}"


def saved(page: Page, message: str) -> None:
    expect(page.locator(".alert-success").first).to_contain_text(message)


def new_patient(
    page: Page, *, mrn: str, given: str, family: str, born, also=None, **more
):
    """The new-patient page, from the patient list; `more` fills fields by id,
    `also(page)` does the rest before saving."""
    page.goto("/patients/")
    page.get_by_role("link", name="New patient").first.click()
    page.fill("#id_mrn", mrn)
    page.fill("#id_given_name", given)
    page.fill("#id_family_name", family)
    page.fill("#id_date_of_birth", born.isoformat())
    page.select_option("#id_sex", "female")
    for field, value in more.items():
        page.fill(f"#id_{field}", value)
    if also is not None:
        also(page)
    page.get_by_role("button", name="Save patient").click()
    saved(page, "Patient saved.")
    return Patient.objects.get(mrn=mrn)


def open_case(page: Page, patient, *, condition: str, side: str, onset, **more):
    """A new case from the chart; `more` selects or fills fields by id."""
    page.goto(patient.get_absolute_url())
    page.get_by_role("link", name="New case").click()
    page.select_option("#id_condition", condition)
    page.select_option("#id_laterality", side)
    page.fill("#id_onset_date", onset.isoformat())
    for field, value in more.items():
        page.fill(f"#id_{field}", value)
    page.get_by_role("button", name="Save case").click()
    saved(page, "Case saved.")
    return Case.objects.filter(patient=patient).latest("pk")


def new_course(page: Page, case, *, kind: str, **more) -> TreatmentCourse:
    """A new course of the case; `more` fills fields by id."""
    page.goto(f"/treatments/cases/{case.pk}/courses/new/")
    page.select_option("#id_kind", kind)
    page.select_option("#id_status", "active")
    page.select_option("#id_responsible_clinician", index=1)
    for field, value in more.items():
        page.fill(f"#id_{field}", value)
    page.get_by_role("button", name="Save course").click()
    saved(page, "course saved.")
    return TreatmentCourse.objects.filter(case=case).latest("pk")


def score(page: Page, case, *, instrument: str, fields: dict) -> None:
    """A score from the chart's "Score" link, the instrument chosen by name."""
    page.goto(f"/treatments/cases/{case.pk}/assessments/new/?instrument={instrument}")
    for field, value in fields.items():
        page.select_option(f"#id_{field}", value)
    page.get_by_role("button", name="Save assessment").click()
    saved(page, " saved: ")


def chart_sites(page: Page, *, product: str, given, vial: dict, sites) -> None:
    """The charting page's session, vial and sites, filled but not saved."""
    page.select_option("#id_product", product)
    page.fill("#id_performed_at", local_minute(given))
    page.check("#id_consent_obtained")
    page.fill("#id_vials-0-size_units", vial["size"])
    page.fill("#id_vials-0-lot_number", vial["lot"])
    page.fill("#id_vials-0-expiry_date", vial["expiry"])
    page.fill("#id_vials-0-diluent_volume_ml", vial["diluent_ml"])
    page.fill(
        "#id_vials-0-reconstituted_at",
        local_minute(given - datetime.timedelta(minutes=20)),
    )
    for index, (muscle, side, units) in enumerate(sites):
        prefix = f"#id_injections-{index}-"
        page.select_option(prefix + "muscle", muscle)
        page.select_option(prefix + "side", side)
        page.fill(prefix + "units", units)
