"""Day and week calendars with their free gaps, and the iCalendar files built from
appointments.

The grid is built from plain `Booking` values, so it is computed and tested without
the database. All arithmetic on moments is done in UTC; the clinic's time zone is
used only to decide which local day a moment falls on and to label it. That keeps
a 23- or 25-hour day (the clocks going forward or back) right: a visit is shown at
its wall time and a gap's length is the time that really passes.

The feed functions at the end are the only ones here that write.
"""

import datetime
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import icalendar
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from scheduling.clinic_time import clinic_datetime
from scheduling.models import ACTIVE_APPOINTMENT_STATUSES, CalendarFeed

UTC = datetime.UTC
# Calendar UIDs must be globally unique and must not change with the host name the
# app is reached by, or every client would see a new event after a move.
UID_DOMAIN = "twitch-clinic.local"
PRODID = "-//Twitch clinic//Appointments//EN"
# Monday to Friday have opening hours; a weekend day is shown only when something
# is booked on it, and never offers free time.
WORKING_WEEKDAYS = range(5)
# No visit lasts a day: bounds the calendar query so it uses the start-time index.
LONGEST_VISIT = datetime.timedelta(days=1)
# The feed shows recent and coming visits, not the whole history.
FEED_PAST = datetime.timedelta(days=30)
FEED_FUTURE = datetime.timedelta(days=180)

_ACTIVE = frozenset(str(status) for status in ACTIVE_APPOINTMENT_STATUSES)


@dataclass(frozen=True)
class Booking:
    """What a calendar shows of one appointment: who, what, when, no clinical data."""

    pk: int
    clinician_id: int
    patient_id: int
    patient_name: str
    kind: str
    status: str
    status_label: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime

    @classmethod
    def of(cls, appointment) -> "Booking":
        """From an Appointment whose patient was selected with it."""
        patient = appointment.patient
        return cls(
            pk=appointment.pk,
            clinician_id=appointment.clinician_id,
            patient_id=appointment.patient_id,
            patient_name=f"{patient.family_name.upper()}, {patient.given_name}",
            kind=appointment.get_kind_display(),
            status=appointment.status,
            status_label=appointment.get_status_display(),
            starts_at=appointment.starts_at,
            ends_at=appointment.ends_at,
        )

    @property
    def is_active(self) -> bool:
        """Cancelled and no-show visits are shown but free their time."""
        return self.status in _ACTIVE


@dataclass(frozen=True)
class Gap:
    starts_at: datetime.datetime
    ends_at: datetime.datetime

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


@dataclass(frozen=True)
class Row:
    """One line of a calendar cell: a booking, or free time when `booking` is None."""

    starts_at: datetime.datetime
    ends_at: datetime.datetime
    start_label: str
    end_label: str
    booking: Booking | None = None
    # Free time only: where a booking offered from it starts, if one fits.
    book_at: datetime.datetime | None = None

    @property
    def is_free(self) -> bool:
        return self.booking is None

    @property
    def length(self) -> str:
        return format_minutes(
            int((self.ends_at - self.starts_at).total_seconds() // 60)
        )

    @property
    def book_start(self) -> str:
        """book_at as the booking page's ?start= takes it: its wall time."""
        return f"{self.book_at:%Y-%m-%dT%H:%M}" if self.book_at else ""


@dataclass(frozen=True)
class Cell:
    """One clinician on one day."""

    day: datetime.date
    is_working_day: bool
    rows: list[Row]

    @property
    def free_minutes(self) -> int:
        return sum(
            int((row.ends_at - row.starts_at).total_seconds() // 60)
            for row in self.rows
            if row.is_free
        )

    @property
    def free_total(self) -> str:
        return format_minutes(self.free_minutes)


@dataclass(frozen=True)
class Column:
    """One clinician's cells, one per day shown."""

    clinician_id: int
    name: str
    cells: list[Cell] = field(default_factory=list)


def format_minutes(minutes: int) -> str:
    """45 -> "45 min", 90 -> "1 h 30 min", 120 -> "2 h"."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of the week of `day`."""
    return day - datetime.timedelta(days=day.weekday())


def local_day_bounds(
    day: datetime.date, zone: datetime.tzinfo
) -> tuple[datetime.datetime, datetime.datetime]:
    """From local midnight to the next local midnight, in UTC: 23 hours long on the
    day the clocks go forward, 25 on the day they go back."""

    def midnight(of: datetime.date) -> datetime.datetime:
        # fold=0 reads a midnight skipped by a clock change as the moment the day
        # really begins.
        return datetime.datetime.combine(of, datetime.time(), tzinfo=zone).astimezone(
            UTC
        )

    return midnight(day), midnight(day + datetime.timedelta(days=1))


def opening_hours(
    day: datetime.date, zone: datetime.tzinfo
) -> tuple[datetime.datetime, datetime.datetime] | None:
    """When the clinic opens and closes on `day`, in UTC; None on a weekend."""
    if day.weekday() not in WORKING_WEEKDAYS:
        return None
    bounds = []
    for hour in (settings.CLINIC_DAY_STARTS_HOUR, settings.CLINIC_DAY_ENDS_HOUR):
        at = datetime.time(hour) if hour < 24 else datetime.time()
        on = day if hour < 24 else day + datetime.timedelta(days=1)
        try:
            with timezone.override(zone):
                moment = clinic_datetime(on, at)
        except ValidationError:
            # An opening hour that a clock change skips or doubles (no real zone
            # does this at a working hour) is read like a skipped midnight.
            moment = datetime.datetime.combine(on, at, tzinfo=zone)
        bounds.append(moment.astimezone(UTC))
    opens, closes = bounds
    return (opens, closes) if opens < closes else None


def free_gaps(
    bookings: Iterable[Booking], opens: datetime.datetime, closes: datetime.datetime
) -> list[Gap]:
    """The free stretches between `opens` and `closes`: the time no active booking
    covers. Overlapping bookings are merged; cancelled and no-show ones are ignored."""
    busy = sorted(
        (b.starts_at.astimezone(UTC), b.ends_at.astimezone(UTC))
        for b in bookings
        if b.is_active
    )
    gaps = []
    cursor = opens.astimezone(UTC)
    closes = closes.astimezone(UTC)
    for starts_at, ends_at in busy:
        if starts_at >= closes:
            break
        if starts_at > cursor:
            gaps.append(Gap(cursor, starts_at))
        cursor = max(cursor, ends_at)
    if cursor < closes:
        gaps.append(Gap(cursor, closes))
    return gaps


def _label(moment: datetime.datetime, day: datetime.date, zone) -> str:
    """The wall time; with the date when it falls on another day than the cell."""
    local = moment.astimezone(zone)
    if local.date() == day:
        return f"{local:%H:%M}"
    return f"{local:%d %b} {local:%H:%M}"


# Where a booking offered from a free gap starts (None: none fits); see
# scheduling.free_slots.gap_booking_start.
GapBooker = Callable[[Gap], datetime.datetime | None]


def day_cell(
    bookings: Sequence[Booking],
    day: datetime.date,
    zone: datetime.tzinfo,
    book_at: GapBooker | None = None,
) -> Cell:
    """One clinician's day: the bookings that touch the local day, and the free
    gaps in the opening hours, in time order; with `book_at`, each gap says where
    a booking from it would start."""
    day_starts, day_ends = local_day_bounds(day, zone)
    todays = [b for b in bookings if b.starts_at < day_ends and b.ends_at > day_starts]
    rows = [
        Row(
            b.starts_at,
            b.ends_at,
            _label(b.starts_at, day, zone),
            _label(b.ends_at, day, zone),
            b,
        )
        for b in todays
    ]
    hours = opening_hours(day, zone)
    if hours is not None:
        rows += [
            Row(
                g.starts_at,
                g.ends_at,
                _label(g.starts_at, day, zone),
                _label(g.ends_at, day, zone),
                book_at=book_at(g) if book_at is not None else None,
            )
            for g in free_gaps(todays, *hours)
        ]
    # A booking before the free time that starts with it; cancelled ones first.
    rows.sort(
        key=lambda row: (
            row.starts_at.astimezone(UTC),
            row.is_free,
            row.booking is not None and row.booking.is_active,
            row.ends_at.astimezone(UTC),
        )
    )
    return Cell(day=day, is_working_day=hours is not None, rows=rows)


def shown_days(
    first: datetime.date, last: datetime.date, bookings: Iterable[Booking], zone
) -> list[datetime.date]:
    """The working days from `first` to `last`, and any other day with a booking."""
    booked = set()
    for booking in bookings:
        day = booking.starts_at.astimezone(zone).date()
        end = booking.ends_at.astimezone(zone).date()
        while day <= end:
            booked.add(day)
            day += datetime.timedelta(days=1)
    days = []
    day = first
    while day <= last:
        if day.weekday() in WORKING_WEEKDAYS or day in booked:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def build_grid(
    *,
    days: Sequence[datetime.date],
    clinicians: Sequence[tuple[int, str]],
    bookings: Sequence[Booking],
    zone: datetime.tzinfo,
    book_at: GapBooker | None = None,
) -> list[Column]:
    """A column per clinician, in the order given, holding a cell per day; a
    booking of a clinician not given is not shown. `book_at` as for day_cell."""
    by_clinician: dict[int, list[Booking]] = {}
    for booking in bookings:
        by_clinician.setdefault(booking.clinician_id, []).append(booking)
    return [
        Column(
            clinician_id=pk,
            name=name,
            cells=[
                day_cell(by_clinician.get(pk, []), day, zone, book_at) for day in days
            ],
        )
        for pk, name in clinicians
    ]


# iCalendar


def initials(given_name: str, family_name: str) -> str:
    """ "Maria", "Testpatient" -> "M.T.": the first letter of each name."""
    letters = [
        next((char for char in name if char.isalpha()), "").upper()
        for name in (given_name, family_name)
    ]
    return "".join(f"{letter}." for letter in letters if letter) or "?"


def appointment_uid(pk: int, *, copy: str = "") -> str:
    """Stable per appointment, so a client updates an event instead of adding one."""
    prefix = f"{copy}-appointment" if copy else "appointment"
    return f"{prefix}-{pk}@{UID_DOMAIN}"


@dataclass(frozen=True)
class FeedEvent:
    """What the feed tells of one appointment: when, what kind, whose initials."""

    pk: int
    kind: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    initials: str


def feed_calendar(
    events: Iterable[FeedEvent],
    *,
    feed_pk: int,
    stamp: datetime.datetime,
) -> bytes:
    """A clinician's feed: each appointment's times in UTC, its kind and the
    patient's initials, nothing else."""
    calendar = icalendar.Calendar.new(
        prodid=PRODID,
        method="PUBLISH",
        name=gettext("Clinic appointments"),
        uid=f"calendar-feed-{feed_pk}@{UID_DOMAIN}",
        refresh_interval=datetime.timedelta(minutes=30),
        subcomponents=[
            icalendar.Event.new(
                uid=appointment_uid(event.pk),
                stamp=stamp.astimezone(UTC),
                start=event.starts_at.astimezone(UTC),
                end=event.ends_at.astimezone(UTC),
                summary=f"{event.kind} – {event.initials}",
            )
            for event in events
        ],
    )
    return calendar.to_ical()


def patient_calendar(
    *,
    pk: int,
    kind: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    stamp: datetime.datetime,
) -> bytes:
    """One appointment for the patient's own calendar: where, when and what kind of
    visit; no name, no clinician, no clinical detail."""
    event = icalendar.Event.new(
        uid=appointment_uid(pk, copy="patient"),
        stamp=stamp.astimezone(UTC),
        start=starts_at.astimezone(UTC),
        end=ends_at.astimezone(UTC),
        summary=gettext("Appointment at the clinic: %(kind)s") % {"kind": kind},
        location=settings.CLINIC_NAME,
    )
    return icalendar.Calendar.new(
        prodid=PRODID, method="PUBLISH", subcomponents=[event]
    ).to_ical()


# Feeds: each clinician has at most one live feed (a database constraint).


def new_token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def issue_feed(*, clinician, now: datetime.datetime | None = None) -> CalendarFeed:
    """Revoke the clinician's live feed, if any, and issue a new secret address.

    A concurrent issue for the same clinician loses on the one-live-feed constraint
    with an IntegrityError; the caller reports it.
    """
    revoke_feed(clinician=clinician, now=now)
    return CalendarFeed.objects.create(clinician=clinician, token=new_token())


@transaction.atomic
def revoke_feed(*, clinician, now: datetime.datetime | None = None) -> int:
    """End access through the clinician's live feed; returns how many were live.
    Revoked feeds are kept, so it stays known which addresses existed."""
    now = now or timezone.now()
    revoked = 0
    for feed in CalendarFeed.objects.select_for_update().filter(
        clinician=clinician, revoked_at__isnull=True
    ):
        feed.revoked_at = now
        feed.save(update_fields=["revoked_at"])
        revoked += 1
    return revoked


@transaction.atomic
def revoke_this_feed(
    *, feed: CalendarFeed, now: datetime.datetime | None = None
) -> bool:
    """End access through this one feed (a clinic administrator revoking a
    clinician's address); False when it was revoked already."""
    locked = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    if locked.revoked_at is not None:
        return False
    feed.revoked_at = locked.revoked_at = now or timezone.now()
    locked.save(update_fields=["revoked_at"])
    return True
