"""Pages that compose both apps: the dashboard and the patient chart."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from clinic import timeline, worklists
from clinic.charts import line_chart
from clinic.models import AccessAction, AccessLog
from clinic.query_params import allow_query_params
from patients.models import (
    Assessment,
    Case,
    DiagnosticStudy,
    Patient,
)
from patients.scales import INSTRUMENT_CHOICES
from scheduling import recall
from scheduling.models import UPCOMING_STATUSES, Appointment
from treatments.models import (
    MedicationOrder,
    Referral,
    TherapySession,
    ToxinSession,
    TreatmentCourse,
)

# Published ranges, so every chart of one scale has the same axis. Sunnybrook's
# composite can fall below 0 (it is never clamped), hence its floor.
SCALE_AXES = {
    "jrs": (Decimal(0), Decimal(8)),
    "smc": (Decimal(1), Decimal(4)),
    "hfs7": (Decimal(0), Decimal(28)),
    "house_brackmann": (Decimal(1), Decimal(6)),
    "sunnybrook": (Decimal(-15), Decimal(100)),
    "bsdi": (Decimal(0), Decimal(4)),
}
RECALL_HORIZON_DAYS = 28
DASHBOARD_LIST_CAP = 10  # a glance: each panel links to its full list
WORKLIST_PAGE_SIZE = 50


def _can_see_clinical(user) -> bool:
    """Scheduling staff see demographics and appointments only."""
    return user.has_perm("patients.view_case")


@require_GET
@permission_required("patients.view_patient", raise_exception=True)
@allow_query_params("kind")
def patient_chart(request: HttpRequest, pk: int) -> HttpResponse:
    patient = get_object_or_404(
        Patient.objects.select_related("responsible_neurologist").prefetch_related(
            "guardians"
        ),
        pk=pk,
    )
    AccessLog.objects.create(
        user=request.user, patient=patient, action=AccessAction.VIEW
    )
    return render(
        request, "clinic/patient_chart.html", _chart_context(request, patient)
    )


@require_GET
@permission_required("patients.view_patient", raise_exception=True)
@allow_query_params("kind")
def patient_chart_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole chart laid out for paper; printing is logged like opening."""
    patient = get_object_or_404(
        Patient.objects.select_related("responsible_neurologist").prefetch_related(
            "guardians"
        ),
        pk=pk,
    )
    AccessLog.objects.create(
        user=request.user, patient=patient, action=AccessAction.PRINT
    )
    context = _chart_context(request, patient)
    context["printing"] = True
    return render(request, "clinic/patient_chart_print.html", context)


@require_GET
@permission_required("clinic.view_accesslog", raise_exception=True)
def patient_access_log(request: HttpRequest, pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient, pk=pk)
    entries = patient.access_logs.select_related("user")[:200]
    return render(
        request,
        "clinic/patient_access_log.html",
        {"patient": patient, "entries": entries},
    )


def _chart_context(request: HttpRequest, patient: Patient) -> dict:
    today = timezone.localdate()
    clinical = _can_see_clinical(request.user)
    appointments = list(
        Appointment.objects.filter(patient=patient).select_related("clinician")
    )
    context = {
        "patient": patient,
        "clinical": clinical,
        "guardians": list(patient.guardians.all()),
        "needs_guardian": False,
        "today": today,
        "next_appointment": next(
            (
                appointment
                for appointment in appointments
                if appointment.status in UPCOMING_STATUSES
                and appointment.starts_at >= timezone.now()
            ),
            None,
        ),
        "kinds": {
            kind: label
            for kind, label in timeline.KINDS.items()
            if clinical or kind in timeline.NON_CLINICAL_KINDS
        },
    }
    context["needs_guardian"] = patient.needs_guardian(
        sum(1 for guardian in context["guardians"] if guardian.holds_consent)
    )
    entries = timeline.appointment_entries(appointments)
    if clinical:
        records = _clinical_records(patient)
        context.update(records)
        entries += (
            timeline.study_entries(records["studies"])
            + timeline.assessment_entries(records["assessments"])
            + timeline.toxin_entries(records["toxin_sessions"])
            + timeline.therapy_entries(records["therapy_sessions"])
            + timeline.medication_entries(records["medication_orders"])
            + timeline.referral_entries(records["referrals"])
        )
        context["alerts"] = _alerts(patient, records, today)
        context["score_charts"] = _score_charts(records)
        context["units_charts"] = _units_charts(records["toxin_sessions"])
    kind = request.GET.get("kind", "")
    if kind in context["kinds"]:
        entries = [entry for entry in entries if entry.kind == kind]
    context["kind"] = kind if kind in context["kinds"] else ""
    context["entries"] = timeline.newest_first(entries)
    return context


def _clinical_records(patient: Patient) -> dict:
    """Every clinical row of the chart, one query per kind of record."""
    return {
        "cases": list(
            Case.objects.filter(patient=patient).select_related(
                "responsible_neurologist"
            )
        ),
        "studies": list(
            DiagnosticStudy.objects.filter(case__patient=patient).order_by(
                "-ordered_on"
            )
        ),
        "assessments": list(
            Assessment.objects.filter(case__patient=patient).order_by("assessed_on")
        ),
        "courses": list(
            TreatmentCourse.objects.filter(case__patient=patient).select_related(
                "case", "responsible_clinician"
            )
        ),
        "toxin_sessions": list(
            ToxinSession.objects.for_patient(patient)
            .with_total_units()
            .select_related("injector", "overridden_by")
            .prefetch_related("vials")
            .order_by("performed_at")
        ),
        "therapy_sessions": list(
            TherapySession.objects.filter(course__case__patient=patient)
        ),
        "medication_orders": list(
            MedicationOrder.objects.filter(course__case__patient=patient)
        ),
        "referrals": list(Referral.objects.filter(course__case__patient=patient)),
    }


def _alerts(patient: Patient, records: dict, today: datetime.date) -> list[str]:
    alerts = []
    for case in records["cases"]:
        if case.red_flags and case.is_open and not case.entered_in_error:
            labels = "; ".join(case.red_flag_labels())
            alerts.append(f"Red flag on {case.get_condition_display()}: {labels}.")
    if patient.is_minor and patient.weight_kg is None:
        alerts.append("Child with no recorded weight: toxin doses cannot be checked.")
    valid_sessions = [s for s in records["toxin_sessions"] if not s.entered_in_error]
    if valid_sessions:
        last = valid_sessions[-1]
        days = (today - last.performed_on).days
        minimum = settings.CLINIC_MIN_REINJECTION_DAYS
        if days < minimum:
            alerts.append(
                f"Last toxin session {days} days ago ({last.get_product_display()}): "
                f"the next should not be before {minimum} days."
            )
    for study in records["studies"]:
        if study.status == "resulted" and not study.entered_in_error:
            alerts.append(
                f"{study.get_modality_display()} result awaiting review "
                f"since {study.resulted_on:%d %b %Y}."
            )
    return alerts


def _score_charts(records: dict) -> list:
    """One trend per instrument, with the toxin sessions marked on it."""
    markers = [
        (session.performed_on, session.get_product_display())
        for session in records["toxin_sessions"]
        if not session.entered_in_error
    ]
    charts = []
    for instrument, name in INSTRUMENT_CHOICES:
        values = [
            (a.assessed_on, a.score, f"{a.score.normalize():f}")
            for a in records["assessments"]
            if a.instrument == instrument and not a.entered_in_error
        ]
        if values:
            charts.append(
                line_chart(
                    name, values, markers=markers, y_range=SCALE_AXES.get(instrument)
                )
            )
    return charts


def _units_charts(sessions) -> list:
    """Units per session, one line per product: units are never mixed."""
    by_product: dict[str, list] = {}
    for session in sessions:
        if session.entered_in_error or session.total_units is None:
            continue
        by_product.setdefault(session.get_product_display(), []).append(
            (
                session.performed_on,
                session.total_units,
                f"{session.total_units.normalize():f} U",
            )
        )
    return [
        line_chart(f"Units per session: {product}", values)
        for product, values in by_product.items()
    ]


@require_GET
@allow_query_params("page")
def worklist(request: HttpRequest, slug: str) -> HttpResponse:
    """Every row of one of the dashboard's worklists, a page at a time."""
    chosen = worklists.WORKLISTS.get(slug)
    if chosen is None:
        raise Http404("No such worklist.")
    if not request.user.has_perm(chosen.permission):
        raise PermissionDenied
    rows = chosen.rows(timezone.localdate())
    page = Paginator(rows, WORKLIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "clinic/worklist.html", {"worklist": chosen, "page_obj": page}
    )


@require_GET
@allow_query_params(appointments=frozenset({"all"}))
def dashboard(request: HttpRequest) -> HttpResponse:
    """What needs doing today, limited to what the user's role may see."""
    user = request.user
    now = timezone.localtime()
    today = now.date()
    show_all = request.GET.get("appointments") == "all"
    context = {
        "show_all": show_all,
        "today": today,
        "dashboard_list_cap": DASHBOARD_LIST_CAP,
        "count_cap": worklists.COUNT_CAP,
    }
    if user.has_perm("scheduling.view_appointment"):
        start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        todays = (
            Appointment.objects.filter(
                starts_at__gte=start,
                starts_at__lt=start + datetime.timedelta(days=1),
            )
            .select_related("patient", "clinician")
            .order_by("starts_at")
        )
        if not show_all:
            todays = todays.filter(clinician=user)
        context["appointments"] = list(todays)
        context["recall"] = _recall_due(today)
    context["worklists"] = [
        {"worklist": worklist, "rows": rows, "count": count}
        for worklist in worklists.for_user(user)
        for rows, count in [
            worklists.first_rows(worklist.rows(today), DASHBOARD_LIST_CAP)
        ]
    ]
    return render(request, "clinic/dashboard.html", context)


def _recall_due(today: datetime.date) -> dict:
    """Active toxin courses due within four weeks (or overdue) with no booking,
    the recall list's rule: the first few, and how many there are."""
    courses, count = worklists.first_rows(
        recall.due_courses(today=today, horizon_days=RECALL_HORIZON_DAYS),
        DASHBOARD_LIST_CAP,
    )
    return {
        "items": [
            {
                "patient": course.case.patient,
                "last_session_on": timezone.localtime(course.last_session_at).date(),
                "due_on": course.suggested_next_on,
                "overdue": course.suggested_next_on < today,
            }
            for course in courses
        ],
        "count": count,
    }
