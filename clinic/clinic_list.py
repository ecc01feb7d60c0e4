"""The scheduler's dashboard: the day's clinic list, every clinician's appointments
of the day in time order, the first few with how many there are (capped as the
worklists are), each with what the desk may do next."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from clinic import worklists
from clinic.models import Role
from scheduling import booking, calendars
from scheduling.models import ACTIVE_APPOINTMENT_STATUSES, Appointment
from scheduling.models import AppointmentStatus as Status

# A clinic's morning at a glance; the day calendar has the whole day.
CLINIC_LIST_CAP = 20


@dataclass(frozen=True)
class ClinicListRow:
    appointment: Appointment
    may_check_in: bool

    @property
    def is_active(self) -> bool:
        """Cancelled and no-show visits are listed, greyed: they hold no time."""
        return self.appointment.status in ACTIVE_APPOINTMENT_STATUSES


def day_appointments(day: datetime.date):
    """Every appointment starting on the clinic's local `day`, any clinician and
    status, in time order (the day may be 23 or 25 hours long)."""
    starts, ends = calendars.local_day_bounds(day, timezone.get_current_timezone())
    return (
        Appointment.objects.filter(starts_at__gte=starts, starts_at__lt=ends)
        .select_related("patient", "clinician")
        .order_by("starts_at", "clinician__last_name", "clinician__first_name", "pk")
    )


def for_scheduler(user, today: datetime.date) -> dict | None:
    """The day's clinic list for a user with the Scheduler role, else None (their
    dashboard is unchanged): one query for the role, one for the rows, and one to
    count them when there are more than fit."""
    if not user.groups.filter(name=Role.SCHEDULER).exists():
        return None
    appointments, count = worklists.first_rows(day_appointments(today), CLINIC_LIST_CAP)
    may_change = user.has_perm("scheduling.change_appointment")
    return {
        "rows": [
            ClinicListRow(
                appointment,
                may_check_in=may_change
                and Status.ARRIVED
                in booking.STATUS_CHANGES.get(appointment.status, ()),
            )
            for appointment in appointments
        ],
        "count": count,
        "count_cap": worklists.COUNT_CAP,
    }
