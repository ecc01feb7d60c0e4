"""When the next botulinum-toxin session is safe, and when it is likely needed
(DOMAIN.md 2.5-2.6).

Pure functions with no database or settings access: the clinic's configured
minimum interval is passed in, with the DOMAIN.md default (84 days, 12 weeks) as
the default argument.

Boundary choices:

- The earliest safe date is the last session plus the minimum interval, and that
  day itself is safe: 84 days after the last session is allowed, 83 is not. This
  is the same rule as the under-84-days warning of the session form.
- The suggested date uses the patient's own recorded durations of benefit (wear-off
  date minus session date) from the latest three sessions that have one, most
  recent first; sessions without a wear-off date are skipped, because the latest
  session rarely has one yet. Their median is taken in whole days; the median of
  two values is their mean rounded down. Down, because the aim
  is to re-inject as the benefit ends rather than after the spasm has returned,
  and safety does not depend on the rounding: the result is never earlier than the
  earliest safe date. Rounding down also avoids Python's round-half-to-even.
- Without any recorded duration the course's planned interval is used, and without
  that the minimum interval; either way, never before the earliest safe date.
"""

import math
import statistics
from collections.abc import Iterable
from datetime import date, timedelta

# DOMAIN.md 2.5: no re-treatment more often than every 3 months (12 weeks). The
# one definition of the number: the default of the setting
# CLINIC_MIN_REINJECTION_DAYS, which is what every other module reads.
MINIMUM_INTERVAL_DAYS = 84
# How many recorded durations of benefit the suggestion looks at.
HISTORY_SESSIONS = 3


def earliest_safe_date(
    last_session_on: date, minimum_days: int = MINIMUM_INTERVAL_DAYS
) -> date:
    """The first day a new session is at least `minimum_days` after the last."""
    return last_session_on + timedelta(days=minimum_days)


def typical_benefit_days(benefit_days_history: Iterable[int | None]) -> int | None:
    """The median duration of benefit, in whole days rounded down, of the latest
    three recorded durations (most recent first); None when none is recorded."""
    recorded = [days for days in benefit_days_history if days is not None]
    latest = recorded[:HISTORY_SESSIONS]
    if not latest:
        return None
    return math.floor(statistics.median(latest))


def suggested_date(
    last_session_on: date,
    benefit_days_history: Iterable[int | None],
    planned_interval_days: int | None,
    minimum_days: int = MINIMUM_INTERVAL_DAYS,
) -> date:
    """The day the next session is suggested: as the patient's benefit usually
    wears off, else at the planned interval, never before the earliest safe date."""
    interval = typical_benefit_days(benefit_days_history)
    if interval is None:
        interval = planned_interval_days or minimum_days
    return max(
        last_session_on + timedelta(days=interval),
        earliest_safe_date(last_session_on, minimum_days),
    )


def days_overdue(suggested_on: date, today: date) -> int:
    """Days past the suggested date; 0 on the day itself and before it."""
    return max((today - suggested_on).days, 0)
