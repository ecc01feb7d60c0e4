"""Report uploads that lose nothing and keep nothing half-done: a file over the
limit is refused while it streams (no more than the limit passed on to be
written), a file the storage cannot write fails the save with a message and
leaves nothing behind, a file written for a save that fails is removed, and a
stored report is sent as a download."""

import errno
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import (
    MemoryFileUploadHandler,
    TemporaryFileUploadHandler,
)
from django.db import IntegrityError
from django.urls import reverse
from django.utils.html import escape

from patients.forms import StudyResultForm
from patients.models import DiagnosticStudy, StudyStatus
from patients.services import REPORT_NOT_STORED, save_study
from tests.factories import DiagnosticStudyFactory
from tests.patients.test_study_views import PDF, result, update_url

pytestmark = pytest.mark.django_db

LIMIT = 1000


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def unchanged(study) -> bool:
    stored = DiagnosticStudy.objects.get(pk=study.pk)
    return (stored.status, stored.report.name, stored.impression) == (
        study.status,
        study.report.name,
        study.impression,
    )


@pytest.fixture
def passed_on(monkeypatch):
    """Bytes of each upload the handlers after the size limit were given."""
    received = []
    for handler in (MemoryFileUploadHandler, TemporaryFileUploadHandler):
        original = handler.receive_data_chunk

        def counting(self, raw_data, start, original=original):
            received.append(len(raw_data))
            return original(self, raw_data, start)

        monkeypatch.setattr(handler, "receive_data_chunk", counting)
    return received


@pytest.mark.parametrize("memory_limit", [100, 10 * 1024 * 1024])
def test_a_report_over_the_limit_is_refused_while_it_streams(
    client, neurologist, settings, passed_on, memory_limit
):
    settings.CLINIC_REPORT_MAX_BYTES = LIMIT
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = memory_limit  # on disk, or in memory
    study = DiagnosticStudyFactory()
    client.force_login(neurologist)
    big = PDF + b"x" * (3 * 1024 * 1024)
    response = client.post(
        update_url(study), result(report=SimpleUploadedFile("big.pdf", big))
    )
    assert response.status_code == 200
    [message] = response.context["form"].errors["report"]
    assert "The report is 3.0\xa0MB; the limit is 1000\xa0bytes." == message
    assert sum(passed_on) <= LIMIT
    assert unchanged(study)
    assert stored_files(settings) == []


def test_a_report_within_the_limit_is_kept_whole(client, neurologist, settings):
    settings.CLINIC_REPORT_MAX_BYTES = LIMIT
    study = DiagnosticStudyFactory()
    client.force_login(neurologist)
    report = PDF + b"x" * (LIMIT - len(PDF))
    response = client.post(
        update_url(study), result(report=SimpleUploadedFile("r.pdf", report))
    )
    assert response.status_code == 302
    study.refresh_from_db()
    assert study.report.read() == report
    assert [path.name for path in stored_files(settings)] == [
        Path(study.report.name).name
    ]


def storage_full(monkeypatch):
    """The disk fills after the first bytes of a file are written."""

    def write_part_then_fail(out, content):
        out.write(next(iter(content.chunks()))[:10])
        out.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("clinic.storage.write_chunks", write_part_then_fail)


def test_a_full_disk_fails_the_save_with_a_message_and_leaves_nothing(
    client, neurologist, settings, monkeypatch
):
    study = DiagnosticStudyFactory()
    storage_full(monkeypatch)
    client.force_login(neurologist)
    response = client.post(
        update_url(study), result(report=SimpleUploadedFile("r.pdf", PDF))
    )
    assert response.status_code == 200
    assert response.context["form"].errors["report"] == [REPORT_NOT_STORED]
    # What was typed is still on the page, to send again.
    assert "Left AICA loop" in response.content.decode()
    assert unchanged(study)
    assert stored_files(settings) == []


def test_a_full_disk_in_the_admin_says_so_and_saves_nothing(
    client, superuser, settings, monkeypatch
):
    study = DiagnosticStudyFactory()
    storage_full(monkeypatch)
    client.force_login(superuser)
    url = reverse("admin:patients_diagnosticstudy_change", args=[study.pk])
    data = {
        "case": study.case.pk,
        "modality": study.modality,
        "description": "MRI of the brainstem",
        "ordered_on": study.ordered_on.isoformat(),
        "ordered_by": study.ordered_by.pk,
        "report": SimpleUploadedFile("r.pdf", PDF),
    }
    for inline in client.get(url).context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update(
            {f"{management.prefix}-{k}": v for k, v in management.initial.items()}
        )
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert escape(REPORT_NOT_STORED) in response.content.decode()
    assert unchanged(study)
    assert stored_files(settings) == []


def test_a_file_written_for_a_save_that_fails_is_removed(neurologist, monkeypatch):
    study = DiagnosticStudyFactory(status=StudyStatus.ORDERED)
    form = StudyResultForm(
        result(),
        {"report": SimpleUploadedFile("r.pdf", PDF)},
        instance=DiagnosticStudy.objects.get(pk=study.pk),
    )
    assert form.is_valid(), form.errors
    original = DiagnosticStudy.save

    def save_then_fail(self, *args, **kwargs):
        original(self, *args, **kwargs)  # the file is written here
        assert self.report.storage.exists(self.report.name)
        raise IntegrityError("the row could not be written")

    monkeypatch.setattr(DiagnosticStudy, "save", save_then_fail)
    with pytest.raises(IntegrityError):
        save_study(form=form, by=neurologist)
    assert not form.instance.report.storage.exists(form.instance.report.name)
    assert unchanged(study)


def test_a_stored_report_is_sent_as_a_download(client, neurologist):
    study = DiagnosticStudyFactory()
    client.force_login(neurologist)
    client.post(update_url(study), result(report=SimpleUploadedFile("r.pdf", PDF)))
    response = client.get(reverse("patients:study_report", args=[study.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="study-{study.pk}-report.pdf"'
    )
    assert b"".join(response.streaming_content) == PDF
