"""A long historical-session file checked and imported by the task worker
(clinic.jobs) instead of the request: the same treatments.session_imports run,
its report kept as the job's file (JSON) and shown by the import page.

The dry-run job keeps the uploaded text in its parameters; the import job names
that job and charts exactly its text, with the overrides chosen on its report
against the warnings that report holds. The text goes when the import is done
(or with the job's file, after CLINIC_JOB_FILE_DAYS).
"""

import dataclasses
import json

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils.translation import gettext

from clinic.jobs import JobFile, JobRefused
from clinic.models import BackgroundJob, JobStatus
from treatments import session_imports
from treatments.session_import_rows import ImportFileError, Row

PERMISSION = "treatments.add_toxinsession"
CHECK_RUNNER = "treatments.session_import_jobs.check_file"
IMPORT_RUNNER = "treatments.session_import_jobs.import_file"


def check_file(*, text: str, user_id: int, progress) -> JobFile:
    """The dry run of an uploaded file."""
    user = get_user_model().objects.get(pk=user_id)
    return _report_file(
        "session-import-check.json",
        _run(text, by=user, dry_run=True, progress=progress),
    )


def import_file(*, checked_job_id: int, override: dict, user_id: int, progress):
    """The import of the file a dry-run job checked, with the overrides chosen
    on its report."""
    user = get_user_model().objects.get(pk=user_id)
    checked = checked_job(user, checked_job_id)
    if checked is None or "text" not in checked.parameters:
        raise JobRefused(gettext("The checked file is gone: upload it again."))
    shown = {s.line: s.digest for s in stored_report(checked).sessions if s.digest}
    report = _run(
        checked.parameters["text"],
        by=user,
        dry_run=False,
        override=session_imports.Override(
            reason=override["reason"],
            whole_file=override["whole_file"],
            lines=frozenset(override["lines"]),
            shown=shown,
        ),
        progress=progress,
    )
    checked.parameters = {k: v for k, v in checked.parameters.items() if k != "text"}
    checked.save(update_fields=["parameters"])
    return _report_file("session-import.json", report)


def _run(text: str, **options) -> session_imports.ImportReport:
    try:
        return session_imports.import_sessions(text, **options)
    except ImportFileError as error:
        raise JobRefused(str(error)) from None


def _report_file(name: str, report: session_imports.ImportReport) -> JobFile:
    content = json.dumps(dataclasses.asdict(report), default=str)
    return JobFile(name, ContentFile(content.encode()))


def checked_job(user, job_id) -> BackgroundJob | None:
    """The user's own finished dry-run or import job with that id."""
    return BackgroundJob.objects.filter(
        pk=job_id,
        requested_by=user,
        runner__in=(CHECK_RUNNER, IMPORT_RUNNER),
        status=JobStatus.DONE,
    ).first()


def stored_report(job: BackgroundJob) -> session_imports.ImportReport:
    """The report a job kept, as the import page shows one."""
    with job.file.open("rb") as stored:
        data = json.load(stored)
    return session_imports.ImportReport(
        sessions=[
            session_imports.SessionOutcome(
                rows=[Row(**row) for row in session.pop("rows")], **session
            )
            for session in data["sessions"]
        ],
        dry_run=data["dry_run"],
    )
