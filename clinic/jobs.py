"""Long work run by the task worker instead of the request (README "Background
jobs"): a BackgroundJob row says who asked, what, how far it got and what it made.

`queue_job` records the job and queues `run_job` (django-tasks, with the
django-tasks-db backend: `manage.py db_worker` runs the queue). The worker calls
the job's runner, a module-level function named by its dotted path, as

    runner(**parameters, progress=progress)

`parameters` are JSON values (a runner that needs the requester takes a
`user_id`); `progress(done, total=None)` says how many rows are done, and is
written to the job at most every PROGRESS_EVERY rows, so the job page can say
"1,200 of 4,597 rows". A runner returns a JobFile to keep the file it made, or
None (an import, say). It raises JobRefused with a message for the requester to
fail the job; any other exception fails it with a general message, and only
where it happened is logged (an exception's text may quote patient data). A
failed job keeps no file; a runner that writes records does so in its own
transaction, so that a failure leaves nothing half-written.

The requester must still hold `permissions` when the job starts and at each
download of its file.
"""

import datetime
import logging
import traceback
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace

from django.core.files import File
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext, gettext_lazy
from django_tasks import task
from simple_history.models import HistoricalRecords

from clinic.access import record_job_export, request_origin
from clinic.models import BackgroundJob, JobStatus

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 500
FAILED_MESSAGE = gettext_lazy(
    "The job stopped on an error, and nothing was kept. Try again; if it fails "
    "again, tell the clinic's administrator (the error is in the server's log)."
)
PERMISSION_LOST = gettext_lazy(
    "You no longer hold the permission this job needs, so it was not run."
)


class JobRefused(Exception):
    """Fails the job with `message`, shown to the requester: say what to do,
    never which patient."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = str(message)


@dataclass(frozen=True)
class JobFile:
    """What a runner made: the file's name and contents (an open file), and each
    (patient id, record type, record id) it holds, logged as exported when the
    file is kept."""

    name: str
    content: File
    exported: Sequence[tuple[int, str, int | None]] = ()


def queue_job(
    request: HttpRequest,
    *,
    title: str,
    runner: str,
    parameters: dict,
    permissions: Sequence[str] = (),
) -> BackgroundJob:
    """Record a job for request.user and queue it for the worker. `title` says
    what it is in words (never patient data); `runner` is the dotted name of
    the function the worker calls with `parameters` and `progress`."""
    import_string(runner)  # a wrong name fails here, not later in the worker
    address, request_id = request_origin(request)
    with transaction.atomic():
        job = BackgroundJob.objects.create(
            requested_by=request.user,
            title=title,
            runner=runner,
            parameters=parameters,
            permissions=list(permissions),
            address=address,
            request_id=request_id,
        )
        # The database backend queues in the same transaction as the job.
        run_job.enqueue(job.pk)
    return job


def may_use(user, job: BackgroundJob) -> bool:
    """Whether `user` (the requester) still holds what the job needs."""
    return user.is_active and user.has_perms(job.permissions)


class JobProgress:
    """The `progress` a runner is handed: writes rows done and the total to the
    job every PROGRESS_EVERY rows, at the total, and when the total changes."""

    def __init__(self, job: BackgroundJob):
        self.job = job
        self.saved_done = -1

    def __call__(self, done: int, total: int | None = None) -> None:
        if total is not None:
            total = max(total, done)  # the list grew while it was read
        changed_total = total is not None and total != self.job.rows_total
        if not (
            changed_total
            or done - self.saved_done >= PROGRESS_EVERY
            or (total is not None and done == total)
        ):
            return
        if total is not None:
            self.job.rows_total = total
        self.job.rows_done = done
        self.job.save(update_fields=["rows_done", "rows_total"])
        self.saved_done = done


@task()
def run_job(job_id: int) -> None:
    """The worker's task: run a queued job once, and record how it ended."""
    job = BackgroundJob.objects.select_related("requested_by").get(pk=job_id)
    if job.status != JobStatus.QUEUED:
        return
    job.status, job.started_at = JobStatus.RUNNING, timezone.now()
    job.save(update_fields=["status", "started_at"])
    # Messages in the requester's language; history written as by the requester.
    with translation.override(job.requested_by.language), _as_requester(job):
        _run(job)


@contextmanager
def _as_requester(job: BackgroundJob):
    """What django-simple-history's middleware does for a request: the records
    a job writes are in their history as written by its requester."""
    HistoricalRecords.context.request = SimpleNamespace(user=job.requested_by)
    try:
        yield
    finally:
        del HistoricalRecords.context.request


def _run(job: BackgroundJob) -> None:
    try:
        if not may_use(job.requested_by, job):
            raise JobRefused(PERMISSION_LOST)
        made = import_string(job.runner)(**job.parameters, progress=JobProgress(job))
        _finish(job, made)
    except JobRefused as refusal:
        _fail(job, refusal.message)
    except Exception as error:
        # Where it happened, without the exception's text.
        logger.error(
            "background job %s (%s) failed with %s at\n%s",
            job.pk,
            job.runner,
            type(error).__name__,
            "".join(traceback.format_tb(error.__traceback__)),
        )
        _fail(job, gettext(FAILED_MESSAGE))


def _finish(job: BackgroundJob, made: JobFile | None) -> None:
    """Keep the file and log its rows as exported, all or nothing."""
    try:
        with transaction.atomic():
            if made is not None:
                record_job_export(job, made.exported)
                job.file.save(made.name, made.content, save=False)
                job.patient_ids = sorted({pid for pid, *_ in made.exported})
            job.status, job.finished_at = JobStatus.DONE, timezone.now()
            job.save()
    except Exception:
        if job.file:  # stored, but the job that offers it was not saved
            job.file.delete(save=False)
        raise
    finally:
        if made is not None:
            made.content.close()  # the runner's temporary file


def _fail(job: BackgroundJob, message: str) -> None:
    job.status, job.finished_at = JobStatus.FAILED, timezone.now()
    job.error = message[:300]
    job.save(update_fields=["status", "finished_at", "error"])


def remove_old_files(*, days: int) -> int:
    """Delete the files of jobs that finished more than `days` ago; the jobs
    stay, saying when their file went. How many files were removed."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    removed = 0
    for job in BackgroundJob.objects.filter(finished_at__lt=cutoff).exclude(file=""):
        job.file.delete(save=False)  # a file already gone is no error
        job.file_removed_at = timezone.now()
        job.save(update_fields=["file", "file_removed_at"])
        removed += 1
    # An import's uploaded text, kept for its import (treatments.session_import_jobs).
    for job in BackgroundJob.objects.filter(
        finished_at__lt=cutoff, parameters__has_key="text"
    ):
        job.parameters = {k: v for k, v in job.parameters.items() if k != "text"}
        job.save(update_fields=["parameters"])
    return removed
