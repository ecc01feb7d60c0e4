import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.constraints import assert_refused
from tests.factories import (
    SESSION_AT,
    AdverseEffectFactory,
    AppointmentFactory,
    CaseFactory,
    InjectionFactory,
    MedicationOrderFactory,
    ReferralFactory,
    ReferralFollowUpFactory,
    TherapySessionFactory,
    ToxinSessionFactory,
    TreatmentCourseFactory,
    VialFactory,
    build_with_saved_relations,
)
from treatments.models import CourseKind, Product, Referral, ToxinSession

pytestmark = pytest.mark.django_db


class TestTreatmentCourse:
    def test_course_cannot_end_before_it_starts(self):
        assert_refused(
            TreatmentCourseFactory,
            "A course cannot end before it starts.",
            ended_on=datetime.date(2025, 5, 1),
        )

    def test_toxin_course_needs_its_interval(self):
        assert_refused(
            TreatmentCourseFactory,
            "A toxin course needs its planned interval in days.",
            planned_interval_days=None,
        )

    def test_stopped_course_needs_a_reason(self):
        assert_refused(
            TreatmentCourseFactory, "Say why the course was stopped.", status="stopped"
        )

    def test_kind_must_be_a_choice(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            TreatmentCourseFactory(kind="acupuncture")

    def test_a_case_with_courses_cannot_be_deleted(self):
        course = TreatmentCourseFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            course.case.delete()


class TestVial:
    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"size_units": 0}, "The vial size must be more than 0 units."),
            ({"diluent_volume_ml": Decimal("0")}, "more than 0 mL"),
            ({"units_discarded": Decimal("101")}, "between 0 and the vial size"),
            ({"reconstituted_at": None}, "Enter when the vial was reconstituted."),
        ],
    )
    def test_database_refuses_impossible_vials(self, changes, message):
        assert_refused(VialFactory, message, **changes)

    def test_a_vial_reconstituted_after_the_session_is_refused(self):
        vial = build_with_saved_relations(
            VialFactory, reconstituted_at=SESSION_AT + datetime.timedelta(minutes=5)
        )
        with pytest.raises(ValidationError) as refused:
            vial.full_clean()
        assert refused.value.message_dict["reconstituted_at"] == [
            "The vial must be reconstituted before the session."
        ]

    def test_a_reconstituted_product_needs_its_diluent_and_time(self):
        vial = build_with_saved_relations(
            VialFactory, diluent_volume_ml=None, reconstituted_at=None
        )
        with pytest.raises(ValidationError) as refused:
            vial.full_clean()
        assert refused.value.message_dict == {
            "diluent_volume_ml": ["Enter the diluent volume."],
            "reconstituted_at": ["Enter when the vial was reconstituted."],
        }

    def test_myobloc_is_ready_made_and_not_reconstituted(self):
        session = ToxinSessionFactory(product=Product.RIMABOTULINUMTOXINB, vial=None)
        ready = VialFactory.build(
            session=session,
            size_units=5000,
            diluent_volume_ml=None,
            reconstituted_at=None,
        )
        ready.full_clean()
        assert ready.units_per_ml(session.product) == Decimal(5000)
        reconstituted = VialFactory.build(session=session, size_units=5000)
        with pytest.raises(ValidationError) as refused:
            reconstituted.full_clean()
        assert refused.value.message_dict["diluent_volume_ml"] == [
            "rimabotulinumtoxinB (Myobloc/NeuroBloc) is a ready-made solution "
            "(5,000 U/mL): it is not reconstituted."
        ]

    def test_volume_from_a_ready_made_solution(self):
        session = ToxinSessionFactory(product=Product.RIMABOTULINUMTOXINB, vial=None)
        vial = VialFactory(
            session=session,
            size_units=5000,
            diluent_volume_ml=None,
            reconstituted_at=None,
        )
        injection = InjectionFactory(session=session, vial=vial, units=Decimal("1250"))
        assert injection.volume_ml() == Decimal("0.250")

    def test_a_site_comes_from_a_vial_of_its_own_session(self):
        injection = InjectionFactory.build(
            session=ToxinSessionFactory(), vial=VialFactory()
        )
        with pytest.raises(ValidationError) as refused:
            injection.full_clean()
        assert refused.value.message_dict["vial"] == [
            "The vial belongs to another session."
        ]


class TestToxinSession:
    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"onset_day": 5, "peak_day": 3}, "The peak cannot come before the onset."),
            ({"product": "daxxify"}, "product"),
            ({"entered_in_error": True}, "Say why the record was entered in error."),
        ],
    )
    def test_database_refuses_impossible_sessions(self, changes, message):
        assert_refused(ToxinSessionFactory, message, **changes)

    def test_session_must_be_on_a_toxin_course(self):
        session = build_with_saved_relations(
            ToxinSessionFactory,
            course=TreatmentCourseFactory(
                kind=CourseKind.MEDICATION, planned_interval_days=None
            ),
        )
        with pytest.raises(ValidationError) as excinfo:
            session.full_clean()
        assert excinfo.value.message_dict["course"] == [
            "Toxin sessions belong to a botulinum-toxin course."
        ]

    def test_effect_cannot_wear_off_before_the_session(self):
        session = build_with_saved_relations(
            ToxinSessionFactory, wore_off_on=datetime.date(2026, 3, 1)
        )
        with pytest.raises(ValidationError) as excinfo:
            session.full_clean()
        assert "wore_off_on" in excinfo.value.message_dict

    def test_concentration_and_benefit_days(self):
        session = ToxinSessionFactory(
            vial__diluent_volume_ml=Decimal("4"), wore_off_on=datetime.date(2026, 6, 1)
        )
        assert session.vials.get().units_per_ml(session.product) == Decimal("25")
        assert session.benefit_days == 91

    def test_total_units_annotation_sums_the_sites(self):
        session = ToxinSessionFactory()
        InjectionFactory(session=session, units=Decimal("2.5"))
        InjectionFactory(session=session, units=Decimal("5"), side="left")
        total = ToxinSession.objects.with_total_units().get(pk=session.pk).total_units
        assert total == Decimal("7.5")


class TestInjection:
    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"units": Decimal("0")}, "Units must be more than 0."),
            ({"units": Decimal("-2.5")}, "Units must be more than 0."),
            ({"points": 0}, "at least one injection point"),
            ({"side": "midline"}, "Only the procerus is injected in the midline"),
            ({"muscle": "masseter"}, "muscle"),
        ],
    )
    def test_database_refuses_impossible_sites(self, changes, message):
        assert_refused(InjectionFactory, message, **changes)

    def test_checking_a_site_asks_the_database_nothing(self, django_assert_num_queries):
        """Every rule of its constraints is checked in Python first: a page of
        many sites does not ask the database once per site."""
        injection = InjectionFactory()
        with django_assert_num_queries(0):
            injection.validate_constraints()

    def test_procerus_may_be_midline(self):
        InjectionFactory(muscle="procerus", side="midline").full_clean()

    def test_volume_is_derived_from_the_dilution(self):
        injection = InjectionFactory(
            units=Decimal("2.5"),
            session=ToxinSessionFactory(vial__diluent_volume_ml=Decimal("4")),
        )
        assert injection.volume_ml() == Decimal("0.100")

    def test_history_records_a_changed_dose(self):
        injection = InjectionFactory(units=Decimal("2.5"))
        injection.units = Decimal("5")
        injection.save()
        assert [h.units for h in injection.history.all()] == [
            Decimal("5.00"),
            Decimal("2.50"),
        ]


class TestOtherRecords:
    def test_adverse_effect_cannot_resolve_before_onset(self):
        assert_refused(
            AdverseEffectFactory,
            "An effect cannot resolve before it began.",
            resolved_on=datetime.date(2026, 3, 1),
        )

    def test_distant_spread_signs_are_urgent(self):
        assert AdverseEffectFactory.build(kind="dysphagia").is_urgent is True
        assert AdverseEffectFactory.build(kind="ptosis").is_urgent is False

    def test_therapy_session_needs_a_positive_duration(self):
        assert_refused(
            TherapySessionFactory,
            "The session must last at least a minute.",
            duration_minutes=0,
        )

    def test_therapy_session_belongs_to_a_therapy_course(self):
        session = build_with_saved_relations(
            TherapySessionFactory, course=TreatmentCourseFactory()
        )
        with pytest.raises(ValidationError, match="physical-therapy course"):
            session.full_clean()

    def test_medication_dose_is_positive(self):
        assert_refused(
            MedicationOrderFactory, "The dose must be more than 0.", dose=Decimal("0")
        )

    def test_medication_cannot_stop_before_it_starts(self):
        assert_refused(
            MedicationOrderFactory,
            "A medication cannot stop before it starts.",
            stop_on=datetime.date(2026, 3, 1),
        )

    def test_operated_referral_needs_the_surgery_date(self):
        assert_refused(
            ReferralFactory, "Record the date of surgery.", status="operated"
        )

    def test_outcome_recorded_needs_the_outcome(self):
        assert_refused(
            ReferralFactory,
            "Record the outcome.",
            status="outcome_recorded",
            surgery_on=datetime.date(2026, 4, 1),
        )

    def test_reply_cannot_precede_the_referral(self):
        assert_refused(
            ReferralFactory,
            "A reply cannot come before the referral was sent.",
            replied_on=datetime.date(2026, 3, 1),
        )

    def test_one_follow_up_per_timepoint(self):
        first = ReferralFollowUpFactory()
        duplicate = build_with_saved_relations(
            ReferralFollowUpFactory, referral=first.referral, timepoint=first.timepoint
        )
        with pytest.raises(ValidationError, match="already recorded"):
            duplicate.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            duplicate.save()

    def test_appointment_must_end_after_it_starts(self):
        start = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
        assert_refused(
            AppointmentFactory,
            "An appointment must end after it starts.",
            starts_at=start,
            ends_at=start,
        )

    def test_cancelled_appointment_needs_a_reason(self):
        assert_refused(
            AppointmentFactory,
            "Say why the appointment was cancelled.",
            status="cancelled",
        )

    def test_appointment_course_must_be_the_patients(self):
        appointment = build_with_saved_relations(
            AppointmentFactory, course=TreatmentCourseFactory(case=CaseFactory())
        )
        with pytest.raises(ValidationError, match="different patient"):
            appointment.full_clean()


def field_messages(instance) -> dict[str, list[str]]:
    """full_clean()'s messages by field."""
    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    return excinfo.value.message_dict


class TestMessagesNextToFields:
    """Constraints a user can trip are explained next to the field to correct."""

    @pytest.mark.parametrize(
        ("factory", "changes", "field", "message"),
        [
            (
                TreatmentCourseFactory,
                {"ended_on": datetime.date(2025, 5, 1)},
                "ended_on",
                "A course cannot end before it starts.",
            ),
            (
                TreatmentCourseFactory,
                {"planned_interval_days": None},
                "planned_interval_days",
                "A toxin course needs its planned interval in days.",
            ),
            (
                TreatmentCourseFactory,
                {"planned_interval_days": 0},
                "planned_interval_days",
                "A toxin course needs its planned interval in days.",
            ),
            (
                TreatmentCourseFactory,
                {"status": "stopped"},
                "stop_reason",
                "Say why the course was stopped.",
            ),
            (
                TherapySessionFactory,
                {"duration_minutes": 0},
                "duration_minutes",
                "The session must last at least a minute.",
            ),
            (
                TherapySessionFactory,
                {"entered_in_error": True},
                "entered_in_error_reason",
                "Say why the record was entered in error.",
            ),
            (
                MedicationOrderFactory,
                {"stop_on": datetime.date(2026, 3, 1)},
                "stop_on",
                "A medication cannot stop before it starts.",
            ),
            (
                ReferralFactory,
                {"replied_on": datetime.date(2026, 3, 1)},
                "replied_on",
                "A reply cannot come before the referral was sent.",
            ),
            (
                ReferralFactory,
                {"surgery_on": datetime.date(2026, 3, 1)},
                "surgery_on",
                "Surgery cannot be before the referral.",
            ),
            (
                ReferralFactory,
                {"status": "operated"},
                "surgery_on",
                "Record the date of surgery.",
            ),
            (
                ReferralFactory,
                {"status": "outcome_recorded", "surgery_on": datetime.date(2026, 5, 4)},
                "outcome",
                "Record the outcome.",
            ),
        ],
    )
    def test_the_message_is_on_the_field(self, factory, changes, field, message):
        instance = build_with_saved_relations(factory, **changes)
        messages = field_messages(instance)
        assert messages[field] == [message]
        assert "__all__" not in messages  # the constraint does not repeat it

    def test_a_recorded_timepoint_is_explained_at_the_timepoint(self):
        first = ReferralFollowUpFactory()
        duplicate = build_with_saved_relations(
            ReferralFollowUpFactory, referral=first.referral, timepoint=first.timepoint
        )
        assert field_messages(duplicate)["timepoint"] == [
            "This timepoint is already recorded."
        ]
        first.full_clean()  # a saved follow-up is not its own duplicate


class TestFormTokens:
    @pytest.mark.parametrize(
        "factory",
        [
            TreatmentCourseFactory,
            TherapySessionFactory,
            MedicationOrderFactory,
            ReferralFactory,
            ReferralFollowUpFactory,
        ],
    )
    def test_a_form_token_saves_one_record(self, factory):
        token = uuid.uuid4()
        factory(form_token=token)
        with pytest.raises(IntegrityError), transaction.atomic():
            factory(form_token=token)
        factory(form_token=None)
        factory(form_token=None)
        assert factory._meta.model.objects.filter(form_token=None).count() == 2


class TestCourseRecords:
    def test_a_course_has_records_once_something_is_charted_under_it(self):
        course = TreatmentCourseFactory()
        assert course.has_records() is False
        ToxinSessionFactory(course=course)
        assert course.has_records() is True

    def test_other_kinds_of_records_count_too(self):
        assert MedicationOrderFactory().course.has_records() is True
        assert ReferralFactory().course.has_records() is True
        assert TherapySessionFactory().course.has_records() is True


class TestSteroidAfterBellsOnset:
    @pytest.fixture(autouse=True)
    def london(self, settings):
        """The onset times are written for a clinic in Europe/London."""
        settings.TIME_ZONE = "Europe/London"

    ONSET = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)

    def order(self, condition="bells_palsy", **changes):
        case = CaseFactory(
            condition=condition,
            icd10_code="G51.0",
            onset_date=self.ONSET.date(),
            onset_at=self.ONSET,
            opened_on=self.ONSET.date(),
        )
        course = TreatmentCourseFactory(
            case=case, kind=CourseKind.MEDICATION, planned_interval_days=None
        )
        return MedicationOrderFactory.build(course=course, **changes)

    def test_counts_from_the_start_of_the_start_day(self):
        order = self.order(drug="Prednisolone", start_on=datetime.date(2026, 3, 6))
        assert order.is_steroid is True
        assert order.steroid_delay_after_bells_onset() == datetime.timedelta(hours=86)

    @pytest.mark.parametrize("drug", ["prednisone", "methylprednisolone"])
    def test_any_of_the_steroids(self, drug):
        order = self.order(drug=drug, start_on=datetime.date(2026, 3, 3))
        assert order.steroid_delay_after_bells_onset() == datetime.timedelta(hours=14)

    def test_other_drugs_and_conditions_have_none(self):
        assert self.order(drug="valaciclovir").steroid_delay_after_bells_onset() is None
        order = self.order(condition="hemifacial_spasm", drug="prednisolone")
        assert order.steroid_delay_after_bells_onset() is None


def test_referrals_awaiting_a_reply_are_sent_or_acknowledged_and_valid():
    sent = ReferralFactory(status="sent")
    acknowledged = ReferralFactory(status="acknowledged")
    ReferralFactory(status="seen")
    ReferralFactory(
        status="sent", entered_in_error=True, entered_in_error_reason="Duplicate."
    )
    assert set(Referral.objects.awaiting_reply()) == {sent, acknowledged}


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        (CourseKind.BOTULINUM_TOXIN, "is_toxin"),
        (CourseKind.PHYSICAL_THERAPY, "is_physical_therapy"),
        (CourseKind.MEDICATION, "is_medication"),
        (CourseKind.SURGICAL_REFERRAL, "is_surgical_referral"),
    ],
)
def test_a_course_says_its_kind(kind, name):
    course = TreatmentCourseFactory.build(kind=kind)
    kinds = ["is_toxin", "is_physical_therapy", "is_medication", "is_surgical_referral"]
    assert [getattr(course, each) for each in kinds] == [each == name for each in kinds]
