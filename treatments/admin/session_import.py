"""The admin's import of historical toxin sessions (treatments.session_imports):
upload, a dry run that reports every session against its lines, then the import
with the overrides a neurologist chose on that report.

The file read on the dry run travels to the import signed, with the warnings each
session showed, so the import charts exactly the file that was checked and an
override covers exactly the warnings that were seen.
"""

import csv
import io

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from treatments import charting, session_imports
from treatments.admin.session_import_forms import SIGNING_SALT, ImportForm, UploadForm
from treatments.admin.session_import_jobs import job_page, queue_check
from treatments.session_import_rows import (
    IMPORT_COLUMNS,
    TEMPLATE_ROWS,
    ImportFileError,
)

PERMISSION = "treatments.add_toxinsession"
TEMPLATE = "admin/treatments/toxinsession/import.html"


def signed_check(text: str, report: session_imports.ImportReport) -> str:
    shown = {str(s.line): s.digest for s in report.sessions if s.digest}
    return signing.dumps(
        {"text": text, "shown": shown}, salt=SIGNING_SALT, compress=True
    )


def import_view(model_admin, request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": _("Import historical toxin sessions"),
        "columns": IMPORT_COLUMNS,
        "may_override": charting.may_override(request.user, []),
    }
    if request.method == "POST" and "checked" in request.POST:
        return _import(request, context)
    if "job" in request.GET or "job" in request.POST:
        return job_page(request, context)
    upload = UploadForm(request.POST or None, request.FILES or None)
    context["upload"] = upload
    if request.method == "POST" and upload.is_valid():
        text = upload.cleaned_data["file"]
        if text.count("\n") > settings.CLINIC_IMPORT_BACKGROUND_LINES:
            return queue_check(request, text)
        try:
            report = session_imports.import_sessions(
                text, by=request.user, dry_run=True
            )
        except ImportFileError as error:
            upload.add_error("file", str(error))
        else:
            context.update(_dry_run_context(text, report))
    return TemplateResponse(request, TEMPLATE, context)


def _dry_run_context(text, report, form=None) -> dict:
    warned = [s.line for s in report.sessions if s.digest]
    form = form or ImportForm(
        initial={"checked": signed_check(text, report)}, warned_lines=warned
    )
    return {"report": report, "import_form": form}


def _import(request: HttpRequest, context: dict) -> HttpResponse:
    checked = ImportForm(request.POST, warned_lines=_posted_lines(request))
    if not checked.is_valid():
        if "checked" in checked.errors:
            context["upload"] = UploadForm()
            context["upload_error"] = checked.errors["checked"][0]
            return TemplateResponse(request, TEMPLATE, context)
        text = checked.cleaned_data["checked"]["text"]
        report = session_imports.import_sessions(text, by=request.user, dry_run=True)
        context.update(_dry_run_context(text, report, form=checked))
        return TemplateResponse(request, TEMPLATE, context)
    report = session_imports.import_sessions(
        checked.cleaned_data["checked"]["text"],
        by=request.user,
        dry_run=False,
        override=checked.override(),
    )
    context["report"] = report
    return TemplateResponse(request, TEMPLATE, context)


def _posted_lines(request: HttpRequest) -> list[int]:
    return [int(line) for line in request.POST.getlist("lines") if line.isdigit()]


def template_view(model_admin, request: HttpRequest) -> HttpResponse:
    """The column layout with example rows, as a CSV to fill in."""
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(IMPORT_COLUMNS)
    writer.writerows(TEMPLATE_ROWS)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        'attachment; filename="toxin-sessions-template.csv"'
    )
    return response


def import_urls(model_admin):
    site = model_admin.admin_site
    return [
        path(
            "import/",
            site.admin_view(lambda request: import_view(model_admin, request)),
            name="treatments_toxinsession_import",
        ),
        path(
            "import/template/",
            site.admin_view(lambda request: template_view(model_admin, request)),
            name="treatments_toxinsession_import_template",
        ),
    ]
