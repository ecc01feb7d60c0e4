"""A long patient file imported by the task worker (clinic.jobs) instead of the
request: the admin's import confirms a dry run as always, and a file of more
than CLINIC_IMPORT_BACKGROUND_LINES rows is then written in the background,
through the same PatientResource and so the same patient form. The job's file
is a report of each row's outcome; its page shows how far the import got."""

import tablib
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.shortcuts import redirect
from django.utils.translation import gettext

from clinic import jobs
from clinic.list_exports import csv_lines
from patients.imports import PatientResource

RUNNER = "patients.import_jobs.import_patients"
PERMISSION = "patients.add_patient"
REPORT_HEADINGS = ("line", "mrn", "outcome", "what to correct")


class ImportedRowsCounted(PatientResource):
    """The patient resource telling the job how many rows are done."""

    def __init__(self, *, progress, **kwargs):
        super().__init__(**kwargs)
        self.progress = progress
        self.rows_done = 0

    def before_import(self, dataset, **kwargs):
        self.rows_total = len(dataset)
        super().before_import(dataset, **kwargs)

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        self.rows_done += 1
        self.progress(self.rows_done, self.rows_total)


def import_patients(*, text: str, user_id: int, progress) -> jobs.JobFile:
    """The import of a file whose dry run had no errors, with a report."""
    user = get_user_model().objects.get(pk=user_id)
    dataset = tablib.Dataset().load(text, format="csv")
    result = ImportedRowsCounted(progress=progress).import_data(
        dataset, dry_run=False, raise_errors=False, use_transactions=True, user=user
    )
    if result.has_errors():
        # The import's transaction was rolled back: nothing was written.
        line = result.error_rows[0].number + 1
        raise jobs.JobRefused(
            gettext(
                "Line %(line)s could not be saved, so nothing was imported. Check "
                "it and import the file again."
            )
            % {"line": line}
        )
    problems = {row.number: row.error_dict for row in result.invalid_rows}
    lines = []
    for number, row_result in enumerate(result.rows, start=1):
        what = "; ".join(
            f"{field}: {message}"
            for field, found in problems.get(number, {}).items()
            for message in found
        )
        mrn = str(dataset[number - 1][dataset.headers.index("mrn")]).strip().upper()
        lines.append((number + 1, mrn, row_result.import_type, what))
    report = "".join(csv_lines(REPORT_HEADINGS, lines))
    return jobs.JobFile(
        "patient-import-report.csv",
        ContentFile(report.encode()),
        exported=[
            (row.object_id, "patients.patient", row.object_id)
            for row in result.rows
            if row.object_id
        ],
    )


class ImportsInBackground:
    """For the admin's ImportMixin: past the line limit, the confirmed import is
    queued for the worker and the requester sent to its page."""

    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        if not confirm_form.is_valid():
            return super().process_import(request, **kwargs)
        stored = self.get_tmp_storage_class()(
            name=confirm_form.cleaned_data["import_file_name"],
            encoding=self.from_encoding,
            read_mode="r",
            **self.get_tmp_storage_class_kwargs(),
        )
        text = stored.read()
        if text.count("\n") <= settings.CLINIC_IMPORT_BACKGROUND_LINES:
            return super().process_import(request, **kwargs)
        stored.remove()
        job = jobs.queue_job(
            request,
            title=gettext("Import of a patient file"),
            runner=RUNNER,
            parameters={"text": text, "user_id": request.user.pk},
            permissions=[PERMISSION],
        )
        messages.info(
            request,
            gettext(
                "The file is long, so its patients are imported in the background. "
                "This page shows how far it got and offers a report of every row."
            ),
        )
        return redirect("job_detail", pk=job.pk)
