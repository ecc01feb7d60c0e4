"""The toxin recall list (scheduling/recall.py and its pages): who is due, what the
row shows, the filters, the query count, and the contact attempts."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from scheduling import recall
from scheduling.models import RecallContact
from tests.factories import (
    AppointmentFactory,
    AssessmentFactory,
    GuardianFactory,
    InjectionFactory,
    PatientFactory,
    RecallContactFactory,
    ToxinSessionFactory,
    TreatmentCourseFactory,
    UserFactory,
)
from treatments.models import CourseKind, CourseStatus, Product

pytestmark = pytest.mark.django_db

LIST_URL = reverse("scheduling:recall_list")


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return today() - datetime.timedelta(days=days)


def in_days(days: int) -> datetime.date:
    return today() + datetime.timedelta(days=days)


def session(course, days: int, *, benefit_days: int | None = None, **kwargs):
    """A valid toxin session `days` days ago (10:00 clinic time); `benefit_days`
    records the wear-off date that many days after it."""
    day = days_ago(days)
    performed_at = timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(10))
    )
    if benefit_days is not None:
        kwargs["wore_off_on"] = day + datetime.timedelta(days=benefit_days)
    return ToxinSessionFactory(course=course, performed_at=performed_at, **kwargs)


def course_last_seen(days: int, **kwargs):
    """An active toxin course (planned every 91 days) last injected `days` ago."""
    course = TreatmentCourseFactory(**kwargs)
    session(course, days)
    return course


def due(**kwargs) -> list:
    return recall.due_for_recall(today=today(), **kwargs)


def patients(items) -> list:
    return [item.patient for item in items]


def contact_url(course) -> str:
    return reverse("scheduling:recall_contact_create", args=[course.pk])


class TestWhoIsDue:
    def test_due_soon_and_overdue_are_listed_not_yet_due_is_not(self):
        soon = course_last_seen(80)  # suggested in 11 days
        course_last_seen(20)  # suggested in 71 days
        overdue = course_last_seen(120)  # suggested 29 days ago
        items = due()
        assert patients(items) == [overdue.case.patient, soon.case.patient]
        late, coming = items
        assert (late.days_overdue, late.is_overdue) == (29, True)
        assert (coming.days_overdue, coming.days_until_due) == (0, 11)
        assert coming.suggested_on == in_days(11)
        assert coming.earliest_on == in_days(4)  # 80 + 4 = 84 days
        assert coming.last_session_on == days_ago(80)

    def test_the_horizon_ends_on_its_last_day(self):
        on_the_day = course_last_seen(63)  # suggested in 28 days
        course_last_seen(62)  # in 29 days
        assert patients(due(horizon_days=28)) == [on_the_day.case.patient]

    def test_a_zero_horizon_lists_overdue_and_due_today_only(self):
        today_course = course_last_seen(91)
        overdue = course_last_seen(92)
        course_last_seen(90)
        listed = patients(due(horizon_days=0))
        assert listed == [overdue.case.patient, today_course.case.patient]

    def test_sorted_by_suggested_date(self):
        courses = [course_last_seen(days) for days in (70, 100, 85)]
        assert patients(due()) == [
            courses[1].case.patient,
            courses[2].case.patient,
            courses[0].case.patient,
        ]

    def test_the_patients_own_benefit_history_sets_the_date(self):
        course = TreatmentCourseFactory(planned_interval_days=91)
        session(course, 100)  # the latest: not worn off yet
        session(course, 210, benefit_days=105)
        session(course, 320, benefit_days=95)
        session(course, 430, benefit_days=110)
        session(course, 540, benefit_days=30)  # older than the latest three
        [item] = due()
        # Median of 105, 95 and 110: next session 105 days after the last one.
        assert item.suggested_on == in_days(5)
        assert item.is_overdue is False

    def test_a_short_benefit_is_clamped_to_the_earliest_safe_date(self):
        course = TreatmentCourseFactory()
        session(course, 80)
        session(course, 200, benefit_days=50)
        [item] = due()
        assert item.suggested_on == item.earliest_on == in_days(4)

    def test_the_configured_minimum_interval_is_used(self, settings):
        settings.CLINIC_MIN_REINJECTION_DAYS = 100
        course_last_seen(80)
        [item] = due()
        assert item.earliest_on == item.suggested_on == in_days(20)

    def test_entered_in_error_sessions_are_ignored(self):
        course = course_last_seen(120)
        session(
            course,
            10,
            entered_in_error=True,
            entered_in_error_reason="Charted on the wrong patient.",
        )
        session(
            course,
            240,
            benefit_days=200,
            entered_in_error=True,
            entered_in_error_reason="Wrong date.",
        )
        only_error = TreatmentCourseFactory()
        session(
            only_error,
            120,
            entered_in_error=True,
            entered_in_error_reason="Charted on the wrong patient.",
        )
        [item] = due()
        assert item.course == course
        assert item.last_session_on == days_ago(120)
        assert item.suggested_on == days_ago(120 - 91)  # the plan, not 200 days

    def test_courses_without_a_session_are_not_listed(self):
        TreatmentCourseFactory()
        assert due() == []

    @pytest.mark.parametrize(
        "status", [CourseStatus.PLANNED, CourseStatus.ON_HOLD, CourseStatus.COMPLETED]
    )
    def test_only_active_courses_are_listed(self, status):
        course_last_seen(120, status=status)
        assert due() == []

    def test_other_course_kinds_are_not_listed(self):
        course = course_last_seen(120)
        type(course).objects.filter(pk=course.pk).update(
            kind=CourseKind.OBSERVATION, planned_interval_days=None
        )
        assert due() == []


class TestBookedPatients:
    def test_a_future_toxin_appointment_removes_the_row(self):
        course = course_last_seen(80)
        AppointmentFactory(
            patient=course.case.patient,
            kind="toxin_session",
            starts_at=timezone.now() + datetime.timedelta(days=10),
        )
        assert due() == []

    @pytest.mark.parametrize("status", ["confirmed", "arrived"])
    def test_confirmed_and_arrived_count_as_booked(self, status):
        course = course_last_seen(80)
        AppointmentFactory(
            patient=course.case.patient,
            kind="toxin_session",
            status=status,
            starts_at=timezone.now() + datetime.timedelta(days=1),
        )
        assert due() == []

    def test_a_booking_earlier_today_still_counts(self):
        course = course_last_seen(100)
        start_of_today = timezone.make_aware(
            datetime.datetime.combine(today(), datetime.time.min)
        )
        AppointmentFactory(
            patient=course.case.patient,
            kind="toxin_session",
            status="arrived",
            starts_at=start_of_today + datetime.timedelta(minutes=1),
        )
        assert due() == []

    def test_a_cancelled_booking_does_not(self):
        course = course_last_seen(80)
        AppointmentFactory(
            patient=course.case.patient,
            kind="toxin_session",
            status="cancelled",
            cancel_reason="Patient unwell.",
            starts_at=timezone.now() + datetime.timedelta(days=10),
        )
        assert patients(due()) == [course.case.patient]

    def test_a_no_show_or_a_past_booking_does_not(self):
        course = course_last_seen(120)
        AppointmentFactory(
            patient=course.case.patient,
            kind="toxin_session",
            status="no_show",
            starts_at=timezone.now() + datetime.timedelta(hours=1),
        )
        AppointmentFactory(
            patient=course.case.patient,
            kind="toxin_session",
            starts_at=timezone.now() - datetime.timedelta(days=2),
        )
        assert patients(due()) == [course.case.patient]

    def test_another_kind_of_appointment_does_not(self):
        course = course_last_seen(80)
        AppointmentFactory(patient=course.case.patient, kind="follow_up")
        assert patients(due()) == [course.case.patient]

    def test_another_patients_booking_does_not(self):
        course = course_last_seen(80)
        AppointmentFactory(kind="toxin_session")
        assert patients(due()) == [course.case.patient]


class TestFilters:
    def test_by_the_courses_responsible_clinician(self):
        mine = UserFactory()
        own = course_last_seen(80, responsible_clinician=mine)
        other = course_last_seen(100)
        session(other, 200, injector=mine)  # injected by `mine` once: not theirs
        assert patients(due(clinician=mine)) == [own.case.patient]

    def test_by_the_product_of_the_last_session(self):
        switched = TreatmentCourseFactory()
        session(switched, 80, product=Product.ABOBOTULINUMTOXINA)
        session(switched, 180, product=Product.ONABOTULINUMTOXINA)
        botox = course_last_seen(90)
        assert patients(due(product=Product.ABOBOTULINUMTOXINA)) == [
            switched.case.patient
        ]
        assert patients(due(product=Product.ONABOTULINUMTOXINA)) == [botox.case.patient]

    def test_the_page_applies_the_filters(self, client, scheduler):
        mine = UserFactory(first_name="Nina", last_name="Neuro")
        own = course_last_seen(80, responsible_clinician=mine)
        course_last_seen(80)
        client.force_login(scheduler)
        response = client.get(LIST_URL, {"clinician": mine.pk})
        assert [item.course for item in response.context["items"]] == [own]
        # The clinician choices are those responsible for an active toxin course.
        choices = response.context["form"].fields["clinician"].queryset
        assert mine in choices
        assert scheduler not in choices

    def test_the_page_horizon_is_four_weeks_by_default(self, client, scheduler):
        course_last_seen(63)  # in 28 days
        later = course_last_seen(40)  # in 51 days
        client.force_login(scheduler)
        assert len(client.get(LIST_URL).context["items"]) == 1
        response = client.get(LIST_URL, {"weeks": 8})
        assert later in [item.course for item in response.context["items"]]

    @pytest.mark.parametrize("weeks", ["soon", "-1", "53"])
    def test_an_invalid_horizon_is_shown_and_not_applied(
        self, client, scheduler, weeks
    ):
        course_last_seen(63)
        course_last_seen(40)
        client.force_login(scheduler)
        response = client.get(LIST_URL, {"weeks": weeks})
        assert response.status_code == 200
        assert "weeks" in response.context["form"].errors
        assert response.context["weeks"] == 4
        assert len(response.context["items"]) == 1
        assert "is-invalid" in response.content.decode()


class TestRecallPage:
    def test_scheduler_sees_the_row(self, client, scheduler):
        patient = PatientFactory(
            given_name="Rosa",
            family_name="Recall",
            phone="01632 960123",
            email="rosa@example.org",
            reminder_consent=True,
            reminder_channel="sms",
        )
        course = TreatmentCourseFactory(
            case__patient=patient,
            responsible_clinician=UserFactory(first_name="Nina", last_name="Neuro"),
        )
        session(course, 100, product=Product.INCOBOTULINUMTOXINA)
        client.force_login(scheduler)
        response = client.get(LIST_URL)
        assert response.status_code == 200
        content = response.content.decode()
        for text in (
            "RECALL, Rosa",
            reverse("patient_chart", args=[patient.pk]),
            days_ago(100).strftime("%d %b %Y"),
            "incobotulinumtoxinA (Xeomin)",
            days_ago(100 - 84).strftime("%d %b %Y"),
            days_ago(100 - 91).strftime("%d %b %Y"),
            "9 days overdue",
            "Nina Neuro",
            "Text message",
            "01632 960123",
            "rosa@example.org",
            "none yet",
        ):
            assert text in content, text

    def test_it_shows_no_clinical_findings(self, client, scheduler):
        course = TreatmentCourseFactory(goal="GOAL-TEXT fewer spasms")
        last = session(
            course,
            100,
            notes="NOTE-TEXT patient anxious",
            benefit_days=95,
            benefit="marked",
            onset_day=3,
            peak_day=14,
        )
        InjectionFactory(session=last, units=Decimal("7.25"))
        AssessmentFactory(case=course.case)
        client.force_login(scheduler)
        content = client.get(LIST_URL).content.decode()
        assert course.case.patient.family_name.upper() in content  # the row is there
        for text in (
            "NOTE-TEXT",
            "GOAL-TEXT",
            "7.25",
            "Hemifacial spasm",
            "G51.31",
            "Jankovic",
            "Marked",
        ):
            assert text not in content, text

    def test_a_minors_guardian_is_shown(self, client, scheduler):
        guardian = GuardianFactory(
            full_name="Gina Guardian", phone="01632 960777", email="gina@example.org"
        )
        course_last_seen(100, case__patient=guardian.patient)
        adult = course_last_seen(100)
        GuardianFactory(patient=adult.case.patient, full_name="Adam Adultsparent")
        client.force_login(scheduler)
        content = client.get(LIST_URL).content.decode()
        assert "Gina Guardian (mother), 01632 960777, gina@example.org" in content
        assert "Adam Adultsparent" not in content

    def test_a_minor_without_a_guardian_is_flagged(self, client, scheduler):
        child = PatientFactory(date_of_birth=days_ago(365 * 10))
        course_last_seen(100, case__patient=child)
        client.force_login(scheduler)
        assert (
            "Minor with no guardian on record" in client.get(LIST_URL).content.decode()
        )

    def test_the_injector_sees_the_list_without_the_contact_form(
        self, client, injector
    ):
        course = course_last_seen(100)
        client.force_login(injector)
        response = client.get(LIST_URL)
        assert response.status_code == 200
        assert response.context["items"][0].course == course
        assert f'action="{contact_url(course)}"' not in response.content.decode()

    def test_the_scheduler_gets_a_contact_form_per_row(self, client, scheduler):
        course = course_last_seen(100)
        client.force_login(scheduler)
        content = client.get(LIST_URL).content.decode()
        assert f'action="{contact_url(course)}"' in content

    def test_an_empty_list_says_so(self, client, scheduler):
        client.force_login(scheduler)
        assert "Nobody is due within 4 weeks." in client.get(LIST_URL).content.decode()


@pytest.fixture
def booking_path():
    return reverse("scheduling:appointment_book")


class TestBookLink:
    def test_it_carries_patient_course_kind_and_suggested_date(
        self, client, scheduler, booking_path
    ):
        course = course_last_seen(80)
        client.force_login(scheduler)
        content = client.get(LIST_URL).content.decode()
        query = urlencode(
            {
                "patient": course.case.patient.pk,
                "course": course.pk,
                "kind": "toxin_session",
                "date": in_days(11).isoformat(),
            }
        )
        assert f'href="{booking_path}?{query.replace("&", "&amp;")}"' in content

    def test_an_overdue_patient_is_offered_today(self, client, scheduler, booking_path):
        course_last_seen(120)
        client.force_login(scheduler)
        content = client.get(LIST_URL).content.decode()
        assert f"date={today().isoformat()}" in content

    def test_only_roles_that_book_see_it(self, client, injector, booking_path):
        course_last_seen(80)
        client.force_login(injector)
        assert booking_path not in client.get(LIST_URL).content.decode()


def _course_with_history(index: int):
    """A due course with the full set of things a row shows: two sessions, one
    with a wear-off date, a contact attempt, and for every other patient a
    guardian (a child)."""
    if index % 2:
        patient = GuardianFactory().patient
    else:
        patient = PatientFactory()
    course = TreatmentCourseFactory(case__patient=patient)
    session(course, 90 + index % 20)
    session(course, 200, benefit_days=95)
    RecallContactFactory(course=course)
    return course


class TestQueryCount:
    def test_it_is_the_same_for_5_and_50_courses(
        self, client, scheduler, django_assert_num_queries
    ):
        for index in range(5):
            _course_with_history(index)
        client.force_login(scheduler)
        with CaptureQueriesContext(connection) as five:
            response = client.get(LIST_URL)
        assert len(response.context["items"]) == 5
        for index in range(5, 50):
            _course_with_history(index)
        with django_assert_num_queries(len(five)):
            response = client.get(LIST_URL)
        assert len(response.context["items"]) == 50

    def test_the_fixed_count(self, client, scheduler, django_assert_num_queries):
        for index in range(3):
            _course_with_history(index)
        client.force_login(scheduler)
        # 1 session, 2 user, 3 the second-factor device, 4-5 permissions (user's,
        # groups'), 6 clinician choices, 7 both counts, 8 the page of courses,
        # 9 their latest contacts, 10 their guardians.
        with django_assert_num_queries(10):
            client.get(LIST_URL)


class TestCounts:
    """The list counts what is due and overdue exactly up to COUNT_CAP, and
    says "more than" past it (thousands may be due in a large clinic)."""

    @pytest.fixture
    def cap_of_three(self, monkeypatch):
        from scheduling.views.recall import RecallPaginator

        monkeypatch.setattr(recall, "COUNT_CAP", 3)
        monkeypatch.setattr(RecallPaginator, "CAP", 3)

    def test_under_the_cap_both_are_exact(self, client, scheduler, cap_of_three):
        course_last_seen(120)  # overdue
        course_last_seen(80)  # due in 11 days
        client.force_login(scheduler)
        response = client.get(LIST_URL)
        counts = response.context["counts"]
        assert (counts.total, counts.overdue, counts.capped) == (2, 1, False)
        assert "2 patients to recall, 1 overdue." in response.content.decode()

    def test_past_the_cap_it_says_more_than(self, client, scheduler, cap_of_three):
        for days in (120, 110, 100, 95):
            course_last_seen(days)  # overdue
        course_last_seen(80)
        client.force_login(scheduler)
        response = client.get(LIST_URL)
        counts = response.context["counts"]
        assert (counts.total, counts.overdue, counts.capped) == (3, 3, True)
        content = response.content.decode()
        assert "More than 3 patients to recall, more than 3 overdue" in content
        # The soonest three are the rows; the others are past the cap.
        assert len(response.context["items"]) == 3
        assert response.context["page_obj"].paginator.capped is True

    def test_exactly_cap_overdue_is_not_more_than(
        self, client, scheduler, cap_of_three
    ):
        for days in (120, 110, 100, 80):
            course_last_seen(days)
        client.force_login(scheduler)
        response = client.get(LIST_URL)
        counts = response.context["counts"]
        assert (counts.total, counts.overdue, counts.capped) == (3, 3, True)
        assert counts.overdue_capped is False
        assert "More than 3 patients to recall, 3 overdue" in response.content.decode()

    def test_overdue_is_exact_when_the_cap_falls_after_them(
        self, client, scheduler, cap_of_three
    ):
        course_last_seen(120)
        for days in (85, 82, 80):
            course_last_seen(days)
        client.force_login(scheduler)
        counts = client.get(LIST_URL).context["counts"]
        assert (counts.total, counts.overdue, counts.capped) == (3, 1, True)

    def test_the_dashboard_uses_a_constant_number_too(
        self, client, scheduler, django_assert_num_queries
    ):
        # More than the panel shows, so the count is asked: then 20 more.
        for index in range(11):
            _course_with_history(index)
        client.force_login(scheduler)
        with CaptureQueriesContext(connection) as eleven:
            client.get(reverse("home"))
        for index in range(11, 31):
            _course_with_history(index)
        with django_assert_num_queries(len(eleven)):
            response = client.get(reverse("home"))
        assert len(response.context["recall"]["items"]) == 10
        assert response.context["recall"]["count"] == 31


class TestContactAttempt:
    def test_it_is_saved_with_the_user_and_shown_as_latest(self, client, scheduler):
        course = course_last_seen(100)
        client.force_login(scheduler)
        before = timezone.now()
        response = client.post(
            contact_url(course),
            {"method": "left_message", "note": "Voicemail", "next": LIST_URL},
        )
        assert response.status_code == 302
        assert response["Location"] == LIST_URL
        contact = RecallContact.objects.get()
        assert (contact.course, contact.contacted_by) == (course, scheduler)
        assert contact.method == "left_message"
        assert before <= contact.contacted_at <= timezone.now()
        page = client.get(LIST_URL)
        assert page.context["items"][0].latest_contact == contact
        content = page.content.decode()
        assert "Left a message" in content
        assert "Voicemail" in content

    def test_the_newest_attempt_is_the_latest(self, client, scheduler):
        course = course_last_seen(100)
        RecallContactFactory(
            course=course,
            method="letter_sent",
            contacted_at=timezone.now() - datetime.timedelta(days=3),
        )
        newest = RecallContactFactory(
            course=course,
            method="emailed",
            contacted_at=timezone.now() - datetime.timedelta(days=1),
        )
        [item] = due()
        assert item.latest_contact == newest

    def test_an_attempt_before_the_last_session_belongs_to_an_earlier_recall(self):
        course = course_last_seen(100)
        RecallContactFactory(
            course=course, contacted_at=timezone.now() - datetime.timedelta(days=120)
        )
        [item] = due()
        assert item.latest_contact is None

    def test_an_invalid_method_is_refused_next_to_the_field(self, client, scheduler):
        course = course_last_seen(100)
        client.force_login(scheduler)
        response = client.post(contact_url(course), {"method": "phoned", "note": "x"})
        assert response.status_code == 200
        assert response.context["form"].errors == {
            "method": [
                "Select a valid choice. phoned is not one of the available choices."
            ]
        }
        assert 'id="id_method"' in response.content.decode()
        assert "is-invalid" in response.content.decode()
        assert RecallContact.objects.count() == 0

    def test_a_missing_method_is_refused(self, client, scheduler):
        course = course_last_seen(100)
        client.force_login(scheduler)
        response = client.post(contact_url(course), {"note": "x"})
        assert response.context["form"].errors == {
            "method": ["This field is required."]
        }

    def test_the_page_lists_this_recalls_attempts(self, client, scheduler):
        course = course_last_seen(100)
        RecallContactFactory(course=course, note="NOTE-OLD")
        RecallContactFactory(
            course=course,
            note="NOTE-BEFORE-LAST-SESSION",
            contacted_at=timezone.now() - datetime.timedelta(days=150),
        )
        client.force_login(scheduler)
        response = client.get(contact_url(course))
        assert response.status_code == 200
        content = response.content.decode()
        assert "NOTE-OLD" in content
        assert "NOTE-BEFORE-LAST-SESSION" not in content

    def test_an_offsite_next_goes_to_the_recall_list(self, client, scheduler):
        course = course_last_seen(100)
        client.force_login(scheduler)
        response = client.post(
            contact_url(course),
            {"method": "called", "next": "https://evil.example.org/"},
        )
        assert response["Location"] == LIST_URL

    def test_a_course_of_another_kind_is_404(self, client, scheduler):
        course = TreatmentCourseFactory(
            kind=CourseKind.PHYSICAL_THERAPY, planned_interval_days=None
        )
        client.force_login(scheduler)
        assert client.get(contact_url(course)).status_code == 404
