import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clinic.models import AccessLog
from tests.dashboard import panel, rows
from tests.factories import (
    AppointmentFactory,
    AssessmentFactory,
    CaseFactory,
    DiagnosticStudyFactory,
    InjectionFactory,
    MedicationOrderFactory,
    PatientFactory,
    ReferralFactory,
    ResultedStudyFactory,
    TherapySessionFactory,
    ToxinSessionFactory,
    TreatmentCourseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Words that only clinical sections of the chart contain.
CLINICAL_WORDS = ["Hemifacial spasm", "G51.31", "Jankovic", "Botox", "Red flag", "MRI"]


def chart_url(patient) -> str:
    return reverse("patient_chart", args=[patient.pk])


def full_record(patient=None):
    """A patient with one of every kind of record."""
    case = CaseFactory(
        patient=patient or PatientFactory(), red_flags=["facial_weakness"]
    )
    course = TreatmentCourseFactory(case=case)
    session = ToxinSessionFactory(course=course)
    InjectionFactory(session=session, units=Decimal("2.5"))
    InjectionFactory(session=session, units=Decimal("5"), side="left")
    AssessmentFactory(case=case, assessed_on=datetime.date(2026, 1, 5))
    AssessmentFactory(case=case, assessed_on=datetime.date(2026, 3, 20))
    DiagnosticStudyFactory(
        case=case,
        status="resulted",
        performed_on=datetime.date(2025, 6, 10),
        resulted_on=datetime.date(2025, 6, 12),
        impression="AICA loop at the root exit zone.",
    )
    TherapySessionFactory(course__case=case)
    MedicationOrderFactory(course__case=case)
    ReferralFactory(course__case=case)
    # Each record's visit in its own hour: one patient is never booked twice at once.
    hours = case.patient.appointments.count()
    AppointmentFactory(
        patient=case.patient,
        starts_at=timezone.now().replace(microsecond=0)
        + datetime.timedelta(days=7, hours=hours),
    )
    return case.patient


class TestChart:
    def test_unknown_patient_is_404(self, client, neurologist):
        client.force_login(neurologist)
        assert client.get(reverse("patient_chart", args=[999999])).status_code == 404

    def test_clinician_sees_cases_timeline_alerts_and_trends(self, client, neurologist):
        patient = full_record()
        client.force_login(neurologist)
        response = client.get(chart_url(patient))
        content = response.content.decode()
        assert response.status_code == 200
        for text in ["G51.31", "Twitching with facial weakness", "AICA loop"]:
            assert text in content
        assert {entry.kind for entry in response.context["entries"]} == {
            "study",
            "assessment",
            "toxin",
            "therapy",
            "medication",
            "referral",
            "appointment",
        }
        [study] = response.context["to_review"]
        assert (
            "MRI result awaiting review since 12 Jun 2025. "
            f'<a class="alert-link" href="/patients/studies/{study.pk}/">'
            "Review and sign off</a>" in content
        )
        assert [chart.title for chart in response.context["score_charts"]] == [
            "Jankovic Rating Scale"
        ]
        assert response.context["units_charts"][0].points[0].value == Decimal("7.50")
        assert "<svg" in content

    def test_a_house_brackmann_grade_reads_in_roman_numerals(self, client, neurologist):
        case = CaseFactory()
        AssessmentFactory(
            case=case,
            instrument="house_brackmann",
            version="1985",
            side="left",
            answers={"grade": 4},
        )
        client.force_login(neurologist)
        response = client.get(chart_url(case.patient))
        [entry] = [e for e in response.context["entries"] if e.kind == "assessment"]
        assert entry.detail.startswith("IV (left)")
        [chart] = response.context["score_charts"]
        assert [point.label for point in chart.points] == ["IV"]
        assert [tick.label for tick in chart.y_ticks] == [
            "I",
            "II",
            "III",
            "IV",
            "V",
            "VI",
        ]

    def test_timeline_is_newest_first_and_filterable(self, client, neurologist):
        patient = full_record()
        client.force_login(neurologist)
        entries = client.get(chart_url(patient)).context["entries"]
        assert [e.when for e in entries] == sorted(
            (e.when for e in entries), reverse=True
        )
        filtered = client.get(chart_url(patient), {"kind": "assessment"})
        assert {e.kind for e in filtered.context["entries"]} == {"assessment"}
        assert len(filtered.context["entries"]) == 2

    def test_scheduler_sees_demographics_and_appointments_only(self, client, scheduler):
        patient = full_record()
        client.force_login(scheduler)
        response = client.get(chart_url(patient))
        content = response.content.decode()
        assert response.status_code == 200
        assert patient.mrn in content
        assert {e.kind for e in response.context["entries"]} == {"appointment"}
        for word in CLINICAL_WORDS:
            assert word not in content

    def test_timeline_links_only_where_the_role_may_go(self, client, injector):
        patient = full_record()
        client.force_login(injector)
        content = client.get(chart_url(patient)).content.decode()
        study = patient.cases.get().studies.get()
        session = patient.cases.get().courses.get(kind="botulinum_toxin")
        assert reverse("patients:study_update", args=[study.pk]) not in content
        assert study.get_absolute_url() in content  # the study page, to read
        assert session.toxin_sessions.get().get_absolute_url() in content

    def test_an_overridden_warning_and_its_reason_show_in_the_timeline(
        self, client, neurologist
    ):
        session = ToxinSessionFactory()
        session.record_override(
            warnings=["Only 70 days since the last session (minimum 84)."],
            reason="Severe relapse; discussed with the patient.",
            by=neurologist,
            at=timezone.now(),
        )
        session.save()
        client.force_login(neurologist)
        response = client.get(chart_url(session.course.case.patient))
        (entry,) = [e for e in response.context["entries"] if e.kind == "toxin"]
        assert "Severe relapse; discussed with the patient." in entry.detail
        assert "Only 70 days since the last session (minimum 84)." in entry.detail

    def test_archived_patient_offers_no_booking(self, client, scheduler):
        archived = PatientFactory(is_archived=True)
        client.force_login(scheduler)
        content = client.get(chart_url(archived)).content.decode()
        assert "Book appointment" not in content
        client.force_login(scheduler)
        active = client.get(chart_url(PatientFactory())).content.decode()
        assert "Book appointment" in active

    def test_opening_the_chart_is_logged(self, client, injector):
        patient = PatientFactory()
        client.force_login(injector)
        client.get(chart_url(patient))
        log = AccessLog.objects.get()
        assert (log.user, log.patient, log.action) == (injector, patient, "view")

    def test_printing_is_logged_as_printing(self, client, neurologist):
        patient = full_record()
        client.force_login(neurologist)
        response = client.get(reverse("patient_chart_print", args=[patient.pk]))
        assert response.status_code == 200
        assert "Confidential patient record" in response.content.decode()
        assert AccessLog.objects.get().action == "print"

    def test_minor_without_guardian_or_weight_is_flagged(self, client, neurologist):
        child = PatientFactory(date_of_birth=datetime.date(2016, 1, 1))
        client.force_login(neurologist)
        response = client.get(chart_url(child))
        assert response.context["needs_guardian"] is True
        assert (
            "Child with no recorded weight: toxin doses cannot be checked."
            in response.context["alerts"]
        )

    def test_recent_toxin_session_is_an_alert(self, client, neurologist):
        session = ToxinSessionFactory(
            performed_at=timezone.now() - datetime.timedelta(days=30)
        )
        client.force_login(neurologist)
        response = client.get(chart_url(session.course.case.patient))
        assert any(
            alert.startswith("Last toxin session 30 days ago")
            for alert in response.context["alerts"]
        )

    def test_query_count_does_not_grow_with_records(
        self, client, neurologist, django_assert_num_queries
    ):
        patient = full_record()
        client.force_login(neurologist)
        client.get(chart_url(patient))
        with CaptureQueriesContext(connection) as baseline:
            client.get(chart_url(patient))
        for _ in range(4):
            full_record(patient)
        with django_assert_num_queries(len(baseline)):
            response = client.get(chart_url(patient))
        assert len(response.context["cases"]) == 5


class TestAccessLogPage:
    def test_neurologist_sees_who_opened_the_chart(self, client, neurologist):
        patient = PatientFactory()
        reader = UserFactory(first_name="Rita", last_name="Reader", roles=["Injector"])
        client.force_login(reader)
        client.get(chart_url(patient))
        client.force_login(neurologist)
        response = client.get(reverse("patient_access_log", args=[patient.pk]))
        assert response.status_code == 200
        assert "Rita Reader" in response.content.decode()

    def test_query_count_does_not_grow_with_entries(
        self, client, neurologist, django_assert_num_queries
    ):
        patient = PatientFactory()
        url = reverse("patient_access_log", args=[patient.pk])
        AccessLog.objects.create(user=UserFactory(), patient=patient, action="view")
        client.force_login(neurologist)
        client.get(url)
        with CaptureQueriesContext(connection) as baseline:
            client.get(url)
        for _ in range(6):
            AccessLog.objects.create(user=UserFactory(), patient=patient, action="view")
        with django_assert_num_queries(len(baseline)):
            response = client.get(url)
        # The first row, the six, and the neurologist's own three openings.
        assert len(response.context["entries"]) == 10


class TestDashboard:
    def test_todays_appointments_mine_and_all(self, client, neurologist):
        now = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
        mine = AppointmentFactory(clinician=neurologist, starts_at=now)
        theirs = AppointmentFactory(starts_at=now)
        AppointmentFactory(clinician=neurologist, starts_at=now + datetime.timedelta(1))
        client.force_login(neurologist)
        assert client.get(reverse("home")).context["appointments"] == [mine]
        everyone = client.get(reverse("home"), {"appointments": "all"})
        assert set(everyone.context["appointments"]) == {mine, theirs}

    def test_todays_appointments_on_the_day_the_clocks_go_back(
        self, client, neurologist, monkeypatch
    ):
        # 1 Nov 2026 in New York lasts 25 hours: 23:30 is still that day.
        zone = timezone.get_current_timezone()
        noon = datetime.datetime(2026, 11, 1, 12, tzinfo=zone)
        late = AppointmentFactory(
            clinician=neurologist,
            starts_at=datetime.datetime(2026, 11, 1, 23, 30, tzinfo=zone),
        )
        AppointmentFactory(
            clinician=neurologist,
            starts_at=datetime.datetime(2026, 11, 2, 0, 30, tzinfo=zone),
        )
        monkeypatch.setattr(timezone, "now", lambda: noon)
        client.force_login(neurologist)
        assert client.get(reverse("home")).context["appointments"] == [late]

    def test_recall_lists_due_unbooked_toxin_courses(self, client, scheduler):
        now = timezone.now()
        due = TreatmentCourseFactory(planned_interval_days=91)
        ToxinSessionFactory(course=due, performed_at=now - datetime.timedelta(80))
        booked = TreatmentCourseFactory(planned_interval_days=91)
        ToxinSessionFactory(course=booked, performed_at=now - datetime.timedelta(80))
        AppointmentFactory(
            patient=booked.case.patient,
            kind="toxin_session",
            starts_at=now + datetime.timedelta(days=11),
        )
        not_yet = TreatmentCourseFactory(planned_interval_days=91)
        ToxinSessionFactory(course=not_yet, performed_at=now - datetime.timedelta(20))
        client.force_login(scheduler)
        recall = client.get(reverse("home")).context["recall"]
        assert [item["patient"] for item in recall["items"]] == [due.case.patient]
        assert recall["count"] == 1

    def test_clinical_lists_for_the_neurologist(self, client, neurologist):
        patient = full_record()
        client.force_login(neurologist)
        page = client.get(reverse("home"))
        [study] = rows(page, "awaiting-review")
        assert study.case.patient == patient
        link = f'<a href="/patients/studies/{study.pk}/">Review and sign off</a>'
        assert link in page.content.decode()
        assert [c.patient for c in rows(page, "red-flag-cases")] == [patient]
        assert [r.course.case.patient for r in rows(page, "open-referrals")] == [
            patient
        ]

    def test_scheduler_sees_no_clinical_lists(self, client, scheduler):
        full_record()
        client.force_login(scheduler)
        response = client.get(reverse("home"))
        for slug in ("awaiting-review", "red-flag-cases", "open-referrals"):
            assert panel(response, slug) is None
        for word in CLINICAL_WORDS:
            assert word not in response.content.decode()

    def test_query_count_does_not_grow_with_rows(
        self, client, neurologist, django_assert_num_queries
    ):
        full_record()
        client.force_login(neurologist)
        client.get(reverse("home"), {"appointments": "all"})
        with CaptureQueriesContext(connection) as baseline:
            client.get(reverse("home"), {"appointments": "all"})
        for _ in range(4):
            full_record()
        with django_assert_num_queries(len(baseline)):
            response = client.get(reverse("home"), {"appointments": "all"})
        assert len(rows(response, "red-flag-cases")) == 5


class TestWorklists:
    def test_the_dashboard_shows_the_first_and_links_to_all(
        self, client, neurologist, settings
    ):
        for _ in range(27):
            ResultedStudyFactory()
        client.force_login(neurologist)
        page = client.get(reverse("home"))
        assert len(rows(page, "awaiting-review")) == 10
        assert panel(page, "awaiting-review")["count"] == 27
        content = page.content.decode()
        assert "The first 10 of 27" in content
        assert reverse("worklist", args=["awaiting-review"]) in content

    def test_the_worklist_page_has_every_row_a_page_at_a_time(
        self, client, neurologist, django_assert_num_queries
    ):
        studies = [ResultedStudyFactory() for _ in range(3)]
        client.force_login(neurologist)
        url = reverse("worklist", args=["awaiting-review"])
        with CaptureQueriesContext(connection) as three:
            client.get(url)
        studies += [ResultedStudyFactory() for _ in range(52)]
        with django_assert_num_queries(len(three)):
            first = client.get(url)
        assert first.context["page_obj"].paginator.count == 55
        assert len(first.context["page_obj"].object_list) == 50
        second = client.get(url, {"page": 2})
        assert len(second.context["page_obj"].object_list) == 5
        shown = [*first.context["page_obj"], *second.context["page_obj"]]
        assert {study.pk for study in shown} == {study.pk for study in studies}

    def test_an_unknown_worklist_is_404(self, client, neurologist):
        client.force_login(neurologist)
        assert client.get(reverse("worklist", args=["nothing"])).status_code == 404

    def test_a_worklist_the_role_may_not_see_is_403(self, client, scheduler):
        client.force_login(scheduler)
        url = reverse("worklist", args=["red-flag-cases"])
        assert client.get(url).status_code == 403


def test_a_long_worklist_is_counted_up_to_the_cap(client, neurologist, monkeypatch):
    from clinic import worklists

    monkeypatch.setattr(worklists, "COUNT_CAP", 26)
    for _ in range(28):
        ResultedStudyFactory()
    client.force_login(neurologist)
    page = client.get(reverse("home"))
    assert panel(page, "awaiting-review")["count"] == 27
    assert "The first 10 of more than 26" in page.content.decode()
