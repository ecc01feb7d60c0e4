"""The day and week calendars, the clinicians' iCalendar feeds and the patient's
.ics file, through the real request stack."""

import datetime
import re
from urllib.parse import urlsplit

import icalendar
import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scheduling import calendars
from scheduling.models import AppointmentKind, AppointmentStatus, CalendarFeed
from tests.factories import (
    AppointmentFactory,
    CalendarFeedFactory,
    PatientFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
MONDAY = datetime.date(2026, 3, 30)  # the first weekday of British Summer Time
SPRING_FORWARD = datetime.date(2026, 3, 29)
FALL_BACK = datetime.date(2026, 10, 25)


@pytest.fixture(autouse=True)
def _london(settings):
    settings.TIME_ZONE = "Europe/London"
    settings.CLINIC_DAY_STARTS_HOUR = 8
    settings.CLINIC_DAY_ENDS_HOUR = 18


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def appointment(clinician, starts_at, minutes=30, **kwargs):
    return AppointmentFactory(
        clinician=clinician,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=minutes),
        **kwargs,
    )


def day_url(day, clinician=None):
    query = f"?date={day.isoformat()}"
    if clinician is not None:
        query += f"&clinician={clinician.pk}"
    return reverse("scheduling:calendar_day") + query


def week_url(day, clinician=None):
    return day_url(day, clinician).replace(
        reverse("scheduling:calendar_day"), reverse("scheduling:calendar_week")
    )


def text(response) -> str:
    """The page's text without tags, whitespace collapsed."""
    body = re.sub(r"<[^>]+>", "", response.content.decode())
    return re.sub(r"\s+", " ", body)


# Access


def test_calendars_only_answer_get(client, scheduler):
    client.force_login(scheduler)
    assert client.post(reverse("scheduling:calendar_day")).status_code == 405


# Day view


def test_day_view_shows_name_kind_status_and_the_gaps_around_a_booking(
    client, scheduler, neurologist
):
    booked = appointment(
        neurologist,
        utc(2026, 3, 30, 9, 30),  # 10:30 BST
        45,
        kind=AppointmentKind.TOXIN_SESSION,
        patient__given_name="Maria",
        patient__family_name="Tremor",
        notes="Prefers mornings",
    )
    client.force_login(scheduler)
    response = client.get(day_url(MONDAY, neurologist))
    page = text(response)
    assert "Mon 30 Mar 2026" in page
    assert "10:30–11:15 TREMOR, Maria · Toxin session · Booked" in page
    assert "free 08:00–10:30 (2 h 30 min)" in page
    assert "free 11:15–18:00 (6 h 45 min)" in page
    assert reverse("patient_chart", args=[booked.patient_id]) in page + str(
        response.content
    )
    assert reverse("scheduling:appointment_ics", args=[booked.pk]) in str(
        response.content
    )
    # Administrative notes and the record number stay off the calendar.
    assert "Prefers mornings" not in page
    assert booked.patient.mrn not in page


def test_a_cancelled_booking_is_struck_through_and_frees_its_time(
    client, scheduler, neurologist
):
    appointment(
        neurologist,
        utc(2026, 3, 30, 8),
        60,
        status=AppointmentStatus.CANCELLED,
        cancel_reason="Patient unwell",
        patient__family_name="Gone",
    )
    appointment(
        neurologist,
        utc(2026, 3, 30, 12),
        60,
        status=AppointmentStatus.NO_SHOW,
        patient__family_name="Missing",
    )
    client.force_login(scheduler)
    response = client.get(day_url(MONDAY, neurologist))
    page = text(response)
    assert "free 08:00–18:00 (10 h)" in page
    assert "09:00–10:00 GONE, Maria · Follow-up · Cancelled (time free)" in page
    assert "13:00–14:00 MISSING, Maria · Follow-up · No-show (time free)" in page
    assert response.content.decode().count("text-decoration-line-through") == 2
    assert "Patient unwell" not in page


def test_day_view_on_the_day_the_clocks_go_forward(client, scheduler, neurologist):
    appointment(neurologist, utc(2026, 3, 29, 0, 30), patient__family_name="Early")
    appointment(neurologist, utc(2026, 3, 29, 9), patient__family_name="Late")
    appointment(neurologist, utc(2026, 3, 28, 23, 30), patient__family_name="Before")
    client.force_login(scheduler)
    page = text(client.get(day_url(SPRING_FORWARD, neurologist)))
    assert "00:30–02:00 EARLY" in page  # 30 minutes; the clocks jump at 01:00
    assert "10:00–10:30 LATE" in page  # 09:00 UTC is 10:00 BST
    assert "BEFORE" not in page  # 23:30 GMT on the Saturday
    assert "Closed" not in page
    assert "free" not in page  # a Sunday: no opening hours


def test_day_view_on_the_day_the_clocks_go_back(client, scheduler, neurologist):
    appointment(neurologist, utc(2026, 10, 24, 23, 30), patient__family_name="Midnight")
    appointment(neurologist, utc(2026, 10, 25, 0, 30), patient__family_name="First")
    appointment(neurologist, utc(2026, 10, 25, 1, 30), patient__family_name="Second")
    appointment(neurologist, utc(2026, 10, 25, 9), patient__family_name="Morning")
    appointment(neurologist, utc(2026, 10, 25, 23, 30), patient__family_name="Night")
    client.force_login(scheduler)
    page = text(client.get(day_url(FALL_BACK, neurologist)))
    positions = [
        page.index(snippet)
        for snippet in [
            "00:30–01:00 MIDNIGHT",  # 23:30 UTC on the 24th is already the 25th
            "01:30–01:00 FIRST",  # 01:30 BST, 30 minutes to 01:00 GMT
            "01:30–02:00 SECOND",  # 01:30 GMT, an hour later
            "09:00–09:30 MORNING",  # GMT again: UTC and wall time agree
            "23:30–26 Oct 00:00 NIGHT",  # the 25th has 25 hours
        ]
    ]
    assert positions == sorted(positions)
    saturday = text(client.get(day_url(datetime.date(2026, 10, 24), neurologist)))
    assert "MIDNIGHT" not in saturday


def test_gaps_on_the_first_weekday_after_each_clock_change(
    client, scheduler, neurologist
):
    # 09:00 UTC is 10:00 on Monday 30 March (BST) and 09:00 on 26 October (GMT).
    appointment(neurologist, utc(2026, 3, 30, 9), 60)
    appointment(neurologist, utc(2026, 10, 26, 9), 60)
    client.force_login(scheduler)
    spring = text(client.get(day_url(MONDAY, neurologist)))
    autumn = text(client.get(day_url(datetime.date(2026, 10, 26), neurologist)))
    assert "free 08:00–10:00 (2 h)" in spring
    assert "free 11:00–18:00 (7 h)" in spring
    assert "free 08:00–09:00 (1 h)" in autumn
    assert "free 10:00–18:00 (8 h)" in autumn


def test_whole_clinic_has_a_column_per_clinician_and_one_clinician_only_theirs(
    client, scheduler, neurologist, injector, therapist
):
    appointment(neurologist, utc(2026, 3, 30, 9), patient__family_name="Neuro")
    appointment(injector, utc(2026, 3, 30, 10), patient__family_name="Inject")
    # Not in a clinical role, but booked: gets a column of their own.
    locum = UserFactory(first_name="Lou", last_name="Locum")
    appointment(locum, utc(2026, 3, 30, 11), patient__family_name="Locumcase")
    client.force_login(scheduler)

    response = client.get(day_url(MONDAY))
    whole = text(response)
    assert "whole clinic" in whole
    columns = [column.clinician_id for column in response.context["columns"]]
    # The clinical staff by name, then anyone else who is booked.
    assert sorted(columns[:3]) == sorted([neurologist.pk, injector.pk, therapist.pk])
    assert columns[3:] == [locum.pk]
    for user in (neurologist, injector, therapist, locum):
        assert f'id="column-{user.pk}"' in response.content.decode()
    assert "NEURO" in whole and "INJECT" in whole and "LOCUMCASE" in whole

    one = client.get(day_url(MONDAY, injector))
    one_page = text(one)
    assert "INJECT" in one_page
    assert "NEURO" not in one_page
    assert "LOCUMCASE" not in one_page
    assert one.content.decode().count('id="column-') == 1


def test_unknown_clinician_is_404(client, scheduler):
    client.force_login(scheduler)
    url = reverse("scheduling:calendar_day")
    assert client.get(url + "?clinician=999999").status_code == 404
    assert client.get(url + "?clinician=abc").status_code == 404


@pytest.mark.parametrize("value", ["30/03/2026", "2026-02-30", "0001-01-01"])
def test_a_bad_date_shows_today_with_a_message(client, scheduler, value):
    client.force_login(scheduler)
    response = client.get(reverse("scheduling:calendar_day") + f"?date={value}")
    assert response.status_code == 200
    assert response.context["day"] == timezone.localdate()
    assert "showing today" in response.context["error"]
    assert response.context["error"] in text(response)


def test_day_navigation_links_keep_the_clinician(client, scheduler, neurologist):
    client.force_login(scheduler)
    response = client.get(day_url(MONDAY, neurologist))
    content = response.content.decode()
    today = timezone.localdate().isoformat()
    for day in ("2026-03-29", "2026-03-31", today):
        assert f"?date={day}&amp;clinician={neurologist.pk}" in content
    assert "Previous day" in content and "Next day" in content and "Today" in content


def _calendar_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_day_view_query_count_is_fixed(
    client, scheduler, neurologist, django_assert_num_queries
):
    appointment(neurologist, utc(2026, 3, 30, 9))
    client.force_login(scheduler)
    # session, user, the second-factor device, user permissions, group
    # permissions, clinical staff, other clinicians booked that day, the shown
    # columns' appointments with their patients and clinicians
    with django_assert_num_queries(8):
        client.get(day_url(MONDAY))


@pytest.mark.parametrize("view_url", [day_url, week_url])
def test_calendar_query_count_does_not_grow_with_appointments(
    client, scheduler, neurologist, view_url
):
    appointment(neurologist, utc(2026, 3, 30, 9))
    client.force_login(scheduler)
    baseline = _calendar_queries(client, view_url(MONDAY))
    for hour in range(8, 16):
        clinician = UserFactory(roles=["Injector"])
        appointment(clinician, utc(2026, 3, 30, hour))
        appointment(clinician, utc(2026, 3, 31, hour), patient=PatientFactory())
        appointment(
            UserFactory(),
            utc(2026, 4, 1, hour),
            status=AppointmentStatus.CANCELLED,
            cancel_reason="Clinic closed",
        )
    assert _calendar_queries(client, view_url(MONDAY)) == baseline


# Week view


def test_week_view_is_monday_to_friday_with_each_days_gaps(
    client, scheduler, neurologist
):
    appointment(neurologist, utc(2026, 4, 1, 9), 60, patient__family_name="Wednesday")
    client.force_login(scheduler)
    response = client.get(week_url(datetime.date(2026, 4, 2), neurologist))
    assert response.context["days"] == [
        MONDAY + datetime.timedelta(days=n) for n in range(5)
    ]
    page = text(response)
    assert "Week of Mon 30 Mar 2026" in page
    assert "10:00–11:00 WEDNESDAY, Maria · Follow-up · Booked" in page
    assert page.count("free 08:00–18:00 (10 h)") == 4
    assert "free 08:00–10:00 (2 h)" in page
    assert "free 11:00–18:00 (7 h)" in page
    content = response.content.decode()
    assert f"?date=2026-03-23&amp;clinician={neurologist.pk}" in content
    assert f"?date=2026-04-06&amp;clinician={neurologist.pk}" in content


def test_week_view_shows_a_weekend_day_only_when_something_is_booked(
    client, scheduler, neurologist
):
    appointment(neurologist, utc(2026, 3, 29, 9), patient__family_name="Sunday")
    client.force_login(scheduler)
    response = client.get(week_url(datetime.date(2026, 3, 25), neurologist))
    days = response.context["days"]
    assert days[-1] == SPRING_FORWARD
    assert datetime.date(2026, 3, 28) not in days
    assert "10:00–10:30 SUNDAY" in text(response)  # BST from that morning


def test_week_view_across_the_autumn_change(client, scheduler, neurologist):
    appointment(neurologist, utc(2026, 10, 23, 8), patient__family_name="Summer")
    appointment(neurologist, utc(2026, 10, 26, 8), patient__family_name="Winter")
    client.force_login(scheduler)
    before = text(client.get(week_url(datetime.date(2026, 10, 23), neurologist)))
    after = text(client.get(week_url(datetime.date(2026, 10, 26), neurologist)))
    assert "09:00–09:30 SUMMER" in before
    assert "08:00–08:30 WINTER" in after


def test_week_view_whole_clinic_has_a_row_per_clinician(
    client, scheduler, neurologist, therapist
):
    appointment(therapist, utc(2026, 3, 31, 13), patient__family_name="Retrain")
    client.force_login(scheduler)
    response = client.get(week_url(MONDAY) + "&clinician=all")
    names = [column.name for column in response.context["columns"]]
    assert neurologist.get_full_name() in names
    assert therapist.get_full_name() in names
    assert "RETRAIN" in text(response)


def test_a_week_starts_as_one_clinicians(client, scheduler, neurologist, therapist):
    appointment(therapist, utc(2026, 3, 31, 13), patient__family_name="Retrain")
    client.force_login(therapist)
    mine = client.get(week_url(MONDAY))
    assert [column.name for column in mine.context["columns"]] == [
        therapist.get_full_name()
    ]
    assert "RETRAIN" in text(mine)
    # Someone who sees no patients starts with the first clinician's week.
    client.force_login(scheduler)
    first = client.get(week_url(MONDAY)).context["columns"]
    assert len(first) == 1
    # The day view still opens on the whole clinic.
    columns = client.get(day_url(MONDAY)).context["columns"]
    assert {neurologist.get_full_name(), therapist.get_full_name()} <= {
        column.name for column in columns
    }


# The feed


def feed_events(response):
    return icalendar.Calendar.from_ical(response.content).events


def test_feed_needs_no_login_and_shows_times_kind_and_initials_only(
    client, neurologist
):
    feed = CalendarFeedFactory(clinician=neurologist)
    now = timezone.now().replace(microsecond=0)
    starts_at = now + datetime.timedelta(days=3)
    booked = appointment(
        neurologist,
        starts_at,
        kind=AppointmentKind.TOXIN_SESSION,
        patient__given_name="Maria",
        patient__family_name="Tremblay",
        patient__mrn="MRN-FEED-1",
        notes="Admin note",
    )
    response = client.get(reverse("scheduling:calendar_feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    (event,) = feed_events(response)
    assert str(event["SUMMARY"]) == "Toxin session – M.T."
    assert str(event["UID"]) == f"appointment-{booked.pk}@twitch-clinic.local"
    assert event.start == starts_at.astimezone(UTC)
    assert event.end == (starts_at + datetime.timedelta(minutes=30)).astimezone(UTC)
    assert event.start.utcoffset() == datetime.timedelta(0)
    body = response.content.decode()
    for secret in ("Maria", "Tremblay", "TREMBLAY", "MRN-FEED-1", "Admin note"):
        assert secret not in body


def test_feed_times_across_the_clock_changes_are_utc(client, neurologist):
    feed = CalendarFeedFactory(clinician=neurologist)
    spring = appointment(neurologist, utc(2026, 3, 29, 9))  # 10:00 BST
    autumn = appointment(neurologist, utc(2026, 10, 25, 9))  # 09:00 GMT
    url = reverse("scheduling:calendar_feed", args=[feed.token])
    starts = {}
    for now in (utc(2026, 3, 20, 12), utc(2026, 10, 20, 12)):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(timezone, "now", lambda now=now: now)
            response = client.get(url)
        starts.update({str(e["UID"]): e.start for e in feed_events(response)})
    assert starts == {
        f"appointment-{spring.pk}@twitch-clinic.local": utc(2026, 3, 29, 9),
        f"appointment-{autumn.pk}@twitch-clinic.local": utc(2026, 10, 25, 9),
    }
    assert b"DTSTART:20261025T090000Z" in response.content


def test_feed_leaves_out_cancelled_old_far_and_other_clinicians_visits(
    client, neurologist, injector
):
    feed = CalendarFeedFactory(clinician=neurologist)
    now = timezone.now().replace(microsecond=0)
    shown = [
        appointment(neurologist, now - datetime.timedelta(days=29)),
        appointment(
            neurologist,
            now + datetime.timedelta(days=1),
            status=AppointmentStatus.COMPLETED,
        ),
        appointment(neurologist, now + datetime.timedelta(days=179)),
    ]
    appointment(neurologist, now - datetime.timedelta(days=31))
    appointment(neurologist, now + datetime.timedelta(days=181))
    appointment(
        neurologist,
        now + datetime.timedelta(days=2),
        status=AppointmentStatus.CANCELLED,
        cancel_reason="Unwell",
    )
    appointment(
        neurologist, now + datetime.timedelta(days=3), status=AppointmentStatus.NO_SHOW
    )
    appointment(injector, now + datetime.timedelta(days=4))
    response = client.get(reverse("scheduling:calendar_feed", args=[feed.token]))
    uids = [str(event["UID"]) for event in feed_events(response)]
    assert uids == [f"appointment-{a.pk}@twitch-clinic.local" for a in shown]


def test_unknown_and_revoked_tokens_are_404(client, neurologist):
    revoked = CalendarFeedFactory(clinician=neurologist, revoked_at=timezone.now())
    for token in (revoked.token, "no-such-token"):
        url = reverse("scheduling:calendar_feed", args=[token])
        assert client.get(url).status_code == 404


def test_feed_of_a_deactivated_or_unpermitted_user_is_404(client, neurologist):
    feed = CalendarFeedFactory(clinician=neurologist)
    url = reverse("scheduling:calendar_feed", args=[feed.token])
    assert client.get(url).status_code == 200
    neurologist.is_active = False
    neurologist.save()
    assert client.get(url).status_code == 404
    outsider_feed = CalendarFeedFactory(clinician=UserFactory())
    assert (
        client.get(
            reverse("scheduling:calendar_feed", args=[outsider_feed.token])
        ).status_code
        == 404
    )


def test_feed_query_count_does_not_grow(client, neurologist):
    feed = CalendarFeedFactory(clinician=neurologist)
    url = reverse("scheduling:calendar_feed", args=[feed.token])
    now = timezone.now().replace(microsecond=0)
    appointment(neurologist, now + datetime.timedelta(days=1))
    with CaptureQueriesContext(connection) as baseline:
        client.get(url)
    for day in range(2, 12):
        appointment(neurologist, now + datetime.timedelta(days=day))
    with CaptureQueriesContext(connection) as more:
        response = client.get(url)
    assert len(feed_events(response)) == 11
    assert len(more) == len(baseline)


def test_feed_answers_head_but_not_post(client, neurologist):
    feed = CalendarFeedFactory(clinician=neurologist)
    url = reverse("scheduling:calendar_feed", args=[feed.token])
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


# Managing one's own feed

SETTINGS_URL = "/treatments/calendar/feed/"


def test_create_shows_my_absolute_feed_url(client, injector):
    client.force_login(injector)
    response = client.get(SETTINGS_URL)
    assert "You have no feed" in text(response)
    assert "no-store" in response["Cache-Control"]
    response = client.post(SETTINGS_URL, {"action": "create"}, follow=True)
    feed = CalendarFeed.objects.get(clinician=injector, revoked_at__isnull=True)
    assert len(feed.token) >= 43
    url = f"http://testserver/treatments/calendar/feed/{feed.token}.ics"
    assert response.context["url"] == url
    assert f'value="{url}"' in response.content.decode()
    assert client.get(urlsplit(url).path).status_code == 200


def test_create_twice_keeps_the_address_already_given(client, injector):
    client.force_login(injector)
    client.post(SETTINGS_URL, {"action": "create"})
    first = CalendarFeed.objects.get(clinician=injector)
    client.post(SETTINGS_URL, {"action": "create"})
    assert list(CalendarFeed.objects.filter(clinician=injector)) == [first]


def test_regenerate_gives_a_new_url_and_the_old_one_is_404(client, injector):
    old = CalendarFeedFactory(clinician=injector)
    old_url = reverse("scheduling:calendar_feed", args=[old.token])
    assert client.get(old_url).status_code == 200
    client.force_login(injector)
    response = client.post(SETTINGS_URL, {"action": "regenerate"})
    assert response.status_code == 302
    assert response["Location"] == SETTINGS_URL
    new = CalendarFeed.objects.get(clinician=injector, revoked_at__isnull=True)
    assert new.token != old.token
    old.refresh_from_db()
    assert old.revoked_at is not None
    client.logout()
    assert client.get(old_url).status_code == 404
    new_url = reverse("scheduling:calendar_feed", args=[new.token])
    assert client.get(new_url).status_code == 200


def test_revoke_ends_my_feed(client, injector):
    feed = CalendarFeedFactory(clinician=injector)
    client.force_login(injector)
    response = client.post(SETTINGS_URL, {"action": "revoke"}, follow=True)
    assert "no longer works" in text(response)
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert "You have no feed" in text(response)
    url = reverse("scheduling:calendar_feed", args=[feed.token])
    assert client.get(url).status_code == 404


def test_i_cannot_revoke_or_replace_another_users_feed(client, injector, neurologist):
    theirs = CalendarFeedFactory(clinician=neurologist)
    client.force_login(injector)
    for action in ("revoke", "regenerate", "create"):
        client.post(
            SETTINGS_URL,
            {"action": action, "feed": theirs.pk, "clinician": neurologist.pk},
        )
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert CalendarFeed.objects.filter(clinician=neurologist).count() == 1
    page = text(client.get(SETTINGS_URL))
    assert theirs.token not in page
    url = reverse("scheduling:calendar_feed", args=[theirs.token])
    assert client.get(url).status_code == 200


def test_a_feed_changed_at_the_same_moment_elsewhere_is_a_message(
    client, injector, monkeypatch
):
    def lose_the_race(*, clinician):
        raise IntegrityError("treatments_calendarfeed_one_live")

    monkeypatch.setattr(calendars, "issue_feed", lose_the_race)
    client.force_login(injector)
    response = client.post(SETTINGS_URL, {"action": "regenerate"}, follow=True)
    assert response.status_code == 200
    assert "changed at the same moment elsewhere" in text(response)


def test_feed_settings_refuse_an_unknown_action(client, injector):
    client.force_login(injector)
    response = client.post(SETTINGS_URL, {"action": "delete"}, follow=True)
    assert "Choose create, regenerate or revoke." in text(response)
    assert not CalendarFeed.objects.exists()


# The patient's .ics


def test_appointment_ics_is_one_event_with_the_right_start(client, scheduler):
    booked = appointment(
        UserFactory(roles=["Injector"]),
        utc(2026, 3, 29, 9),  # 10:00 BST
        kind=AppointmentKind.TOXIN_SESSION,
        patient__family_name="Tremblay",
        patient__mrn="MRN-ICS-1",
        notes="Admin note",
    )
    client.force_login(scheduler)
    response = client.get(reverse("scheduling:appointment_ics", args=[booked.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="appointment-2026-03-29-1000.ics"'
    )
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    (event,) = feed_events(response)
    assert event.start == utc(2026, 3, 29, 9)
    assert event.end == utc(2026, 3, 29, 9, 30)
    assert str(event["SUMMARY"]) == "Appointment at the clinic: Toxin session"
    assert str(event["LOCATION"])
    body = response.content.decode()
    for secret in ("Tremblay", "TREMBLAY", "MRN-ICS-1", "Admin note"):
        assert secret not in body


def test_a_missing_appointment_has_no_ics(client, scheduler):
    booked = appointment(UserFactory(), utc(2026, 4, 1, 9))
    client.force_login(scheduler)
    missing = reverse("scheduling:appointment_ics", args=[booked.pk + 1000])
    assert client.get(missing).status_code == 404


def test_no_ics_for_a_cancelled_appointment(client, scheduler):
    cancelled = appointment(
        UserFactory(),
        utc(2026, 4, 1, 9),
        status=AppointmentStatus.CANCELLED,
        cancel_reason="Moved away",
    )
    client.force_login(scheduler)
    url = reverse("scheduling:appointment_ics", args=[cancelled.pk])
    assert client.get(url).status_code == 404


def test_the_whole_clinic_shows_six_clinicians_at_a_time(client, scheduler):
    clinicians = [
        UserFactory(roles=["Neurologist"], last_name=f"Col{number:02}")
        for number in range(8)
    ]
    appointment(clinicians[7], utc(2026, 3, 31, 13), patient__family_name="Late")
    client.force_login(scheduler)
    first = client.get(day_url(MONDAY + datetime.timedelta(days=1)) + "&clinician=all")
    assert len(first.context["columns"]) == 6
    assert "Clinicians 1–6 of" in first.content.decode()
    second = client.get(
        day_url(MONDAY + datetime.timedelta(days=1)) + "&clinician=all&columns=2"
    )
    names = [c.name for c in first.context["columns"] + second.context["columns"]]
    assert set(names) >= {clinician.get_full_name() for clinician in clinicians}
    assert "LATE" in text(second) and "LATE" not in text(first)
    # The chooser still offers every clinician.
    assert len(first.context["clinicians"]) >= 8
