"""A patient's whole record in one zip, for their right of access: the FHIR
Bundle, a PDF summary of the chart, a CSV of every kind of record and the PDFs
of the letters kept. Made on request (a patient's record is small) and logged
as an export of the chart."""

import io
import json
import zipfile

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from clinic.access import record_access
from clinic.chart import chart_context
from clinic.fhir.bundle import patient_bundle
from clinic.fhir.references import KIND_PERMISSIONS, References, readable_kinds
from clinic.list_exports import csv_lines
from clinic.models import AccessAction, Letter
from clinic.query_params import allow_query_params
from patients.models import Assessment, Case, DiagnosticStudy, Guardian, Patient
from scheduling.models import Appointment
from treatments.models import (
    AdverseEffect,
    Injection,
    MedicationOrder,
    Referral,
    ReferralFollowUp,
    TherapySession,
    ToxinSession,
    TreatmentCourse,
    Vial,
)

PERMISSION = "patients.export_patient_record"
SUMMARY_CSS = ("bootstrap/css/bootstrap.min.css", "clinic/clinic.css")
# Stored for the application's own use, not part of what the record says.
INTERNAL_FIELDS = {"form_token", "search_name", "is_minor_without_guardian", "pdf"}
# Each CSV of the zip: its name and the patient's rows of its model.
RECORD_FILES = (
    ("patient", Patient, "pk"),
    ("guardians", Guardian, "patient"),
    ("cases", Case, "patient"),
    ("studies", DiagnosticStudy, "case__patient"),
    ("scores", Assessment, "case__patient"),
    ("treatment-courses", TreatmentCourse, "case__patient"),
    ("toxin-sessions", ToxinSession, "course__case__patient"),
    ("vials", Vial, "session__course__case__patient"),
    ("injections", Injection, "session__course__case__patient"),
    ("adverse-effects", AdverseEffect, "session__course__case__patient"),
    ("therapy-sessions", TherapySession, "course__case__patient"),
    ("medication-orders", MedicationOrder, "course__case__patient"),
    ("referrals", Referral, "course__case__patient"),
    ("referral-follow-ups", ReferralFollowUp, "referral__course__case__patient"),
    ("appointments", Appointment, "patient"),
    ("letters", Letter, "patient"),
)
MISSING_LETTER = "This letter was produced, but its file is missing from the store.\n"
README = """This file holds the record {clinic} keeps of {name}, produced {when}.

fhir-bundle.json  the whole record as a FHIR R4 Bundle, for another clinic's system
summary.pdf       the chart as the clinic sees it
csv/              one table per kind of record, one row per record
letters/          the letters the clinic produced about the patient
"""


def _fields(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if field.name not in INTERNAL_FIELDS
    ]


def _cell(obj, field: models.Field):
    if field.is_relation:
        return getattr(obj, field.attname)
    if field.choices:
        return getattr(obj, f"get_{field.name}_display")()
    value = field.value_from_object(obj)
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def _csv(model, rows) -> str:
    fields = _fields(model)
    headings = [
        f"{field.name}_id" if field.is_relation else field.name for field in fields
    ]
    lines = csv_lines(headings, ([_cell(obj, f) for f in fields] for obj in rows))
    return "".join(lines)


def _summary_pdf(request: HttpRequest, patient: Patient) -> bytes:
    from weasyprint import CSS, HTML  # loads Pango: only when a PDF is made

    context = chart_context(request, patient) | {
        "printing": True,
        "produced_by": request.user,
    }
    html = render_to_string("records/summary.html", context, request=request)
    stylesheets = [CSS(filename=finders.find(name)) for name in SUMMARY_CSS]
    return HTML(string=html).write_pdf(stylesheets=stylesheets)


def record_zip(request: HttpRequest, patient: Patient) -> bytes:
    refs = References(readable_kinds(request.user))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            README.format(
                clinic=settings.CLINIC_NAME,
                name=f"{patient.given_name} {patient.family_name}",
                when=timezone.localtime().strftime("%d %b %Y %H:%M"),
            ),
        )
        bundle = patient_bundle(patient, refs)
        archive.writestr(
            "fhir-bundle.json", json.dumps(bundle, ensure_ascii=False, indent=1)
        )
        archive.writestr("summary.pdf", _summary_pdf(request, patient))
        for name, model, path in RECORD_FILES:
            rows = model._default_manager.filter(**{path: patient.pk}).order_by("pk")
            archive.writestr(f"csv/{name}.csv", _csv(model, rows))
        for letter in Letter.objects.filter(patient=patient).order_by("pk"):
            name = f"letters/letter-{letter.pk}-{letter.kind}"
            try:
                with letter.pdf.open("rb") as pdf:
                    archive.writestr(f"{name}.pdf", pdf.read())
            except FileNotFoundError:
                archive.writestr(f"{name}-missing.txt", MISSING_LETTER)
    return buffer.getvalue()


@require_GET
@permission_required(PERMISSION, raise_exception=True)
@allow_query_params()
def patient_record_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The patient's whole record as a zip, logged as an export of the chart: for
    a role that reads every kind of record."""
    if not request.user.has_perms(KIND_PERMISSIONS.values()):
        raise PermissionDenied
    patient = get_object_or_404(Patient, pk=pk)
    content = record_zip(request, patient)
    record_access(request, patient, action=AccessAction.EXPORT)
    response = HttpResponse(content, content_type="application/zip")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="record-{patient.pk}-{stamp}.zip"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
