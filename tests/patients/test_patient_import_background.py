"""A long patient file: its dry run as always, then the import written by the
task worker through the same resource, with a report of every row."""

import csv
import io

import pytest
from django.urls import reverse

from clinic.models import BackgroundJob, JobStatus
from patients.models import Patient
from tests.clinic.test_background_exports import run_worker
from tests.patients import test_patient_import
from tests.patients.test_patient_import import csv_of, row

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_long_file_is_imported_in_the_background(client, settings, superuser):
    settings.CLINIC_IMPORT_BACKGROUND_LINES = 2
    client.force_login(superuser)
    people = [("Ada", "Lovelace"), ("Alan", "Turing"), ("Grace", "Hopper")]
    rows = [
        row(mrn=f"imp-{n}", given_name=given, family_name=family, date_of_birth=born)
        for n, ((given, family), born) in enumerate(
            zip(people, ["1965-12-10", "1971-06-23", "1980-12-09"], strict=True)
        )
    ]
    confirm = (
        test_patient_import.TestAdminImport()
        .upload(client, csv_of(*rows))
        .context["confirm_form"]
    )

    queued = client.post(
        reverse("admin:patients_patient_process_import"),
        {name: confirm[name].value() for name in confirm.fields},
    )

    job = BackgroundJob.objects.get()
    assert queued.url == reverse("job_detail", args=[job.pk])
    assert not Patient.objects.exists()
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and (job.rows_done, job.rows_total) == (3, 3)
    assert sorted(Patient.objects.values_list("mrn", flat=True)) == [
        "IMP-0",
        "IMP-1",
        "IMP-2",
    ]
    assert set(Patient.history.values_list("history_user", flat=True)) == {superuser.pk}
    report = list(csv.reader(io.StringIO(job.file.read().decode())))
    assert report[0] == ["line", "mrn", "outcome", "what to correct"]
    assert [line[:3] for line in report[1:]] == [
        ["2", "IMP-0", "new"],
        ["3", "IMP-1", "new"],
        ["4", "IMP-2", "new"],
    ]


def test_a_short_file_is_imported_at_once(client, settings, superuser):
    settings.CLINIC_IMPORT_BACKGROUND_LINES = 10
    client.force_login(superuser)
    confirm = (
        test_patient_import.TestAdminImport()
        .upload(client, csv_of(row()))
        .context["confirm_form"]
    )

    client.post(
        reverse("admin:patients_patient_process_import"),
        {name: confirm[name].value() for name in confirm.fields},
    )

    assert Patient.objects.filter(mrn="IMP-1").exists()
    assert not BackgroundJob.objects.exists()
