"""Where the next visit can go: the first day it may be offered to the patient
(for a toxin session the earliest safe date and the suggested date, the recall
facts each toxin course keeps), and the clinician's free times from that day
(scheduling.free_slots over one query of appointments, however many days).

The free times are a help for choosing; the booking service still checks the
chosen time (clashes, the earliest safe date, the override) when it is booked.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from patients.models import Patient
from scheduling import calendars, free_slots
from scheduling.booking_checks import local_day
from scheduling.models import Appointment, AppointmentKind
from treatments.intervals import earliest_safe_date
from treatments.models import CourseKind, CourseStatus, TreatmentCourse

# The booking page lists this many free times, at most SLOTS_PER_DAY a day, over
# HORIZON_DAYS from the first day they may be offered; the day calendars show the
# rest.
SLOTS_SHOWN = 12
SLOTS_PER_DAY = 4
HORIZON_DAYS = 28


@dataclass(frozen=True)
class FirstDates:
    """From when a visit is offered. For a toxin session: the earliest safe date
    (counted from the last session, or from a toxin session already booked, as
    the booking service counts) and the suggested date; else today."""

    today: datetime.date
    is_toxin: bool
    earliest_safe_on: datetime.date | None = None
    suggested_on: datetime.date | None = None
    # An open toxin appointment the earliest safe date is counted from.
    booked_toxin_on: datetime.date | None = None

    @property
    def first_on(self) -> datetime.date:
        """The first day searched: today, or the earliest safe date if later."""
        return max(self.today, self.earliest_safe_on or self.today)

    @property
    def suggested_first(self) -> datetime.date | None:
        """The suggested date, listed before the rest, when it is after the first
        day (an overdue patient's list simply starts at the first day)."""
        if self.suggested_on is not None and self.suggested_on > self.first_on:
            return self.suggested_on
        return None


def first_dates(
    *,
    patient: Patient,
    kind: str,
    course_pk: int | None,
    today: datetime.date,
) -> FirstDates:
    """The dates a visit of `kind` is offered from; two queries for a toxin
    session, none otherwise. The suggested date is that of the course chosen, or
    the soonest of the patient's active toxin courses."""
    if kind != AppointmentKind.TOXIN_SESSION:
        return FirstDates(today=today, is_toxin=False)
    courses = list(
        TreatmentCourse.objects.filter(
            case__patient=patient,
            kind=CourseKind.BOTULINUM_TOXIN,
            earliest_next_on__isnull=False,
        ).values_list("pk", "status", "earliest_next_on", "suggested_next_on")
    )
    # Every course: the safe date counts from the patient's last session of any.
    earliest = max((row[2] for row in courses), default=None)
    chosen = [row[3] for row in courses if row[0] == course_pk]
    active = [row[3] for row in courses if row[1] == CourseStatus.ACTIVE]
    suggested = min(chosen or active, default=None)
    booked_at = (
        Appointment.objects.open()
        .filter(patient=patient, kind=AppointmentKind.TOXIN_SESSION)
        .aggregate(latest=Max("starts_at"))["latest"]
    )
    booked_on = None
    if booked_at is not None:
        booked_on = local_day(booked_at)
        after_booked = earliest_safe_date(
            booked_on, settings.CLINIC_MIN_REINJECTION_DAYS
        )
        if earliest is None or after_booked > earliest:
            earliest = after_booked
        else:
            booked_on = None
    if suggested is not None and earliest is not None:
        suggested = max(suggested, earliest)
    return FirstDates(
        today=today,
        is_toxin=True,
        earliest_safe_on=earliest,
        suggested_on=suggested,
        booked_toxin_on=booked_on,
    )


def _busy_times(*, clinician, patient, windows) -> list[free_slots.Busy]:
    """The active appointments of the clinician or the patient (who cannot be in
    two places either) that touch the windows: one query."""
    touching = Q()
    for starts_at, ends_at in windows:
        touching |= Q(
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
            # A lower bound on the start lets the query use its index.
            starts_at__gt=starts_at - calendars.LONGEST_VISIT,
        )
    rows = (
        Appointment.objects.active()
        .filter(Q(clinician=clinician) | Q(patient=patient))
        .filter(touching)
        .values_list("starts_at", "ends_at")
    )
    return [free_slots.Busy(starts_at, ends_at) for starts_at, ends_at in rows]


def clinician_slots(
    *,
    clinician,
    patient: Patient,
    minutes: int,
    dates: FirstDates,
    now: datetime.datetime,
) -> list[free_slots.FreeSlot]:
    """The clinician's first free times for a visit of `minutes`: the suggested
    day's first, then from the first day on, over HORIZON_DAYS."""
    zone = timezone.get_current_timezone()
    days = [
        dates.first_on + datetime.timedelta(days=offset)
        for offset in range(HORIZON_DAYS)
    ]
    window_starts, _ = calendars.local_day_bounds(days[0], zone)
    _, window_ends = calendars.local_day_bounds(days[-1], zone)
    windows = [(window_starts, window_ends)]
    suggested = dates.suggested_first
    if suggested is not None and suggested > days[-1]:
        windows.append(calendars.local_day_bounds(suggested, zone))
    busy = _busy_times(clinician=clinician, patient=patient, windows=windows)
    return free_slots.free_slots(
        busy,
        days=days,
        first_day=suggested,
        limit=SLOTS_SHOWN,
        per_day=SLOTS_PER_DAY,
        minutes=minutes,
        step_minutes=settings.CLINIC_SLOT_STEP_MINUTES,
        zone=zone,
        not_before=now,
    )
