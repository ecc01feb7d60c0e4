"""Long list exports run by the task worker (clinic.jobs, clinic.jobs_exports):
queued past CLINIC_EXPORT_BACKGROUND_ROWS, run by django-tasks-db's db_worker,
followed on the job page, downloaded by their requester alone."""

import csv
import datetime
import io
import logging
import os
import signal
from contextlib import contextmanager

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from clinic import jobs
from clinic.models import AccessAction, AccessLog, BackgroundJob, JobStatus
from tests.factories import (
    PatientFactory,
    ToxinSessionFactory,
    TreatmentCourseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PATIENTS_EXPORT = reverse("patients:patient_list_export")
RECALL_EXPORT = reverse("scheduling:recall_export")
LOT_EXPORT = reverse("scheduling:lot_export")
SESSIONS_EXPORT = reverse("admin:treatments_toxinsession_export")
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _two_rows_at_once(settings):
    settings.CLINIC_EXPORT_BACKGROUND_ROWS = 2


@contextmanager
def signals_kept():
    """db_worker sets its own SIGINT/SIGTERM handlers: the test run keeps its."""
    kept = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in kept.items():
            signal.signal(sig, handler)


def run_worker() -> None:
    """The database backend's worker, in this process, for what is queued."""
    with signals_kept():
        call_command(
            "db_worker", batch=True, reload=False, startup_delay=False, verbosity=0
        )


def file_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def smiths(count: int) -> list:
    return [PatientFactory(family_name="Smith") for _ in range(count)]


def queue_patients(client, user, **query) -> BackgroundJob:
    client.force_login(user)
    response = client.get(PATIENTS_EXPORT, {"q": "smith", "format": "csv", **query})
    job = BackgroundJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    return job


def count_rows(rows, *, progress):
    """A runner as an import service would be: rows in, progress out."""
    for done, _ in enumerate(rows, start=1):
        progress(done, len(rows))


def failing_runner(*, mrn, progress):
    raise RuntimeError(f"patient {mrn} broke it")


class TestQueueing:
    def test_a_small_export_is_answered_at_once_and_queues_nothing(
        self, client, neurologist
    ):
        smiths(2)
        client.force_login(neurologist)
        response = client.get(PATIENTS_EXPORT, {"q": "smith", "format": "csv"})
        assert response.status_code == 200
        assert len(file_rows(response)) == 3
        assert not BackgroundJob.objects.exists()
        assert not DBTaskResult.objects.exists()

    def test_a_big_export_queues_a_job_for_the_worker_and_opens_its_page(
        self, client, neurologist
    ):
        smiths(3)
        job = queue_patients(client, neurologist)
        assert (job.requested_by, job.status) == (neurologist, JobStatus.QUEUED)
        assert job.runner == "patients.views.patient_list_export_job"
        assert job.parameters["query"] == "q=smith"
        task = DBTaskResult.objects.get()
        assert task.task_path == "clinic.jobs.run_job"
        assert task.args_kwargs["args"] == [job.pk]
        # Nothing is exported, nor logged, before the worker runs.
        assert not AccessLog.objects.exists()
        page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
        assert "Waiting to start" in page
        assert "its file is made in the background" in page
        assert "clinic/job_progress.js" in page

    def test_past_the_background_limit_nothing_is_queued(
        self, client, neurologist, settings
    ):
        settings.CLINIC_BACKGROUND_EXPORT_ROW_LIMIT = 3
        smiths(4)
        client.force_login(neurologist)
        response = client.get(PATIENTS_EXPORT, {"q": "smith", "format": "csv"})
        assert response["Location"] == f"{reverse('patients:patient_list')}?q=smith"
        assert not BackgroundJob.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
class TestWorker:
    def test_the_worker_writes_every_row_and_progress_reaches_the_total(
        self, client, neurologist
    ):
        patients = smiths(3)
        PatientFactory(family_name="Jones")
        job = queue_patients(client, neurologist)
        run_worker()
        job.refresh_from_db()
        assert job.status == JobStatus.DONE
        assert (job.rows_done, job.rows_total) == (3, 3)
        assert job.started_at <= job.finished_at
        assert DBTaskResult.objects.get().status == "SUCCESSFUL"
        header, *rows = list(csv.reader(io.StringIO(job.file.read().decode())))
        assert sorted(row[header.index("MRN")] for row in rows) == sorted(
            patient.mrn for patient in patients
        )
        exports = AccessLog.objects.filter(action=AccessAction.EXPORT)
        assert sorted(exports.values_list("patient_id", flat=True)) == sorted(
            patient.pk for patient in patients
        )
        assert {(e.user, e.record_type, e.address) for e in exports} == {
            (neurologist, "patients.patient", "127.0.0.1")
        }
        page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
        assert "3 of 3 rows" in page
        assert reverse("job_download", args=[job.pk]) in page
        assert "clinic/job_progress.js" not in page

    def test_the_task_refuses_when_the_requester_lost_the_permission(
        self, client, scheduler
    ):
        smiths(3)
        job = queue_patients(client, scheduler)
        scheduler.groups.remove(Group.objects.get(name="Scheduler"))
        run_worker()
        job.refresh_from_db()
        assert job.status == JobStatus.FAILED
        assert "no longer hold the permission" in job.error
        assert not job.file
        assert not AccessLog.objects.exists()
        page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
        assert "no longer hold the permission" in page
        assert reverse("job_download", args=[job.pk]) not in page


class TestRunners:
    """Each list's runner, run as the immediate backend runs it."""

    def test_excel_holds_the_rows_as_the_list_shows_them(
        self, client, neurologist, settings
    ):
        settings.TASKS = IMMEDIATE
        smiths(3)
        job = queue_patients(client, neurologist, format="xlsx")
        job.refresh_from_db()
        assert job.file.name.endswith(".xlsx")
        sheet = load_workbook(job.file.open("rb")).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:3] == ("Family name", "Given name", "MRN")
        assert [row[0] for row in rows[1:]] == ["Smith"] * 3

    def test_the_recall_list(self, client, scheduler, settings):
        settings.TASKS = IMMEDIATE
        for _ in range(3):
            course = TreatmentCourseFactory()
            ToxinSessionFactory(
                course=course,
                performed_at=timezone.now() - datetime.timedelta(days=100),
            )
        client.force_login(scheduler)
        response = client.get(RECALL_EXPORT, {"format": "csv"})
        job = BackgroundJob.objects.get()
        assert response["Location"] == reverse("job_detail", args=[job.pk])
        assert (job.status, job.rows_done) == (JobStatus.DONE, 3)
        assert (
            AccessLog.objects.filter(record_type="treatments.treatmentcourse").count()
            == 3
        )

    def test_the_lot_look_up(self, client, neurologist, settings):
        settings.TASKS = IMMEDIATE
        for _ in range(3):
            ToxinSessionFactory(vial__lot_number="C77")
        client.force_login(neurologist)
        client.get(LOT_EXPORT, {"lot": "C77", "format": "csv"})
        job = BackgroundJob.objects.get()
        assert job.title == "Lot C77 (CSV)"
        assert (job.status, job.rows_done) == (JobStatus.DONE, 3)
        assert job.file.name.rsplit("/", 1)[1].startswith("lot-C77-")

    def test_the_admin_list_with_its_search(self, client, clinic_admin, settings):
        settings.TASKS = IMMEDIATE
        sessions = [
            ToxinSessionFactory(course__case__patient__family_name="Smith")
            for _ in range(3)
        ]
        ToxinSessionFactory(course__case__patient__family_name="Jones")
        client.force_login(clinic_admin)
        client.get(SESSIONS_EXPORT, {"q": "smith", "format": "csv"})
        job = BackgroundJob.objects.get()
        assert (job.status, job.rows_done) == (JobStatus.DONE, 3)
        assert sorted(AccessLog.objects.values_list("record_id", flat=True)) == sorted(
            session.pk for session in sessions
        )

    def test_a_failing_runner_fails_the_job_without_a_file_or_its_text_logged(
        self, neurologist, rf, caplog
    ):
        request = rf.get("/")
        request.user = neurologist
        job = jobs.queue_job(
            request,
            title="Broken",
            runner="tests.clinic.test_background_exports.failing_runner",
            parameters={"mrn": "MRN-0001"},
        )
        with caplog.at_level(logging.ERROR, logger="clinic.jobs"):
            jobs.run_job.call(job.pk)
        job.refresh_from_db()
        assert job.status == JobStatus.FAILED
        assert "stopped on an error" in job.error
        assert not job.file
        assert "RuntimeError" in caplog.text
        assert "MRN-0001" not in caplog.text

    def test_a_list_grown_past_the_limit_meanwhile_fails_without_a_file(
        self, client, neurologist, settings
    ):
        smiths(3)
        job = queue_patients(client, neurologist)
        settings.CLINIC_BACKGROUND_EXPORT_ROW_LIMIT = 2
        jobs.run_job.call(job.pk)
        job.refresh_from_db()
        assert job.status == JobStatus.FAILED
        assert job.error.startswith("More than 2 rows match")
        assert not job.file
        assert not AccessLog.objects.exists()

    def test_a_job_runs_once(self, client, neurologist, settings):
        settings.TASKS = IMMEDIATE
        smiths(3)
        job = queue_patients(client, neurologist)
        jobs.run_job.call(job.pk)
        assert AccessLog.objects.count() == 3

    def test_the_import_api_runs_a_service_with_rows_and_progress(
        self, neurologist, rf, django_assert_max_num_queries
    ):
        request = rf.get("/")
        request.user = neurologist
        job = jobs.queue_job(
            request,
            title="Import",
            runner="tests.clinic.test_background_exports.count_rows",
            parameters={"rows": [[n] for n in range(1200)]},
        )
        # Progress is written every PROGRESS_EVERY rows, not per row: the job
        # read and marked running, saves at 0 (the total), 500, 1000 and 1200, done.
        with django_assert_max_num_queries(10):
            jobs.run_job.call(job.pk)
        job.refresh_from_db()
        assert (job.status, job.rows_done, job.rows_total) == (
            JobStatus.DONE,
            1200,
            1200,
        )
        assert not job.file


class TestJobPages:
    @pytest.fixture
    def done_job(self, client, neurologist, settings):
        settings.TASKS = IMMEDIATE
        smiths(3)
        job = queue_patients(client, neurologist)
        job.refresh_from_db()
        return job

    def test_the_requester_downloads_and_each_patient_is_logged(
        self, client, neurologist, done_job
    ):
        response = client.get(reverse("job_download", args=[done_job.pk]))
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "no-store" in response["Cache-Control"]
        assert len(file_rows(response)) == 4
        downloads = AccessLog.objects.filter(action=AccessAction.DOWNLOAD)
        assert sorted(downloads.values_list("patient_id", flat=True)) == sorted(
            done_job.patient_ids
        )
        assert {(d.record_type, d.record_id) for d in downloads} == {
            ("clinic.backgroundjob", done_job.pk)
        }

    @pytest.mark.parametrize("name", ["job_detail", "job_download"])
    def test_nobody_else_sees_the_job(self, client, done_job, name):
        other = UserFactory(roles=["Neurologist"])
        client.force_login(other)
        assert client.get(reverse(name, args=[done_job.pk])).status_code == 404
        assert not AccessLog.objects.filter(action=AccessAction.DOWNLOAD).exists()

    def test_signed_out_goes_to_sign_in(self, client, done_job):
        client.logout()
        response = client.get(reverse("job_detail", args=[done_job.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_a_requester_who_lost_the_permission_may_not_download(
        self, client, neurologist, done_job
    ):
        neurologist.groups.clear()
        assert (
            client.get(reverse("job_download", args=[done_job.pk])).status_code == 403
        )

    def test_a_job_still_running_has_no_file(self, client, neurologist):
        smiths(3)
        job = queue_patients(client, neurologist)
        assert client.get(reverse("job_download", args=[job.pk])).status_code == 404

    def test_my_exports_lists_mine_only(self, client, neurologist, done_job):
        theirs = BackgroundJob.objects.create(
            requested_by=UserFactory(), title="Someone else's", runner="x"
        )
        page = client.get(reverse("job_list")).content.decode()
        assert reverse("job_detail", args=[done_job.pk]) in page
        assert "3 of 3 rows" in page
        assert reverse("job_detail", args=[theirs.pk]) not in page

    def test_the_pages_queries_do_not_grow(
        self, client, neurologist, done_job, django_assert_num_queries
    ):
        # Session, user, second-factor device, the job, the user's and the
        # roles' permissions (the menu).
        with django_assert_num_queries(6):
            client.get(reverse("job_detail", args=[done_job.pk]))
        with CaptureQueriesContext(connection) as baseline:
            client.get(reverse("job_list"))
        for _ in range(5):
            BackgroundJob.objects.create(
                requested_by=neurologist, title="T", runner="x"
            )
        with django_assert_num_queries(len(baseline)):
            client.get(reverse("job_list"))


def test_the_admin_lists_jobs_without_their_parameters(client, superuser):
    job = BackgroundJob.objects.create(
        requested_by=superuser,
        title="Patients (CSV)",
        runner="patients.views.patient_list_export_job",
        parameters={"query": "q=Zebedee"},
    )
    client.force_login(superuser)
    changelist = client.get(reverse("admin:clinic_backgroundjob_changelist"))
    change = client.get(reverse("admin:clinic_backgroundjob_change", args=[job.pk]))
    assert "Patients (CSV)" in changelist.content.decode()
    assert change.status_code == 200
    assert "Zebedee" not in changelist.content.decode() + change.content.decode()


class TestRetention:
    def test_old_files_are_removed_and_the_job_stays(
        self, client, neurologist, settings
    ):
        settings.TASKS = IMMEDIATE
        settings.CLINIC_JOB_FILE_DAYS = 7
        smiths(3)
        old = queue_patients(client, neurologist)
        BackgroundJob.objects.filter(pk=old.pk).update(
            finished_at=timezone.now() - datetime.timedelta(days=8)
        )
        client.get(PATIENTS_EXPORT, {"q": "smith", "format": "xlsx"})
        recent = BackgroundJob.objects.exclude(pk=old.pk).get()
        old.refresh_from_db()
        stored = old.file.path
        call_command("remove_old_job_files", verbosity=0)
        old.refresh_from_db()
        recent.refresh_from_db()
        assert not old.file and old.file_removed_at is not None
        assert not os.path.exists(stored)
        assert recent.file
        page = client.get(reverse("job_detail", args=[old.pk])).content.decode()
        assert "The file was removed on" in page
        assert client.get(reverse("job_download", args=[old.pk])).status_code == 404
