import datetime
from decimal import Decimal

import pytest

from patients.services import save_case
from tests.factories import (
    AssessmentFactory,
    CaseFactory,
    InjectionFactory,
    MedicationOrderFactory,
    ToxinSessionFactory,
    TreatmentCourseFactory,
)
from treatments import safety
from treatments.models import Product
from treatments.services import (
    compare_injections,
    days_since_last_toxin,
    previous_toxin_session,
    sessions_with_lot,
    stamp_days_since_last_toxin,
    toxin_safety_warnings,
)

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


class TestToxinSafetyWarnings:
    """The service gathers the history; the rules themselves are in test_safety."""

    def warn(self, course, **changes):
        values = dict(
            course=course,
            product=Product.ONABOTULINUMTOXINA,
            performed_at=at(datetime.date(2026, 6, 1)),
            vials=[
                safety.VialCheck(
                    "C1", datetime.date(2027, 1, 31), at(datetime.date(2026, 6, 1))
                )
            ],
            sites=[
                ("zygomaticus_major", "right", Decimal("25")),
                ("zygomaticus_major", "left", Decimal("25")),
            ],
            consent_obtained=True,
        )
        values.update(changes)
        return [warning.code for warning in toxin_safety_warnings(**values)]

    def test_a_first_session_has_no_warnings(self, course):
        assert self.warn(course) == []

    def test_sessions_in_any_course_of_the_patient_count(self, course):
        other_course = TreatmentCourseFactory(
            case=CaseFactory(patient=course.case.patient)
        )
        InjectionFactory(
            session=ToxinSessionFactory(
                course=other_course, performed_at=at(datetime.date(2026, 4, 1))
            )
        )
        assert self.warn(course) == ["reinjection_interval"]

    def test_sessions_entered_in_error_and_the_edited_session_do_not_count(
        self, course
    ):
        ToxinSessionFactory(
            course=course,
            performed_at=at(datetime.date(2026, 4, 1)),
            entered_in_error=True,
            entered_in_error_reason="Wrong patient.",
        )
        edited = ToxinSessionFactory(
            course=course, performed_at=at(datetime.date(2026, 5, 1))
        )
        assert self.warn(course, exclude_pk=edited.pk) == []

    def test_later_sessions_do_not_count(self, course):
        ToxinSessionFactory(course=course, performed_at=at(datetime.date(2026, 7, 1)))
        assert self.warn(course) == []

    def test_units_in_the_window_add_up_per_product(self, course):
        for day, product, units in [
            (datetime.date(2026, 3, 20), Product.ONABOTULINUMTOXINA, "200"),
            (datetime.date(2026, 4, 20), Product.ABOBOTULINUMTOXINA, "300"),
        ]:
            session = ToxinSessionFactory(
                course=course, performed_at=at(day), product=product
            )
            InjectionFactory(session=session, units=Decimal(units))
        # 200 + 201 Botox units is over 400; the 300 Dysport units never count.
        assert "cumulative_dose" in self.warn(
            course, sites=[("frontalis", "right", Decimal("201"))]
        )
        assert "cumulative_dose" not in self.warn(
            course, sites=[("frontalis", "right", Decimal("200"))]
        )

    def test_red_flags_of_the_courses_case_are_shown(self, course):
        course.case.red_flags = ["long_tract_signs"]
        save_case(case=course.case, by=None)
        assert self.warn(course) == ["red_flag"]

    def test_a_child_without_weight_is_flagged(self, course):
        course.case.patient.date_of_birth = datetime.date(2012, 1, 1)  # 14
        assert self.warn(course) == ["paediatric_weight_missing"]

    def test_the_patients_age_on_the_session_day_decides_off_label_use(self, course):
        course.case.patient.date_of_birth = datetime.date(2014, 6, 2)  # 12 on 1 June
        course.case.patient.weight_kg = Decimal("40")
        assert self.warn(course) == ["off_label_age"]
        course.case.patient.date_of_birth = datetime.date(2014, 6, 1)
        assert self.warn(course) == []

    def test_the_case_condition_picks_the_label_rules(self, course):
        course.case.condition = "blepharospasm"
        sites = [("oo_preseptal", "right", Decimal("6"))]
        assert self.warn(course, sites=sites) == ["periocular_site"]
        course.case.condition = "hemifacial_spasm"
        assert self.warn(course, sites=sites) == []

    def test_missing_consent_is_a_warning(self, course):
        assert self.warn(course, consent_obtained=False) == ["consent_missing"]

    def test_history_medications_and_palsies_are_read_in_one_query_each(
        self, course, django_assert_num_queries
    ):
        for month in (1, 2, 3):
            InjectionFactory.create_batch(
                3,
                session=ToxinSessionFactory(
                    course=course, performed_at=at(datetime.date(2025, month, 1))
                ),
            )
        for drug in ("clonazepam", "baclofen"):
            MedicationOrderFactory(course__case=course.case, drug=drug)
        # Earlier sessions, current medication, Bell's palsies.
        with django_assert_num_queries(3):
            self.warn(course)


class TestPreviousToxinSession:
    def test_latest_valid_session_of_any_course_with_its_injections(
        self, course, django_assert_num_queries
    ):
        old = ToxinSessionFactory(
            course=course, performed_at=at(datetime.date(2025, 9, 1))
        )
        latest = ToxinSessionFactory(
            course=TreatmentCourseFactory(
                case=CaseFactory(patient=course.case.patient)
            ),
            performed_at=at(datetime.date(2025, 12, 1)),
        )
        ToxinSessionFactory(
            course=course,
            performed_at=at(datetime.date(2026, 1, 1)),
            entered_in_error=True,
            entered_in_error_reason="Duplicate.",
        )
        InjectionFactory.create_batch(2, session=latest)
        with django_assert_num_queries(2):
            found = previous_toxin_session(course.case.patient)
            assert len(found.injections.all()) == 2
        assert found == latest
        assert (
            previous_toxin_session(course.case.patient, before=latest.performed_at)
            == old
        )
        assert previous_toxin_session(course.case.patient, exclude_pk=latest.pk) == old


class TestCompareInjections:
    def test_changed_added_and_missing_sites(self):
        previous = [
            ("frontalis", "right", Decimal("5")),
            ("oo_orbital", "right", Decimal("2.5")),
            ("mentalis", "left", Decimal("2")),
        ]
        current = [
            ("frontalis", "right", Decimal("5")),
            ("oo_orbital", "right", Decimal("5")),
            ("risorius", "left", Decimal("1")),
            None,
        ]
        changes = compare_injections(current, previous)
        assert changes.rows == ["", "changed", "added", ""]
        assert changes.missing == [("mentalis", "left", Decimal("2"))]
        assert changes.previous_units[("oo_orbital", "right")] == Decimal("2.5")

    def test_a_side_is_a_different_site(self):
        changes = compare_injections(
            [("frontalis", "left", Decimal("5"))],
            [("frontalis", "right", Decimal("5"))],
        )
        assert changes.rows == ["added"]
        assert changes.missing == [("frontalis", "right", Decimal("5"))]


class TestSessionsWithLot:
    def test_case_insensitive_exact_match_without_errors(self):
        wanted = ToxinSessionFactory(vial__lot_number="C1234C3")
        ToxinSessionFactory(vial__lot_number="C1234C30")
        ToxinSessionFactory(
            vial__lot_number="c1234c3",
            entered_in_error=True,
            entered_in_error_reason="Wrong lot.",
        )
        assert list(sessions_with_lot(" c1234C3 ")) == [wanted]
