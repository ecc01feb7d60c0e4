"""What stops or warns a booking before anything is saved: clashes with other
appointments, and a toxin session before the earliest safe date.

No clinician is booked twice at overlapping times and no patient holds two
overlapping appointments. The check here gives the message; on PostgreSQL two
exclusion constraints (migration 0009) make the rule hold even for two bookings
racing past the check, and the loser's IntegrityError becomes the same kind of
ValidationError (slot_taken). Only active statuses hold time: cancelled and no-show
appointments free their slot, and one appointment may start when the last one ends.

A toxin session booked before the earliest safe date (the last session plus
CLINIC_MIN_REINJECTION_DAYS) needs a neurologist's override with a reason,
recorded on the appointment (record_override).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, ngettext

from clinic.overrides import digest_of
from patients.models import Patient
from scheduling.models import Appointment, AppointmentKind
from treatments.intervals import earliest_safe_date
from treatments.models import ToxinSession

OVERRIDE_PERMISSION = "scheduling.override_booking_interval"

# The exclusion constraints of migration 0009 (PostgreSQL only), and what a booking
# that loses a race against another one is told.
CLINICIAN_NO_OVERLAP = "treatments_appointment_clinician_no_overlap"
PATIENT_NO_OVERLAP = "treatments_appointment_patient_no_overlap"
# In English here (pages and tests look for them); translated where they are used.
SLOT_TAKEN = gettext_noop("That slot was just taken – choose another time.")
PATIENT_JUST_BOOKED = gettext_noop(
    "The patient was just booked at an overlapping time – choose another time."
)
NEEDS_NEUROLOGIST = gettext_noop(
    "A neurologist must override this before the appointment can be booked."
)
GIVE_OVERRIDE_REASON = gettext_noop(
    "Give the reason for booking before the earliest safe date."
)


# What a toxin session booked too soon is counted from.
LAST_SESSION, SESSION_BOOKED, SERIES_SESSION = "last", "booked", "series"


def _too_soon_message(what: str, days: int) -> str:
    """The warning's sentence for a session `days` after `what`, whole for the
    translator."""
    if what == LAST_SESSION:
        return ngettext(
            "A toxin session on %(day)s is %(days)s day after the last toxin session "
            "on %(last_on)s: the earliest safe date is %(safe_on)s (%(minimum)s "
            "days). Injecting more often risks loss of response.",
            "A toxin session on %(day)s is %(days)s days after the last toxin "
            "session on %(last_on)s: the earliest safe date is %(safe_on)s "
            "(%(minimum)s days). Injecting more often risks loss of response.",
            days,
        )
    if what == SESSION_BOOKED:
        return ngettext(
            "A toxin session on %(day)s is %(days)s day after the toxin session "
            "booked on %(last_on)s: the earliest safe date is %(safe_on)s "
            "(%(minimum)s days). Injecting more often risks loss of response.",
            "A toxin session on %(day)s is %(days)s days after the toxin session "
            "booked on %(last_on)s: the earliest safe date is %(safe_on)s "
            "(%(minimum)s days). Injecting more often risks loss of response.",
            days,
        )
    return ngettext(
        "A toxin session on %(day)s is %(days)s day after the previous session of "
        "this series on %(last_on)s: the earliest safe date is %(safe_on)s "
        "(%(minimum)s days). Injecting more often risks loss of response.",
        "A toxin session on %(day)s is %(days)s days after the previous session of "
        "this series on %(last_on)s: the earliest safe date is %(safe_on)s "
        "(%(minimum)s days). Injecting more often risks loss of response.",
        days,
    )


def _when(starts_at: datetime.datetime, ends_at: datetime.datetime) -> str:
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    return f"{start:%a %d %b %Y} {start:%H:%M}–{end:%H:%M}"


def local_day(moment: datetime.datetime) -> datetime.date:
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
                found.append(
                    gettext("The patient is already booked with %(name)s %(when)s.")
                    % {"name": name, "when": when}
                )
            elif same_clinician:
                found.append(
                    gettext("%(name)s already has an appointment %(when)s.")
                    % {"name": name, "when": when}
                )
            elif patient_id == slot.patient_id:
                found.append(
                    gettext("The patient already has an appointment %(when)s.")
                    % {"when": when}
                )
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
        (performed_at, LAST_SESSION)
        for performed_at in ToxinSession.objects.valid()
        .for_patient(patient)
        .filter(performed_at__lt=latest)
        .values_list("performed_at", flat=True)
    ]
    earlier += [
        (starts_at, SESSION_BOOKED)
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
            (moment, SERIES_SESSION) for moment in starts[:index] if moment < starts_at
        ]
        if not before:
            warnings.append(None)
            continue
        moment, what = max(before, key=lambda pair: pair[0])
        last_on, day = local_day(moment), local_day(starts_at)
        safe_on = earliest_safe_date(last_on, minimum)
        if day >= safe_on:
            warnings.append(None)
            continue
        days = (day - last_on).days
        warnings.append(
            _too_soon_message(what, days)
            % {
                "day": f"{day:%d %b %Y}",
                "days": days,
                "last_on": f"{last_on:%d %b %Y}",
                "safe_on": f"{safe_on:%d %b %Y}",
                "minimum": minimum,
            }
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


def record_override(
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
            errors={"starts_at": [*shown, gettext(NEEDS_NEUROLOGIST)]},
        )
    if shown_digest is not None and shown_digest != digest_of(shown):
        raise OverrideRequired(shown, may_override=True, errors={"starts_at": shown})
    reason = (reason or "").strip()
    if not reason:
        raise OverrideRequired(
            shown,
            may_override=True,
            errors={"override_reason": gettext(GIVE_OVERRIDE_REASON)},
        )
    now = timezone.now()
    for appointment, warning in zip(appointments, warnings, strict=True):
        if warning:
            appointment.override_reason = reason
            appointment.overridden_by = by
            appointment.overridden_at = now


def slot_taken(error: IntegrityError) -> ValidationError | None:
    """The ValidationError for a booking that lost a race on an exclusion
    constraint; None for any other integrity error."""
    cause = error.__cause__
    name = getattr(getattr(cause, "diag", None), "constraint_name", None) or ""
    text = f"{name} {error}"
    if CLINICIAN_NO_OVERLAP in text:
        return ValidationError({"starts_at": gettext(SLOT_TAKEN)}, code="slot_taken")
    if PATIENT_NO_OVERLAP in text:
        return ValidationError(
            {"starts_at": gettext(PATIENT_JUST_BOOKED)}, code="slot_taken"
        )
    return None


def check_clashes(slots: list[Slot], *, exclude_pks: Iterable[int] = ()) -> None:
    clashes = conflicts(slots, exclude_pks=exclude_pks)
    if clashes:
        raise ValidationError({"starts_at": clashes}, code="clash")


def moving_warnings(
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
        if warning and a.overridden_by_id and local_day(new) >= local_day(a.starts_at)
        else warning
        for a, new, warning in zip(moving, starts, warnings, strict=True)
    ]
