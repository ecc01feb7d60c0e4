"""Booking appointments: the only way scheduling screens write appointments.

No clinician is booked twice at overlapping times and no patient holds two
overlapping appointments. The check here gives the message; on PostgreSQL two
exclusion constraints (migration 0009) make the rule hold even for two bookings
racing past the check, and the loser's IntegrityError becomes the same kind of
ValidationError. Only active statuses hold time: cancelled and no-show appointments
free their slot, and one appointment may start when the last one ends.

A toxin session booked before the earliest safe date (the last session plus
CLINIC_MIN_REINJECTION_DAYS) needs a neurologist's override with a reason,
recorded on the appointment.
"""

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from clinic.overrides import digest_of
from patients.models import Patient
from scheduling.clinic_time import clinic_datetime
from scheduling.models import (
    UPCOMING_STATUSES,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    WaitlistEntry,
)
from treatments.intervals import earliest_safe_date
from treatments.models import ToxinSession, TreatmentCourse

OVERRIDE_PERMISSION = "scheduling.override_booking_interval"

# The exclusion constraints of migration 0009 (PostgreSQL only), and what a booking
# that loses a race against another one is told.
CLINICIAN_NO_OVERLAP = "treatments_appointment_clinician_no_overlap"
PATIENT_NO_OVERLAP = "treatments_appointment_patient_no_overlap"
SLOT_TAKEN = "That slot was just taken – choose another time."
PATIENT_JUST_BOOKED = (
    "The patient was just booked at an overlapping time – choose another time."
)
NEEDS_NEUROLOGIST = (
    "A neurologist must override this before the appointment can be booked."
)
GIVE_OVERRIDE_REASON = "Give the reason for booking before the earliest safe date."

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


def _when(starts_at: datetime.datetime, ends_at: datetime.datetime) -> str:
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    return f"{start:%a %d %b %Y} {start:%H:%M}–{end:%H:%M}"


def _day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


@dataclass(frozen=True)
class Slot:
    """Where an appointment is to be: checked before anything is saved."""

    patient_id: int
    clinician: object  # a User
    starts_at: datetime.datetime
    ends_at: datetime.datetime

    def overlaps(self, starts_at, ends_at) -> bool:
        # Half-open: one appointment may start when another ends.
        return self.starts_at < ends_at and starts_at < self.ends_at


def conflicts(slots: list[Slot], *, exclude_pks: Iterable[int] = ()) -> list[str]:
    """What stops these slots being booked: active appointments of the same
    clinician or patient at overlapping times, and overlaps among the slots. The
    messages name the clinician and the time, never another patient. One query."""
    if not slots:
        return []
    overlapping = Appointment.objects.none()
    for slot in slots:
        overlapping |= Appointment.objects.overlapping(
            slot.starts_at, slot.ends_at
        ).filter(Q(clinician=slot.clinician) | Q(patient_id=slot.patient_id))
    others = list(
        overlapping.active()
        .exclude(pk__in=list(exclude_pks))
        .select_related("clinician")
        .order_by("starts_at", "pk")
    )
    found = []
    for index, slot in enumerate(slots):
        booked = [
            (other.patient_id, other.clinician, other.starts_at, other.ends_at)
            for other in others
        ]
        booked += [
            (other.patient_id, other.clinician, other.starts_at, other.ends_at)
            for other in slots[:index]
        ]
        for patient_id, clinician, starts_at, ends_at in booked:
            if not slot.overlaps(starts_at, ends_at):
                continue
            when, name = _when(starts_at, ends_at), clinician.display_name
            same_clinician = clinician.pk == slot.clinician.pk
            if same_clinician and patient_id == slot.patient_id:
                found.append(f"The patient is already booked with {name} {when}.")
            elif same_clinician:
                found.append(f"{name} already has an appointment {when}.")
            elif patient_id == slot.patient_id:
                found.append(f"The patient already has an appointment {when}.")
    return list(dict.fromkeys(found))


def same_booking(
    *, patient: Patient, clinician, kind: str, starts_at: datetime.datetime
) -> Appointment | None:
    """An active appointment exactly like the one asked for: what a second submit
    of the same booking form finds."""
    return (
        Appointment.objects.active()
        .filter(patient=patient, clinician=clinician, kind=kind, starts_at=starts_at)
        .order_by("pk")
        .first()
    )


# The earliest safe date of a toxin session.


def interval_warnings(
    *,
    patient: Patient,
    kind: str,
    starts: list[datetime.datetime],
    exclude_pks: Iterable[int] = (),
) -> list[str | None]:
    """For each start of a toxin session, why it is before the earliest safe date
    (None when it is not): counted from the patient's last valid session, another
    toxin session booked before it, or the previous start of the same series.
    Two queries, however many starts."""
    if kind != AppointmentKind.TOXIN_SESSION or not starts:
        return [None] * len(starts)
    minimum = settings.CLINIC_MIN_REINJECTION_DAYS
    latest = max(starts)
    earlier = [
        (performed_at, "the last toxin session")
        for performed_at in ToxinSession.objects.valid()
        .for_patient(patient)
        .filter(performed_at__lt=latest)
        .values_list("performed_at", flat=True)
    ]
    earlier += [
        (starts_at, "the toxin session booked")
        for starts_at in Appointment.objects.open()
        .filter(
            patient=patient,
            kind=AppointmentKind.TOXIN_SESSION,
            starts_at__lt=latest,
        )
        .exclude(pk__in=list(exclude_pks))
        .values_list("starts_at", flat=True)
    ]
    warnings = []
    for index, starts_at in enumerate(starts):
        before = [(moment, what) for moment, what in earlier if moment < starts_at]
        before += [
            (moment, "the previous session of this series")
            for moment in starts[:index]
            if moment < starts_at
        ]
        if not before:
            warnings.append(None)
            continue
        moment, what = max(before, key=lambda pair: pair[0])
        last_on, day = _day(moment), _day(starts_at)
        safe_on = earliest_safe_date(last_on, minimum)
        if day >= safe_on:
            warnings.append(None)
            continue
        days = (day - last_on).days
        warnings.append(
            f"A toxin session on {day:%d %b %Y} is {days} day{'s' * (days != 1)} "
            f"after {what} on {last_on:%d %b %Y}: the earliest safe date is "
            f"{safe_on:%d %b %Y} ({minimum} days). Injecting more often risks "
            "loss of response."
        )
    return warnings


class OverrideRequired(ValidationError):
    """Toxin sessions before the earliest safe date that were not overridden:
    nothing was saved. `warnings` are their messages, `may_override` whether the
    booker may override them. A ValidationError, so callers that only want to know
    whether it was booked need not tell it apart."""

    def __init__(self, warnings: list[str], *, may_override: bool, errors: dict):
        super().__init__(errors, code="override_required")
        self.warnings = warnings
        self.may_override = may_override


def _record_override(
    appointments: list[Appointment],
    warnings: list[str | None],
    *,
    by,
    reason: str,
    shown_digest: str | None = None,
) -> None:
    """Refuse unsafe dates unless a neurologist overrides them with a reason; the
    override is kept on each appointment it covers. The caller saves.

    With `shown_digest` (clinic.overrides.digest_of the warnings a page showed),
    the override covers only exactly those warnings: other ones are shown first."""
    shown = [warning for warning in warnings if warning]
    if not shown:
        return
    if not by.has_perm(OVERRIDE_PERMISSION):
        raise OverrideRequired(
            shown,
            may_override=False,
            errors={"starts_at": [*shown, NEEDS_NEUROLOGIST]},
        )
    if shown_digest is not None and shown_digest != digest_of(shown):
        raise OverrideRequired(shown, may_override=True, errors={"starts_at": shown})
    reason = (reason or "").strip()
    if not reason:
        raise OverrideRequired(
            shown,
            may_override=True,
            errors={"override_reason": GIVE_OVERRIDE_REASON},
        )
    now = timezone.now()
    for appointment, warning in zip(appointments, warnings, strict=True):
        if warning:
            appointment.override_reason = reason
            appointment.overridden_by = by
            appointment.overridden_at = now


DEADLOCK_DETECTED = "40P01"  # PostgreSQL's SQLSTATE


def _slot_taken(error: IntegrityError) -> ValidationError | None:
    """The ValidationError for a booking that lost a race on an exclusion
    constraint; None for any other integrity error."""
    cause = error.__cause__
    name = getattr(getattr(cause, "diag", None), "constraint_name", None) or ""
    text = f"{name} {error}"
    if CLINICIAN_NO_OVERLAP in text:
        return ValidationError({"starts_at": SLOT_TAKEN}, code="slot_taken")
    if PATIENT_NO_OVERLAP in text:
        return ValidationError({"starts_at": PATIENT_JUST_BOOKED}, code="slot_taken")
    return None


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
        taken = _slot_taken(error)
        if taken is None:
            raise
        raise taken from error
    except OperationalError as error:
        # Several bookings racing for one slot wait on each other's rows in the
        # exclusion constraints; PostgreSQL ends such a wait by failing one.
        if getattr(error.__cause__, "sqlstate", None) != DEADLOCK_DETECTED:
            raise
        raise ValidationError({"starts_at": SLOT_TAKEN}, code="slot_taken") from error


def _check(slots: list[Slot], *, exclude_pks: Iterable[int] = ()) -> None:
    clashes = conflicts(slots, exclude_pks=exclude_pks)
    if clashes:
        raise ValidationError({"starts_at": clashes}, code="clash")


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
        raise ValidationError({"minutes": "An appointment lasts at least a minute."})


def _use_waitlist_entry(entry: WaitlistEntry | None, patient: Patient, *, by):
    """The patient was booked from this waitlist entry: it is done."""
    if entry is None:
        return
    if entry.patient_id != patient.pk:
        raise ValidationError("The waitlist entry is for another patient.")
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
            {"series_count": f"Book between 1 and {MAX_SERIES} sessions at once."}
        )
    if count > 1 and not interval_days:
        raise ValidationError(
            {"series_count": "A series needs a course with a planned interval."}
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
    _record_override). Every occurrence is checked before any is saved: one
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
    _record_override(
        appointments,
        interval_warnings(patient=patient, kind=kind, starts=starts),
        by=booked_by,
        reason=override_reason,
        shown_digest=shown_warnings_digest,
    )
    _check([Slot(patient.pk, clinician, a.starts_at, a.ends_at) for a in appointments])
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


def _require_upcoming(appointment: Appointment, doing: str) -> None:
    if appointment.status not in UPCOMING_STATUSES:
        status = appointment.get_status_display().lower()
        raise ValidationError(f"A {status} appointment cannot be {doing}.")


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


def _moving_warnings(
    moving: list[Appointment], starts: list[datetime.datetime]
) -> list[str | None]:
    """The earliest-safe-date warnings of appointments about to move. One that a
    neurologist already overrode needs no new override to move later."""
    first = moving[0]
    warnings = interval_warnings(
        patient=first.patient,
        kind=first.kind,
        starts=starts,
        exclude_pks=[a.pk for a in moving],
    )
    return [
        None
        if warning and a.overridden_by_id and _day(new) >= _day(a.starts_at)
        else warning
        for a, new, warning in zip(moving, starts, warnings, strict=True)
    ]


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
    unsafe date not overridden raises OverrideRequired (see _record_override)."""
    appointment = (
        Appointment.objects.select_for_update()
        .select_related("clinician", "patient")
        .get(pk=appointment.pk)
    )
    _require_upcoming(appointment, "rescheduled")
    if minutes is not None:
        _check_minutes(minutes)
    moving = _with_following(appointment, this_and_following, lock=True)
    starts = _moved_starts(moving, starts_at)
    warnings = _moving_warnings(moving, starts)
    later = starts_at > appointment.starts_at
    for moved, new_start in zip(moving, starts, strict=True):
        length = (
            datetime.timedelta(minutes=minutes)
            if minutes is not None
            else moved.ends_at - moved.starts_at
        )
        moved.starts_at, moved.ends_at = new_start, new_start + length
    _record_override(
        moving,
        warnings,
        by=by,
        reason=override_reason,
        shown_digest=shown_warnings_digest,
    )
    _check(
        [Slot(a.patient_id, a.clinician, a.starts_at, a.ends_at) for a in moving],
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
        raise ValidationError({"reason": "Say why the appointment is cancelled."})
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    _require_upcoming(appointment, "cancelled")
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
            f"A {now} appointment cannot be marked {wanted}.", code="not_allowed"
        )
    if status == AppointmentStatus.NO_SHOW and appointment.starts_at > timezone.now():
        raise ValidationError(
            "An appointment that has not started cannot be a no-show.",
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
    day = _day(appointment.starts_at)
    return (
        WaitlistEntry.objects.filter(
            is_active=True, kind=appointment.kind, wanted_from__lte=day
        )
        .filter(Q(wanted_until__isnull=True) | Q(wanted_until__gte=day))
        .filter(Q(clinician__isnull=True) | Q(clinician=appointment.clinician_id))
        .exclude(patient=appointment.patient_id)
        .select_related("patient", "clinician", "course")
        .order_by("created_at", "pk")
    )
