"""Free times to book: the starts at which a whole visit fits in a clinician's free
time (calendars.free_gaps within calendars.opening_hours), on the marks of the
clinic's clock every few minutes (:00, :15, :30, :45 for 15).

No database: the busy times, the days, the zone and the moment from which a start
may be offered are passed in. As in calendars, moments are compared in UTC and the
zone only says which wall time a moment is; so a visit on the day the clocks
change lasts the time that really passes, and the marks stay on the wall clock.
"""

import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from scheduling import calendars

UTC = datetime.UTC
MINUTE = datetime.timedelta(minutes=1)


@dataclass(frozen=True)
class Busy:
    """Time an active appointment holds, in the shape calendars.free_gaps reads."""

    starts_at: datetime.datetime
    ends_at: datetime.datetime
    is_active: bool = True


@dataclass(frozen=True)
class FreeSlot:
    """A start at which the visit fits, and the wall time it is."""

    starts_at: datetime.datetime
    ends_at: datetime.datetime
    local_start: datetime.datetime

    @property
    def day(self) -> datetime.date:
        return self.local_start.date()

    @property
    def start_param(self) -> str:
        """The start as the booking page's ?start= and datetime-local input take
        it: the clinic's wall time to the minute."""
        return f"{self.local_start:%Y-%m-%dT%H:%M}"


def next_mark(
    moment: datetime.datetime, step_minutes: int, zone: datetime.tzinfo
) -> datetime.datetime:
    """The first moment at or after `moment` whose wall time is a whole multiple
    of `step_minutes` past local midnight (a whole minute for a step of 1)."""
    local = moment.astimezone(zone)
    past_midnight = datetime.timedelta(
        hours=local.hour,
        minutes=local.minute,
        seconds=local.second,
        microseconds=local.microsecond,
    )
    step = datetime.timedelta(minutes=max(step_minutes, 1))
    late = past_midnight % step
    return moment if not late else moment + (step - late)


def starts_in_gap(
    gap: calendars.Gap,
    *,
    minutes: int,
    step_minutes: int,
    zone: datetime.tzinfo,
    not_before: datetime.datetime,
) -> Iterator[datetime.datetime]:
    """Each mark in the gap, from `not_before` on, at which `minutes` fit before
    the gap ends."""
    length = datetime.timedelta(minutes=minutes)
    step = datetime.timedelta(minutes=max(step_minutes, 1))
    start = next_mark(
        max(gap.starts_at, not_before).astimezone(UTC), step_minutes, zone
    )
    while start + length <= gap.ends_at:
        yield start
        # Stepping in real time, then back onto a mark: an hour the clocks skip or
        # repeat inside a gap moves the wall time, not the grid.
        start = next_mark(start + step, step_minutes, zone)


def day_slots(
    busy: Sequence[Busy | calendars.Booking],
    day: datetime.date,
    *,
    minutes: int,
    step_minutes: int,
    zone: datetime.tzinfo,
    not_before: datetime.datetime,
) -> list[FreeSlot]:
    """Every free start on `day` within the opening hours; none on a closed day.
    Cancelled and no-show bookings hold no time (calendars.free_gaps)."""
    hours = calendars.opening_hours(day, zone)
    if hours is None:
        return []
    opens, closes = hours
    touching = [b for b in busy if b.starts_at < closes and b.ends_at > opens]
    length = datetime.timedelta(minutes=minutes)
    return [
        FreeSlot(start, start + length, start.astimezone(zone))
        for gap in calendars.free_gaps(touching, opens, closes)
        for start in starts_in_gap(
            gap,
            minutes=minutes,
            step_minutes=step_minutes,
            zone=zone,
            not_before=not_before,
        )
    ]


def free_slots(
    busy: Sequence[Busy | calendars.Booking],
    *,
    days: Iterable[datetime.date],
    first_day: datetime.date | None = None,
    limit: int,
    per_day: int,
    **day_options,
) -> list[FreeSlot]:
    """The first `limit` free starts, at most `per_day` a day spread over its free
    time (so that the list offers more than one morning), in time order over
    `days`; those of `first_day` (the suggested date) come before the rest,
    whether or not it is in `days`. `day_options` are day_slots' minutes,
    step_minutes, zone and not_before."""
    ordered = [first_day] if first_day is not None else []
    ordered += [day for day in days if day != first_day]
    found: list[FreeSlot] = []
    for day in ordered:
        found += spread(day_slots(busy, day, **day_options), per_day)
        if len(found) >= limit:
            break
    return found[:limit]


def spread(starts: Sequence[FreeSlot], count: int) -> list[FreeSlot]:
    """`count` of the starts, evenly apart in the list, the first and the last
    among them: 08:00, 11:15, 14:30 and 17:30 of a free day, not 08:00 to 08:45."""
    if len(starts) <= count:
        return list(starts)
    if count <= 1:
        return list(starts[:count])
    last = len(starts) - 1
    return [starts[index * last // (count - 1)] for index in range(count)]


def gap_booking_start(
    gap: calendars.Gap,
    *,
    minutes: int,
    step_minutes: int,
    zone: datetime.tzinfo,
    now: datetime.datetime,
) -> datetime.datetime | None:
    """Where a booking offered from a calendar's free gap starts, on the clinic's
    clock: at the gap's start (to the minute), or, in a gap already begun, at the
    next mark after now; None when not even `minutes` fit any more."""
    if gap.starts_at >= now:
        start = next_mark(gap.starts_at, 1, zone)
    else:
        start = next_mark(now, step_minutes, zone)
    fits = start + datetime.timedelta(minutes=minutes) <= gap.ends_at
    return start.astimezone(zone) if fits else None
