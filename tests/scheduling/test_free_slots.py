"""Free times to book, without the database: the opening hours, the bookings, the
visit's length, the clock's marks, the suggested day first, and the clinic's
time zone across a clock change."""

import datetime
import zoneinfo

import pytest

from scheduling import calendars, free_slots
from scheduling.calendars import Booking, Gap
from scheduling.free_slots import Busy

LONDON = zoneinfo.ZoneInfo("Europe/London")
UTC = datetime.UTC
MONDAY = datetime.date(2026, 11, 30)  # GMT: wall time is UTC
TUESDAY = MONDAY + datetime.timedelta(days=1)
SATURDAY = MONDAY + datetime.timedelta(days=5)
# 2026 in Europe/London: forward on Sunday 29 March, back on Sunday 25 October.
SPRING_FORWARD = datetime.date(2026, 3, 29)
FALL_BACK = datetime.date(2026, 10, 25)
LONG_AGO = datetime.datetime(2000, 1, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clinic_hours(settings):
    settings.CLINIC_DAY_STARTS_HOUR = 8
    settings.CLINIC_DAY_ENDS_HOUR = 18


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def busy(starts_at, minutes=30) -> Busy:
    return Busy(starts_at, starts_at + datetime.timedelta(minutes=minutes))


def walls(slots) -> list[str]:
    return [f"{slot.local_start:%a %H:%M}" for slot in slots]


def day(bookings, on=MONDAY, *, minutes=30, step=15, not_before=LONG_AGO, zone=LONDON):
    return free_slots.day_slots(
        bookings,
        on,
        minutes=minutes,
        step_minutes=step,
        zone=zone,
        not_before=not_before,
    )


def test_a_free_day_offers_every_mark_the_visit_fits_before_closing():
    slots = day([])
    assert walls(slots)[:3] == ["Mon 08:00", "Mon 08:15", "Mon 08:30"]
    # 17:30 still fits 30 minutes before 18:00; 17:45 does not.
    assert walls(slots)[-1] == "Mon 17:30"
    assert len(slots) == 39
    assert slots[0].ends_at - slots[0].starts_at == datetime.timedelta(minutes=30)


def test_a_visit_that_does_not_fit_before_closing_is_not_offered():
    assert walls(day([busy(utc(2026, 11, 30, 8, 0), 9 * 60 + 20)], minutes=45)) == []
    assert walls(day([busy(utc(2026, 11, 30, 8, 0), 9 * 60 + 15)], minutes=45)) == [
        "Mon 17:15"
    ]


def test_bookings_take_their_time_and_a_start_after_one_goes_to_the_next_mark():
    slots = day(
        [
            busy(utc(2026, 11, 30, 8, 0), 9 * 60),  # 08:00-17:00
            busy(utc(2026, 11, 30, 17, 20), 10),  # 17:20-17:30
        ],
        minutes=20,
    )
    # 17:00-17:20 holds 20 minutes; after 17:30 the 20 minutes fit only at 17:30.
    assert walls(slots) == ["Mon 17:00", "Mon 17:30"]


def test_a_gap_starting_off_the_marks_offers_the_next_mark():
    slots = day([busy(utc(2026, 11, 30, 8, 0), 9 * 60 + 5)], minutes=20)
    assert walls(slots) == ["Mon 17:15", "Mon 17:30"]


def test_a_cancelled_appointment_frees_its_time():
    def booking(status):
        return Booking(
            pk=1,
            clinician_id=1,
            patient_id=1,
            patient_name="TESTPATIENT, Maria",
            kind="Toxin session",
            status=status,
            status_label=status,
            starts_at=utc(2026, 11, 30, 8, 0),
            ends_at=utc(2026, 11, 30, 17, 45),
        )

    assert walls(day([booking("booked")])) == []
    assert walls(day([booking("cancelled")]))[0] == "Mon 08:00"
    assert walls(day([booking("no_show")]))[-1] == "Mon 17:30"


def test_nothing_before_the_moment_given_and_the_next_mark_after_it():
    slots = day([], not_before=utc(2026, 11, 30, 10, 7, 30))
    assert walls(slots)[0] == "Mon 10:15"


def test_a_weekend_day_offers_nothing():
    assert day([], SATURDAY) == []


def test_the_marks_follow_the_step():
    assert walls(day([], step=20))[:4] == [
        "Mon 08:00",
        "Mon 08:20",
        "Mon 08:40",
        "Mon 09:00",
    ]


def test_the_marks_are_on_the_clinics_clock_not_utc():
    # Kolkata is UTC+05:30: its quarter hours are UTC's too, its 20-minute
    # marks are not.
    kolkata = zoneinfo.ZoneInfo("Asia/Kolkata")
    slots = day([], step=20, zone=kolkata)
    assert [f"{slot.local_start:%H:%M}" for slot in slots[:2]] == ["08:00", "08:20"]
    assert slots[0].starts_at == utc(2026, 11, 30, 2, 30)


def test_the_start_is_given_as_the_booking_page_takes_it():
    [first, *_] = day([], zone=zoneinfo.ZoneInfo("America/New_York"))
    assert first.start_param == "2026-11-30T08:00"
    assert first.starts_at == utc(2026, 11, 30, 13, 0)


@pytest.fixture
def open_every_day(monkeypatch, settings):
    """A clinic open around the clock: the clocks change at night, on Sundays."""
    monkeypatch.setattr(calendars, "WORKING_WEEKDAYS", range(7))
    settings.CLINIC_DAY_STARTS_HOUR = 0
    settings.CLINIC_DAY_ENDS_HOUR = 4


def test_the_hour_the_clocks_skip_is_never_offered(open_every_day):
    slots = day([], SPRING_FORWARD, minutes=60, step=30)
    # 00:00 to 04:00 on the clock is three real hours: 01:00-02:00 does not exist,
    # and the visit at 00:30 lasts a real hour, to 02:30 on the clock.
    assert [f"{slot.local_start:%H:%M}" for slot in slots] == [
        "00:00",
        "00:30",
        "02:00",
        "02:30",
        "03:00",
    ]
    for slot in slots:
        assert slot.ends_at - slot.starts_at == datetime.timedelta(hours=1)


def test_the_hour_the_clocks_repeat_is_offered_twice(open_every_day):
    slots = day([], FALL_BACK, minutes=60, step=60)
    # Five real hours from 00:00 to 04:00 on the clock: 01:00 happens twice.
    assert [f"{slot.local_start:%H:%M}" for slot in slots] == [
        "00:00",
        "01:00",
        "01:00",
        "02:00",
        "03:00",
    ]
    assert slots[2].starts_at - slots[1].starts_at == datetime.timedelta(hours=1)


# The list


def test_the_list_is_in_time_order_at_most_so_many_a_day_spread_over_it():
    slots = free_slots.free_slots(
        [],
        days=[MONDAY, TUESDAY],
        limit=6,
        per_day=3,
        minutes=30,
        step_minutes=15,
        zone=LONDON,
        not_before=LONG_AGO,
    )
    assert walls(slots) == [
        "Mon 08:00",
        "Mon 12:45",
        "Mon 17:30",
        "Tue 08:00",
        "Tue 12:45",
        "Tue 17:30",
    ]


def test_the_suggested_day_comes_first_then_the_days_from_the_first():
    wednesday = MONDAY + datetime.timedelta(days=2)
    slots = free_slots.free_slots(
        [busy(utc(2026, 11, 30, 8, 0), 9 * 60)],
        days=[MONDAY, TUESDAY, wednesday],
        first_day=wednesday,
        limit=5,
        per_day=2,
        minutes=30,
        step_minutes=15,
        zone=LONDON,
        not_before=LONG_AGO,
    )
    assert walls(slots) == [
        "Wed 08:00",
        "Wed 17:30",
        "Mon 17:00",
        "Mon 17:30",
        "Tue 08:00",
    ]


def test_the_suggested_day_comes_first_even_beyond_the_days():
    later = MONDAY + datetime.timedelta(days=42)
    slots = free_slots.free_slots(
        [],
        days=[MONDAY],
        first_day=later,
        limit=3,
        per_day=2,
        minutes=30,
        step_minutes=15,
        zone=LONDON,
        not_before=LONG_AGO,
    )
    assert [slot.day for slot in slots] == [later, later, MONDAY]


@pytest.mark.parametrize(
    ("count", "picked"),
    [(0, []), (1, [0]), (2, [0, 9]), (3, [0, 4, 9]), (4, [0, 3, 6, 9]), (20, None)],
)
def test_spread_keeps_the_first_and_the_last(count, picked):
    starts = list(range(10))
    assert free_slots.spread(starts, count) == (starts if picked is None else picked)


# A calendar's free gap


def gap(start, end) -> Gap:
    return Gap(start, end)


def test_a_gap_not_begun_is_booked_from_its_start():
    at = free_slots.gap_booking_start(
        gap(utc(2026, 11, 30, 9, 20), utc(2026, 11, 30, 10, 0)),
        minutes=20,
        step_minutes=15,
        zone=LONDON,
        now=utc(2026, 11, 30, 7, 0),
    )
    assert at == utc(2026, 11, 30, 9, 20)
    assert f"{at:%H:%M}" == "09:20"


def test_a_gap_begun_is_booked_from_the_next_mark_while_a_visit_fits():
    now = utc(2026, 11, 30, 9, 31)
    options = {"minutes": 20, "step_minutes": 15, "zone": LONDON, "now": now}
    begun = gap(utc(2026, 11, 30, 9, 0), utc(2026, 11, 30, 10, 5))
    assert free_slots.gap_booking_start(begun, **options) == utc(2026, 11, 30, 9, 45)
    short = gap(utc(2026, 11, 30, 9, 0), utc(2026, 11, 30, 10, 0))
    assert free_slots.gap_booking_start(short, **options) is None


def test_a_calendar_cell_says_where_each_gap_is_booked_from():
    cell = calendars.day_cell(
        [],
        MONDAY,
        LONDON,
        lambda g: g.starts_at if g.minutes >= 60 else None,
    )
    [row] = cell.rows
    assert row.book_at == utc(2026, 11, 30, 8, 0)
    assert row.book_start == "2026-11-30T08:00"
    assert calendars.day_cell([], MONDAY, LONDON).rows[0].book_at is None
