"""The pages of background jobs (clinic.jobs): each job's progress and file, and
"My exports". A job is its requester's alone: anyone else gets a 404."""

import os

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import number_format
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from clinic import list_exports
from clinic.access import record_job_download
from clinic.jobs import may_use
from clinic.models import BackgroundJob, JobStatus
from clinic.query_params import allow_query_params

# "My exports" lists the newest jobs; older ones are kept but not listed.
JOBS_LISTED = 50
# How often the page of a job still running reloads itself.
REFRESH_SECONDS = 2
CONTENT_TYPES = {
    list_exports.CSV: "text/csv; charset=utf-8",
    list_exports.EXCEL: list_exports.EXCEL_TYPE,
}


def rows_text(job: BackgroundJob) -> str:
    """ "1,200 of 4,597 rows", in the reader's language."""
    if job.rows_total is None:
        return ""
    return ngettext(
        "{done} of {total} row", "{done} of {total} rows", job.rows_total
    ).format(
        done=number_format(job.rows_done, force_grouping=True),
        total=number_format(job.rows_total, force_grouping=True),
    )


def _own_job(request: HttpRequest, pk: int) -> BackgroundJob:
    return get_object_or_404(
        BackgroundJob.objects.filter(requested_by=request.user), pk=pk
    )


@require_GET
@login_required
@allow_query_params()
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """How far the job got; its file once done, or why it failed."""
    # Queries: session, user, second-factor device, the job, permissions (2).
    job = _own_job(request, pk)
    if job.result_page:
        return redirect(job.result_page)
    return render(
        request,
        "clinic/job_detail.html",
        {
            "job": job,
            "rows_text": rows_text(job),
            "running": job.status in (JobStatus.QUEUED, JobStatus.RUNNING),
            "refresh_seconds": REFRESH_SECONDS,
            "file_days": settings.CLINIC_JOB_FILE_DAYS,
        },
    )


@require_GET
@login_required
@allow_query_params()
def job_list(request: HttpRequest) -> HttpResponse:
    """The user's newest jobs."""
    # Queries: session, user, second-factor device, the jobs, permissions (2).
    jobs = BackgroundJob.objects.filter(requested_by=request.user).defer(
        "parameters", "patient_ids"
    )[:JOBS_LISTED]
    return render(
        request,
        "clinic/job_list.html",
        {"rows": [(job, rows_text(job)) for job in jobs], "jobs_listed": JOBS_LISTED},
    )


@require_GET
@login_required
@allow_query_params()
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    """The job's file, to its requester while they hold what it needs; each
    patient it holds is logged as downloaded."""
    job = _own_job(request, pk)
    if job.status != JobStatus.DONE or not job.file:
        raise Http404("This job has no file to download.")
    if not may_use(request.user, job):
        raise PermissionDenied
    try:
        content = job.file.open("rb")
    except FileNotFoundError:
        raise Http404("The job's file is missing from the store.") from None
    record_job_download(request, job)
    extension = os.path.splitext(job.file.name)[1].lstrip(".")
    response = FileResponse(
        content,
        as_attachment=True,
        content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
        filename=os.path.basename(job.file.name),
    )
    response["Cache-Control"] = "private, no-store"
    return response
