"""The chart's "next not before" banner warns only while no toxin session is
booked at a safe date."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import AppointmentFactory, ToxinSessionFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


@pytest.fixture
def session():
    return ToxinSessionFactory(performed_at=at(TODAY - datetime.timedelta(days=30)))


def interval_alerts(client, user, patient) -> list[str]:
    client.force_login(user)
    response = client.get(reverse("patient_chart", args=[patient.pk]))
    return [a for a in response.context["alerts"] if "should not be before" in a]


def book(session, days_after_session: int, kind="toxin_session"):
    return AppointmentFactory(
        patient=session.course.case.patient,
        kind=kind,
        starts_at=at(
            timezone.localtime(session.performed_at).date()
            + datetime.timedelta(days=days_after_session)
        ),
    )


def test_without_a_booking_it_warns(client, neurologist, session):
    assert interval_alerts(client, neurologist, session.course.case.patient) == [
        "Last toxin session 30 days ago (onabotulinumtoxinA (Botox)): the next "
        "should not be before 84 days."
    ]


def test_a_toxin_session_booked_at_the_safe_date_silences_it(
    client, neurologist, session
):
    book(session, 84)
    assert interval_alerts(client, neurologist, session.course.case.patient) == []


@pytest.mark.parametrize(("days", "kind"), [(80, "toxin_session"), (90, "follow_up")])
def test_a_booking_too_early_or_of_another_kind_leaves_it(
    client, neurologist, session, days, kind
):
    book(session, days, kind)
    assert len(interval_alerts(client, neurologist, session.course.case.patient)) == 1
