import datetime

import pytest
from django.core.exceptions import ValidationError

from scheduling.clinic_time import ClinicDateTimeField, clinic_datetime

LONDON = "Europe/London"


@pytest.fixture(autouse=True)
def london(settings):
    settings.TIME_ZONE = LONDON


def test_an_ordinary_time_is_read_on_the_clinic_clocks():
    moment = clinic_datetime(datetime.date(2026, 7, 1), datetime.time(9, 30))
    assert moment.astimezone(datetime.UTC).hour == 8  # British Summer Time


def test_a_time_skipped_when_the_clocks_go_forward_is_refused():
    with pytest.raises(ValidationError, match="does not exist in Europe/London"):
        clinic_datetime(datetime.date(2026, 3, 29), datetime.time(1, 30))


def test_a_time_that_happens_twice_when_the_clocks_go_back_is_refused():
    with pytest.raises(ValidationError, match="happens twice in Europe/London"):
        clinic_datetime(datetime.date(2026, 10, 25), datetime.time(1, 30))


def test_times_either_side_of_the_change_are_fine():
    before = clinic_datetime(datetime.date(2026, 10, 25), datetime.time(0, 59))
    after = clinic_datetime(datetime.date(2026, 10, 25), datetime.time(2, 0))
    elapsed = after.astimezone(datetime.UTC) - before.astimezone(datetime.UTC)
    assert elapsed == datetime.timedelta(hours=2, minutes=1)


def test_the_form_field_reports_the_message():
    field = ClinicDateTimeField()
    with pytest.raises(ValidationError, match="clocks go forward"):
        field.clean("2026-03-29T01:30")
    assert field.clean("2026-03-30T09:00").utcoffset() == datetime.timedelta(hours=1)
