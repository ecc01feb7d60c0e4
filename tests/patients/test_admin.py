import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from patients.models import (
    Case,
    DiagnosticStudy,
    Guardian,
    Patient,
    RedFlagAcknowledgement,
    StudyAmendment,
    StudyStatus,
)
from tests.factories import (
    CaseFactory,
    DiagnosticStudyFactory,
    GuardianFactory,
    PatientFactory,
    StudyAmendmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def make_patient():
    patient = PatientFactory(responsible_neurologist=UserFactory())
    GuardianFactory(patient=patient)
    return patient


def make_guardian():
    return GuardianFactory(full_name="Sam Guardian")


def make_case():
    case = CaseFactory(
        responsible_neurologist=UserFactory(), red_flags=["facial_weakness"]
    )
    DiagnosticStudyFactory(case=case)
    return case


def make_study():
    return DiagnosticStudyFactory(
        description="3D T2 CISS of the brainstem",
        status=StudyStatus.REVIEWED,
        performed_on=datetime.date(2025, 6, 10),
        resulted_on=datetime.date(2025, 6, 12),
        reviewed_at=datetime.datetime(2025, 6, 13, 9, 0, tzinfo=datetime.UTC),
        reviewed_by=UserFactory(),
    )


def make_amendment():
    return StudyAmendmentFactory(study=make_study(), reason="Vessel misnamed")


def make_acknowledgement():
    return RedFlagAcknowledgement.objects.create(
        case=CaseFactory(red_flags=["facial_weakness"]),
        flag="facial_weakness",
        evidence=["ticked"],
        note="MRI ordered, reviewed with the patient.",
        acknowledged_by=UserFactory(),
    )


# (model, a maker that creates one row with its related rows, a value its change
# page shows)
MODELS = [
    pytest.param(Patient, make_patient, lambda obj: obj.mrn, id="patient"),
    pytest.param(Guardian, make_guardian, lambda obj: obj.full_name, id="guardian"),
    pytest.param(Case, make_case, lambda obj: obj.icd10_code, id="case"),
    pytest.param(DiagnosticStudy, make_study, lambda obj: obj.description, id="study"),
    pytest.param(
        StudyAmendment, make_amendment, lambda obj: obj.reason, id="amendment"
    ),
    pytest.param(
        RedFlagAcknowledgement,
        make_acknowledgement,
        lambda obj: obj.note,
        id="red-flag-acknowledgement",
    ),
]


def test_patient_page_query_count_does_not_grow_with_guardians(
    client, clinic_admin, django_assert_num_queries
):
    patient = make_patient()
    GuardianFactory(patient=patient)
    client.force_login(clinic_admin)
    url = admin_url(Patient, "change", patient.pk)
    client.get(url)  # Warm process-wide caches (content types) first.
    with CaptureQueriesContext(connection) as baseline:
        client.get(url)
    GuardianFactory.create_batch(3, patient=patient)

    with django_assert_num_queries(len(baseline)):
        response = client.get(url)

    assert len(response.context["inline_admin_formsets"][0].formset.forms) == 5


@pytest.mark.parametrize("persona", ["clinic_admin", "superuser"])
@pytest.mark.parametrize(
    ("model", "make"), [(Patient, make_patient), (Case, make_case)]
)
def test_it_refuses_deletion(client, request, persona, model, make):
    obj = make()
    client.force_login(request.getfixturevalue(persona))

    assert client.get(admin_url(model, "delete", obj.pk)).status_code == 403
    assert client.post(admin_url(model, "delete", obj.pk)).status_code == 403
    client.post(
        admin_url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )
    assert model.objects.filter(pk=obj.pk).exists()


def test_guardian_inline_cannot_delete(client, clinic_admin):
    patient = make_patient()
    client.force_login(clinic_admin)

    response = client.get(admin_url(Patient, "change", patient.pk))

    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.can_delete is False


def test_scheduler_sees_demographics_and_appointments_only(client, scheduler):
    client.force_login(scheduler)

    assert client.get(admin_url(Patient, "changelist")).status_code == 200
    assert (
        client.get(reverse("admin:scheduling_appointment_changelist")).status_code
        == 200
    )
    for model in (Case, DiagnosticStudy):
        assert client.get(admin_url(model, "changelist")).status_code == 403
    for name in ("patients_assessment", "treatments_toxinsession"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 403


def test_outsider_is_sent_to_the_admin_login(client, outsider):
    client.force_login(outsider)

    response = client.get(admin_url(Patient, "changelist"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.fixture
def two_patients(db):
    wanted = PatientFactory(
        mrn="HFS-0417", family_name="Okafor", date_of_birth=datetime.date(1968, 5, 17)
    )
    other = PatientFactory(
        mrn="HFS-0999",
        family_name="Lindqvist",
        date_of_birth=datetime.date(1971, 2, 3),
    )
    return wanted, other


@pytest.mark.parametrize("term", ["HFS-0417", "okafor", "1968-05-17", "17/05/1968"])
def test_patient_search_finds_by_mrn_name_or_date_of_birth(
    client, clinic_admin, two_patients, term
):
    wanted, _ = two_patients
    client.force_login(clinic_admin)

    response = client.get(admin_url(Patient, "changelist"), {"q": term})

    assert list(response.context["cl"].result_list) == [wanted]


def test_patient_search_by_unknown_date_finds_nobody(
    client, clinic_admin, two_patients
):
    client.force_login(clinic_admin)

    response = client.get(admin_url(Patient, "changelist"), {"q": "1990-01-01"})

    assert list(response.context["cl"].result_list) == []


def test_archive_action_saves_each_patient_with_history(client, clinic_admin):
    patient, untouched = PatientFactory(), PatientFactory()
    client.force_login(clinic_admin)

    response = client.post(
        admin_url(Patient, "changelist"),
        {"action": "archive_patients", "_selected_action": [patient.pk]},
    )

    assert response.status_code == 302
    patient.refresh_from_db()
    untouched.refresh_from_db()
    assert patient.is_archived is True
    assert untouched.is_archived is False
    latest = patient.history.first()
    assert latest.is_archived is True
    assert latest.history_user == clinic_admin


def test_unarchive_action_restores_the_patient(client, clinic_admin):
    patient = PatientFactory(is_archived=True)
    client.force_login(clinic_admin)

    client.post(
        admin_url(Patient, "changelist"),
        {"action": "unarchive_patients", "_selected_action": [patient.pk]},
    )

    patient.refresh_from_db()
    assert patient.is_archived is False
    assert patient.history.first().history_user == clinic_admin


def test_case_list_shows_the_red_flag(client, clinic_admin):
    make_case()
    CaseFactory(red_flags=[])
    client.force_login(clinic_admin)

    response = client.get(admin_url(Case, "changelist"))

    content = response.content.decode()
    assert content.count('alt="True"') == 1
    assert content.count('alt="False"') == 1


def test_study_report_is_linked_through_the_guarded_view(client, clinic_admin):
    study = DiagnosticStudyFactory()
    study.report = ContentFile(b"%PDF-1.4\n%%EOF\n", name="okafor-mri.pdf")
    study.save()
    client.force_login(clinic_admin)

    response = client.get(admin_url(DiagnosticStudy, "change", study.pk))

    content = response.content.decode()
    assert f'href="{study.get_report_url()}"' in content
    assert study.report.name not in content
