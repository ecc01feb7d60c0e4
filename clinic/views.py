"""Pages that compose both apps: the dashboard and the patient chart."""

import datetime

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from clinic import clinic_list, worklists
from clinic.access import record_access
from clinic.chart import chart_context
from clinic.models import AccessAction, AccessLog
from clinic.query_params import allow_query_params
from patients.models import (
    Patient,
)
from scheduling import recall
from scheduling.calendars import local_day_bounds
from scheduling.models import Appointment

RECALL_HORIZON_DAYS = 28
DASHBOARD_LIST_CAP = 10  # a glance: each panel links to its full list
WORKLIST_PAGE_SIZE = 50
ACCESS_LOG_CAP = 200  # the chart's own list; the admin's pages hold the rest


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
    record_access(request, patient)
    return render(request, "clinic/patient_chart.html", chart_context(request, patient))


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
    record_access(request, patient, action=AccessAction.PRINT)
    context = chart_context(request, patient)
    context["printing"] = True
    return render(request, "clinic/patient_chart_print.html", context)


@require_GET
@permission_required("clinic.view_accesslog", raise_exception=True)
def patient_access_log(request: HttpRequest, pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient, pk=pk)
    record_access(request, patient, AccessLog)
    entries = list(patient.access_logs.select_related("user")[:ACCESS_LOG_CAP])
    return render(
        request,
        "clinic/patient_access_log.html",
        {"patient": patient, "entries": entries, "cap": ACCESS_LOG_CAP},
    )


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
        # Local midnight to local midnight: 23 or 25 hours when the clocks change.
        starts, ends = local_day_bounds(today, timezone.get_current_timezone())
        todays = (
            Appointment.objects.filter(starts_at__gte=starts, starts_at__lt=ends)
            .select_related("patient", "clinician")
            .order_by("starts_at")
        )
        if not show_all:
            todays = todays.filter(clinician=user)
        context["clinic_list"] = clinic_list.for_scheduler(user, today)
        if context["clinic_list"] is None:
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
