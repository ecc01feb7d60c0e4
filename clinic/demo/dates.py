"""The clinic's calendar for the demo: weekdays, less fixed-date bank holidays."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

ONE_DAY = timedelta(days=1)
CLOSED_ON = {(12, 25), (12, 26), (1, 1)}  # (month, day): fixed-date bank holidays
WORKING_WEEKDAYS = range(5)


def is_clinic_day(day: date) -> bool:
    return day.weekday() in WORKING_WEEKDAYS and (day.month, day.day) not in CLOSED_ON


def clinic_day_on_or_before(day: date) -> date:
    while not is_clinic_day(day):
        day -= ONE_DAY
    return day


def clinic_day_on_or_after(day: date) -> date:
    while not is_clinic_day(day):
        day += ONE_DAY
    return day


def local_datetime(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=timezone.get_current_timezone())
