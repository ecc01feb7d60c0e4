"""Whom to contact after a lot recall: every patient who received a lot, with the
patient's next booked appointment."""

from django.db.models import Prefetch

from scheduling.models import Appointment
from treatments import services


def sessions_with_lot_and_next_visits(lot_number: str):
    """The sessions of `treatments.services.sessions_with_lot`, each patient's next
    booked appointments prefetched onto `patient.upcoming_appointments`, soonest
    first: a constant number of queries however many patients received the lot."""
    upcoming = (
        Appointment.objects.upcoming().select_related("clinician").order_by("starts_at")
    )
    return services.sessions_with_lot(lot_number).prefetch_related(
        Prefetch(
            "course__case__patient__appointments",
            queryset=upcoming,
            to_attr="upcoming_appointments",
        )
    )
