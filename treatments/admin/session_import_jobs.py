"""The import page's background half (treatments.session_import_jobs): a file
longer than CLINIC_IMPORT_BACKGROUND_LINES is checked, and then imported, by the
task worker, and the page follows the job and shows its report."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext

from clinic import jobs
from clinic.jobs_views import REFRESH_SECONDS, rows_text
from clinic.models import BackgroundJob, JobStatus
from treatments.admin.session_import_forms import JobImportForm
from treatments.session_import_jobs import (
    CHECK_RUNNER,
    IMPORT_RUNNER,
    PERMISSION,
    stored_report,
)

TEMPLATE = "admin/treatments/toxinsession/import.html"


def _followed(job: BackgroundJob) -> HttpResponse:
    """To the import page, which follows the job and shows its report (the job
    page and My exports send there too)."""
    job.result_page = reverse("admin:treatments_toxinsession_import") + f"?job={job.pk}"
    job.save(update_fields=["result_page"])
    return redirect(job.result_page)


def queue_check(request: HttpRequest, text: str) -> HttpResponse:
    job = jobs.queue_job(
        request,
        title=gettext("Check of a file of historical toxin sessions"),
        runner=CHECK_RUNNER,
        parameters={"text": text, "user_id": request.user.pk},
        permissions=[PERMISSION],
    )
    return _followed(job)


def _own_import_job(request: HttpRequest) -> BackgroundJob:
    job_id = request.POST.get("job") or request.GET.get("job") or ""
    if not (job_id.isdigit() and len(job_id) < 18):
        raise Http404
    job = BackgroundJob.objects.filter(
        pk=int(job_id),
        requested_by=request.user,
        runner__in=(CHECK_RUNNER, IMPORT_RUNNER),
    ).first()
    if job is None:
        raise Http404
    return job


def job_page(request: HttpRequest, context: dict) -> HttpResponse:
    """A check or an import as it runs, then its report; a checked file's report
    offers the import with the overrides chosen on it."""
    job = _own_import_job(request)
    running = job.status in (JobStatus.QUEUED, JobStatus.RUNNING)
    context.update(
        job=job,
        running=running,
        rows_text=rows_text(job),
        refresh_seconds=REFRESH_SECONDS,
    )
    if job.status != JobStatus.DONE or not job.file:
        return TemplateResponse(request, TEMPLATE, context)
    report = stored_report(job)
    context["report"] = report
    if not report.dry_run:
        return TemplateResponse(request, TEMPLATE, context)
    warned = [s.line for s in report.sessions if s.digest]
    form = JobImportForm(
        request.POST if request.method == "POST" else None,
        initial={"job": job.pk},
        warned_lines=warned,
    )
    if form.is_bound and form.is_valid():
        return _queue_import(request, job, form)
    context["import_form"] = form
    return TemplateResponse(request, TEMPLATE, context)


def _queue_import(request, checked: BackgroundJob, form) -> HttpResponse:
    job = jobs.queue_job(
        request,
        title=gettext("Import of a file of historical toxin sessions"),
        runner=IMPORT_RUNNER,
        parameters={
            "checked_job_id": checked.pk,
            "override": form.chosen(),
            "user_id": request.user.pk,
        },
        permissions=[PERMISSION],
    )
    return _followed(job)
