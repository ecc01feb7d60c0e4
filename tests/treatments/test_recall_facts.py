"""The recall facts stored on a toxin course (last session, earliest safe date,
suggested date): kept current through every door that writes a session or the
course, recomputed by a command, and filled in by their migration."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from tests.factories import ToxinSessionFactory, TreatmentCourseFactory
from treatments import intervals, services
from treatments.models import Product, ToxinSession, TreatmentCourse
from treatments.models.courses import RECALL_FACTS

pytestmark = pytest.mark.django_db


def at(days_ago: int) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def stored(course) -> dict:
    """The facts as the database holds them."""
    return TreatmentCourse.objects.values(*RECALL_FACTS).get(pk=course.pk)


def computed(course) -> dict:
    """The facts worked out from scratch with the pure rules."""
    sessions = sorted(
        ToxinSession.objects.filter(course=course, entered_in_error=False),
        key=lambda session: session.performed_at,
        reverse=True,
    )
    last = sessions[0]
    return {
        "last_session_at": last.performed_at,
        "last_session_product": last.product,
        "earliest_next_on": intervals.earliest_safe_date(last.performed_on),
        "suggested_next_on": intervals.suggested_date(
            last.performed_on,
            [s.benefit_days for s in sessions],
            course.planned_interval_days,
        ),
    }


@pytest.fixture
def course():
    course = TreatmentCourseFactory(planned_interval_days=91)
    ToxinSessionFactory(course=course, performed_at=at(300), wore_off_on=None)
    return course


def test_a_course_without_sessions_has_none(db):
    course = TreatmentCourseFactory()
    assert stored(course) == dict.fromkeys(RECALL_FACTS) | {"last_session_product": ""}


def test_a_new_session_moves_them(course):
    ToxinSessionFactory(
        course=course, performed_at=at(80), product=Product.INCOBOTULINUMTOXINA
    )
    facts = stored(course)
    assert facts["last_session_at"] == at(80)
    assert facts["last_session_product"] == Product.INCOBOTULINUMTOXINA
    assert facts["earliest_next_on"] == at(80).date() + datetime.timedelta(days=84)
    assert facts["suggested_next_on"] == at(80).date() + datetime.timedelta(days=91)
    assert facts == computed(course)


def test_a_wear_off_reported_later_moves_the_suggested_date(course, neurologist):
    latest = ToxinSessionFactory(course=course, performed_at=at(200))
    latest.wore_off_on = latest.performed_on + datetime.timedelta(days=120)
    services.record_toxin_follow_up(session=latest, adverse_effects=[], by=neurologist)
    assert stored(course)["suggested_next_on"] == at(200).date() + datetime.timedelta(
        days=120
    )
    assert stored(course) == computed(course)


def test_a_session_marked_entered_in_error_in_the_admin_drops_out(
    client, superuser, course
):
    wrong = ToxinSessionFactory(course=course, performed_at=at(10))
    assert stored(course)["last_session_at"] == at(10)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:treatments_toxinsession_change", args=[wrong.pk]),
        {
            "entered_in_error": "on",
            "entered_in_error_reason": "Charted on the wrong patient.",
            **inline_management_forms(wrong),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert stored(course)["last_session_at"] == at(300)


def inline_management_forms(session) -> dict:
    """The admin's inline formsets, posted back unchanged."""
    data = {}
    for prefix, rows in (
        ("vials", session.vials.all()),
        ("injections", session.injections.all()),
        ("adverse_effects", session.adverse_effects.all()),
    ):
        data |= {
            f"{prefix}-TOTAL_FORMS": len(rows),
            f"{prefix}-INITIAL_FORMS": len(rows),
        }
        for index, row in enumerate(rows):
            data[f"{prefix}-{index}-id"] = row.pk
            data[f"{prefix}-{index}-session"] = session.pk
    return data


def test_a_new_planned_interval_moves_the_suggested_date(course, neurologist):
    course.planned_interval_days = 120
    services.save_course(course=course, by=neurologist)
    assert stored(course)["suggested_next_on"] == at(300).date() + datetime.timedelta(
        days=120
    )


def test_the_command_recomputes_them(course, settings):
    TreatmentCourse.objects.filter(pk=course.pk).update(
        suggested_next_on=datetime.date(2000, 1, 1), last_session_product=""
    )
    settings.CLINIC_MIN_REINJECTION_DAYS = 100
    call_command("refresh_recall_facts", stdout=open("/dev/null", "w"))
    assert stored(course) == computed(course) | {
        "earliest_next_on": at(300).date() + datetime.timedelta(days=100),
        "suggested_next_on": at(300).date() + datetime.timedelta(days=100),
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_fills_them_in(back_to_the_latest_schema):
    course = TreatmentCourseFactory(planned_interval_days=91)
    ToxinSessionFactory(course=course, performed_at=at(200))
    ToxinSessionFactory(
        course=course,
        performed_at=at(100),
        wore_off_on=at(100).date() + datetime.timedelta(days=95),
    )
    expected = computed(course)
    executor = MigrationExecutor(connection)
    executor.migrate([("treatments", "0016_scheduling_models_moved_out")])
    executor.loader.build_graph()
    executor.migrate([("treatments", "0017_course_recall_facts")])
    assert stored(course) == expected
