"""In Chromium, under the strict Content-Security-Policy, no page breaks a rule
(the console would say so) and the project's own script still runs: the new-case
form picks the ICD-10 code for the side of a hemifacial spasm."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import PatientFactory, ToxinSessionFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def watch_for_refusals(page) -> list[str]:
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Policy" in message.text  # Content-Security- or Permissions-
            else None
        ),
    )
    page.on("pageerror", lambda error: refused.append(str(error)))
    return refused


def test_no_page_breaks_the_content_security_policy(page, log_in, superuser):
    session = ToxinSessionFactory()
    patient = session.course.case.patient
    refused = watch_for_refusals(page)
    log_in(superuser)
    for address in (
        reverse("home"),
        reverse("patients:patient_list"),
        reverse("patient_chart", args=[patient.pk]),
        reverse("patient_chart_print", args=[patient.pk]),
        reverse("treatments:toxinsession_detail", args=[session.pk]),
        reverse("admin:patients_patient_changelist"),
        reverse("admin:patients_patient_change", args=[patient.pk]),
        reverse("admin:treatments_treatmentcourse_change", args=[session.course.pk]),
    ):
        response = page.goto(address)
        assert response.status == 200, address
        assert "script-src 'self'" in response.headers["content-security-policy"]
    assert refused == []


def test_the_case_forms_own_script_runs_under_the_policy(page, log_in, neurologist):
    patient = PatientFactory()
    refused = watch_for_refusals(page)
    log_in(neurologist)
    page.goto(reverse("patients:case_create", args=[patient.pk]))
    page.select_option("#id_condition", "hemifacial_spasm")
    page.select_option("#id_laterality", "left")
    expect(page.locator("#id_icd10_code")).to_have_value("G51.32")
    assert refused == []
