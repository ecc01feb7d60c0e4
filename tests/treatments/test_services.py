import datetime

import pytest

from tests.factories import (
    AssessmentFactory,
    CaseFactory,
    ToxinSessionFactory,
    TreatmentCourseFactory,
)
from treatments.services import days_since_last_toxin, stamp_days_since_last_toxin

pytestmark = pytest.mark.django_db


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)


@pytest.fixture
def course():
    return TreatmentCourseFactory()


def test_no_session_gives_none(course):
    assert days_since_last_toxin(course.case.patient, datetime.date(2026, 3, 1)) is None


def test_counts_from_the_latest_earlier_session(course):
    ToxinSessionFactory(course=course, performed_at=at(datetime.date(2025, 12, 1)))
    ToxinSessionFactory(course=course, performed_at=at(datetime.date(2026, 3, 2)))
    on = datetime.date(2026, 5, 25)
    assert days_since_last_toxin(course.case.patient, on) == 84


def test_a_session_on_the_same_day_is_not_the_last_one(course):
    """A pre-injection score on the day of a session relates to the previous one."""
    ToxinSessionFactory(course=course, performed_at=at(datetime.date(2025, 12, 1)))
    ToxinSessionFactory(course=course, performed_at=at(datetime.date(2026, 3, 2)))
    assert days_since_last_toxin(course.case.patient, datetime.date(2026, 3, 2)) == 91


def test_sessions_entered_in_error_do_not_count(course):
    ToxinSessionFactory(course=course, performed_at=at(datetime.date(2025, 12, 1)))
    ToxinSessionFactory(
        course=course,
        performed_at=at(datetime.date(2026, 3, 2)),
        entered_in_error=True,
        entered_in_error_reason="Charted on the wrong patient.",
    )
    assert days_since_last_toxin(course.case.patient, datetime.date(2026, 3, 9)) == 98


def test_other_patients_sessions_do_not_count(course):
    ToxinSessionFactory(performed_at=at(datetime.date(2026, 3, 2)))
    assert days_since_last_toxin(course.case.patient, datetime.date(2026, 3, 9)) is None


def test_stamp_sets_the_assessment_field(course):
    ToxinSessionFactory(course=course, performed_at=at(datetime.date(2026, 3, 2)))
    assessment = AssessmentFactory(
        case=CaseFactory(patient=course.case.patient),
        assessed_on=datetime.date(2026, 3, 23),
    )
    stamp_days_since_last_toxin(assessment)
    assert assessment.days_since_last_toxin == 21
