"""Appointments of the demo clinic, booked through scheduling.booking.

The booking service finds the clashes (no clinician or patient is booked twice),
asks a neurologist's override for a toxin session before its earliest safe date,
and takes each visit's length from settings.CLINIC_APPOINTMENT_MINUTES; times lie
within settings.CLINIC_DAY_STARTS_HOUR to CLINIC_DAY_ENDS_HOUR. The service books
past times too, so the history of visits is booked the same way and then marked
completed (a charted toxin session completes its own appointment).
"""

import datetime
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone

from clinic.demo.dates import ONE_DAY, clinic_day_on_or_after, is_clinic_day
from clinic.demo.plan import BOOKING_WINDOW_DAYS, TODAY_VISITS
from clinic.models import User
from patients.models import Patient
from scheduling import booking, booking_checks
from scheduling.clinic_time import clinic_datetime
from scheduling.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    ContactMethod,
    RecallContact,
    WaitlistEntry,
)
from treatments.models import TreatmentCourse

SLOT_MINUTES = 15  # appointments start on the quarter hour
A_WEEK = timedelta(days=7)


@dataclass
class Visit:
    """An appointment to book once every patient's history exists."""

    patient: Patient
    clinician: User
    kind: str
    earliest: date
    latest: date
    course: TreatmentCourse | None = None
    status: str = ""  # empty: by how soon it is (status_by_time)
    cancel_reason: str = ""
    notes: str = ""


def starts_on(day: date, minutes: int) -> list[datetime.datetime]:
    """Every start on `day` that ends by the clinic's closing hour."""
    opens = settings.CLINIC_DAY_STARTS_HOUR * 60
    last = settings.CLINIC_DAY_ENDS_HOUR * 60 - minutes
    return [
        clinic_datetime(day, datetime.time(start // 60, start % 60))
        for start in range(opens, last + 1, SLOT_MINUTES)
    ]


def free_start(clinic, *, patient, clinician, day, kind) -> datetime.datetime | None:
    """A start on `day` the booking service finds no clash for, drawn at random."""
    minutes = booking.default_minutes(kind)
    starts = starts_on(day, minutes)
    clinic.booking_rng.shuffle(starts)
    for start in starts:
        end = start + timedelta(minutes=minutes)
        slot = booking_checks.Slot(patient.pk, clinician, start, end)
        if not booking_checks.conflicts([slot]):
            return start
    return None


def book(clinic, *, patient, clinician, kind, starts_at, course=None, **options):
    """One appointment through the booking service (a series of one)."""
    [appointment] = booking.book_series(
        patient=patient,
        clinician=clinician,
        course=course,
        first_starts_at=starts_at,
        count=1,
        interval_days=0,
        kind=kind,
        booked_by=options.pop("booked_by", clinic.scheduler),
        **options,
    )
    return appointment


def book_toxin_visit(clinic, *, course, injector, day, override_reason=""):
    """The visit a toxin session is charted on, booked by the scheduler. Before
    the earliest safe date the service refuses them, and the responsible
    neurologist books it, overriding with the session's reason."""
    patient = course.case.patient
    kind = AppointmentKind.TOXIN_SESSION
    start = free_start(clinic, patient=patient, clinician=injector, day=day, kind=kind)
    if start is None:
        raise CommandError(f"{injector.username} has no free slot on {day}.")
    visit = {"patient": patient, "clinician": injector, "kind": kind}
    try:
        return book(clinic, **visit, starts_at=start, course=course)
    except booking_checks.OverrideRequired:
        neurologist = course.case.responsible_neurologist
    return book(
        clinic,
        **visit,
        starts_at=start,
        course=course,
        booked_by=neurologist,
        override_reason=override_reason,
    )


def book_visit(clinic, visit: Visit, days: list[date]) -> Appointment:
    """The visit on the first of `days` with a free start, marked as it stands."""
    for day in days:
        if (visit.patient.pk, day) in clinic.patient_days:
            continue
        start = free_start(
            clinic,
            patient=visit.patient,
            clinician=visit.clinician,
            day=day,
            kind=visit.kind,
        )
        if start is None:
            continue
        clinic.patient_days.add((visit.patient.pk, day))
        appointment = book(
            clinic,
            patient=visit.patient,
            clinician=visit.clinician,
            kind=visit.kind,
            starts_at=start,
            course=visit.course,
            notes=visit.notes,
        )
        mark(clinic, appointment, visit.status, visit.cancel_reason)
        return appointment
    raise CommandError(
        f"No free {visit.kind} slot for {visit.clinician.username} between "
        f"{visit.earliest} and {visit.latest}."
    )


def mark(clinic, appointment: Appointment, status: str, cancel_reason: str) -> None:
    """Move a booked appointment on, through the booking service, as it stands."""
    status = status or status_by_time(clinic, appointment)
    if status == AppointmentStatus.CANCELLED:
        booking.cancel(appointment, reason=cancel_reason, by=clinic.scheduler)
    elif status != AppointmentStatus.BOOKED:
        booking.set_status(appointment, status=status, by=clinic.scheduler)


def status_by_time(clinic, appointment: Appointment) -> str:
    """Done if it has ended, arrived if it is under way, confirmed if within the
    week, booked otherwise."""
    now = timezone.now()
    if appointment.ends_at <= now:
        return AppointmentStatus.COMPLETED
    if appointment.starts_at <= now:
        return AppointmentStatus.ARRIVED
    if timezone.localtime(appointment.starts_at).date() <= clinic.days_ahead(7):
        return AppointmentStatus.CONFIRMED
    return AppointmentStatus.BOOKED


def clinic_days(visit: Visit) -> list[date]:
    days = []
    day = clinic_day_on_or_after(visit.earliest)
    while day <= visit.latest:
        days.append(day)
        day = clinic_day_on_or_after(day + ONE_DAY)
    return days


def book_appointments(clinic) -> None:
    """Today's list, the toxin recalls and planned visits of the next weeks."""
    visits = [*recall_visits(clinic), *clinic.visits]
    # Today's list, whatever the weekday (an extra clinic on a weekend or a bank
    # holiday), so the dashboard and calendars are alive on first run: the first
    # visits planned for the coming week are seen today instead.
    soon = [
        visit
        for visit in visits
        if visit.earliest <= clinic.days_ahead(7)
        and not visit.status
        and visit.kind != AppointmentKind.TOXIN_SESSION
    ]
    today = soon[:TODAY_VISITS]
    for visit in today:
        book_visit(clinic, visit, [clinic.today])
    for visit in visits:
        if visit not in today:
            days = clinic_days(visit)
            clinic.booking_rng.shuffle(days)
            # A day in the first week of the window first, as a booking clerk would.
            first_week = visit.earliest + A_WEEK
            days.sort(key=lambda day: day > first_week)
            book_visit(clinic, visit, days)


def recall_visits(clinic) -> list[Visit]:
    """Toxin sessions due in the window: booked, or the patient is being reached."""
    window_end = clinic.days_ahead(BOOKING_WINDOW_DAYS)
    visits = []
    due_count = 0
    for course, injector, last_session_on, due_within_window in clinic.recalls:
        if not due_within_window:
            continue
        due_count += 1
        due_on = last_session_on + timedelta(days=course.planned_interval_days)
        if due_count % 4 == 0:
            # Due and not yet booked: the recall list has work to do, and the
            # scheduler has already tried to reach the patient.
            record_recall_contact(clinic, course)
            continue
        if due_count % 5 == 0:
            # Booked, but would come sooner if a slot frees up.
            clinic.save(
                WaitlistEntry(
                    patient=course.case.patient,
                    course=course,
                    clinician=injector,
                    wanted_from=max(due_on, clinic.days_ahead(1)),
                    note="Can come at short notice on weekday mornings.",
                )
            )
        visits.append(
            Visit(
                patient=course.case.patient,
                clinician=injector,
                kind=AppointmentKind.TOXIN_SESSION,
                earliest=max(due_on, clinic.days_ahead(1)),
                latest=window_end,
                course=course,
                notes=f"Recall: due {due_on:%d %b %Y}",
            )
        )
    return visits


def record_recall_contact(clinic, course: TreatmentCourse) -> None:
    day = clinic.days_ago(2)
    while not is_clinic_day(day):
        day -= ONE_DAY
    clinic.save(
        RecallContact(
            course=course,
            method=ContactMethod.LEFT_MESSAGE,
            contacted_at=clinic_datetime(day, datetime.time(10, 15)),
            contacted_by=clinic.scheduler,
            note="Left a voicemail asking the patient to call back.",
        )
    )
