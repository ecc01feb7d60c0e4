"""The record forms charted from the patient chart: assessments (scales), treatment
courses, therapy sessions, medication orders, referrals and MVD follow-ups."""

import datetime
import re
import uuid
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from patients.models import Assessment, Condition, Laterality
from tests.factories import (
    SESSION_AT,
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
)
from treatments.models import (
    CourseKind,
    CourseStatus,
    MedicationOrder,
    Referral,
    ReferralFollowUp,
    ReferralStatus,
    TherapySession,
    TreatmentCourse,
)

pytestmark = pytest.mark.django_db

LONDON_WINTER = datetime.timezone(datetime.timedelta(0))  # Europe/London in March


@pytest.fixture(autouse=True)
def london(settings):
    """The wall-clock times below are written for a clinic in Europe/London."""
    settings.TIME_ZONE = "Europe/London"


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields, self.labelled, self.types = [], set(), {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label" and attrs.get("for"):
            self.labelled.add(attrs["for"])
        elif tag in ("select", "textarea") or (
            tag == "input" and attrs.get("type") not in ("hidden", "submit")
        ):
            self.fields.append(attrs.get("id") or attrs.get("name"))
        if tag == "input" and "name" in attrs:
            self.types[attrs["name"]] = attrs.get("type")


def _parsed(response) -> _Inputs:
    parser = _Inputs()
    parser.feed(response.content.decode())
    return parser


def unlabelled_inputs(response) -> list[str]:
    parser = _parsed(response)
    return [field for field in parser.fields if field not in parser.labelled]


def input_types(response) -> dict[str, str]:
    return _parsed(response).types


def messages_of(response) -> list[str]:
    """The messages this request added (not those still queued from earlier
    requests whose redirects the test did not follow)."""
    storage = get_messages(response.wsgi_request)
    return [str(message) for message in storage._queued_messages]


def field_errors(response, name: str) -> list[str]:
    return response.context["form"].errors.get(name, [])


def token() -> str:
    return str(uuid.uuid4())


# Assessments


def assessment_url(case, instrument=None, **query) -> str:
    url = reverse("treatments:assessment_create", args=[case.pk])
    if instrument:
        query = {"instrument": instrument, **query}
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def jrs(**changes) -> dict:
    return {
        "form_token": token(),
        "assessed_on": "2026-03-02",
        "item_severity": "3",
        "item_frequency": "2",
        "notes": "",
        **changes,
    }


def sunnybrook(**changes) -> dict:
    """Maximal resting asymmetry and synkinesis, no voluntary movement."""
    expressions = ["brow", "gentle_eye_closure", "open_mouth_smile", "snarl"]
    expressions.append("lip_pucker")
    data = {
        "form_token": token(),
        "assessed_on": "2026-03-02",
        "side": "left",
        "item_rest_eye": "1",
        "item_rest_cheek": "2",
        "item_rest_mouth": "1",
    }
    for expression in expressions:
        data[f"item_vol_{expression}"] = "1"
        data[f"item_syn_{expression}"] = "3"
    data.update(changes)
    return data


def bsdi(**changes) -> dict:
    return {
        "form_token": token(),
        "assessed_on": "2026-03-02",
        "item_driving": "na",
        "item_reading": "2",
        "item_watching_tv": "3",
        "item_shopping": "1",
        "item_walking": "2",
        "item_everyday_activities": "na",
        **changes,
    }


@pytest.fixture
def case():
    return CaseFactory()


@pytest.fixture
def patient(case):
    return case.patient


class TestAssessmentCreatePermissions:
    @pytest.mark.parametrize("persona", ["neurologist", "injector", "therapist"])
    def test_clinical_roles_may_score(self, client, request, case, persona):
        client.force_login(request.getfixturevalue(persona))
        assert client.get(assessment_url(case, "jrs")).status_code == 200

    def test_unknown_case_is_404(self, client, neurologist):
        client.force_login(neurologist)
        url = reverse("treatments:assessment_create", args=[987654])
        assert client.get(url + "?instrument=jrs").status_code == 404


class TestAssessmentCreate:
    def test_first_the_scale_is_chosen_without_script(self, client, injector, case):
        client.force_login(injector)
        response = client.get(assessment_url(case))
        html = response.content.decode()
        assert response.status_code == 200
        for name in [
            "Jankovic Rating Scale",
            "Samsung Medical Center grade",
            "HFS-7",
            "House-Brackmann facial nerve grade",
            "Sunnybrook Facial Grading System",
            "Blepharospasm Disability Index",
        ]:
            assert name in html
        assert "instrument=jrs&amp;version=blepharospasm-1987" in html
        assert "instrument=jrs&amp;version=hfs-adapted" in html
        assert 'name="item_' not in html

    def test_an_unknown_scale_offers_the_list_again(self, client, injector, case):
        client.force_login(injector)
        response = client.get(assessment_url(case, "nonsense"))
        assert response.status_code == 200
        assert "That scale is not known here" in response.content.decode()
        response = client.post(assessment_url(case, "nonsense"), jrs())
        assert response.status_code == 200
        assert Assessment.objects.count() == 0

    def test_shows_one_labelled_input_per_item_with_anchors(
        self, client, injector, case
    ):
        client.force_login(injector)
        response = client.get(assessment_url(case, "jrs"))
        html = response.content.decode()
        assert response.status_code == 200
        assert "<label" in html and "Severity" in html and "Frequency" in html
        # A hemifacial-spasm case: the JRS's hemifacial-spasm anchors, each
        # choice saying what it means.
        assert '<option value="4">4: Continuous: no breaks</option>' in html
        assert "Functionally blind" not in html
        assert "https://" not in html  # the scale's source is for superusers
        assert unlabelled_inputs(response) == []
        types = input_types(response)
        assert types["assessed_on"] == "date"
        assert types["form_token"] == "hidden"
        assert re.search(r'name="form_token" value="[0-9a-f-]{36}"', html)
        assert 'name="side"' not in html  # the JRS is not graded per side

    @pytest.mark.parametrize(
        ("instrument", "labels"),
        [
            ("smc", ["Grade"]),
            ("hfs7", [f"Item {n}" for n in range(1, 8)]),
            ("house_brackmann", ["Grade"]),
            (
                "sunnybrook",
                [
                    "Eye at rest",
                    "Cheek at rest",
                    "Mouth at rest",
                    "Brow lift (voluntary movement)",
                    "Gentle eye closure (voluntary movement)",
                    "Open-mouth smile (voluntary movement)",
                    "Snarl (voluntary movement)",
                    "Lip pucker (voluntary movement)",
                    "Brow lift (synkinesis)",
                    "Gentle eye closure (synkinesis)",
                    "Open-mouth smile (synkinesis)",
                    "Snarl (synkinesis)",
                    "Lip pucker (synkinesis)",
                ],
            ),
            (
                "bsdi",
                [
                    "Driving",
                    "Reading",
                    "Watching TV",
                    "Shopping",
                    "Walking",
                    "Everyday activities",
                ],
            ),
        ],
    )
    def test_every_item_of_the_chosen_scale_is_shown(
        self, client, therapist, case, instrument, labels
    ):
        client.force_login(therapist)
        response = client.get(assessment_url(case, instrument))
        form = response.context["form"]
        item_labels = [
            field.label for name, field in form.fields.items() if name[:5] == "item_"
        ]
        assert item_labels == labels
        html = response.content.decode()
        for label in labels:
            assert f"{label}<" in html or f"{label}\n" in html
        assert unlabelled_inputs(response) == []

    def test_per_side_scales_ask_for_the_side_and_offer_the_cases(
        self, client, neurologist, case
    ):
        client.force_login(neurologist)
        response = client.get(assessment_url(case, "sunnybrook"))
        side = response.context["form"]["side"]
        assert side.value() == Laterality.RIGHT  # the case's side
        assert [value for value, _ in side.field.choices] == ["", "right", "left"]

    def test_not_applicable_is_offered_only_where_allowed(
        self, client, neurologist, case
    ):
        client.force_login(neurologist)
        html = client.get(assessment_url(case, "bsdi")).content.decode()
        assert 'value="na"' in html
        html = client.get(assessment_url(case, "jrs")).content.decode()
        assert 'value="na"' not in html

    def test_jrs_is_saved_with_its_total_rater_and_days_since_the_last_toxin(
        self, client, injector, case, patient
    ):
        session = ToxinSessionFactory(
            course=TreatmentCourseFactory(case=case),
            performed_at=SESSION_AT - datetime.timedelta(days=30),
        )
        InjectionFactory(session=session)
        client.force_login(injector)
        response = client.post(assessment_url(case, "jrs"), jrs(notes="Before toxin"))
        assessment = Assessment.objects.get()
        assert response.status_code == 302
        assert response["Location"] == patient.get_absolute_url()
        assert messages_of(response) == ["Jankovic Rating Scale saved: total 5."]
        assert assessment.totals == {"total": 5}
        assert assessment.score == Decimal("5")
        assert assessment.answers == {"severity": 3, "frequency": 2}
        assert assessment.version == "hfs-adapted"  # the case's condition's
        assert assessment.rater == injector
        assert assessment.days_since_last_toxin == 30
        assert assessment.notes == "Before toxin"
        assert assessment.history.get().history_user == injector

    def test_a_blepharospasm_case_starts_from_the_original_anchors(
        self, client, injector, case
    ):
        case.condition, case.icd10_code, case.laterality = (
            "blepharospasm",
            "G24.5",
            "bilateral",
        )
        case.save()
        client.force_login(injector)
        html = client.get(assessment_url(case, "jrs")).content.decode()
        assert "4: Functionally blind: eyes closed over 50% of waking time" in html
        assert "Version blepharospasm-1987" in html

    def test_the_chosen_version_is_stored(self, client, injector, case):
        client.force_login(injector)
        url = assessment_url(case, "jrs", version="hfs-adapted")
        assert "Continuous: no breaks" in client.get(url).content.decode()
        client.post(url, jrs())
        assert Assessment.objects.get().version == "hfs-adapted"

    def test_sunnybrook_composite_below_zero_is_stored_unclamped(
        self, client, neurologist, case
    ):
        client.force_login(neurologist)
        response = client.post(assessment_url(case, "sunnybrook"), sunnybrook())
        assessment = Assessment.objects.get()
        assert response.status_code == 302
        assert assessment.totals == {
            "resting": 20,
            "voluntary": 20,
            "synkinesis": 15,
            "composite": -15,
        }
        assert assessment.score == Decimal("-15")
        assert assessment.side == "left"
        assert messages_of(response) == [
            "Sunnybrook Facial Grading System saved: resting 20, voluntary 20, "
            "synkinesis 15, composite -15."
        ]

    def test_a_house_brackmann_grade_is_written_in_roman_numerals(
        self, client, neurologist, case
    ):
        client.force_login(neurologist)
        data = {"form_token": token(), "assessed_on": "2026-03-02", "side": "left"}
        response = client.post(
            assessment_url(case, "house_brackmann"), {**data, "item_grade": "4"}
        )
        assert Assessment.objects.get().totals == {"grade": 4}
        assert messages_of(response) == [
            "House-Brackmann facial nerve grade saved: grade IV."
        ]

    def test_a_per_side_scale_without_its_side_is_refused_at_the_side(
        self, client, neurologist, case
    ):
        client.force_login(neurologist)
        response = client.post(assessment_url(case, "sunnybrook"), sunnybrook(side=""))
        assert response.status_code == 200
        assert field_errors(response, "side") == [
            "Sunnybrook Facial Grading System is graded per side."
        ]
        assert Assessment.objects.count() == 0

    def test_bsdi_with_not_applicable_items_stores_mean_and_sum(
        self, client, neurologist, case
    ):
        client.force_login(neurologist)
        response = client.post(assessment_url(case, "bsdi"), bsdi())
        assessment = Assessment.objects.get()
        assert assessment.totals == {"mean": "2.00", "sum": 8, "applicable_items": 4}
        assert assessment.score == Decimal("2.00")
        assert assessment.answers["driving"] == "na"
        assert messages_of(response) == [
            "Blepharospasm Disability Index saved: mean 2.00, sum 8, "
            "applicable items 4."
        ]

    def test_an_out_of_range_answer_is_shown_next_to_its_item(
        self, client, injector, case
    ):
        client.force_login(injector)
        data = jrs(item_severity="7", notes="Typed note")
        response = client.post(assessment_url(case, "jrs"), data)
        assert response.status_code == 200
        assert field_errors(response, "item_severity") == [
            "Severity: 7 is out of range (0–4)."
        ]
        assert field_errors(response, "item_frequency") == []
        html = response.content.decode()
        assert "Severity: 7 is out of range" in html
        assert '<option value="2" selected>' in html  # the frequency typed
        assert "Typed note" in html
        assert f'value="{data["form_token"]}"' in html
        assert Assessment.objects.count() == 0

    def test_not_applicable_where_not_allowed_is_shown_next_to_its_item(
        self, client, injector, case
    ):
        client.force_login(injector)
        response = client.post(assessment_url(case, "jrs"), jrs(item_frequency="na"))
        assert field_errors(response, "item_frequency") == [
            "Frequency: N/A is not allowed here."
        ]
        assert Assessment.objects.count() == 0

    def test_every_wrong_item_is_shown_at_once(self, client, neurologist, case):
        client.force_login(neurologist)
        data = sunnybrook(item_rest_cheek="3", item_vol_snarl="0", item_syn_brow="")
        response = client.post(assessment_url(case, "sunnybrook"), data)
        assert field_errors(response, "item_rest_cheek") == [
            "Cheek at rest: 3 is out of range (0–2)."
        ]
        assert field_errors(response, "item_vol_snarl") == [
            "Snarl (voluntary movement): 0 is out of range (1–5)."
        ]
        assert field_errors(response, "item_syn_brow") == [
            "Answer Brow lift (synkinesis)."
        ]
        assert response.context["form"].non_field_errors() == []
        assert Assessment.objects.count() == 0

    def test_a_missing_answer_is_shown_next_to_its_item(self, client, injector, case):
        client.force_login(injector)
        response = client.post(assessment_url(case, "jrs"), jrs(item_frequency=""))
        assert field_errors(response, "item_frequency") == ["Answer Frequency."]
        assert response.context["form"].non_field_errors() == []
        assert Assessment.objects.count() == 0

    def test_bsdi_with_every_item_not_applicable_is_refused(
        self, client, neurologist, case
    ):
        client.force_login(neurologist)
        data = bsdi(**{f"item_{code}": "na" for code in ["reading", "watching_tv"]})
        data.update(item_shopping="na", item_walking="na")
        response = client.post(assessment_url(case, "bsdi"), data)
        assert "every item is N/A" in " ".join(
            response.context["form"].non_field_errors()
        )
        assert Assessment.objects.count() == 0

    def test_double_submit_creates_one_assessment(self, client, injector, case):
        client.force_login(injector)
        data = jrs()
        first = client.post(assessment_url(case, "jrs"), data)
        second = client.post(assessment_url(case, "jrs"), data)
        assert first.status_code == second.status_code == 302
        assert second["Location"] == case.patient.get_absolute_url()
        assert "This assessment was already saved." in messages_of(second)
        assert Assessment.objects.count() == 1

    def test_a_fresh_form_saves_another_assessment(self, client, injector, case):
        client.force_login(injector)
        client.post(assessment_url(case, "jrs"), jrs())
        client.post(assessment_url(case, "jrs"), jrs())
        assert Assessment.objects.count() == 2

    def test_query_count_does_not_grow_with_the_patients_records(
        self, client, injector, case, django_assert_num_queries
    ):
        AssessmentFactory(case=case)
        client.force_login(injector)
        url = assessment_url(case, "sunnybrook")
        client.get(url)
        with CaptureQueriesContext(connection) as baseline:
            client.get(url)
        for _ in range(3):
            other = CaseFactory(patient=case.patient)
            AssessmentFactory.create_batch(3, case=other)
            InjectionFactory(session__course__case=other)
        with django_assert_num_queries(len(baseline)):
            client.get(url)


@pytest.fixture
def assessment(case):
    return AssessmentFactory(case=case)


def update_assessment_url(assessment) -> str:
    return reverse("treatments:assessment_update", args=[assessment.pk])


class TestAssessmentUpdate:
    def test_unknown_assessment_is_404(self, client, neurologist):
        client.force_login(neurologist)
        url = reverse("treatments:assessment_update", args=[987654])
        assert client.get(url).status_code == 404

    def test_shows_the_saved_answers_and_totals(self, client, therapist, assessment):
        client.force_login(therapist)
        response = client.get(update_assessment_url(assessment))
        form = response.context["form"]
        assert form["item_severity"].value() == "3"
        assert form["item_frequency"].value() == "2"
        assert "Saved totals: total 5" in response.content.decode()
        assert "form_token" not in form.fields
        assert unlabelled_inputs(response) == []

    def test_corrected_answers_recompute_the_totals(
        self, client, therapist, assessment
    ):
        client.force_login(therapist)
        data = jrs(item_severity="1", item_frequency="1")
        response = client.post(update_assessment_url(assessment), data)
        assessment.refresh_from_db()
        assert response.status_code == 302
        assert response["Location"] == assessment.case.patient.get_absolute_url()
        assert assessment.totals == {"total": 2}
        assert assessment.score == Decimal("2")
        assert messages_of(response) == ["Jankovic Rating Scale saved: total 2."]
        assert assessment.history.latest().history_user == therapist

    def test_an_invalid_correction_changes_nothing(self, client, therapist, assessment):
        client.force_login(therapist)
        response = client.post(
            update_assessment_url(assessment), jrs(item_severity="9")
        )
        assessment.refresh_from_db()
        assert field_errors(response, "item_severity") == [
            "Severity: 9 is out of range (0–4)."
        ]
        assert assessment.totals == {"total": 5}

    def test_entered_in_error_needs_a_reason_next_to_it(
        self, client, neurologist, assessment
    ):
        client.force_login(neurologist)
        url = update_assessment_url(assessment)
        response = client.post(url, jrs(entered_in_error="on"))
        assert field_errors(response, "entered_in_error_reason") == [
            "Say why the record was entered in error."
        ]
        assert response.context["form"].non_field_errors() == []
        client.post(
            url, jrs(entered_in_error="on", entered_in_error_reason="Wrong patient")
        )
        assessment.refresh_from_db()
        assert assessment.entered_in_error is True
        assert assessment.entered_in_error_reason == "Wrong patient"


# Treatment courses


def course_create_url(case) -> str:
    return reverse("treatments:course_create", args=[case.pk])


def course_data(clinician, **changes) -> dict:
    return {
        "form_token": token(),
        "kind": CourseKind.BOTULINUM_TOXIN,
        "status": CourseStatus.ACTIVE,
        "started_on": "2026-03-02",
        "ended_on": "",
        "goal": "Fewer spasms while driving",
        "responsible_clinician": str(clinician.pk),
        "planned_interval_days": "91",
        "stop_reason": "",
        **changes,
    }


class TestCourseCreate:
    def test_unknown_case_is_404(self, client, neurologist):
        client.force_login(neurologist)
        url = reverse("treatments:course_create", args=[987654])
        assert client.get(url).status_code == 404

    def test_form_renders_with_clinicians_and_the_safe_interval(
        self, client, neurologist, case, scheduler, therapist
    ):
        UserFactory(roles=["Injector"], is_active=False)
        client.force_login(neurologist)
        response = client.get(course_create_url(case))
        html = response.content.decode()
        assert response.status_code == 200
        for label in ["Kind", "Status", "Started on", "Responsible clinician"]:
            assert label in html
        assert "84 days is the minimum safe interval" in html
        assert unlabelled_inputs(response) == []
        types = input_types(response)
        assert types["started_on"] == types["ended_on"] == "date"
        assert types["form_token"] == "hidden"
        clinicians = response.context["form"].fields["responsible_clinician"]
        assert set(clinicians.queryset) == {neurologist, therapist}
        assert response.context["form"]["responsible_clinician"].value() == (
            neurologist.pk
        )

    def test_valid_post_saves_the_course_with_history(
        self, client, neurologist, case, therapist
    ):
        client.force_login(neurologist)
        response = client.post(course_create_url(case), course_data(therapist))
        course = TreatmentCourse.objects.get()
        assert response.status_code == 302
        assert response["Location"] == case.patient.get_absolute_url()
        assert course.case == case
        assert course.responsible_clinician == therapist
        assert course.planned_interval_days == 91
        assert course.started_on == datetime.date(2026, 3, 2)
        assert messages_of(response) == ["Botulinum toxin course saved."]
        assert course.history.get().history_user == neurologist

    def test_toxin_course_without_interval_is_refused_at_the_interval(
        self, client, neurologist, case
    ):
        client.force_login(neurologist)
        data = course_data(neurologist, planned_interval_days="")
        response = client.post(course_create_url(case), data)
        assert response.status_code == 200
        assert field_errors(response, "planned_interval_days") == [
            "A toxin course needs its planned interval in days."
        ]
        assert response.context["form"].non_field_errors() == []
        assert "Fewer spasms while driving" in response.content.decode()
        assert TreatmentCourse.objects.count() == 0

    def test_other_courses_need_no_interval(self, client, neurologist, case):
        client.force_login(neurologist)
        data = course_data(
            neurologist, kind=CourseKind.MEDICATION, planned_interval_days=""
        )
        client.post(course_create_url(case), data)
        assert TreatmentCourse.objects.get().planned_interval_days is None

    def test_stopped_without_a_reason_is_refused_at_the_stop_reason(
        self, client, neurologist, case
    ):
        client.force_login(neurologist)
        data = course_data(
            neurologist, status=CourseStatus.STOPPED, ended_on="2026-04-01"
        )
        response = client.post(course_create_url(case), data)
        assert field_errors(response, "stop_reason") == [
            "Say why the course was stopped."
        ]
        assert 'value="2026-04-01"' in response.content.decode()
        assert TreatmentCourse.objects.count() == 0

    def test_ending_before_the_start_is_refused_at_the_end(
        self, client, neurologist, case
    ):
        client.force_login(neurologist)
        data = course_data(neurologist, ended_on="2026-03-01")
        response = client.post(course_create_url(case), data)
        assert field_errors(response, "ended_on") == [
            "A course cannot end before it starts."
        ]
        assert TreatmentCourse.objects.count() == 0

    def test_an_interval_under_the_safe_minimum_is_saved_with_a_warning(
        self, client, neurologist, case
    ):
        client.force_login(neurologist)
        data = course_data(neurologist, planned_interval_days="60")
        response = client.post(course_create_url(case), data)
        assert TreatmentCourse.objects.get().planned_interval_days == 60
        assert messages_of(response)[1] == (
            "The planned interval of 60 days is under the minimum safe interval of "
            "84 days between toxin sessions: injecting more often risks loss of "
            "response."
        )

    def test_the_minimum_comes_from_the_settings(
        self, client, neurologist, case, settings
    ):
        settings.CLINIC_MIN_REINJECTION_DAYS = 90
        client.force_login(neurologist)
        response = client.post(course_create_url(case), course_data(neurologist))
        assert len(messages_of(response)) == 1  # 91 days: no warning
        response = client.get(course_create_url(case))
        assert "90 days is the minimum safe interval" in response.content.decode()

    def test_double_submit_creates_one_course(self, client, neurologist, case):
        client.force_login(neurologist)
        data = course_data(neurologist)
        first = client.post(course_create_url(case), data)
        second = client.post(course_create_url(case), data)
        assert first.status_code == second.status_code == 302
        assert "This course was already saved." in messages_of(second)
        assert TreatmentCourse.objects.count() == 1
        assert str(TreatmentCourse.objects.get().form_token) == data["form_token"]

    def test_query_count_does_not_grow_with_the_patients_records(
        self, client, neurologist, case, django_assert_num_queries
    ):
        TreatmentCourseFactory(case=case)
        client.force_login(neurologist)
        client.get(course_create_url(case))
        with CaptureQueriesContext(connection) as baseline:
            client.get(course_create_url(case))
        for _ in range(3):
            course = TreatmentCourseFactory(case=CaseFactory(patient=case.patient))
            InjectionFactory.create_batch(2, session__course=course)
            AssessmentFactory(case=course.case)
        UserFactory.create_batch(3, roles=["Therapist"])
        with django_assert_num_queries(len(baseline)):
            client.get(course_create_url(case))


@pytest.fixture
def course(case):
    return TreatmentCourseFactory(case=case)


def course_update_url(course) -> str:
    return reverse("treatments:course_update", args=[course.pk])


class TestCourseUpdate:
    def test_unknown_course_is_404(self, client, neurologist):
        client.force_login(neurologist)
        url = reverse("treatments:course_update", args=[987654])
        assert client.get(url).status_code == 404

    def test_the_course_is_stopped_with_its_reason(self, client, clinic_admin, course):
        client.force_login(clinic_admin)
        data = course_data(
            course.responsible_clinician,
            status=CourseStatus.STOPPED,
            ended_on="2026-04-01",
            stop_reason="Secondary non-response",
        )
        del data["form_token"]
        response = client.post(course_update_url(course), data)
        course.refresh_from_db()
        assert response.status_code == 302
        assert course.status == CourseStatus.STOPPED
        assert course.stop_reason == "Secondary non-response"
        assert course.history.latest().history_user == clinic_admin

    def test_the_clinician_named_stays_offered_after_leaving_the_role(
        self, client, neurologist, course
    ):
        client.force_login(neurologist)
        response = client.get(course_update_url(course))
        field = response.context["form"].fields["responsible_clinician"]
        assert course.responsible_clinician in field.queryset
        assert "form_token" not in response.context["form"].fields

    def test_the_kind_is_fixed_once_records_are_charted(
        self, client, neurologist, course
    ):
        InjectionFactory(session__course=course)
        client.force_login(neurologist)
        response = client.get(course_update_url(course))
        assert response.context["form"].fields["kind"].disabled is True
        data = course_data(neurologist, kind=CourseKind.MEDICATION)
        client.post(course_update_url(course), data)
        course.refresh_from_db()
        assert course.kind == CourseKind.BOTULINUM_TOXIN

    def test_the_kind_of_an_empty_course_may_be_corrected(
        self, client, neurologist, course
    ):
        client.force_login(neurologist)
        data = course_data(
            neurologist, kind=CourseKind.MEDICATION, planned_interval_days=""
        )
        client.post(course_update_url(course), data)
        course.refresh_from_db()
        assert course.kind == CourseKind.MEDICATION

    def test_invalid_edit_changes_nothing(self, client, neurologist, course):
        client.force_login(neurologist)
        data = course_data(neurologist, planned_interval_days="", goal="New goal")
        response = client.post(course_update_url(course), data)
        course.refresh_from_db()
        assert field_errors(response, "planned_interval_days") == [
            "A toxin course needs its planned interval in days."
        ]
        assert "New goal" in response.content.decode()
        assert course.planned_interval_days == 91

    def test_query_count_does_not_grow_with_the_patients_records(
        self, client, neurologist, course, django_assert_num_queries
    ):
        InjectionFactory(session__course=course)
        client.force_login(neurologist)
        client.get(course_update_url(course))
        with CaptureQueriesContext(connection) as baseline:
            client.get(course_update_url(course))
        InjectionFactory.create_batch(3, session__course=course)
        for _ in range(3):
            AssessmentFactory(case=CaseFactory(patient=course.case.patient))
            TreatmentCourseFactory(case=course.case)
        with django_assert_num_queries(len(baseline)):
            client.get(course_update_url(course))


# Therapy sessions


@pytest.fixture
def therapy_course(case):
    return TreatmentCourseFactory(
        case=case, kind=CourseKind.PHYSICAL_THERAPY, planned_interval_days=None
    )


def therapy_url(course) -> str:
    return reverse("treatments:therapysession_create", args=[course.pk])


def therapy_data(**changes) -> dict:
    return {
        "form_token": token(),
        "session_on": "2026-03-02",
        "duration_minutes": "45",
        "focus": "facial_retraining",
        "exercises": "Mirror work: gentle smile without eye closure",
        "home_programme": "Twice daily, 10 minutes",
        "progress": "improved",
        "notes": "",
        **changes,
    }


class TestTherapySession:
    def test_unknown_course_is_404(self, client, therapist):
        client.force_login(therapist)
        url = reverse("treatments:therapysession_create", args=[987654])
        assert client.get(url).status_code == 404

    def test_a_course_of_another_kind_is_404(self, client, therapist, course):
        client.force_login(therapist)
        assert client.get(therapy_url(course)).status_code == 404

    def test_form_renders(self, client, therapist, therapy_course):
        client.force_login(therapist)
        response = client.get(therapy_url(therapy_course))
        html = response.content.decode()
        for label in ["Session on", "Duration (minutes)", "Focus", "Home programme"]:
            assert label in html
        assert input_types(response)["session_on"] == "date"
        assert "entered_in_error" not in response.context["form"].fields
        assert unlabelled_inputs(response) == []

    def test_valid_post_saves_with_the_therapist_and_history(
        self, client, therapist, therapy_course
    ):
        client.force_login(therapist)
        response = client.post(therapy_url(therapy_course), therapy_data())
        session = TherapySession.objects.get()
        assert response["Location"] == therapy_course.case.patient.get_absolute_url()
        assert session.therapist == therapist
        assert session.course == therapy_course
        assert session.duration_minutes == 45
        assert messages_of(response) == ["Therapy session saved."]
        assert session.history.get().history_user == therapist

    def test_a_session_of_no_minutes_is_refused_at_the_duration(
        self, client, therapist, therapy_course
    ):
        client.force_login(therapist)
        data = therapy_data(duration_minutes="0", exercises="Typed exercises")
        response = client.post(therapy_url(therapy_course), data)
        assert response.status_code == 200
        assert field_errors(response, "duration_minutes") == [
            "The session must last at least a minute."
        ]
        assert "Typed exercises" in response.content.decode()
        assert TherapySession.objects.count() == 0

    def test_double_submit_creates_one_session(self, client, therapist, therapy_course):
        client.force_login(therapist)
        data = therapy_data()
        client.post(therapy_url(therapy_course), data)
        second = client.post(therapy_url(therapy_course), data)
        assert second.status_code == 302
        assert TherapySession.objects.count() == 1

    def test_update_corrects_and_marks_entered_in_error(self, client, therapist):
        session = TherapySessionFactory()
        url = reverse("treatments:therapysession_update", args=[session.pk])
        client.force_login(therapist)
        assert client.get(url).status_code == 200
        response = client.post(url, therapy_data(entered_in_error="on"))
        assert field_errors(response, "entered_in_error_reason") == [
            "Say why the record was entered in error."
        ]
        data = therapy_data(entered_in_error="on", entered_in_error_reason="Duplicate")
        response = client.post(url, data)
        session.refresh_from_db()
        assert response.status_code == 302
        assert session.entered_in_error is True
        assert session.history.latest().history_user == therapist

    def test_a_missing_session_is_404(self, client, therapist):
        client.force_login(therapist)
        url = reverse("treatments:therapysession_update", args=[987654])
        assert client.get(url).status_code == 404


# Medication orders


def medication_url(course) -> str:
    return reverse("treatments:medication_create", args=[course.pk])


def medication_data(**changes) -> dict:
    return {
        "form_token": token(),
        "drug": "clonazepam",
        "dose": "0.5",
        "dose_unit": "mg",
        "route": "oral",
        "frequency": "at night",
        "start_on": "2026-03-02",
        "stop_on": "",
        "indication": "Facial myokymia",
        "stop_reason": "",
        **changes,
    }


@pytest.fixture
def medication_course(case):
    return TreatmentCourseFactory(
        case=case, kind=CourseKind.MEDICATION, planned_interval_days=None
    )


@pytest.fixture
def bells_course():
    case = CaseFactory(
        condition=Condition.BELLS_PALSY,
        icd10_code="G51.0",
        laterality=Laterality.LEFT,
        onset_date=datetime.date(2026, 3, 2),
        onset_at=datetime.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON_WINTER),
        opened_on=datetime.date(2026, 3, 2),
    )
    return TreatmentCourseFactory(
        case=case, kind=CourseKind.MEDICATION, planned_interval_days=None
    )


class TestMedicationOrder:
    def test_unknown_and_wrong_kind_courses_are_404(self, client, neurologist, course):
        client.force_login(neurologist)
        url = reverse("treatments:medication_create", args=[987654])
        assert client.get(url).status_code == 404
        assert client.get(medication_url(course)).status_code == 404

    def test_form_renders(self, client, neurologist, medication_course):
        client.force_login(neurologist)
        response = client.get(medication_url(medication_course))
        html = response.content.decode()
        for label in ["Drug", "Dose", "Dose unit", "Frequency", "Start on"]:
            assert label in html
        types = input_types(response)
        assert types["start_on"] == types["stop_on"] == "date"
        assert unlabelled_inputs(response) == []

    def test_valid_post_saves_with_the_prescriber_and_history(
        self, client, neurologist, medication_course
    ):
        client.force_login(neurologist)
        response = client.post(
            medication_url(medication_course), medication_data(drug=" clonazepam ")
        )
        order = MedicationOrder.objects.get()
        assert response.status_code == 302
        assert order.prescriber == neurologist
        assert order.drug == "clonazepam"
        assert order.dose == Decimal("0.5")
        assert messages_of(response) == ["Medication order saved."]
        assert order.history.get().history_user == neurologist

    def test_stopping_before_the_start_is_refused_at_the_stop(
        self, client, neurologist, medication_course
    ):
        client.force_login(neurologist)
        data = medication_data(stop_on="2026-03-01", frequency="twice daily")
        response = client.post(medication_url(medication_course), data)
        assert response.status_code == 200
        assert field_errors(response, "stop_on") == [
            "A medication cannot stop before it starts."
        ]
        assert 'value="twice daily"' in response.content.decode()
        assert MedicationOrder.objects.count() == 0

    def test_a_dose_of_zero_is_refused_at_the_dose(
        self, client, neurologist, medication_course
    ):
        client.force_login(neurologist)
        data = medication_data(dose="0")
        response = client.post(medication_url(medication_course), data)
        assert field_errors(response, "dose") == ["The dose must be more than 0."]
        assert MedicationOrder.objects.count() == 0

    def test_double_submit_creates_one_order(
        self, client, neurologist, medication_course
    ):
        client.force_login(neurologist)
        data = medication_data()
        client.post(medication_url(medication_course), data)
        second = client.post(medication_url(medication_course), data)
        assert "This medication order was already saved." in messages_of(second)
        assert MedicationOrder.objects.count() == 1

    def test_steroid_more_than_72_hours_after_bells_onset_warns_before_saving(
        self, client, neurologist, bells_course
    ):
        client.force_login(neurologist)
        data = medication_data(drug="Prednisolone", dose="50", start_on="2026-03-06")
        response = client.post(medication_url(bells_course), data)
        late = (
            "Prednisolone starts on 06 Mar 2026, at least 86 hours after the onset "
            "of Bell's palsy (02 Mar 2026 10:00): the guideline gives oral steroids "
            "within 72 hours of onset, when they help most."
        )
        assert response.status_code == 200
        assert response.context["form"].non_field_errors() == [
            f"{late} Save again to keep the order with this warning."
        ]
        assert MedicationOrder.objects.count() == 0
        # Saving again, as the page posts it, keeps the order and the warning.
        digest = response.context["form"]["warnings_digest"].value()
        response = client.post(
            medication_url(bells_course), {**data, "warnings_digest": digest}
        )
        assert response.status_code == 302
        assert MedicationOrder.objects.get().drug == "Prednisolone"
        assert messages_of(response) == ["Medication order saved.", late]

    def test_a_changed_start_needs_the_new_warning_seen(
        self, client, neurologist, bells_course
    ):
        client.force_login(neurologist)
        data = medication_data(drug="prednisolone", start_on="2026-03-06")
        shown = client.post(medication_url(bells_course), data).context["form"]
        data |= {
            "start_on": "2026-03-09",
            "warnings_digest": shown["warnings_digest"].value(),
        }
        response = client.post(medication_url(bells_course), data)
        assert response.status_code == 200
        assert "at least 158 hours" in response.context["form"].non_field_errors()[0]
        assert MedicationOrder.objects.count() == 0

    @pytest.mark.parametrize("start_on", ["2026-03-02", "2026-03-05"])
    def test_steroid_within_72_hours_of_bells_onset_does_not_warn(
        self, client, neurologist, bells_course, start_on
    ):
        client.force_login(neurologist)
        data = medication_data(drug="prednisone", dose="60", start_on=start_on)
        response = client.post(medication_url(bells_course), data)
        assert messages_of(response) == ["Medication order saved."]

    def test_other_drugs_and_conditions_do_not_warn(
        self, client, neurologist, bells_course, medication_course
    ):
        client.force_login(neurologist)
        late = {"start_on": "2026-03-20"}
        response = client.post(
            medication_url(bells_course), medication_data(drug="valaciclovir", **late)
        )
        assert messages_of(response) == ["Medication order saved."]
        response = client.post(
            medication_url(medication_course),
            medication_data(drug="prednisolone", **late),
        )
        assert messages_of(response) == ["Medication order saved."]

    def test_the_bells_page_shows_the_onset(self, client, neurologist, bells_course):
        client.force_login(neurologist)
        html = client.get(medication_url(bells_course)).content.decode()
        assert "Bell's palsy began 02 Mar 2026 10:00" in html

    def test_update_warns_for_a_late_steroid_too(
        self, client, neurologist, bells_course
    ):
        order = MedicationOrderFactory(course=bells_course, drug="prednisolone")
        url = reverse("treatments:medication_update", args=[order.pk])
        client.force_login(neurologist)
        assert client.get(url).status_code == 200
        data = medication_data(drug="prednisolone", start_on="2026-03-09")
        shown = client.post(url, data)
        assert "at least 158 hours" in shown.context["form"].non_field_errors()[0]
        order.refresh_from_db()
        assert order.start_on == datetime.date(2026, 3, 2)  # not saved yet
        data["warnings_digest"] = shown.context["form"]["warnings_digest"].value()
        response = client.post(url, data)
        order.refresh_from_db()
        assert order.start_on == datetime.date(2026, 3, 9)
        assert order.prescriber != neurologist  # the prescriber stays
        assert "at least 158 hours" in messages_of(response)[1]
        assert order.history.latest().history_user == neurologist

    def test_a_missing_order_is_404(self, client, neurologist):
        client.force_login(neurologist)
        url = reverse("treatments:medication_update", args=[987654])
        assert client.get(url).status_code == 404


# Referrals and MVD follow-up


@pytest.fixture
def referral_course(case):
    return TreatmentCourseFactory(
        case=case, kind=CourseKind.SURGICAL_REFERRAL, planned_interval_days=None
    )


def referral_url(course) -> str:
    return reverse("treatments:referral_create", args=[course.pk])


def referral_data(**changes) -> dict:
    return {
        "form_token": token(),
        "to_name": "Ms A. Surgeon, neurosurgery",
        "specialty": "neurosurgery",
        "urgency": "routine",
        "reason": "Typical hemifacial spasm, waning toxin benefit; AICA loop on MRI.",
        "sent_on": "2026-03-02",
        "notes": "",
        **changes,
    }


def status_data(referral, **changes) -> dict:
    data = {
        "to_name": referral.to_name,
        "specialty": referral.specialty,
        "urgency": referral.urgency,
        "reason": referral.reason,
        "sent_on": referral.sent_on.isoformat(),
        "status": referral.status,
        "replied_on": referral.replied_on.isoformat() if referral.replied_on else "",
        "surgery_on": referral.surgery_on.isoformat() if referral.surgery_on else "",
        "outcome": referral.outcome,
        "notes": referral.notes,
    }
    data.update(changes)
    return data


class TestReferralCreate:
    def test_unknown_and_wrong_kind_courses_are_404(self, client, neurologist, course):
        client.force_login(neurologist)
        url = reverse("treatments:referral_create", args=[987654])
        assert client.get(url).status_code == 404
        assert client.get(referral_url(course)).status_code == 404

    def test_form_renders(self, client, neurologist, referral_course):
        client.force_login(neurologist)
        response = client.get(referral_url(referral_course))
        html = response.content.decode()
        for label in ["Referred to", "Specialty", "Urgency", "Reason", "Sent on"]:
            assert label in html
        assert input_types(response)["sent_on"] == "date"
        assert "status" not in response.context["form"].fields
        assert unlabelled_inputs(response) == []

    def test_valid_post_sends_the_referral(self, client, neurologist, referral_course):
        client.force_login(neurologist)
        response = client.post(referral_url(referral_course), referral_data())
        referral = Referral.objects.get()
        assert response["Location"] == referral_course.case.patient.get_absolute_url()
        assert referral.status == ReferralStatus.SENT
        assert referral.course == referral_course
        assert referral.history.get().history_user == neurologist

    def test_missing_reason_is_refused_at_the_reason(
        self, client, neurologist, referral_course
    ):
        client.force_login(neurologist)
        data = referral_data(reason="", to_name="Typed surgeon")
        response = client.post(referral_url(referral_course), data)
        assert field_errors(response, "reason") == ["This field is required."]
        assert 'value="Typed surgeon"' in response.content.decode()
        assert Referral.objects.count() == 0

    def test_double_submit_creates_one_referral(
        self, client, neurologist, referral_course
    ):
        client.force_login(neurologist)
        data = referral_data()
        client.post(referral_url(referral_course), data)
        client.post(referral_url(referral_course), data)
        assert Referral.objects.count() == 1


@pytest.fixture
def referral():
    return ReferralFactory()


def referral_update_url(referral) -> str:
    return reverse("treatments:referral_update", args=[referral.pk])


class TestReferralUpdate:
    def test_unknown_referral_is_404(self, client, neurologist):
        client.force_login(neurologist)
        url = reverse("treatments:referral_update", args=[987654])
        assert client.get(url).status_code == 404

    def test_form_renders_status_dates_and_complications(
        self, client, neurologist, referral
    ):
        client.force_login(neurologist)
        response = client.get(referral_update_url(referral))
        html = response.content.decode()
        for label in ["Status", "Replied on", "Surgery on", "Outcome"]:
            assert label in html
        assert input_types(response)["complications"] == "checkbox"
        assert input_types(response)["surgery_on"] == "date"
        assert unlabelled_inputs(response) == []
        assert "Record a follow-up" in html

    def test_status_moves_from_sent_to_outcome_recorded(
        self, client, neurologist, referral
    ):
        client.force_login(neurologist)
        url = referral_update_url(referral)
        steps = [
            {"status": "acknowledged", "replied_on": "2026-03-09"},
            {"status": "seen"},
            {"status": "surgery_scheduled", "surgery_on": "2026-05-04"},
            {"status": "operated"},
            {
                "status": "outcome_recorded",
                "outcome": "complete_resolution",
                "complications": ["transient_facial_palsy", "csf_leak"],
            },
        ]
        for step in steps:
            referral.refresh_from_db()
            response = client.post(url, status_data(referral, **step))
            assert response.status_code == 302, response.context["form"].errors
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.OUTCOME_RECORDED
        assert referral.replied_on == datetime.date(2026, 3, 9)
        assert referral.surgery_on == datetime.date(2026, 5, 4)
        assert referral.outcome == "complete_resolution"
        assert referral.complications == ["transient_facial_palsy", "csf_leak"]
        statuses = list(
            referral.history.order_by("history_date").values_list("status", flat=True)
        )
        assert statuses == [
            "sent",
            "acknowledged",
            "seen",
            "surgery_scheduled",
            "operated",
            "outcome_recorded",
        ]
        assert referral.history.latest().history_user == neurologist
        assert messages_of(response)[-1] == "Referral saved: outcome recorded."

    @pytest.mark.parametrize(
        ("changes", "field", "message"),
        [
            ({"status": "operated"}, "surgery_on", "Record the date of surgery."),
            (
                {"status": "outcome_recorded", "surgery_on": "2026-05-04"},
                "outcome",
                "Record the outcome.",
            ),
            (
                {"replied_on": "2026-03-01"},
                "replied_on",
                "A reply cannot come before the referral was sent.",
            ),
            (
                {"surgery_on": "2026-02-01"},
                "surgery_on",
                "Surgery cannot be before the referral.",
            ),
            (
                {"entered_in_error": "on"},
                "entered_in_error_reason",
                "Say why the record was entered in error.",
            ),
        ],
    )
    def test_constraints_are_explained_next_to_their_fields(
        self, client, neurologist, referral, changes, field, message
    ):
        client.force_login(neurologist)
        data = status_data(referral, notes="Typed notes", **changes)
        response = client.post(referral_update_url(referral), data)
        assert response.status_code == 200
        assert field_errors(response, field) == [message]
        assert response.context["form"].non_field_errors() == []
        assert "Typed notes" in response.content.decode()
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.SENT
        assert referral.notes == ""


@pytest.fixture
def operated():
    return ReferralFactory(
        status=ReferralStatus.OPERATED, surgery_on=datetime.date(2026, 5, 4)
    )


def followup_url(referral) -> str:
    return reverse("treatments:referral_followup_create", args=[referral.pk])


def followup_data(**changes) -> dict:
    return {
        "form_token": token(),
        "timepoint": "1m",
        "seen_on": "2026-06-04",
        "spasm_status": "complete_resolution",
        "notes": "",
        **changes,
    }


class TestReferralFollowUp:
    def test_unknown_referral_is_404(self, client, neurologist):
        client.force_login(neurologist)
        url = reverse("treatments:referral_followup_create", args=[987654])
        assert client.get(url).status_code == 404

    def test_form_renders_with_the_delayed_cure_hint(
        self, client, neurologist, operated
    ):
        ReferralFollowUpFactory(referral=operated, timepoint="1w")
        client.force_login(neurologist)
        response = client.get(followup_url(operated))
        html = response.content.decode()
        assert "before 12 months is not a failure" in html
        assert "Surgery on 04 May 2026" in html
        for label in ["Timepoint", "Seen on", "Spasm status", "Complications"]:
            assert label in html
        assert input_types(response)["seen_on"] == "date"
        assert unlabelled_inputs(response) == []
        assert response.context["form"]["timepoint"].value() == "1m"

    def test_valid_post_saves_the_follow_up(self, client, neurologist, operated):
        client.force_login(neurologist)
        data = followup_data(complications=["transient_hearing_loss"])
        response = client.post(followup_url(operated), data)
        follow_up = ReferralFollowUp.objects.get()
        assert response["Location"] == (operated.course.case.patient.get_absolute_url())
        assert follow_up.referral == operated
        assert follow_up.complications == ["transient_hearing_loss"]
        assert messages_of(response) == ["1 month follow-up saved."]
        assert follow_up.history.get().history_user == neurologist

    def test_one_follow_up_per_timepoint_is_explained_at_the_timepoint(
        self, client, neurologist, operated
    ):
        ReferralFollowUpFactory(referral=operated, timepoint="3m")
        client.force_login(neurologist)
        data = followup_data(timepoint="3m", notes="Typed review")
        response = client.post(followup_url(operated), data)
        assert response.status_code == 200
        assert field_errors(response, "timepoint") == [
            "This timepoint is already recorded."
        ]
        assert "Typed review" in response.content.decode()
        assert ReferralFollowUp.objects.count() == 1

    def test_the_same_timepoint_of_another_referral_is_allowed(
        self, client, neurologist, operated
    ):
        ReferralFollowUpFactory(timepoint="3m")
        client.force_login(neurologist)
        client.post(followup_url(operated), followup_data(timepoint="3m"))
        assert ReferralFollowUp.objects.filter(referral=operated).count() == 1

    def test_no_change_before_12_months_is_not_called_a_failure(
        self, client, neurologist, operated
    ):
        client.force_login(neurologist)
        data = followup_data(timepoint="3m", spasm_status="no_change")
        response = client.post(followup_url(operated), data)
        assert messages_of(response)[1] == (
            "No change at 3 months is not a failure: spasm often stops months after "
            "decompression (delayed cure). Judge the result at 12 months."
        )
        data = followup_data(timepoint="12m", spasm_status="no_change")
        response = client.post(followup_url(operated), data)
        assert messages_of(response) == ["12 months follow-up saved."]

    def test_double_submit_creates_one_follow_up(self, client, neurologist, operated):
        client.force_login(neurologist)
        data = followup_data()
        first = client.post(followup_url(operated), data)
        second = client.post(followup_url(operated), data)
        assert first.status_code == second.status_code == 302
        assert "This follow-up was already saved." in messages_of(second)
        assert ReferralFollowUp.objects.count() == 1


class TestToxinSessionAdmin:
    def test_the_override_is_shown_read_only(self, client, clinic_admin, neurologist):
        session = ToxinSessionFactory(
            overridden_warnings=["Re-injection 60 days after the last session."],
            override_reason="Severe spasm while driving",
            overridden_by=neurologist,
            overridden_at=SESSION_AT,
        )
        client.force_login(clinic_admin)
        url = reverse("admin:treatments_toxinsession_change", args=[session.pk])
        html = client.get(url).content.decode()
        assert "<li>Re-injection 60 days after the last session.</li>" in html
        assert "Severe spasm while driving" in html
        assert 'name="override_reason"' not in html
        assert 'name="overridden_by"' not in html
