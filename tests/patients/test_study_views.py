import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from patients.models import DiagnosticStudy, StudyStatus
from patients.services import sign_off_study
from tests.factories import (
    CaseFactory,
    DiagnosticStudyFactory,
    ResultedStudyFactory,
    UserFactory,
)
from tests.patients.test_case_views import input_types, unlabelled_inputs

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% report body\n"


def create_url(case) -> str:
    return reverse("patients:study_create", args=[case.pk])


def update_url(study) -> str:
    return reverse("patients:study_update", args=[study.pk])


def review_url(study) -> str:
    return reverse("patients:study_review", args=[study.pk])


def order(**changes) -> dict:
    data = {
        "modality": "mri",
        "description": "3D T2 CISS + MRA of the brainstem",
        "ordered_on": "2025-06-02",
        "form_token": str(uuid.uuid4()),
    }
    return {**data, **changes}


def result(**changes) -> dict:
    data = {
        "status": "resulted",
        "performed_on": "2025-06-10",
        "resulted_on": "2025-06-12",
        "impression": "Left AICA loop at the root exit zone.",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def case():
    return CaseFactory(patient__given_name="Ines", patient__family_name="Okafor")


class TestStudyOrder:
    def test_unknown_case_is_404(self, client, neurologist):
        client.force_login(neurologist)
        response = client.get(reverse("patients:study_create", args=[999999]))
        assert response.status_code == 404

    def test_form_renders_accessibly(self, client, neurologist, case):
        client.force_login(neurologist)
        response = client.get(create_url(case))
        assert response.status_code == 200
        content = response.content.decode()
        assert "Order a study" in content
        assert "OKAFOR, Ines" in content
        assert unlabelled_inputs(response) == []
        assert input_types(response)["ordered_on"] == "date"

    def test_neurologist_orders_a_study(self, client, neurologist, case):
        client.force_login(neurologist)
        response = client.post(create_url(case), order())
        assert response.status_code == 302
        assert response["Location"] == case.patient.get_absolute_url()
        study = DiagnosticStudy.objects.get()
        assert (study.case, study.modality, study.status, study.ordered_by) == (
            case,
            "mri",
            StudyStatus.ORDERED,
            neurologist,
        )
        assert study.ordered_on == datetime.date(2025, 6, 2)
        assert study.history.get().history_user == neurologist

    def test_invalid_order_keeps_what_was_typed_and_saves_nothing(
        self, client, neurologist, case
    ):
        client.force_login(neurologist)
        response = client.post(create_url(case), order(modality="pet", ordered_on=""))
        assert response.status_code == 200
        form = response.context["form"]
        assert set(form.errors) == {"modality", "ordered_on"}
        assert "3D T2 CISS + MRA of the brainstem" in response.content.decode()
        assert DiagnosticStudy.objects.exists() is False

    def test_a_double_submit_orders_one_study(self, client, neurologist, case):
        client.force_login(neurologist)
        data = order()
        client.post(create_url(case), data)
        second = client.post(create_url(case), data, follow=True)
        assert second.redirect_chain == [(case.patient.get_absolute_url(), 302)]
        assert "This study was already saved." in second.content.decode()
        assert DiagnosticStudy.objects.count() == 1

    def test_query_count_does_not_grow_with_the_patients_records(
        self, client, neurologist, case, django_assert_num_queries
    ):
        client.force_login(neurologist)
        client.get(create_url(case))
        with CaptureQueriesContext(connection) as baseline:
            client.get(create_url(case))
        DiagnosticStudyFactory.create_batch(5, case=case)
        CaseFactory.create_batch(3, patient=case.patient)
        with django_assert_num_queries(len(baseline)):
            client.get(create_url(case))


class TestStudyResult:
    def test_scheduler_page_shows_no_findings(self, client, scheduler):
        study = ResultedStudyFactory()
        client.force_login(scheduler)
        content = client.get(update_url(study)).content.decode()
        assert "AICA" not in content
        assert "MRI" not in content

    def test_unknown_study_is_404(self, client, neurologist):
        client.force_login(neurologist)
        response = client.get(reverse("patients:study_update", args=[999999]))
        assert response.status_code == 404

    def test_form_renders_accessibly(self, client, neurologist):
        study = DiagnosticStudyFactory(description="Brainstem CISS")
        client.force_login(neurologist)
        response = client.get(update_url(study))
        assert response.status_code == 200
        content = response.content.decode()
        assert "MRI result" in content and "Brainstem CISS" in content
        assert 'enctype="multipart/form-data"' in content
        assert unlabelled_inputs(response) == []
        types = input_types(response)
        assert (types["performed_on"], types["resulted_on"]) == ("date", "date")
        assert types["report"] == "file"

    @pytest.mark.parametrize(
        ("modality", "shown", "hidden"),
        [
            ("mri", "mri_neurovascular_compression", "eeg_epileptiform_activity"),
            ("eeg", "eeg_epileptiform_activity", "mri_neurovascular_compression"),
            ("emg", "emg_lateral_spread_response", "mri_offending_vessels"),
            ("blood", "impression", "emg_lateral_spread_response"),
        ],
    )
    def test_only_the_modalitys_findings_are_offered(
        self, client, neurologist, modality, shown, hidden
    ):
        study = DiagnosticStudyFactory(modality=modality)
        client.force_login(neurologist)
        response = client.get(update_url(study))
        fields = response.context["form"].fields
        assert shown in fields
        assert hidden not in fields
        assert f'name="{hidden}"' not in response.content.decode()

    def test_a_finding_of_another_modality_is_not_saved(self, client, neurologist):
        study = DiagnosticStudyFactory(modality="eeg")
        client.force_login(neurologist)
        response = client.post(
            update_url(study),
            result(
                eeg_epileptiform_activity="true",
                mri_neurovascular_compression="true",
                mri_offending_vessels=["aica"],
            ),
        )
        assert response.status_code == 302
        study.refresh_from_db()
        assert study.eeg_epileptiform_activity is True
        assert study.mri_neurovascular_compression is None
        assert study.mri_offending_vessels == []

    def test_result_is_entered_with_findings_and_report(self, client, neurologist):
        study = DiagnosticStudyFactory(modality="mri")
        client.force_login(neurologist)
        response = client.post(
            update_url(study),
            result(
                mri_field_strength="3T",
                mri_neurovascular_compression="true",
                mri_compression_side="left",
                mri_offending_vessels=["aica", "vein"],
                mri_lesion_found="false",
                report=SimpleUploadedFile("Okafor MRI.pdf", PDF),
            ),
        )
        assert response.status_code == 302
        assert response["Location"] == study.case.patient.get_absolute_url()
        study.refresh_from_db()
        assert (study.status, study.performed_on, study.resulted_on) == (
            StudyStatus.RESULTED,
            datetime.date(2025, 6, 10),
            datetime.date(2025, 6, 12),
        )
        assert study.mri_neurovascular_compression is True
        assert study.mri_offending_vessels == ["aica", "vein"]
        assert study.mri_lesion_found is False
        assert study.report.name.endswith(".pdf")
        assert "Okafor" not in study.report.name
        assert study.history.first().history_user == neurologist

    def test_emg_latency_is_checked_next_to_its_field(self, client, neurologist):
        study = DiagnosticStudyFactory(modality="emg")
        client.force_login(neurologist)
        response = client.post(
            update_url(study),
            result(emg_lateral_spread_response="true", emg_lsr_latency_ms="0"),
        )
        assert response.context["form"].errors["emg_lsr_latency_ms"] == [
            "The latency must be positive."
        ]

    @pytest.mark.parametrize(
        ("changes", "field", "message"),
        [
            (
                {"performed_on": "2025-05-01", "resulted_on": "2025-05-02"},
                "performed_on",
                "A study cannot be performed before it was ordered. If it was "
                'performed at another centre, mark it "performed externally".',
            ),
            (
                {"status": "performed", "performed_on": "", "resulted_on": ""},
                "performed_on",
                "Record the date the study was performed.",
            ),
            (
                {"status": "cancelled", "performed_on": ""},
                "performed_on",
                "A result needs a performed date on or before it.",
            ),
            (
                {"resulted_on": "2025-06-09"},
                "resulted_on",
                "A result needs a performed date on or before it.",
            ),
            (
                {"resulted_on": ""},
                "resulted_on",
                "Record the date the result arrived.",
            ),
            (
                {"status": "reviewed"},
                "status",
                "Select a valid choice. reviewed is not one of the available choices.",
            ),
            (
                {"status": "performed"},
                "status",
                "A result date is recorded: set the status to resulted, or clear "
                "the result date.",
            ),
            (
                {"status": "ordered", "resulted_on": ""},
                "status",
                "A performed date is recorded: set the status to performed, or "
                "clear the date.",
            ),
        ],
    )
    def test_rules_are_explained_next_to_their_field(
        self, client, neurologist, changes, field, message
    ):
        study = DiagnosticStudyFactory()
        client.force_login(neurologist)
        response = client.post(update_url(study), result(**changes))
        assert response.status_code == 200
        form = response.context["form"]
        assert form.errors[field] == [message]
        assert form.non_field_errors() == []
        assert "Left AICA loop at the root exit zone." in response.content.decode()
        study.refresh_from_db()
        assert (study.status, study.impression) == (StudyStatus.ORDERED, "")

    @pytest.mark.parametrize(
        ("upload", "message"),
        [
            (b"MZ\x90\x00 not a report", "Upload the report as a PDF, PNG or JPEG"),
            (PDF + b"x" * 2048, "the limit is 1.0\xa0KB"),
        ],
    )
    def test_a_refused_report_is_explained_next_to_it(
        self, client, neurologist, settings, upload, message
    ):
        settings.CLINIC_REPORT_MAX_BYTES = 1024
        study = DiagnosticStudyFactory()
        client.force_login(neurologist)
        response = client.post(
            update_url(study),
            result(report=SimpleUploadedFile("report.pdf", upload)),
        )
        assert response.status_code == 200
        assert message in response.context["form"].errors["report"][0]
        study.refresh_from_db()
        assert (study.status, study.report.name) == (StudyStatus.ORDERED, "")

    def test_a_refused_result_is_not_offered_for_sign_off(self, client, neurologist):
        study = DiagnosticStudyFactory()
        client.force_login(neurologist)
        response = client.post(
            update_url(study),
            result(report=SimpleUploadedFile("report.pdf", b"not a pdf")),
        )
        content = response.content.decode()
        assert '<small class="text-body-secondary">Ordered</small>' in content
        assert "Download the report" not in content
        assert review_url(study) not in content

    def test_a_signed_off_study_is_not_changed_here(self, client, neurologist):
        study = sign_off_study(study=ResultedStudyFactory(), by=neurologist)
        client.force_login(neurologist)
        response = client.post(
            update_url(study), result(impression="Rewritten"), follow=True
        )
        assert response.redirect_chain == [(study.get_absolute_url(), 302)]
        assert "Add an amendment to correct it." in response.content.decode()
        study.refresh_from_db()
        assert study.impression.startswith("Left AICA loop")

    def test_sign_off_is_offered_to_a_neurologist_on_a_result(
        self, client, neurologist, clinic_admin
    ):
        study = ResultedStudyFactory()
        client.force_login(neurologist)
        assert review_url(study) in client.get(update_url(study)).content.decode()
        client.force_login(clinic_admin)
        assert review_url(study) not in client.get(update_url(study)).content.decode()
        pending = DiagnosticStudyFactory()
        client.force_login(neurologist)
        content = client.get(update_url(pending)).content.decode()
        assert review_url(pending) not in content

    def test_query_count_does_not_grow_with_the_patients_records(
        self, client, neurologist, django_assert_num_queries
    ):
        study = ResultedStudyFactory()
        client.force_login(neurologist)
        client.get(update_url(study))
        with CaptureQueriesContext(connection) as baseline:
            client.get(update_url(study))
        DiagnosticStudyFactory.create_batch(5, case=study.case)
        CaseFactory.create_batch(3, patient=study.case.patient)
        with django_assert_num_queries(len(baseline)):
            client.get(update_url(study))


class TestStudyReview:
    def test_unknown_study_is_404(self, client, neurologist):
        client.force_login(neurologist)
        response = client.post(reverse("patients:study_review", args=[999999]))
        assert response.status_code == 404

    def test_neurologist_signs_off_a_result(self, client, neurologist):
        study = ResultedStudyFactory()
        client.force_login(neurologist)
        before = timezone.now()
        response = client.post(review_url(study), follow=True)
        assert response.redirect_chain == [(study.case.patient.get_absolute_url(), 302)]
        assert "Study signed off." in response.content.decode()
        study.refresh_from_db()
        assert (study.status, study.reviewed_by) == (StudyStatus.REVIEWED, neurologist)
        assert before <= study.reviewed_at <= timezone.now()
        assert study.history.first().history_user == neurologist

    @pytest.mark.parametrize(
        ("status", "dates"),
        [
            ("ordered", {}),
            ("performed", {"performed_on": datetime.date(2025, 6, 10)}),
        ],
    )
    def test_a_study_without_a_result_is_explained_and_unchanged(
        self, client, neurologist, status, dates
    ):
        study = DiagnosticStudyFactory(status=status, **dates)
        client.force_login(neurologist)
        response = client.post(review_url(study), follow=True)
        assert response.status_code == 200
        assert (
            f"Not signed off: Only a resulted study can be reviewed. This study is "
            f"{status}." in response.content.decode()
        )
        study.refresh_from_db()
        assert (study.status, study.reviewed_by, study.reviewed_at) == (
            status,
            None,
            None,
        )
        assert study.history.count() == 1

    def test_a_second_sign_off_changes_nothing(self, client, neurologist):
        first = UserFactory(roles=["Neurologist"])
        study = ResultedStudyFactory()
        client.force_login(first)
        client.post(review_url(study))
        client.force_login(neurologist)
        response = client.post(review_url(study), follow=True)
        assert "This study is reviewed." in response.content.decode()
        study.refresh_from_db()
        assert study.reviewed_by == first
