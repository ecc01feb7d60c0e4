"""The FHIR export of one patient: /patients/<id>/fhir/, a Bundle as JSON."""

import json

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from clinic.access import record_access
from clinic.fhir.bundle import patient_bundle
from clinic.fhir.references import References, readable_kinds
from clinic.models import AccessAction
from clinic.query_params import allow_query_params
from patients.models import Patient

FHIR_JSON = "application/fhir+json"


@require_GET
@permission_required("patients.view_patient", raise_exception=True)
@allow_query_params()
def patient_fhir(request: HttpRequest, pk: int) -> HttpResponse:
    """The patient's record as a FHIR R4 Bundle, holding the kinds of record the
    reader's role may view; logged as an export of the chart."""
    patient = get_object_or_404(Patient, pk=pk)
    bundle = patient_bundle(patient, References(readable_kinds(request.user)))
    record_access(request, patient, action=AccessAction.EXPORT)
    response = HttpResponse(
        json.dumps(bundle, ensure_ascii=False, indent=1),
        content_type=f"{FHIR_JSON}; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="patient-{patient.pk}-fhir.json"'
    )
    return response
