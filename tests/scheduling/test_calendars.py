"""The calendar grid and the iCalendar files, without the database: free gaps, the
clinic's local days across clock changes, initials and the feed's content."""

import datetime
import zoneinfo

import icalendar
import pytest

from scheduling import calendars
from scheduling.calendars import Booking, FeedEvent

LONDON = zoneinfo.ZoneInfo("Europe/London")
UTC = datetime.UTC
# 2026 in Europe/London: clocks go forward on Sunday 29 March at 01:00 GMT and back
# on Sunday 25 October at 02:00 BST.
SPRING_FORWARD = datetime.date(2026, 3, 29)
FALL_BACK = datetime.date(2026, 10, 25)
MONDAY_BST = datetime.date(2026, 3, 30)


@pytest.fixture(autouse=True)
def _clinic_hours(settings):
    settings.CLINIC_DAY_STARTS_HOUR = 8
    settings.CLINIC_DAY_ENDS_HOUR = 18


@pytest.fixture
def open_every_day(monkeypatch):
    """A clinic that works weekends: the clock changes fall on Sundays."""
    monkeypatch.setattr(calendars, "WORKING_WEEKDAYS", range(7))


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def booking(starts_at, minutes=30, *, status="booked", pk=1, clinician_id=1):
    return Booking(
        pk=pk,
        clinician_id=clinician_id,
        patient_id=1,
        patient_name="TESTPATIENT, Maria",
        kind="Toxin session",
        status=status,
        status_label=status.title(),
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=minutes),
    )


def texts(cell) -> list[str]:
    return [
        f"free {row.start_label}–{row.end_label} ({row.length})"
        if row.is_free
        else f"{row.start_label}–{row.end_label} {row.booking.status}"
        for row in cell.rows
    ]


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0, "0 min"), (45, "45 min"), (60, "1 h"), (90, "1 h 30 min"), (600, "10 h")],
)
def test_format_minutes(minutes, text):
    assert calendars.format_minutes(minutes) == text


def test_week_starts_on_monday():
    assert calendars.week_start(datetime.date(2026, 3, 29)) == datetime.date(
        2026, 3, 23
    )
    assert calendars.week_start(MONDAY_BST) == MONDAY_BST


def test_the_day_the_clocks_go_forward_is_23_hours_long():
    starts, ends = calendars.local_day_bounds(SPRING_FORWARD, LONDON)
    assert (starts, ends) == (utc(2026, 3, 29, 0, 0), utc(2026, 3, 29, 23, 0))


def test_the_day_the_clocks_go_back_is_25_hours_long():
    starts, ends = calendars.local_day_bounds(FALL_BACK, LONDON)
    assert (starts, ends) == (utc(2026, 10, 24, 23, 0), utc(2026, 10, 26, 0, 0))


def test_opening_hours_are_wall_clock_hours_in_summer_and_winter():
    assert calendars.opening_hours(MONDAY_BST, LONDON) == (
        utc(2026, 3, 30, 7),
        utc(2026, 3, 30, 17),
    )
    assert calendars.opening_hours(datetime.date(2026, 10, 26), LONDON) == (
        utc(2026, 10, 26, 8),
        utc(2026, 10, 26, 18),
    )


def test_weekends_have_no_opening_hours():
    assert calendars.opening_hours(SPRING_FORWARD, LONDON) is None
    assert calendars.opening_hours(datetime.date(2026, 3, 28), LONDON) is None


def test_free_gaps_around_one_booking():
    opens, closes = utc(2026, 3, 30, 7), utc(2026, 3, 30, 17)
    gaps = calendars.free_gaps([booking(utc(2026, 3, 30, 9, 30), 45)], opens, closes)
    assert [(g.starts_at, g.ends_at, g.minutes) for g in gaps] == [
        (opens, utc(2026, 3, 30, 9, 30), 150),
        (utc(2026, 3, 30, 10, 15), closes, 405),
    ]


def test_overlapping_and_adjacent_bookings_merge_into_one_busy_stretch():
    opens, closes = utc(2026, 3, 30, 7), utc(2026, 3, 30, 17)
    gaps = calendars.free_gaps(
        [
            booking(utc(2026, 3, 30, 7, 0), 60),
            booking(utc(2026, 3, 30, 7, 30), 60),
            booking(utc(2026, 3, 30, 8, 30), 30),
            booking(utc(2026, 3, 30, 16, 0), 120),
        ],
        opens,
        closes,
    )
    assert [(g.starts_at, g.ends_at) for g in gaps] == [
        (utc(2026, 3, 30, 9), utc(2026, 3, 30, 16))
    ]


@pytest.mark.parametrize("status", ["cancelled", "no_show"])
def test_cancelled_and_no_show_bookings_do_not_take_time(status):
    opens, closes = utc(2026, 3, 30, 7), utc(2026, 3, 30, 17)
    gaps = calendars.free_gaps(
        [booking(utc(2026, 3, 30, 9), 60, status=status)], opens, closes
    )
    assert [(g.starts_at, g.ends_at) for g in gaps] == [(opens, closes)]


@pytest.mark.parametrize("status", ["booked", "confirmed", "arrived", "completed"])
def test_active_bookings_take_time(status):
    opens, closes = utc(2026, 3, 30, 7), utc(2026, 3, 30, 17)
    gaps = calendars.free_gaps(
        [booking(utc(2026, 3, 30, 7), 600, status=status)], opens, closes
    )
    assert gaps == []


def test_a_weekday_cell_lists_bookings_and_gaps_at_wall_time():
    cell = calendars.day_cell(
        [
            booking(utc(2026, 3, 30, 9, 30), 45),
            booking(utc(2026, 3, 30, 8), 60, status="cancelled", pk=2),
        ],
        MONDAY_BST,
        LONDON,
    )
    assert cell.is_working_day is True
    assert texts(cell) == [
        "free 08:00–10:30 (2 h 30 min)",
        "09:00–10:00 cancelled",
        "10:30–11:15 booked",
        "free 11:15–18:00 (6 h 45 min)",
    ]
    assert cell.free_minutes == 150 + 405
    assert cell.free_total == "9 h 15 min"


def test_spring_forward_day_shows_wall_times_and_real_gap_lengths(open_every_day):
    cell = calendars.day_cell(
        [
            booking(utc(2026, 3, 29, 0, 30)),  # 00:30 GMT, before the change
            booking(utc(2026, 3, 29, 1, 30)),  # 02:30 BST, after it
            booking(utc(2026, 3, 29, 9, 0), 60),  # 10:00 BST
        ],
        SPRING_FORWARD,
        LONDON,
    )
    assert texts(cell) == [
        "00:30–02:00 booked",  # 30 minutes: the clocks jump at 01:00
        "02:30–03:00 booked",
        "free 08:00–10:00 (2 h)",
        "10:00–11:00 booked",
        "free 11:00–18:00 (7 h)",
    ]


def test_fall_back_day_shows_both_readings_of_the_doubled_hour(open_every_day):
    cell = calendars.day_cell(
        [
            booking(utc(2026, 10, 24, 23, 30)),  # 00:30 BST on the 25th
            booking(utc(2026, 10, 25, 0, 30), pk=2),  # 01:30 BST
            booking(utc(2026, 10, 25, 1, 30), pk=3),  # 01:30 GMT, an hour later
            booking(utc(2026, 10, 25, 9, 0), 60, pk=4),  # 09:00 GMT
            booking(utc(2026, 10, 25, 23, 30), pk=5),  # 23:30 GMT, still the 25th
        ],
        FALL_BACK,
        LONDON,
    )
    assert texts(cell) == [
        "00:30–01:00 booked",
        "01:30–01:00 booked",  # 30 minutes: the clocks go back at 02:00
        "01:30–02:00 booked",
        "free 08:00–09:00 (1 h)",
        "09:00–10:00 booked",
        "free 10:00–18:00 (8 h)",
        "23:30–26 Oct 00:00 booked",
    ]


def test_a_gap_across_a_clock_change_lasts_the_time_that_passes(
    settings, open_every_day
):
    settings.CLINIC_DAY_STARTS_HOUR = 0
    settings.CLINIC_DAY_ENDS_HOUR = 4
    spring = calendars.day_cell([], SPRING_FORWARD, LONDON)
    autumn = calendars.day_cell([], FALL_BACK, LONDON)
    assert texts(spring) == ["free 00:00–04:00 (3 h)"]
    assert texts(autumn) == ["free 00:00–04:00 (5 h)"]


def test_bookings_belong_to_their_local_day_not_their_utc_day():
    before = booking(utc(2026, 10, 24, 22, 30))  # 23:30 BST on the 24th
    after = booking(utc(2026, 10, 24, 23, 30), pk=2)  # 00:30 BST on the 25th
    saturday = calendars.day_cell([before, after], datetime.date(2026, 10, 24), LONDON)
    sunday = calendars.day_cell([before, after], FALL_BACK, LONDON)
    assert [row.booking.pk for row in saturday.rows] == [1]
    assert [row.booking.pk for row in sunday.rows] == [2]


def test_a_booking_across_midnight_shows_on_both_days_with_its_dates():
    night = booking(utc(2026, 3, 30, 22, 30), 90)  # 23:30 to 01:00 BST
    monday = calendars.day_cell([night], MONDAY_BST, LONDON)
    tuesday = calendars.day_cell([night], datetime.date(2026, 3, 31), LONDON)
    assert "23:30–31 Mar 01:00 booked" in texts(monday)
    assert "30 Mar 23:30–01:00 booked" in texts(tuesday)


def test_a_weekend_day_lists_bookings_without_free_time():
    cell = calendars.day_cell([booking(utc(2026, 3, 29, 9))], SPRING_FORWARD, LONDON)
    assert cell.is_working_day is False
    assert texts(cell) == ["10:00–10:30 booked"]


def test_shown_days_are_weekdays_and_booked_weekend_days():
    monday = datetime.date(2026, 3, 23)
    sunday = datetime.date(2026, 3, 29)
    assert calendars.shown_days(monday, sunday, [], LONDON) == [
        monday + datetime.timedelta(days=n) for n in range(5)
    ]
    days = calendars.shown_days(
        monday, sunday, [booking(utc(2026, 3, 29, 0, 30))], LONDON
    )
    assert days[-1] == sunday
    assert len(days) == 6


def test_grid_has_a_column_per_clinician_with_only_their_bookings():
    mine = booking(utc(2026, 3, 30, 9), clinician_id=1)
    theirs = booking(utc(2026, 3, 30, 12), clinician_id=2, pk=2)
    columns = calendars.build_grid(
        days=[MONDAY_BST, datetime.date(2026, 3, 31)],
        clinicians=[(1, "Dr One"), (2, "Dr Two"), (3, "Dr Idle")],
        bookings=[mine, theirs],
        zone=LONDON,
    )
    assert [column.name for column in columns] == ["Dr One", "Dr Two", "Dr Idle"]
    assert [len(column.cells) for column in columns] == [2, 2, 2]
    booked = [
        [row.booking.pk for row in column.cells[0].rows if not row.is_free]
        for column in columns
    ]
    assert booked == [[1], [2], []]
    assert texts(columns[2].cells[0]) == ["free 08:00–18:00 (10 h)"]


@pytest.mark.parametrize(
    ("given", "family", "expected"),
    [
        ("Maria", "Testpatient", "M.T."),
        ("jean-luc", "o'brien", "J.O."),
        ("Éva", "Ødegård", "É.Ø."),
        ("", "Smith", "S."),
        ("", "", "?"),
    ],
)
def test_initials(given, family, expected):
    assert calendars.initials(given, family) == expected


def test_feed_calendar_has_utc_times_kind_and_initials_only():
    body = calendars.feed_calendar(
        [
            FeedEvent(
                pk=7,
                kind="Toxin session",
                starts_at=datetime.datetime(2026, 3, 30, 10, 0, tzinfo=LONDON),
                ends_at=datetime.datetime(2026, 3, 30, 10, 30, tzinfo=LONDON),
                initials="M.T.",
            )
        ],
        feed_pk=3,
        stamp=utc(2026, 3, 1, 12),
    )
    (event,) = icalendar.Calendar.from_ical(body).events
    assert str(event["UID"]) == "appointment-7@twitch-clinic.local"
    assert str(event["SUMMARY"]) == "Toxin session – M.T."
    assert event.start == utc(2026, 3, 30, 9, 0)
    assert event.end == utc(2026, 3, 30, 9, 30)
    assert b"DTSTART:20260330T090000Z" in body


def test_patient_calendar_has_no_name_and_its_own_uid(settings):
    settings.CLINIC_NAME = "Riverside Neurology"
    body = calendars.patient_calendar(
        pk=7,
        kind="Toxin session",
        starts_at=utc(2026, 10, 26, 9),
        ends_at=utc(2026, 10, 26, 9, 30),
        stamp=utc(2026, 10, 1),
    )
    (event,) = icalendar.Calendar.from_ical(body).events
    assert str(event["SUMMARY"]) == "Appointment at the clinic: Toxin session"
    assert str(event["UID"]) == "patient-appointment-7@twitch-clinic.local"
    assert str(event["LOCATION"]) == "Riverside Neurology"
    assert event.start == utc(2026, 10, 26, 9)
