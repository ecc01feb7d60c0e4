"""The calendars' free gaps link to the booking page with the clinician and the
start filled in, for those who book, where the shortest visit still fits."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from scheduling.clinic_time import clinic_datetime
from tests.factories import AppointmentFactory, UserFactory

pytestmark = pytest.mark.django_db

BOOK_URL = reverse("scheduling:appointment_book")


@pytest.fixture(autouse=True)
def _london(settings):
    settings.TIME_ZONE = "Europe/London"
    settings.CLINIC_DAY_STARTS_HOUR = 8
    settings.CLINIC_DAY_ENDS_HOUR = 18
    settings.CLINIC_SLOT_STEP_MINUTES = 15


@pytest.fixture
def clinician():
    return UserFactory(first_name="Ada", last_name="Injector", roles=["Injector"])


@pytest.fixture
def monday():
    """A Monday a week or more ahead: every gap of it is still to come."""
    day = timezone.localdate() + datetime.timedelta(days=7)
    return day - datetime.timedelta(days=day.weekday())


def at(day, clock):
    return clinic_datetime(day, datetime.time.fromisoformat(clock))


def book_links(response) -> list[str]:
    html = response.content.decode()
    return [
        link.replace("&amp;", "&")
        for link in re.findall(rf'href="({re.escape(BOOK_URL)}\?[^"]*)"', html)
    ]


def day_url(day, clinician):
    return (
        f"{reverse('scheduling:calendar_day')}?date={day.isoformat()}"
        f"&clinician={clinician.pk}"
    )


def test_each_free_gap_links_to_booking_at_its_start(
    client, scheduler, clinician, monday
):
    AppointmentFactory(
        clinician=clinician, starts_at=at(monday, "09:00"), ends_at=at(monday, "09:20")
    )
    # 10 minutes free: shorter than the shortest visit (a 20-minute follow-up).
    AppointmentFactory(
        clinician=clinician, starts_at=at(monday, "09:30"), ends_at=at(monday, "17:00")
    )
    client.force_login(scheduler)
    response = client.get(day_url(monday, clinician))
    assert book_links(response) == [
        f"{BOOK_URL}?clinician={clinician.pk}&start={monday}T08:00",
        f"{BOOK_URL}?clinician={clinician.pk}&start={monday}T17:00",
    ]
    assert "Ada Injector at 17:00" in response.content.decode()


def test_the_link_lands_on_the_booking_page_with_the_slot(
    client, scheduler, clinician, monday
):
    client.force_login(scheduler)
    [link] = book_links(client.get(day_url(monday, clinician)))
    # No patient yet: find one; the choice keeps the slot.
    finding = client.get(f"{link}&q=nobody")
    assert finding.status_code == 200
    assert f"Book an appointment: {monday:%a %d %b %Y} 08:00 with Ada Injector" in (
        finding.content.decode()
    )


def test_the_week_links_its_gaps_too(client, scheduler, clinician, monday):
    client.force_login(scheduler)
    url = (
        f"{reverse('scheduling:calendar_week')}?date={monday.isoformat()}"
        f"&clinician={clinician.pk}"
    )
    links = book_links(client.get(url))
    assert len(links) == 5
    assert links[0] == f"{BOOK_URL}?clinician={clinician.pk}&start={monday}T08:00"


def test_a_past_day_and_a_role_that_does_not_book_get_no_links(
    client, scheduler, injector, clinician, monday
):
    client.force_login(scheduler)
    assert book_links(client.get(day_url(datetime.date(2026, 3, 2), clinician))) == []
    client.force_login(injector)
    response = client.get(day_url(monday, clinician))
    assert "free 08:00–18:00 (10 h)" in response.content.decode()
    assert book_links(response) == []


def test_a_gap_already_begun_is_offered_from_the_next_mark(
    client, scheduler, clinician, monkeypatch
):
    monday = datetime.date(2026, 11, 30)
    monkeypatch.setattr(
        timezone,
        "now",
        lambda: datetime.datetime(2026, 11, 30, 10, 7, tzinfo=datetime.UTC),
    )
    client.force_login(scheduler)
    response = client.get(day_url(monday, clinician))
    assert book_links(response) == [
        f"{BOOK_URL}?clinician={clinician.pk}&start=2026-11-30T10:15"
    ]
    assert "Book 10:15" in response.content.decode()
