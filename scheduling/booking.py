"""Booking appointments: the only way scheduling screens write appointments.

A booking, a move, a cancellation or a status change is checked first
(scheduling.booking_checks: clashes, and the earliest safe date of a toxin session
with a neurologist's override), then every appointment it touches is saved, or
none is.
"""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from patients.models import Patient
from scheduling import booking_checks
from scheduling.clinic_time import clinic_datetime
from scheduling.models import (
    UPCOMING_STATUSES,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    WaitlistEntry,
)
from treatments.models import ToxinSession, TreatmentCourse

# Who may be marked what, from where. A toxin session charted for the appointment
# also completes it (complete_for_toxin_session).
STATUS_CHANGES = {
    AppointmentStatus.BOOKED: {
        AppointmentStatus.CONFIRMED,
        AppointmentStatus.ARRIVED,
        AppointmentStatus.COMPLETED,
        AppointmentStatus.NO_SHOW,
    },
    AppointmentStatus.CONFIRMED: {
        AppointmentStatus.ARRIVED,
        AppointmentStatus.COMPLETED,
        AppointmentStatus.NO_SHOW,
    },
    AppointmentStatus.ARRIVED: {AppointmentStatus.COMPLETED},
}
MAX_SERIES = 12


def default_minutes(kind: str) -> int:
    """The usual length of an appointment of this kind (settings)."""
    return settings.CLINIC_APPOINTMENT_MINUTES[kind]


DEADLOCK_DETECTED = "40P01"  # PostgreSQL's SQLSTATE


def _save_all(appointments: list[Appointment], *, by) -> None:
    """Validate and save, turning a lost race into the clash's ValidationError.
    The savepoint keeps the caller's transaction usable after the error."""
    for appointment in appointments:
        appointment.full_clean()
    try:
        with transaction.atomic():
            for appointment in appointments:
                appointment._history_user = by
                appointment.save()
    except IntegrityError as error:
        taken = booking_checks.slot_taken(error)
        if taken is None:
            raise
        raise taken from error
    except OperationalError as error:
        # Several bookings racing for one slot wait on each other's rows in the
        # exclusion constraints; PostgreSQL ends such a wait by failing one.
        if getattr(error.__cause__, "sqlstate", None) != DEADLOCK_DETECTED:
            raise
        raise ValidationError(
            {"starts_at": gettext(booking_checks.SLOT_TAKEN)}, code="slot_taken"
        ) from error


def _new_appointment(
    *, patient, clinician, kind, starts_at, minutes, course, notes, series=None
) -> Appointment:
    return Appointment(
        patient=patient,
        clinician=clinician,
        kind=kind,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=minutes),
        course=course,
        notes=notes,
        series=series,
    )


def _check_minutes(minutes: int) -> None:
    if minutes < 1:
        raise ValidationError(
            {"minutes": gettext("An appointment lasts at least a minute.")}
        )


def _use_waitlist_entry(entry: WaitlistEntry | None, patient: Patient, *, by):
    """The patient was booked from this waitlist entry: it is done."""
    if entry is None:
        return
    if entry.patient_id != patient.pk:
        raise ValidationError(gettext("The waitlist entry is for another patient."))
    entry.is_active = False
    entry._history_user = by
    entry.save(update_fields=["is_active"])


def series_starts(
    first_starts_at: datetime.datetime, count: int, interval_days: int
) -> list[datetime.datetime]:
    """The starts of a series: the same clinic clock time every interval_days.
    An occurrence at a time a clock change skips or doubles is refused."""
    if not 1 <= count <= MAX_SERIES:
        raise ValidationError(
            {
                "series_count": gettext("Book between 1 and %(max)s sessions at once.")
                % {"max": MAX_SERIES}
            }
        )
    if count > 1 and not interval_days:
        raise ValidationError(
            {
                "series_count": gettext(
                    "A series needs a course with a planned interval."
                )
            }
        )
    local = timezone.localtime(first_starts_at)
    starts = [first_starts_at]
    for number in range(1, count):
        day = local.date() + datetime.timedelta(days=interval_days * number)
        try:
            starts.append(clinic_datetime(day, local.time().replace(tzinfo=None)))
        except ValidationError as error:
            raise ValidationError({"starts_at": error.messages}) from None
    return starts


@transaction.atomic
def book_series(
    *,
    patient: Patient,
    clinician,
    first_starts_at: datetime.datetime,
    count: int = 1,
    interval_days: int | None = None,
    course: TreatmentCourse | None = None,
    kind: str = AppointmentKind.TOXIN_SESSION,
    minutes: int | None = None,
    booked_by,
    override_reason: str = "",
    shown_warnings_digest: str | None = None,
    notes: str = "",
    waitlist_entry: WaitlistEntry | None = None,
) -> list[Appointment]:
    """Book one appointment, or `count` of them `interval_days` apart (the
    course's planned interval by default) sharing a series id, or say why not
    (ValidationError; OverrideRequired for an unsafe date not overridden, see
    record_override). Every occurrence is checked before any is saved: one
    refusal books none."""
    if interval_days is None and course is not None:
        interval_days = course.planned_interval_days
    minutes = default_minutes(kind) if minutes is None else minutes
    _check_minutes(minutes)
    starts = series_starts(first_starts_at, count, interval_days)
    series = uuid.uuid4() if count > 1 else None
    appointments = [
        _new_appointment(
            patient=patient,
            clinician=clinician,
            kind=kind,
            starts_at=starts_at,
            minutes=minutes,
            course=course,
            notes=notes,
            series=series,
        )
        for starts_at in starts
    ]
    # The warnings before the clashes, as the booking page has always shown them.
    booking_checks.record_override(
        appointments,
        booking_checks.interval_warnings(patient=patient, kind=kind, starts=starts),
        by=booked_by,
        reason=override_reason,
        shown_digest=shown_warnings_digest,
    )
    booking_checks.check_clashes(
        [
            booking_checks.Slot(patient.pk, clinician, a.starts_at, a.ends_at)
            for a in appointments
        ]
    )
    _save_all(appointments, by=booked_by)
    _use_waitlist_entry(waitlist_entry, patient, by=booked_by)
    return appointments


# Changing a booking.


def _with_following(
    appointment: Appointment, this_and_following: bool, *, lock: bool = False
) -> list[Appointment]:
    """The appointment, and the later upcoming ones of its series if asked."""
    if not (this_and_following and appointment.series):
        return [appointment]
    later = Appointment.objects.select_for_update() if lock else Appointment.objects
    later = (
        later.upcoming(after=appointment.starts_at)
        .filter(series=appointment.series)
        .exclude(pk=appointment.pk)
        .select_related("clinician")
        .order_by("starts_at")
    )
    return [appointment, *later]


def following_count(appointment: Appointment) -> int:
    """How many later upcoming appointments of its series would change with it."""
    if not appointment.series:
        return 0
    return len(_with_following(appointment, True)) - 1


def _require_upcoming(appointment: Appointment, refusal: str) -> None:
    """`refusal` says what cannot be done, with the appointment's %(status)s."""
    if appointment.status not in UPCOMING_STATUSES:
        status = appointment.get_status_display().lower()
        raise ValidationError(refusal % {"status": status})


def _moved_starts(
    moving: list[Appointment], starts_at: datetime.datetime
) -> list[datetime.datetime]:
    """New starts: the first at `starts_at`, the later ones moved by as many days
    and clock hours as the first, on the clinic's clocks."""
    shift = timezone.make_naive(starts_at) - timezone.make_naive(moving[0].starts_at)
    starts = [starts_at]
    for appointment in moving[1:]:
        moved = timezone.make_naive(appointment.starts_at) + shift
        try:
            starts.append(clinic_datetime(moved.date(), moved.time()))
        except ValidationError as error:
            raise ValidationError({"starts_at": error.messages}) from None
    return starts


@transaction.atomic
def reschedule(
    appointment: Appointment,
    *,
    starts_at: datetime.datetime,
    minutes: int | None = None,
    by,
    this_and_following: bool = False,
    override_reason: str = "",
    shown_warnings_digest: str | None = None,
) -> list[Appointment]:
    """Move an upcoming appointment (and the later ones of its series, by as much),
    to last `minutes` or as long as before. Returns the moved appointments; an
    unsafe date not overridden raises OverrideRequired (see record_override)."""
    appointment = (
        Appointment.objects.select_for_update()
        .select_related("clinician", "patient")
        .get(pk=appointment.pk)
    )
    _require_upcoming(
        appointment, gettext("A %(status)s appointment cannot be rescheduled.")
    )
    if minutes is not None:
        _check_minutes(minutes)
    moving = _with_following(appointment, this_and_following, lock=True)
    starts = _moved_starts(moving, starts_at)
    warnings = booking_checks.moving_warnings(moving, starts)
    later = starts_at > appointment.starts_at
    for moved, new_start in zip(moving, starts, strict=True):
        length = (
            datetime.timedelta(minutes=minutes)
            if minutes is not None
            else moved.ends_at - moved.starts_at
        )
        moved.starts_at, moved.ends_at = new_start, new_start + length
    booking_checks.record_override(
        moving,
        warnings,
        by=by,
        reason=override_reason,
        shown_digest=shown_warnings_digest,
    )
    booking_checks.check_clashes(
        [
            booking_checks.Slot(a.patient_id, a.clinician, a.starts_at, a.ends_at)
            for a in moving
        ],
        exclude_pks=[a.pk for a in moving],
    )
    # Save the one moving furthest ahead first, so that no row steps onto a place
    # another has not left yet (a series put off by exactly its interval).
    _save_all(sorted(moving, key=lambda a: a.starts_at, reverse=later), by=by)
    return moving


@transaction.atomic
def cancel(
    appointment: Appointment,
    *,
    reason: str,
    by,
    this_and_following: bool = False,
) -> list[Appointment]:
    """Cancel an upcoming appointment (and the later ones of its series); the
    time is free again. Returns the cancelled appointments."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": gettext("Say why the appointment is cancelled.")}
        )
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    _require_upcoming(
        appointment, gettext("A %(status)s appointment cannot be cancelled.")
    )
    cancelled = _with_following(appointment, this_and_following, lock=True)
    for each in cancelled:
        each.status = AppointmentStatus.CANCELLED
        each.cancel_reason = reason
    _save_all(cancelled, by=by)
    return cancelled


@transaction.atomic
def set_status(appointment: Appointment, *, status: str, by) -> Appointment:
    """Mark an appointment confirmed, arrived, completed or a no-show, if it may
    go there from where it is."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if status not in STATUS_CHANGES.get(appointment.status, set()):
        now = appointment.get_status_display().lower()
        wanted = AppointmentStatus(status).label.lower()
        raise ValidationError(
            gettext("A %(now)s appointment cannot be marked %(wanted)s.")
            % {"now": now, "wanted": wanted},
            code="not_allowed",
        )
    if status == AppointmentStatus.NO_SHOW and appointment.starts_at > timezone.now():
        raise ValidationError(
            gettext("An appointment that has not started cannot be a no-show."),
            code="not_started",
        )
    appointment.status = status
    _save_all([appointment], by=by)
    return appointment


def complete_for_toxin_session(session: ToxinSession) -> Appointment | None:
    """A toxin session was charted: complete the patient's booked, confirmed or
    arrived toxin appointment that day (the one nearest the session's time).
    Called inside the session's transaction, on treatments' toxin_session_charted."""
    patient_id = session.course.case.patient_id
    day = session.performed_on
    candidates = list(
        Appointment.objects.select_for_update()
        .open()
        .filter(
            patient_id=patient_id,
            kind=AppointmentKind.TOXIN_SESSION,
            starts_at__date=day,
        )
        .filter(Q(course__isnull=True) | Q(course=session.course_id))
    )
    if not candidates:
        return None
    appointment = min(
        candidates,
        key=lambda a: (abs(a.starts_at - session.performed_at), a.pk),
    )
    appointment.status = AppointmentStatus.COMPLETED
    if appointment.course_id is None:
        appointment.course_id = session.course_id
    appointment._history_user = session.injector
    appointment.save(update_fields=["status", "course"])
    return appointment


# The waitlist.


def waitlist_for_freed_slot(appointment: Appointment):
    """Active waitlist entries that could take this appointment's freed slot: same
    kind, the day within the wanted period, no preferred clinician or the same
    one. The patient who freed the slot is left out."""
    day = booking_checks.local_day(appointment.starts_at)
    return (
        WaitlistEntry.objects.waiting()
        .filter(kind=appointment.kind, wanted_from__lte=day)
        .filter(Q(wanted_until__isnull=True) | Q(wanted_until__gte=day))
        .filter(Q(clinician__isnull=True) | Q(clinician=appointment.clinician_id))
        .exclude(patient=appointment.patient_id)
        .select_related("patient", "clinician", "course")
        .order_by("created_at", "pk")
    )
