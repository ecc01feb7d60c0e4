"""Hard refusals: never saved, never overridable, the message next to the field."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from patients.models import Assessment, Case, DiagnosticStudy
from scheduling.models import Appointment
from tests.factories import (
    AppointmentFactory,
    AssessmentFactory,
    CaseFactory,
    DiagnosticStudyFactory,
    MedicationOrderFactory,
    PatientFactory,
    ReferralFactory,
    ReferralFollowUpFactory,
    TherapySessionFactory,
    ToxinSessionFactory,
    TreatmentCourseFactory,
    UserFactory,
    VialFactory,
)
from tests.treatments.charting_posts import create_url, session_data
from treatments.models import (
    CourseKind,
    MedicationOrder,
    Referral,
    ReferralFollowUp,
    TherapySession,
    ToxinSession,
    TreatmentCourse,
)

pytestmark = pytest.mark.django_db

BORN = datetime.date(1970, 1, 1)
EVE = datetime.date(1969, 12, 31)
EVE_AT = datetime.datetime(1969, 12, 31, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def case():
    return CaseFactory(patient=PatientFactory(date_of_birth=BORN))


def course_of(case, kind):
    return TreatmentCourseFactory(case=case, kind=kind)


# (record model, a maker of the unsaved record for `case`, the field dated before
# birth)
BEFORE_BIRTH = [
    pytest.param(
        Case,
        lambda case: CaseFactory.build(patient=case.patient, opened_on=EVE),
        "opened_on",
        id="case",
    ),
    pytest.param(
        DiagnosticStudy,
        lambda case: DiagnosticStudyFactory.build(case=case, ordered_on=EVE),
        "ordered_on",
        id="study",
    ),
    pytest.param(
        Assessment,
        lambda case: AssessmentFactory.build(case=case, assessed_on=EVE),
        "assessed_on",
        id="assessment",
    ),
    pytest.param(
        TreatmentCourse,
        lambda case: TreatmentCourseFactory.build(case=case, started_on=EVE),
        "started_on",
        id="course",
    ),
    pytest.param(
        ToxinSession,
        lambda case: ToxinSessionFactory.build(
            course=course_of(case, CourseKind.BOTULINUM_TOXIN),
            injector=UserFactory(),
            performed_at=EVE_AT,
        ),
        "performed_at",
        id="toxin-session",
    ),
    pytest.param(
        TherapySession,
        lambda case: TherapySessionFactory.build(
            course=course_of(case, CourseKind.PHYSICAL_THERAPY),
            therapist=UserFactory(),
            session_on=EVE,
        ),
        "session_on",
        id="therapy",
    ),
    pytest.param(
        MedicationOrder,
        lambda case: MedicationOrderFactory.build(
            course=course_of(case, CourseKind.MEDICATION),
            prescriber=UserFactory(),
            start_on=EVE,
        ),
        "start_on",
        id="medication",
    ),
    pytest.param(
        Referral,
        lambda case: ReferralFactory.build(
            course=course_of(case, CourseKind.SURGICAL_REFERRAL), sent_on=EVE
        ),
        "sent_on",
        id="referral",
    ),
    pytest.param(
        ReferralFollowUp,
        lambda case: ReferralFollowUpFactory.build(
            referral=ReferralFactory(
                course=course_of(case, CourseKind.SURGICAL_REFERRAL)
            ),
            seen_on=EVE,
        ),
        "seen_on",
        id="mvd-follow-up",
    ),
    pytest.param(
        Appointment,
        lambda case: AppointmentFactory.build(
            patient=case.patient,
            clinician=UserFactory(),
            starts_at=EVE_AT,
            ends_at=EVE_AT + datetime.timedelta(minutes=20),
        ),
        "starts_at",
        id="appointment",
    ),
]


@pytest.mark.parametrize(("model", "make", "field"), BEFORE_BIRTH)
def test_a_clinical_event_before_birth_is_refused_next_to_its_field(
    case, model, make, field
):
    record = make(case)
    with pytest.raises(ValidationError) as refused:
        record.full_clean()
    assert refused.value.message_dict[field] == [
        "This is before the patient's birth on 01 Jan 1970."
    ]


def test_the_day_of_birth_itself_is_possible(case):
    record = AssessmentFactory.build(case=case, assessed_on=BORN)
    with pytest.raises(ValidationError) as refused:
        record.full_clean()
    assert "assessed_on" not in refused.value.message_dict  # other fields may err


class TestToxinSessionInTheFuture:
    def session(self, minutes_ahead):
        session = ToxinSessionFactory.build(
            course=TreatmentCourseFactory(kind=CourseKind.BOTULINUM_TOXIN),
            injector=UserFactory(),
            performed_at=timezone.now() + datetime.timedelta(minutes=minutes_ahead),
        )
        return session

    def test_up_to_ten_minutes_ahead_is_a_clock_not_a_future_session(self):
        self.session(9).full_clean()

    @pytest.mark.parametrize("minutes", [11, 120, 30 * 24 * 60])
    def test_further_ahead_is_refused(self, minutes):
        with pytest.raises(ValidationError) as refused:
            self.session(minutes).full_clean()
        assert refused.value.message_dict["performed_at"] == [
            "A session is charted once it is given: this time is in the future."
        ]


class TestThroughTheChartingPage:
    """The same refusals through the clinician page, even with an override."""

    @pytest.fixture
    def course(self, case):
        return TreatmentCourseFactory(case=case, kind=CourseKind.BOTULINUM_TOXIN)

    def post(self, client, neurologist, course, **changes):
        client.force_login(neurologist)
        data = session_data(
            neurologist,
            override_reason="Given as charted.",
            warnings_digest="any",
            **changes,
        )
        return client.post(create_url(course), data)

    def test_a_session_before_birth_is_refused(self, client, neurologist, course):
        response = self.post(
            client,
            neurologist,
            course,
            performed_at="1960-03-02T10:00",
            reconstituted_at="1960-03-02T09:00",
        )
        assert response.status_code == 200
        assert response.context["form"].errors["performed_at"] == [
            "This is before the patient's birth on 01 Jan 1970."
        ]
        assert not ToxinSession.objects.exists()

    def test_a_session_two_hours_ahead_is_refused(self, client, neurologist, course):
        later = timezone.localtime() + datetime.timedelta(hours=2)
        response = self.post(
            client,
            neurologist,
            course,
            performed_at=f"{later:%Y-%m-%dT%H:%M}",
            reconstituted_at=f"{later - datetime.timedelta(hours=1):%Y-%m-%dT%H:%M}",
        )
        assert response.status_code == 200
        assert "in the future" in response.context["form"].errors["performed_at"][0]
        assert not ToxinSession.objects.exists()


class TestVials:
    def session(self, product="onabotulinumtoxina", size=100, discarded="0"):
        """A vial of an unsaved session, as the charting form holds it."""
        session = ToxinSessionFactory.build(
            course=TreatmentCourseFactory(kind=CourseKind.BOTULINUM_TOXIN),
            injector=UserFactory(),
            product=product,
        )
        ready_made = product == "rimabotulinumtoxinb"
        return VialFactory.build(
            session=session,
            lot_number="L1",
            size_units=size,
            units_discarded=Decimal(discarded),
            diluent_volume_ml=None if ready_made else Decimal("4"),
            reconstituted_at=None
            if ready_made
            else session.performed_at - datetime.timedelta(hours=1),
        )

    @pytest.mark.parametrize(
        ("product", "size", "sold"),
        [
            ("onabotulinumtoxina", 50, True),
            ("onabotulinumtoxina", 200, True),
            ("onabotulinumtoxina", 400, False),
            ("onabotulinumtoxina", 401, False),
            ("incobotulinumtoxina", 100, True),
            ("incobotulinumtoxina", 300, False),
            ("abobotulinumtoxina", 300, True),
            ("abobotulinumtoxina", 500, True),
            ("abobotulinumtoxina", 200, False),
            ("rimabotulinumtoxinb", 2500, True),
            ("rimabotulinumtoxinb", 10000, True),
            ("rimabotulinumtoxinb", 500, False),
        ],
    )
    def test_only_vial_sizes_the_product_is_sold_in(self, product, size, sold):
        session = self.session(product, size)
        try:
            session.full_clean()
        except ValidationError as error:
            refused = "size_units" in error.message_dict
        else:
            refused = False
        assert refused is not sold

    def test_the_message_names_the_sizes(self):
        with pytest.raises(ValidationError) as refused:
            self.session(size=400).full_clean()
        assert refused.value.message_dict["size_units"] == [
            "onabotulinumtoxinA (Botox) is sold in 50, 100, 200 U vials."
        ]

    def test_the_clinic_may_configure_its_sizes(self, settings):
        settings.CLINIC_VIAL_SIZES = {"onabotulinumtoxina": (150,)}
        self.session(size=150).full_clean(exclude=["session"])
        with pytest.raises(ValidationError):
            self.session(size=100).full_clean(exclude=["session"])

    @pytest.mark.parametrize(
        ("charted", "discarded", "problem"),
        [
            ("50", "0", ""),
            ("45", "5", ""),
            ("50.01", "0", "50.01 U charted and 0 U discarded"),
            ("45", "6", "45 U charted and 6 U discarded"),
        ],
    )
    def test_units_cannot_exceed_what_the_vial_holds(self, charted, discarded, problem):
        message = self.session(size=50, discarded=discarded).overdraw(Decimal(charted))
        assert message.startswith(problem)
        assert ("more than the 50 U vial (lot L1) holds" in message) is bool(problem)

    def test_sixty_units_from_a_50_unit_vial_are_refused_on_the_page(
        self, client, neurologist
    ):
        course = TreatmentCourseFactory(kind=CourseKind.BOTULINUM_TOXIN)
        client.force_login(neurologist)
        response = client.post(
            create_url(course),
            session_data(
                neurologist,
                rows=[("frontalis", "right", "30"), ("frontalis", "left", "30")],
                size_units="50",
                diluent_volume_ml="1",
            ),
        )
        assert response.status_code == 200
        assert response.context["injections"].non_form_errors() == [
            "60 U charted and 0 U discarded come to more than the 50 U vial "
            "(lot C5678C3) holds."
        ]
        assert "more than the 50 U vial (lot C5678C3) holds" in (
            response.content.decode()
        )
        assert not ToxinSession.objects.exists()
