"""In Chromium, an edit page saved untouched keeps every date it showed."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from patients.models import Case, Patient
from tests.factories import CaseFactory, PatientFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BORN = datetime.date(1968, 5, 17)
WEIGHED = datetime.date(2026, 10, 1)


@pytest.fixture
def patient():
    return PatientFactory(
        date_of_birth=BORN, weight_kg=Decimal("70.5"), weight_measured_on=WEIGHED
    )


def dates_of(patient: Patient) -> tuple:
    patient = Patient.objects.get(pk=patient.pk)
    return patient.date_of_birth, patient.weight_measured_on, patient.weight_kg


def test_patient_edit_page_saved_untouched_keeps_its_dates(
    page, log_in, neurologist, patient
):
    log_in(neurologist)
    page.goto(f"/patients/{patient.pk}/edit/")
    assert page.input_value("#id_date_of_birth") == "1968-05-17"
    assert page.input_value("#id_weight_measured_on") == "2026-10-01"

    page.click("button:has-text('Save patient')")
    page.wait_for_url(f"**/patients/{patient.pk}/")

    assert page.locator(".alert-success").inner_text() == "Patient saved."
    assert dates_of(patient) == (BORN, WEIGHED, Decimal("70.5"))


def test_admin_patient_page_saved_untouched_keeps_its_dates(
    page, log_in, neurologist, patient
):
    log_in(neurologist)
    page.goto(f"/admin/patients/patient/{patient.pk}/change/")
    assert page.input_value("#id_date_of_birth") == "1968-05-17"
    assert page.input_value("#id_weight_measured_on") == "2026-10-01"

    page.click("input[name=_save]")
    page.wait_for_url("**/admin/patients/patient/")

    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    assert dates_of(patient) == (BORN, WEIGHED, Decimal("70.5"))


def test_case_edit_page_keeps_its_date_and_date_time(page, log_in, neurologist):
    case = CaseFactory(
        condition="bells_palsy",
        icd10_code="G51.0",
        laterality="left",
        onset_date=datetime.date(2026, 11, 2),
        onset_at=datetime.datetime(2026, 11, 2, 7, 30, tzinfo=datetime.UTC),
        opened_on=datetime.date(2026, 11, 3),
    )
    log_in(neurologist)
    page.goto(f"/patients/cases/{case.pk}/edit/")
    assert page.input_value("#id_onset_date") == "2026-11-02"
    local_onset = timezone.localtime(case.onset_at)  # the clinic's clocks
    assert page.input_value("#id_onset_at") == f"{local_onset:%Y-%m-%dT%H:%M}"

    page.click("button:has-text('Save case')")
    page.wait_for_url(f"**/patients/{case.patient_id}/")

    saved = Case.objects.get(pk=case.pk)
    assert (saved.onset_date, saved.onset_at, saved.opened_on) == (
        case.onset_date,
        case.onset_at,
        case.opened_on,
    )
