"""The appointment QuerySet's named rules: active(), open(), upcoming() and
overlapping(), at their boundaries."""

import datetime

import pytest
from django.utils import timezone

from scheduling.models import (
    ACTIVE_APPOINTMENT_STATUSES,
    OPEN_APPOINTMENT_STATUSES,
    UPCOMING_STATUSES,
    Appointment,
    AppointmentStatus,
)
from tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2027, 3, 1, 12, 0, tzinfo=datetime.UTC)


def one_of_each_status(**kwargs) -> dict[str, Appointment]:
    """Each with its own clinician and patient: on PostgreSQL the exclusion
    constraints refuse active appointments of one person at one time."""
    return {
        status: AppointmentFactory(
            status=status,
            cancel_reason="unwell" if status == AppointmentStatus.CANCELLED else "",
            **kwargs,
        )
        for status in AppointmentStatus.values
    }


def statuses(queryset) -> set[str]:
    return set(queryset.values_list("status", flat=True))


def test_the_three_status_lists_nest():
    assert set(UPCOMING_STATUSES) < set(OPEN_APPOINTMENT_STATUSES)
    assert set(OPEN_APPOINTMENT_STATUSES) < set(ACTIVE_APPOINTMENT_STATUSES)


def test_active_appointments_hold_their_time_even_when_arrived_or_completed():
    one_of_each_status()
    assert statuses(Appointment.objects.active()) == {
        "booked",
        "confirmed",
        "arrived",
        "completed",
    }


def test_open_appointments_include_arrived_but_not_completed():
    one_of_each_status()
    assert statuses(Appointment.objects.open()) == {"booked", "confirmed", "arrived"}


def test_upcoming_is_booked_or_confirmed_and_not_arrived():
    one_of_each_status()
    assert statuses(Appointment.objects.upcoming()) == {"booked", "confirmed"}


def test_upcoming_starts_strictly_after_the_moment_given():
    starting_now = AppointmentFactory(
        starts_at=NOON, ends_at=NOON + datetime.timedelta(minutes=30)
    )
    later = AppointmentFactory(
        starts_at=NOON + datetime.timedelta(minutes=1),
        ends_at=NOON + datetime.timedelta(minutes=31),
    )
    assert list(Appointment.objects.upcoming(after=NOON)) == [later]
    assert starting_now in Appointment.objects.upcoming(
        after=NOON - datetime.timedelta(seconds=1)
    )


def test_upcoming_defaults_to_now():
    past = AppointmentFactory(
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        ends_at=timezone.now() - datetime.timedelta(minutes=30),
    )
    future = AppointmentFactory()
    upcoming = list(Appointment.objects.upcoming())
    assert future in upcoming
    assert past not in upcoming


@pytest.mark.parametrize(
    ("starts", "ends", "overlaps"),
    [
        (-30, 0, False),  # ends exactly when the range starts
        (30, 60, False),  # starts exactly when the range ends
        (-30, 1, True),
        (29, 60, True),
        (5, 10, True),  # inside
        (-10, 40, True),  # around
        (-60, -30, False),
        (60, 90, False),
    ],
)
def test_overlapping_is_half_open(starts, ends, overlaps):
    minutes = datetime.timedelta(minutes=1)
    appointment = AppointmentFactory(
        starts_at=NOON + starts * minutes, ends_at=NOON + ends * minutes
    )
    found = Appointment.objects.overlapping(NOON, NOON + 30 * minutes)
    assert (appointment in found) is overlaps


def test_overlapping_ignores_status_and_active_narrows_it():
    one_of_each_status(starts_at=NOON, ends_at=NOON + datetime.timedelta(minutes=30))
    window = (NOON + datetime.timedelta(minutes=10), NOON + datetime.timedelta(hours=1))
    assert statuses(Appointment.objects.overlapping(*window)) == set(
        AppointmentStatus.values
    )
    assert statuses(Appointment.objects.active().overlapping(*window)) == set(
        ACTIVE_APPOINTMENT_STATUSES
    )
