import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from patients.models import Assessment
from scheduling.models import Appointment
from tests.factories import (
    AdverseEffectFactory,
    AppointmentFactory,
    AssessmentFactory,
    CaseFactory,
    InjectionFactory,
    MedicationOrderFactory,
    ReferralFactory,
    ReferralFollowUpFactory,
    TherapySessionFactory,
    ToxinSessionFactory,
    TreatmentCourseFactory,
    UserFactory,
    VialFactory,
)
from treatments.models import (
    AdverseEffect,
    CourseKind,
    FollowUpTimepoint,
    Injection,
    MedicationOrder,
    Muscle,
    Referral,
    ReferralFollowUp,
    Side,
    TherapySession,
    ToxinSession,
    TreatmentCourse,
    Vial,
)

pytestmark = pytest.mark.django_db


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def make_assessment():
    return AssessmentFactory(answers={"severity": 3, "frequency": 2})


def make_course():
    course = TreatmentCourseFactory(goal="Spasm-free for reading and driving")
    ToxinSessionFactory(course=course)
    return course


def make_session():
    session = ToxinSessionFactory()
    InjectionFactory(session=session, side=Side.RIGHT)
    InjectionFactory(session=session, side=Side.LEFT)
    AdverseEffectFactory(session=session)
    return session


def make_injection():
    return InjectionFactory()


def make_adverse_effect():
    return AdverseEffectFactory(notes="Mild left ptosis, resolving")


def make_therapy_session():
    return TherapySessionFactory(exercises="Mirror work, slow smile")


def make_medication_order():
    return MedicationOrderFactory()


def make_referral():
    referral = ReferralFactory(status="operated", surgery_on=datetime.date(2026, 5, 4))
    ReferralFollowUpFactory(referral=referral)
    return referral


def make_vial():
    return make_session().vials.get()


def make_follow_up():
    return ReferralFollowUpFactory(notes="No spasm since surgery")


def make_appointment():
    return AppointmentFactory(notes="Needs a ground-floor room")


# (model, a maker that creates one row with its related rows, a value its change
# page shows)
MODELS = [
    pytest.param(Assessment, make_assessment, lambda obj: "total: 5", id="assessment"),
    pytest.param(TreatmentCourse, make_course, lambda obj: obj.goal, id="course"),
    pytest.param(
        ToxinSession,
        make_session,
        lambda obj: obj.vials.get().lot_number,
        id="session",
    ),
    pytest.param(Vial, make_vial, lambda obj: obj.lot_number, id="vial"),
    pytest.param(Injection, make_injection, lambda obj: "0.100", id="injection"),
    pytest.param(
        AdverseEffect, make_adverse_effect, lambda obj: obj.notes, id="adverse"
    ),
    pytest.param(
        TherapySession, make_therapy_session, lambda obj: obj.exercises, id="therapy"
    ),
    pytest.param(
        MedicationOrder, make_medication_order, lambda obj: obj.drug, id="medication"
    ),
    pytest.param(Referral, make_referral, lambda obj: obj.to_name, id="referral"),
    pytest.param(
        ReferralFollowUp, make_follow_up, lambda obj: obj.notes, id="follow-up"
    ),
    pytest.param(Appointment, make_appointment, lambda obj: obj.notes, id="appt"),
]


def add_session_sites(session):
    InjectionFactory(session=session, vial=VialFactory(session=session))
    AdverseEffectFactory(session=session)


def add_course_session(course):
    session = ToxinSessionFactory(course=course)
    InjectionFactory(session=session)


def add_therapy_session(course):
    TherapySessionFactory(course=course)


def add_medication_order(course):
    MedicationOrderFactory(course=course)


def add_referral(course):
    ReferralFactory(course=course)


def add_follow_up(referral):
    timepoints = [value for value, _ in FollowUpTimepoint.choices]
    ReferralFollowUpFactory(
        referral=referral, timepoint=timepoints[referral.follow_ups.count()]
    )


def course_of(kind):
    return lambda: TreatmentCourseFactory(kind=kind, planned_interval_days=None)


# (model, a maker of the page's record, a maker of one more row the page lists)
PAGES_WITH_ROWS = [
    pytest.param(ToxinSession, ToxinSessionFactory, add_session_sites, id="session"),
    pytest.param(
        TreatmentCourse, TreatmentCourseFactory, add_course_session, id="toxin-course"
    ),
    pytest.param(
        TreatmentCourse,
        course_of(CourseKind.PHYSICAL_THERAPY),
        add_therapy_session,
        id="therapy-course",
    ),
    pytest.param(
        TreatmentCourse,
        course_of(CourseKind.MEDICATION),
        add_medication_order,
        id="medication-course",
    ),
    pytest.param(
        TreatmentCourse,
        course_of(CourseKind.SURGICAL_REFERRAL),
        add_referral,
        id="referral-course",
    ),
    pytest.param(Referral, ReferralFactory, add_follow_up, id="referral"),
]


@pytest.mark.parametrize(("model", "make", "add_row"), PAGES_WITH_ROWS)
def test_change_page_query_count_does_not_grow(
    client, clinic_admin, django_assert_num_queries, model, make, add_row
):
    obj = make()
    for _ in range(2):
        add_row(obj)
    client.force_login(clinic_admin)
    url = admin_url(model, "change", obj.pk)
    client.get(url)  # Warm process-wide caches (content types) first.
    with CaptureQueriesContext(connection) as baseline:
        client.get(url)
    for _ in range(3):
        add_row(obj)

    with django_assert_num_queries(len(baseline)):
        response = client.get(url)

    # The rows added are listed (a session's first vial came with it).
    inlines = response.context["inline_admin_formsets"]
    assert max(len(inline.formset.initial_forms) for inline in inlines) >= 5


@pytest.mark.parametrize("persona", ["clinic_admin", "superuser"])
def test_it_refuses_to_delete_a_toxin_session(client, request, persona):
    session = make_session()
    client.force_login(request.getfixturevalue(persona))

    assert client.get(admin_url(ToxinSession, "delete", session.pk)).status_code == 403
    assert client.post(admin_url(ToxinSession, "delete", session.pk)).status_code == 403
    client.post(
        admin_url(ToxinSession, "changelist"),
        {"action": "delete_selected", "_selected_action": [session.pk], "post": "yes"},
    )
    assert ToxinSession.objects.filter(pk=session.pk).exists()


def test_session_list_shows_total_units(client, clinic_admin):
    session = make_session()  # Two sites of 2.50 U.
    client.force_login(clinic_admin)

    response = client.get(admin_url(ToxinSession, "changelist"))

    [row] = response.context["cl"].result_list
    assert row.pk == session.pk
    assert row.total_units == Decimal("5.00")
    assert '<td class="field-total_units">5</td>' in response.content.decode()


def test_session_page_shows_concentration_volumes_and_totals(client, clinic_admin):
    session = make_session()
    client.force_login(clinic_admin)

    response = client.get(admin_url(ToxinSession, "change", session.pk))

    content = response.content.decode()
    assert "2.5 U per 0.1 mL (25 U/mL)" in content
    assert "onabotulinumtoxinA (Botox): 5 U" in content
    assert "Right: 2.5 U, Left: 2.5 U" in content
    assert content.count("0.100") == 2  # 2.5 U at 25 U/mL, per site
    for inline in response.context["inline_admin_formsets"]:
        assert inline.formset.can_delete is False


def session_form_data(session: ToxinSession, **changes) -> dict:
    """The ToxinSession change form as posted, with its two inline formsets."""
    performed = timezone.localtime(session.performed_at)
    data = {
        "course": session.course_id,
        "performed_at_0": performed.date().isoformat(),
        "performed_at_1": performed.strftime("%H:%M:%S"),
        "injector": session.injector_id,
        "assistant": "",
        "guidance": session.guidance,
        "product": session.product,
        "consent_obtained": "on",
        "consent_information_version": "",
        "onset_day": "",
        "peak_day": "",
        "wore_off_on": "",
        "benefit": "",
        "notes": "",
        "entered_in_error_reason": "",
        "vials-TOTAL_FORMS": 0,
        "vials-INITIAL_FORMS": 0,
        "vials-MIN_NUM_FORMS": 0,
        "vials-MAX_NUM_FORMS": 1000,
        "injections-TOTAL_FORMS": 0,
        "injections-INITIAL_FORMS": 0,
        "injections-MIN_NUM_FORMS": 0,
        "injections-MAX_NUM_FORMS": 1000,
        "adverse_effects-TOTAL_FORMS": 0,
        "adverse_effects-INITIAL_FORMS": 0,
        "adverse_effects-MIN_NUM_FORMS": 0,
        "adverse_effects-MAX_NUM_FORMS": 1000,
        "_save": "Save",
    }
    data.update(changes)
    return data


def test_the_session_admin_changes_nothing_but_entered_in_error(client, clinic_admin):
    """A 440 U site and a new lot posted to the admin are not saved: sessions are
    charted on the clinician pages, where the safety rules are checked."""
    session = ToxinSessionFactory(
        vial__size_units=100, vial__diluent_volume_ml=Decimal("4")
    )
    client.force_login(clinic_admin)

    response = client.post(
        admin_url(ToxinSession, "change", session.pk),
        session_form_data(
            session,
            entered_in_error="on",
            entered_in_error_reason="Charted against the wrong patient.",
            **{
                "vials-TOTAL_FORMS": 1,
                "vials-INITIAL_FORMS": 1,
                "vials-0-id": session.vials.get().pk,
                "vials-0-session": session.pk,
                "vials-0-lot_number": "OTHER-LOT",
                "injections-TOTAL_FORMS": 1,
                "injections-0-muscle": Muscle.OO_PRETARSAL_UPPER_LATERAL,
                "injections-0-side": Side.RIGHT,
                "injections-0-units": "440",
                "injections-0-points": 1,
                "injections-0-route": "im",
            },
        ),
    )

    assert response.status_code == 302
    saved = ToxinSession.objects.get(pk=session.pk)
    assert saved.vials.get().lot_number != "OTHER-LOT"
    assert not saved.injections.exists()
    assert saved.entered_in_error is True
    assert saved.history.first().history_user == clinic_admin


def test_the_session_page_links_to_the_clinician_page(client, clinic_admin):
    session = ToxinSessionFactory()
    client.force_login(clinic_admin)
    page = client.get(admin_url(ToxinSession, "change", session.pk)).content.decode()
    assert session.get_absolute_url() in page
    assert 'name="lot_number"' not in page


@pytest.mark.parametrize("model", [ToxinSession, Vial, Injection, AdverseEffect])
def test_sessions_sites_and_effects_cannot_be_added_in_the_admin(
    client, clinic_admin, model
):
    client.force_login(clinic_admin)
    assert client.get(admin_url(model, "add")).status_code == 403
    assert client.post(admin_url(model, "add"), {}).status_code == 403


def test_course_page_lists_its_toxin_sessions_read_only(client, clinic_admin):
    course = make_course()
    session = course.toxin_sessions.get()
    client.force_login(clinic_admin)

    response = client.get(admin_url(TreatmentCourse, "change", course.pk))

    content = response.content.decode()
    assert admin_url(ToxinSession, "change", session.pk) in content
    [inline] = response.context["inline_admin_formsets"]
    assert inline.has_add_permission is False
    assert inline.has_change_permission is False
    assert inline.formset.can_delete is False


@pytest.fixture
def earlier_session(db):
    """A toxin session 42 days before 2026-04-13, the assessment date below."""
    return ToxinSessionFactory(
        performed_at=datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
    )


@pytest.fixture
def rater(db):
    """Scores are rated by a clinician: the admin's picker offers clinical roles."""
    return UserFactory(roles=["Neurologist"])


def assessment_form_data(case, rater, answers) -> dict:
    return {
        "case": case.pk,
        "instrument": "jrs",
        "version": "hfs-adapted",
        "side": "",
        "rater": rater.pk,
        "assessed_on": "2026-04-13",
        "answers": json.dumps(answers),
        "notes": "",
        "entered_in_error_reason": "",
        "_save": "Save",
    }


def test_adding_an_assessment_scores_it_and_stamps_days_since_toxin(
    client, clinic_admin, earlier_session, rater
):
    case = earlier_session.course.case
    client.force_login(clinic_admin)

    response = client.post(
        admin_url(Assessment, "add"),
        assessment_form_data(case, rater, {"severity": 3, "frequency": 2}),
    )

    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.totals == {"total": 5}
    assert assessment.score == Decimal("5")
    assert assessment.days_since_last_toxin == 42
    assert assessment.history.first().history_user == clinic_admin


def test_a_session_of_another_patient_is_not_counted(client, clinic_admin, rater):
    ToxinSessionFactory()
    case = CaseFactory()
    client.force_login(clinic_admin)

    client.post(
        admin_url(Assessment, "add"),
        assessment_form_data(case, rater, {"severity": 1, "frequency": 1}),
    )

    assert Assessment.objects.get().days_since_last_toxin is None


def test_invalid_answers_name_the_item_and_save_nothing(
    client, clinic_admin, earlier_session, rater
):
    case = earlier_session.course.case
    client.force_login(clinic_admin)

    response = client.post(
        admin_url(Assessment, "add"),
        assessment_form_data(case, rater, {"severity": 5, "frequency": 2}),
    )

    assert response.status_code == 200
    assert "Severity: 5 is out of range (0–4)." in response.content.decode()
    assert not Assessment.objects.exists()


def test_assessment_form_lists_the_scale_items_to_answer(client, clinic_admin):
    assessment = AssessmentFactory(
        instrument="smc", version="lee-2012", answers={"grade": 2}
    )
    client.force_login(clinic_admin)

    add_page = client.get(admin_url(Assessment, "add")).content.decode()
    change_page = client.get(
        admin_url(Assessment, "change", assessment.pk)
    ).content.decode()

    # The add page lists every scale; the change page the chosen one only.
    assert "<code>severity</code> Severity: 0, 1, 2, 3, 4" in add_page
    assert "<code>grade</code> Grade: 1, 2, 3, 4" in add_page
    assert "<code>grade</code> Grade: 1, 2, 3, 4 (1 I: spasm" in change_page
    assert "<code>severity</code>" not in change_page
