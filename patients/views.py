from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from patients.forms import GuardianFormSet, PatientForm, PatientSearchForm
from patients.models import DiagnosticStudy, Patient
from patients.reports import detect_report_type

PATIENTS_PER_PAGE = 25


@require_GET
@permission_required("patients.view_patient", raise_exception=True)
def patient_list(request: HttpRequest) -> HttpResponse:
    form = PatientSearchForm(request.GET)
    patients = Patient.objects.for_list_page()
    if form.is_valid():
        if not form.cleaned_data["archived"]:
            patients = patients.active()
        patients = patients.search(form.cleaned_data["q"])
    else:
        patients = patients.none()
    patients = patients.order_by("family_name", "given_name", "pk")
    page = Paginator(patients, PATIENTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        (patient, patient.needs_guardian(patient.guardian_count)) for patient in page
    ]
    return render(
        request,
        "patients/patient_list.html",
        {"form": form, "page_obj": page, "rows": rows},
    )


def _save_patient(request: HttpRequest, patient: Patient | None) -> HttpResponse:
    """The create and edit pages: the patient and guardians saved together or not
    at all."""
    if request.method == "POST":
        form = PatientForm(request.POST, instance=patient)
        guardians = GuardianFormSet(request.POST, instance=form.instance)
        if form.is_valid() and guardians.is_valid():
            with transaction.atomic():
                saved = form.save()
                guardians.instance = saved
                guardians.save()
            messages.success(request, "Patient saved.")
            if saved.needs_guardian(saved.guardians.count()):
                messages.warning(
                    request,
                    "This patient is a minor with no guardian on record: add one "
                    "who can consent to treatment.",
                )
            return redirect(saved)
    else:
        form = PatientForm(instance=patient)
        guardians = GuardianFormSet(instance=patient or Patient())
    return render(
        request,
        "patients/patient_form.html",
        {"form": form, "guardians": guardians, "patient": patient},
    )


@require_http_methods(["GET", "POST"])
@permission_required("patients.add_patient", raise_exception=True)
def patient_create(request: HttpRequest) -> HttpResponse:
    return _save_patient(request, None)


@require_http_methods(["GET", "POST"])
@permission_required("patients.change_patient", raise_exception=True)
def patient_update(request: HttpRequest, pk: int) -> HttpResponse:
    return _save_patient(request, get_object_or_404(Patient, pk=pk))


@require_GET
@permission_required("patients.view_diagnosticstudy", raise_exception=True)
def study_report(request: HttpRequest, pk: int) -> FileResponse:
    """Serve a study's report file to a user allowed to see studies, never publicly."""
    study = get_object_or_404(DiagnosticStudy, pk=pk)
    if not study.report:
        raise Http404("This study has no report.")
    report = study.report.open("rb")
    detected = detect_report_type(report)
    if detected is None:
        report.close()
        raise Http404("The stored report is not a readable file.")
    content_type, extension = detected
    response = FileResponse(
        report,
        content_type=content_type,
        filename=f"study-{study.pk}-report{extension}",
    )
    # Patient documents must not linger in shared or browser caches.
    response["Cache-Control"] = "private, no-store"
    return response
