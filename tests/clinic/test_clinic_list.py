"""The scheduler's dashboard is the day's clinic list: every clinician's
appointments today in time order, capped with a count and a link to the day
calendar, with check-in from the list; other roles' dashboards are unchanged."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clinic import clinic_list
from scheduling.clinic_time import clinic_datetime
from scheduling.models import AppointmentKind, AppointmentStatus
from tests.factories import AppointmentFactory, PatientFactory, UserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("home")


@pytest.fixture(autouse=True)
def _london(settings):
    settings.TIME_ZONE = "Europe/London"


def today_at(clock: str) -> datetime.datetime:
    return clinic_datetime(timezone.localdate(), datetime.time.fromisoformat(clock))


def visit(clock: str, **kwargs):
    starts_at = today_at(clock)
    return AppointmentFactory(
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=20),
        **kwargs,
    )


def rows(response) -> list:
    return [row.appointment for row in response.context["clinic_list"]["rows"]]


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.content.decode()))


def test_the_scheduler_sees_every_clinicians_day_in_time_order(client, scheduler):
    ada = UserFactory(first_name="Ada", last_name="Injector", roles=["Injector"])
    ben = UserFactory(first_name="Ben", last_name="Neuro", roles=["Neurologist"])
    late = visit("15:00", clinician=ada, patient=PatientFactory(family_name="Late"))
    early = visit(
        "09:00",
        clinician=ben,
        patient=PatientFactory(family_name="Early", given_name="Eve"),
        kind=AppointmentKind.TOXIN_SESSION,
    )
    cancelled = visit(
        "11:00",
        clinician=ada,
        status=AppointmentStatus.CANCELLED,
        cancel_reason="Unwell",
    )
    AppointmentFactory(
        clinician=ada, starts_at=today_at("10:00") + datetime.timedelta(days=1)
    )
    AppointmentFactory(
        clinician=ada, starts_at=today_at("10:00") - datetime.timedelta(days=1)
    )
    client.force_login(scheduler)
    response = client.get(HOME)
    assert rows(response) == [early, cancelled, late]
    assert response.context["clinic_list"]["count"] == 3
    page = text(response)
    assert "Today's clinic list" in page
    assert "09:00–09:20 EARLY, Eve Ben Neuro Toxin session Booked" in page
    assert "My appointments today" not in page
    html = response.content.decode()
    assert reverse("scheduling:appointment_detail", args=[early.pk]) in html
    assert reverse("patient_chart", args=[early.patient_id]) in html
    day_calendar = f"{reverse('scheduling:calendar_day')}?date={timezone.localdate()}"
    assert day_calendar in html


def test_booked_and_confirmed_visits_can_be_checked_in_from_the_list(client, scheduler):
    booked = visit("09:00")
    confirmed = visit("10:00", status=AppointmentStatus.CONFIRMED)
    arrived = visit("11:00", status=AppointmentStatus.ARRIVED)
    no_show = visit("08:00", status=AppointmentStatus.NO_SHOW)
    client.force_login(scheduler)
    listed = client.get(HOME).context["clinic_list"]["rows"]
    may = {row.appointment: row.may_check_in for row in listed}
    assert may == {no_show: False, booked: True, confirmed: True, arrived: False}

    response = client.post(
        reverse("scheduling:appointment_status", args=[booked.pk]),
        {"status": "arrived", "back": "home"},
    )
    assert response.status_code == 302
    assert response["Location"] == HOME
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.ARRIVED
    page = client.get(HOME)
    name = booked.patient.full_name
    assert f"Marked arrived: {name}, {booked.starts_at:%a %d %b %Y} 09:00." in (
        page.content.decode()
    )


def test_check_in_elsewhere_still_goes_to_the_appointment(client, scheduler):
    booked = visit("09:00")
    client.force_login(scheduler)
    response = client.post(
        reverse("scheduling:appointment_status", args=[booked.pk]),
        {"status": "arrived", "back": "https://example.com/"},
    )
    assert response["Location"] == reverse(
        "scheduling:appointment_detail", args=[booked.pk]
    )


def test_the_list_is_capped_with_its_count_and_the_day_calendar(
    client, scheduler, monkeypatch
):
    monkeypatch.setattr(clinic_list, "CLINIC_LIST_CAP", 3)
    for hour in range(8, 13):
        visit(f"{hour:02d}:00")
    client.force_login(scheduler)
    response = client.get(HOME)
    assert [a.starts_at for a in rows(response)] == [
        today_at(f"{hour:02d}:00") for hour in (8, 9, 10)
    ]
    assert response.context["clinic_list"]["count"] == 5
    assert "The first 3 of 5: see them all in the day calendar." in text(response)


def test_a_long_day_is_counted_up_to_the_cap(client, scheduler, monkeypatch):
    monkeypatch.setattr(clinic_list, "CLINIC_LIST_CAP", 2)
    monkeypatch.setattr(clinic_list.worklists, "COUNT_CAP", 3)
    for hour in range(8, 13):
        visit(f"{hour:02d}:00")
    client.force_login(scheduler)
    assert "The first 2 of more than 3" in text(client.get(HOME))


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    return len(queries)


def test_the_queries_do_not_grow_with_the_day(
    client, scheduler, django_assert_num_queries
):
    visit("08:00")
    client.force_login(scheduler)
    baseline = _queries(client)
    for hour in range(9, 17):
        visit(f"{hour:02d}:00", clinician=UserFactory(roles=["Injector"]))
        visit(f"{hour:02d}:30", patient=PatientFactory())
    assert _queries(client) == baseline
    # Past the cap: one more, to count them.
    for minute in range(0, 60, 10):
        visit(f"17:{minute:02d}")
    assert _queries(client) == baseline + 1


def test_other_roles_keep_their_own_appointments(client, neurologist):
    mine = visit("09:00", clinician=neurologist)
    visit("10:00")
    client.force_login(neurologist)
    response = client.get(HOME)
    assert response.context["clinic_list"] is None
    assert response.context["appointments"] == [mine]
    assert "My appointments today" in text(response)
    assert "Today's clinic list" not in text(response)


def test_a_user_without_appointments_sees_neither(client, outsider):
    client.force_login(outsider)
    response = client.get(HOME)
    assert "clinic_list" not in response.context
    assert "Today's clinic list" not in text(response)


def test_a_signed_out_visitor_is_sent_to_sign_in(client):
    assert client.get(HOME).status_code == 302
