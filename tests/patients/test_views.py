import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import DiagnosticStudyFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% report body\n"


@pytest.fixture
def study_with_report():
    study = DiagnosticStudyFactory()
    study.report = SimpleUploadedFile("Smith John MRI.pdf", PDF)
    study.full_clean()
    study.save()
    return study


def test_report_is_stored_under_a_generated_name(study_with_report):
    name = study_with_report.report.name
    assert name.startswith("reports/") and name.endswith(".pdf")
    assert "Smith" not in name


def test_clinician_gets_the_report_with_its_detected_type(
    client, neurologist, study_with_report
):
    client.force_login(neurologist)
    response = client.get(reverse("patients:study_report", args=[study_with_report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert f"study-{study_with_report.pk}-report.pdf" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]


def test_study_without_report_is_404(client, neurologist):
    client.force_login(neurologist)
    study = DiagnosticStudyFactory()
    response = client.get(reverse("patients:study_report", args=[study.pk]))
    assert response.status_code == 404


def test_report_view_does_not_accept_posts(client, neurologist, study_with_report):
    client.force_login(neurologist)
    response = client.post(
        reverse("patients:study_report", args=[study_with_report.pk])
    )
    assert response.status_code == 405
