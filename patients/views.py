import copy

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from clinic import jobs_exports, list_exports
from clinic.access import record_access
from clinic.admin_records import CappedCountPaginator
from clinic.jobs import JobFile
from clinic.models import AccessAction
from clinic.query_params import allow_query_params
from clinic.submissions import (
    create_from_post,
    record_page,
)
from patients import coding
from patients.forms import (
    CaseForm,
    GuardianFormSet,
    PatientForm,
    PatientSearchForm,
    RedFlagAcknowledgementForm,
    StudyAmendmentForm,
    StudyOrderForm,
    StudyResultForm,
)
from patients.models import (
    FINDING_FIELDS,
    Case,
    Condition,
    DiagnosticStudy,
    Modality,
    Patient,
    RedFlag,
    SignedStudyError,
    StudyAmendment,
)
from patients.reports import detect_report_type
from patients.services import (
    ACKNOWLEDGE_PERMISSION,
    ReportNotStored,
    acknowledge_red_flag,
    amend_study,
    save_case,
    save_study,
    sign_off_study,
)

PATIENTS_PER_PAGE = 25


def _listed_patients(request: HttpRequest):
    """The search form and the patients it lists, in the list's order."""
    form = PatientSearchForm(request.GET)
    patients = Patient.objects.for_list_page()
    if form.is_valid():
        if not form.cleaned_data["archived"]:
            patients = patients.active()
        patients = patients.search(form.cleaned_data["q"])
    else:
        patients = patients.none()
    return form, patients.order_by("family_name", "given_name", "pk")


@require_GET
@permission_required("patients.view_patient", raise_exception=True)
@allow_query_params("q", "archived", "page")
def patient_list(request: HttpRequest) -> HttpResponse:
    form, patients = _listed_patients(request)
    # Counted up to a cap: nobody pages through a whole clinic; they search.
    page = CappedCountPaginator(patients, PATIENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = [
        (patient, patient.needs_guardian(patient.consenting_guardian_count))
        for patient in page
    ]
    return render(
        request,
        "patients/patient_list.html",
        {"form": form, "page_obj": page, "rows": rows},
    )


PATIENT_EXPORT_PERMISSIONS = ("patients.view_patient", list_exports.PERMISSION)


@require_GET
@permission_required(PATIENT_EXPORT_PERMISSIONS, raise_exception=True)
@allow_query_params("q", "archived", "format")
def patient_list_export(request: HttpRequest) -> HttpResponse:
    """The patients the list shows for the same search, as CSV or Excel; a long
    list in the background (clinic.jobs_exports)."""
    return jobs_exports.export_or_queue(
        request,
        _listed_patients(request)[1],
        file_format=list_exports.chosen_format(request),
        table=_patient_table,
        runner="patients.views.patient_list_export_job",
        permissions=PATIENT_EXPORT_PERMISSIONS,
        title=gettext("Patients"),
        what=gettext("patients"),
        list_url=reverse("patients:patient_list"),
    )


def patient_list_export_job(**parameters) -> JobFile:
    """The worker's half of patient_list_export."""
    return jobs_exports.run_export(
        items=lambda request: _listed_patients(request)[1],
        table=lambda request, patients: _patient_table(patients),
        **parameters,
    )


def _patient_table(patients: list[Patient]) -> list_exports.ExportTable:
    return list_exports.ExportTable(
        name="patients",
        headings=PATIENT_EXPORT_HEADINGS,
        rows=[_patient_export_row(patient) for patient in patients],
        logged=[(patient.pk, patient) for patient in patients],
    )


PATIENT_EXPORT_HEADINGS = (
    "Family name",
    "Given name",
    "MRN",
    "Date of birth",
    "Age",
    "Neurologist",
    "Flags",
)


def _patient_export_row(patient: Patient) -> list:
    flags = [
        "Minor without consenting guardian"
        if patient.needs_guardian(patient.consenting_guardian_count)
        else "",
        "Archived" if patient.is_archived else "",
        "Deceased" if patient.is_deceased else "",
    ]
    return [
        patient.family_name,
        patient.given_name,
        patient.mrn,
        patient.date_of_birth,
        patient.age,
        str(patient.responsible_neurologist or ""),
        "; ".join(flag for flag in flags if flag),
    ]


def _save_patient(request: HttpRequest, patient: Patient | None) -> HttpResponse:
    """The create and edit pages: the patient and guardians saved together or not
    at all."""
    clinical = request.user.has_perm("patients.view_case")
    if request.method == "POST":
        form = PatientForm(request.POST, instance=patient, clinical=clinical)
        # The patient form first: the guardians' check reads its date of birth.
        patient_valid = form.is_valid()
        guardians = GuardianFormSet(request.POST, instance=form.instance)
        if guardians.is_valid() and patient_valid:
            with transaction.atomic():
                saved = form.save()
                guardians.instance = saved
                guardians.save()
            messages.success(request, gettext("Patient saved."))
            return redirect(saved)
    else:
        form = PatientForm(instance=patient, clinical=clinical)
        guardians = GuardianFormSet(instance=patient or Patient())
        if patient is not None:
            record_access(request, patient, patient)
    return render(
        request,
        "patients/patient_form.html",
        {
            "form": form,
            "guardians": guardians,
            "patient": patient,
            "adult_age": settings.CLINIC_ADULT_AGE_YEARS,
        },
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
    study = get_object_or_404(DiagnosticStudy.objects.select_related("case"), pk=pk)
    if not study.report:
        raise Http404("This study has no report.")
    report = study.report.open("rb")
    detected = detect_report_type(report)
    if detected is None:
        report.close()
        raise Http404("The stored report is not a readable file.")
    content_type, extension = detected
    record_access(request, study.case.patient_id, study, action=AccessAction.DOWNLOAD)
    # A download, never shown in the application's own origin: a file is what
    # its uploader made it, and opened inline it could run in our pages' name.
    response = FileResponse(
        report,
        as_attachment=True,
        content_type=content_type,
        filename=f"study-{study.pk}-report{extension}",
    )
    # Patient documents must not linger in shared or browser caches.
    response["Cache-Control"] = "private, no-store"
    return response


def _case_page(request, case: Case) -> HttpResponse:
    """The create or edit page of a case."""
    return record_page(
        request,
        form_class=CaseForm,
        instance=case,
        queryset=Case.objects.select_related("patient"),
        write=lambda saved: save_case(case=saved, by=request.user),
        noun=gettext("case"),
        then=lambda saved: redirect(saved.patient),
        template="patients/case_form.html",
        context={
            "patient": case.patient,
            "case": case if case.pk else None,
            # For the optional script that narrows the code list as it changes.
            "code_script_data": {
                "hfs": Condition.HEMIFACIAL_SPASM.value,
                "hfsCodeBySide": coding.HEMIFACIAL_SPASM_CODE_BY_SIDE,
            },
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("patients.add_case", raise_exception=True)
def case_create(request: HttpRequest, patient_pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient, pk=patient_pk)
    return _case_page(
        request,
        Case(
            patient=patient,
            responsible_neurologist_id=patient.responsible_neurologist_id,
        ),
    )


@require_http_methods(["GET", "POST"])
@permission_required("patients.change_case", raise_exception=True)
def case_update(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(Case.objects.select_related("patient"), pk=pk)
    return _case_page(request, case)


@require_http_methods(["GET", "POST"])
@permission_required(ACKNOWLEDGE_PERMISSION, raise_exception=True)
@allow_query_params(flag=frozenset(RedFlag.values), back=frozenset({"dashboard"}))
def red_flag_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """A neurologist acknowledges one of the case's waiting red flags with a note
    (?flag= chooses it, ?back=dashboard returns there)."""
    case = get_object_or_404(Case.objects.select_related("patient"), pk=pk)
    back = "home" if request.GET.get("back") == "dashboard" else case.patient
    if request.method == "POST":
        form = RedFlagAcknowledgementForm(request.POST, case=case)
        if form.is_valid():
            try:
                acknowledgement = acknowledge_red_flag(
                    case=case,
                    flag=form.cleaned_data["flag"],
                    note=form.cleaned_data["note"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                label = acknowledgement.get_flag_display()
                messages.success(
                    request,
                    gettext("Red flag acknowledged: %(flag)s.") % {"flag": label},
                )
                return redirect(back)
    else:
        form = RedFlagAcknowledgementForm(
            case=case, initial={"flag": request.GET.get("flag", "")}
        )
        record_access(request, case.patient, case)
    return render(
        request,
        "patients/red_flag_acknowledge.html",
        {
            "form": form,
            "case": case,
            "patient": case.patient,
            "waiting": case.red_flags_waiting(),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("patients.add_diagnosticstudy", raise_exception=True)
@allow_query_params(modality=frozenset(Modality.values))
def study_create(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_object_or_404(Case.objects.select_related("patient"), pk=case_pk)
    if request.method == "POST":
        form = StudyOrderForm(
            request.POST, instance=DiagnosticStudy(case=case, ordered_by=request.user)
        )
        answer = create_from_post(
            request,
            form=form,
            queryset=DiagnosticStudy.objects.select_related("case__patient"),
            write=lambda _: save_study(form=form, by=request.user),
            noun=gettext("study"),
            then=lambda study: redirect(study.case.patient),
            on_created=lambda _: messages.success(request, gettext("Study ordered.")),
        )
        if answer is not None:
            return answer
    else:
        # A suggested order (?modality=mri from the chart) comes filled in.
        form = StudyOrderForm(initial={"modality": request.GET.get("modality", "")})
        record_access(request, case.patient, DiagnosticStudy(case=case))
    return render(
        request,
        "patients/study_form.html",
        {"form": form, "case": case, "patient": case.patient, "study": None},
    )


@require_http_methods(["GET", "POST"])
@permission_required("patients.change_diagnosticstudy", raise_exception=True)
def study_update(request: HttpRequest, pk: int) -> HttpResponse:
    study = get_object_or_404(
        DiagnosticStudy.objects.select_related(
            "case__patient", "ordered_by", "reviewed_by"
        ),
        pk=pk,
    )
    patient = study.case.patient
    if study.is_signed:
        messages.warning(
            request,
            gettext(
                "This study was signed off: its result is not changed in place. Add an "
                "amendment to correct it."
            ),
        )
        return redirect(study)
    if request.method == "POST":
        # The form fills a copy, so the heading shows the study as saved (its
        # status, its stored report) and sign-off is offered for a saved result only.
        form = StudyResultForm(request.POST, request.FILES, instance=copy.copy(study))
        if form.is_valid():
            try:
                save_study(form=form, by=request.user)
            except SignedStudyError as error:  # signed off since the page was read
                messages.error(request, " ".join(error.messages))
                return redirect(study)
            except ReportNotStored as error:
                form.add_error("report", error.message)
            else:
                messages.success(request, gettext("Study saved."))
                return redirect(patient)
    else:
        form = StudyResultForm(instance=study)
        record_access(request, patient, study)
    return render(
        request,
        "patients/study_form.html",
        {"form": form, "case": study.case, "patient": patient, "study": study},
    )


def _study_with_amendments(pk: int) -> DiagnosticStudy:
    return get_object_or_404(
        DiagnosticStudy.objects.select_related(
            "case__patient", "ordered_by", "reviewed_by"
        ).prefetch_related(
            Prefetch(
                "amendments",
                queryset=StudyAmendment.objects.select_related("amended_by"),
            )
        ),
        pk=pk,
    )


def _findings(study: DiagnosticStudy) -> list[tuple[str, str]]:
    """The structured findings of the study's modality, as (label, value) rows."""
    rows = []
    for name in FINDING_FIELDS.get(study.modality, ()):
        field = study._meta.get_field(name)
        value = getattr(study, name)
        if value in (None, "", []):
            continue
        if isinstance(value, bool):
            shown = gettext("Yes") if value else gettext("No")
        elif isinstance(value, list):
            shown = ", ".join(field.labels(value))
        elif field.choices:
            shown = getattr(study, f"get_{name}_display")()
        else:
            shown = str(value)
        rows.append((capfirst(field.verbose_name), shown))
    return rows


def _study_page(
    request: HttpRequest, study: DiagnosticStudy, amendment_form=None
) -> HttpResponse:
    may_amend = (
        study.is_signed
        and not study.entered_in_error
        and request.user.has_perm("patients.review_diagnosticstudy")
    )
    if may_amend and amendment_form is None:
        amendment_form = StudyAmendmentForm()
    record_access(request, study.case.patient, study)
    return render(
        request,
        "patients/study_detail.html",
        {
            "study": study,
            "case": study.case,
            "patient": study.case.patient,
            "findings": _findings(study),
            "amendments": study.amendments.all(),
            "amendment_form": amendment_form if may_amend else None,
        },
    )


@require_GET
@permission_required("patients.view_diagnosticstudy", raise_exception=True)
def study_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The study as signed, and beside its impression the amendments that
    correct it (who, when, why)."""
    return _study_page(request, _study_with_amendments(pk))


@require_POST
@permission_required("patients.review_diagnosticstudy", raise_exception=True)
def study_amend(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an amendment to a signed-off study; the original stays as signed."""
    study = _study_with_amendments(pk)
    form = StudyAmendmentForm(request.POST)
    if form.is_valid():
        try:
            amend_study(study=study, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.error(
                    request,
                    gettext("Not amended: %(why)s") % {"why": " ".join(error.messages)},
                )
                return redirect(study)
            form.add_error(None, error)  # next to the amendment's fields
        else:
            messages.success(request, gettext("Amendment added."))
            return redirect(study)
    return _study_page(request, study, form)


@require_POST
@permission_required("patients.review_diagnosticstudy", raise_exception=True)
def study_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign off a resulted study; anything else is explained, and left unchanged."""
    study = get_object_or_404(
        DiagnosticStudy.objects.select_related("case__patient"), pk=pk
    )
    try:
        sign_off_study(study=study, by=request.user)
    except ValidationError as error:
        study.refresh_from_db(fields=["status"])
        messages.error(
            request,
            gettext("Not signed off: %(why)s This study is %(status)s.")
            % {
                "why": " ".join(error.messages),
                "status": study.get_status_display().lower(),
            },
        )
        return redirect(study.case.patient)
    messages.success(request, gettext("Study signed off."))
    return redirect(study.case.patient)
