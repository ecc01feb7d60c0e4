"""Day and week calendars, the clinicians' iCalendar feeds, and one appointment as
an .ics file for the patient."""

import datetime
import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_safe,
)

from clinic.access import record_access
from clinic.models import CLINICAL_ROLES, AccessAction
from clinic.query_params import allow_query_params
from scheduling import calendars, free_slots
from scheduling.models import Appointment, CalendarFeed

VIEW_PERMISSION = "scheduling.view_appointment"
# Dates outside these are typing mistakes, and far enough from the ends of the
# calendar that a week either side can always be computed.
FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2999, 12, 31)
# What a page shows of an appointment; nothing clinical is even loaded.
CALENDAR_FIELDS = [
    "clinician_id",
    "patient_id",
    "kind",
    "status",
    "starts_at",
    "ends_at",
    "patient__given_name",
    "patient__family_name",
    "clinician__username",
    "clinician__first_name",
    "clinician__last_name",
]


def _chosen_day(request: HttpRequest) -> tuple[datetime.date, str]:
    """The day asked for, or today with a message saying why."""
    today = timezone.localdate()
    text = request.GET.get("date", "").strip()
    if not text:
        return today, ""
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        return today, gettext("That is not a date (use YYYY-MM-DD); showing today.")
    if not FIRST_DAY <= day <= LAST_DAY:
        return today, gettext("Choose a date between 1900 and 2999; showing today.")
    return day, ""


WHOLE_CLINIC = "all"
# The whole clinic's calendar shows this many clinicians at a time: a tablet
# holds about six columns, and the page costs the same however large the staff.
COLUMNS_PER_PAGE = 6


def _chosen_clinician(request: HttpRequest, *, week: bool, staff: list):
    """The clinician asked for, None for the whole clinic; an unknown one is 404.

    A week starts as one clinician's (the user's, if they see patients, else the
    first): the whole clinic's week is many columns of seven days."""
    value = request.GET.get("clinician", "").strip()
    if week and not value:
        return request.user if request.user in staff else next(iter(staff), None)
    if value in ("", WHOLE_CLINIC):
        return None
    if not (value.isascii() and value.isdigit()):
        raise Http404("No such clinician.")
    return get_object_or_404(get_user_model(), pk=int(value))


def _in_window(first, last, zone):
    """The appointments on the days shown, every status: the grid shows cancelled
    visits too. The lower bound on the start lets the query use its index."""
    window_starts, _ = calendars.local_day_bounds(first, zone)
    _, window_ends = calendars.local_day_bounds(last, zone)
    return Appointment.objects.overlapping(window_starts, window_ends).filter(
        starts_at__gt=window_starts - calendars.LONGEST_VISIT
    )


def _appointments_shown(window, clinician_ids) -> list[Appointment]:
    """The window's appointments of the clinicians in the columns shown only."""
    return list(
        window.filter(clinician__in=clinician_ids)
        .select_related("patient", "clinician")
        .only(*CALENDAR_FIELDS)
        .order_by("starts_at", "pk")
    )


def _columns_shown(staff, clinician, window) -> list[tuple[int, str]]:
    """One column for the chosen clinician, else one per clinical staff member and
    one per other clinician with an appointment in the window."""
    if clinician is not None:
        return [(clinician.pk, clinician.display_name)]
    shown = [(user.pk, user.display_name) for user in staff]
    others = (
        get_user_model()
        .objects.filter(pk__in=window.values("clinician_id"))
        .exclude(pk__in=[user.pk for user in staff])
    )
    return shown + sorted(
        ((user.pk, user.display_name) for user in others),
        key=lambda column: column[1].lower(),
    )


def _gap_booker(request: HttpRequest, zone) -> calendars.GapBooker | None:
    """For a user who books: where a booking from a free gap starts, for a gap
    that the shortest kind of visit still fits (scheduling.free_slots)."""
    if not request.user.has_perm("scheduling.add_appointment"):
        return None
    return functools.partial(
        free_slots.gap_booking_start,
        minutes=min(settings.CLINIC_APPOINTMENT_MINUTES.values()),
        step_minutes=settings.CLINIC_SLOT_STEP_MINUTES,
        zone=zone,
        now=timezone.now(),
    )


def _calendar_page(request: HttpRequest, *, week: bool) -> HttpResponse:
    day, error = _chosen_day(request)
    # One query: the clinical staff, for the whole-clinic columns and the chooser.
    staff = list(get_user_model().objects.in_roles(*CLINICAL_ROLES))
    clinician = _chosen_clinician(request, week=week, staff=staff)
    zone = timezone.get_current_timezone()
    first = calendars.week_start(day) if week else day
    last = first + datetime.timedelta(days=6) if week else day
    window = _in_window(first, last, zone)
    all_columns = _columns_shown(staff, clinician, window)
    columns_page = Paginator(all_columns, COLUMNS_PER_PAGE).get_page(
        request.GET.get("columns")
    )
    shown = list(columns_page.object_list)
    bookings = [
        calendars.Booking.of(appointment)
        for appointment in _appointments_shown(window, [pk for pk, _ in shown])
    ]
    days = calendars.shown_days(first, last, bookings, zone) if week else [day]
    columns = calendars.build_grid(
        days=days,
        clinicians=shown,
        bookings=bookings,
        zone=zone,
        book_at=_gap_booker(request, zone),
    )
    step = datetime.timedelta(days=7 if week else 1)
    # The chooser offers the whole-clinic columns, and keeps the one chosen.
    chooser = (
        [(user.pk, user.display_name) for user in staff] if clinician else all_columns
    )
    if clinician is not None and clinician not in staff:
        chooser.append((clinician.pk, clinician.display_name))
    context = {
        "week": week,
        "heading": clinician.display_name
        if clinician is not None
        else gettext("whole clinic"),
        "zone_name": str(zone),
        "day": day,
        "first": first,
        "last": last,
        "days": days,
        "columns": columns,
        "clinician": clinician,
        "clinicians": chooser,
        "whole_clinic": WHOLE_CLINIC,
        "columns_page": columns_page,
        "error": error,
        "previous": (first - step).isoformat(),
        "next": (first + step).isoformat(),
        "today": timezone.localdate(),
        "opens": datetime.time(settings.CLINIC_DAY_STARTS_HOUR % 24),
        "closes": datetime.time(settings.CLINIC_DAY_ENDS_HOUR % 24),
    }
    template = (
        "scheduling/calendar_week.html" if week else "scheduling/calendar_day.html"
    )
    return render(request, template, context)


@require_GET
@permission_required(VIEW_PERMISSION, raise_exception=True)
@allow_query_params("date", "clinician", "columns")
def calendar_day(request: HttpRequest) -> HttpResponse:
    """One day for one clinician or the whole clinic, with the free gaps."""
    return _calendar_page(request, week=False)


@require_GET
@permission_required(VIEW_PERMISSION, raise_exception=True)
@allow_query_params("date", "clinician", "columns")
def calendar_week(request: HttpRequest) -> HttpResponse:
    """Monday to Friday (and a weekend day with a booking), with the free gaps."""
    return _calendar_page(request, week=True)


@login_not_required
@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A clinician's appointments for a calendar app, opened by its secret address
    without a login: times, kind and patient initials only."""
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("clinician"),
        token=token,
        revoked_at__isnull=True,
    )
    # A clinician who has left, or no longer sees appointments, shares nothing.
    if not feed.clinician.has_perm(VIEW_PERMISSION):
        raise Http404("No such feed.")
    now = timezone.now()
    appointments = (
        Appointment.objects.active()
        .filter(
            clinician_id=feed.clinician_id,
            starts_at__gte=now - calendars.FEED_PAST,
            starts_at__lt=now + calendars.FEED_FUTURE,
        )
        .select_related("patient")
        .only(
            "kind",
            "starts_at",
            "ends_at",
            "patient__given_name",
            "patient__family_name",
        )
        .order_by("starts_at", "pk")
    )
    body = calendars.feed_calendar(
        (
            calendars.FeedEvent(
                pk=appointment.pk,
                kind=appointment.get_kind_display(),
                starts_at=appointment.starts_at,
                ends_at=appointment.ends_at,
                initials=calendars.initials(
                    appointment.patient.given_name, appointment.patient.family_name
                ),
            )
            for appointment in appointments
        ),
        feed_pk=feed.pk,
        stamp=now,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


FEED_ACTIONS = {"create", "regenerate", "revoke"}


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required(VIEW_PERMISSION, raise_exception=True)
def calendar_feed_settings(request: HttpRequest) -> HttpResponse:
    """The logged-in user's own feed: its address, and making, replacing or
    revoking it. Nobody manages another user's feed here."""
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in FEED_ACTIONS:
            messages.error(request, gettext("Choose create, regenerate or revoke."))
        elif action == "revoke":
            if calendars.revoke_feed(clinician=request.user):
                messages.success(
                    request,
                    gettext("Your feed is revoked: its address no longer works."),
                )
            else:
                messages.info(request, gettext("You have no feed to revoke."))
        elif action == "create" and _live_feed(request.user) is not None:
            # A second click, or another tab: keep the address already shared.
            messages.info(
                request, gettext("You already have a feed; its address is below.")
            )
        else:
            try:
                calendars.issue_feed(clinician=request.user)
            except IntegrityError:
                messages.error(
                    request,
                    gettext(
                        "Your feed was changed at the same moment elsewhere; "
                        "its current address is below."
                    ),
                )
            else:
                messages.success(
                    request,
                    gettext("Your new feed address is below.")
                    if action == "create"
                    else gettext(
                        "Your feed has a new address; the old one no longer works."
                    ),
                )
        return redirect("scheduling:calendar_feed_settings")
    feed = _live_feed(request.user)
    url = (
        request.build_absolute_uri(
            reverse("scheduling:calendar_feed", args=[feed.token])
        )
        if feed
        else ""
    )
    return render(
        request,
        "scheduling/calendar_feed_settings.html",
        {
            "feed": feed,
            "url": url,
            "webcal_url": "webcal://" + url.split("://", 1)[1] if url else "",
            "past_days": calendars.FEED_PAST.days,
            "future_days": calendars.FEED_FUTURE.days,
        },
    )


def _live_feed(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(clinician=user, revoked_at__isnull=True).first()


@require_GET
@permission_required(VIEW_PERMISSION, raise_exception=True)
def appointment_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """One booked appointment as a file for the patient's calendar. A cancelled or
    missed one has no file: 404."""
    appointment = get_object_or_404(
        Appointment.objects.active()
        .select_related("patient")
        .only("kind", "starts_at", "ends_at", "status", "patient__language"),
        pk=pk,
    )
    record_access(
        request, appointment.patient_id, appointment, action=AccessAction.EXPORT
    )
    # The patient's file, in the language of what the patient receives.
    with translation.override(appointment.patient.language):
        body = calendars.patient_calendar(
            pk=appointment.pk,
            kind=appointment.get_kind_display(),
            starts_at=appointment.starts_at,
            ends_at=appointment.ends_at,
            stamp=timezone.now(),
        )
    local = timezone.localtime(appointment.starts_at)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="appointment-{local:%Y-%m-%d-%H%M}.ics"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
