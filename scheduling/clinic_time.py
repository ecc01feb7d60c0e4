"""Wall-clock times in the clinic's time zone, refused when a clock change makes
them missing or doubled.

Django would silently pick one reading of 01:30 on the night the clocks go back,
or invent 01:30 on the night they go forward; for an appointment either is a
booking at the wrong time.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext


def clinic_datetime(day: datetime.date, at: datetime.time) -> datetime.datetime:
    """The aware moment of `day` at `at` on the clinic's clocks."""
    zone = timezone.get_current_timezone()
    naive = datetime.datetime.combine(day, at)
    earlier = naive.replace(tzinfo=zone, fold=0)
    later = naive.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() == later.utcoffset():
        return earlier
    wall = gettext("%(time)s on %(day)s") % {
        "time": f"{naive:%H:%M}",
        "day": f"{naive:%d %b %Y}",
    }
    round_trip = earlier.astimezone(datetime.UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != naive:
        raise ValidationError(
            gettext(
                "%(wall)s does not exist in %(zone)s: the clocks go forward. "
                "Choose another time."
            ),
            code="nonexistent_time",
            params={"wall": wall, "zone": zone.key},
        )
    raise ValidationError(
        gettext(
            "%(wall)s happens twice in %(zone)s: the clocks go back. Choose another "
            "time."
        ),
        code="ambiguous_time",
        params={"wall": wall, "zone": zone.key},
    )


class ClinicDateTimeField(forms.DateTimeField):
    """A datetime-local input read on the clinic's clocks, missing and doubled
    times refused next to the field."""

    widget = forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
    )

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            naive = timezone.make_naive(value) if timezone.is_aware(value) else value
        else:
            # Parse the wall-clock text without Django's own zone conversion, whose
            # message for a missing or doubled time does not say which it is.
            try:
                naive = parse_datetime(value.strip())
            except ValueError:
                naive = None
            if naive is None:
                naive = super(forms.DateTimeField, self).to_python(value)
            elif timezone.is_aware(naive):
                naive = timezone.make_naive(naive)
        return clinic_datetime(naive.date(), naive.time())

    def prepare_value(self, value):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        return super().prepare_value(value)
