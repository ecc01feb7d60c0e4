"""The red flags on the chart and the dashboard: each with why and its next step
one click away (an MRI or EEG order, an urgent ophthalmology referral, an urgent
review), taken steps said so, acknowledged flags shown with their note on the
chart and left off the dashboard; neither page's queries grow with rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from patients.services import acknowledge_red_flag, save_case
from tests.dashboard import rows
from tests.factories import (
    CaseFactory,
    DiagnosticStudyFactory,
    PatientFactory,
    ToxinSessionFactory,
    TreatmentCourseFactory,
)
from tests.patients.test_red_flag_acknowledgement import (
    flagged_case,
    report_dysphagia,
    url,
)

pytestmark = pytest.mark.django_db


def acknowledge(client, neurologist, case, flag="cranial_nerve_signs"):
    client.force_login(neurologist)
    return client.post(
        url(case), {"flag": flag, "note": "MRI ordered; audiogram requested."}
    )


class TestAcknowledgedFlags:
    def test_it_leaves_the_dashboard(self, client, neurologist):
        case = flagged_case()
        client.force_login(neurologist)
        assert [c.pk for c in rows(client.get(reverse("home")), "red-flag-cases")] == [
            case.pk
        ]
        acknowledge(client, neurologist, case)
        assert rows(client.get(reverse("home")), "red-flag-cases") == []

    def test_the_chart_shows_it_acknowledged_with_the_note(self, client, neurologist):
        case = flagged_case()
        acknowledge(client, neurologist, case)
        response = client.get(reverse("patient_chart", args=[case.patient_id]))
        [group] = response.context["red_flag_cases"]
        [row] = group.rows
        assert row.waiting is False
        assert row.acknowledgement.note == "MRI ordered; audiogram requested."
        html = response.content.decode()
        assert "MRI ordered; audiogram requested." in html
        assert url(case, flag="cranial_nerve_signs") not in html


class TestTheNextSteps:
    def test_the_chart_links_each_step(self, client, neurologist):
        case = flagged_case(
            findings=["eye_pain_or_visual_change"],
            condition="bells_palsy",
            icd10_code="G51.0",
            onset_at=datetime.datetime(2026, 5, 1, 8, tzinfo=datetime.UTC),
            onset_date=datetime.date(2026, 5, 1),
            opened_on=datetime.date(2026, 5, 2),
        )
        chart = reverse("patient_chart", args=[case.patient_id])
        client.force_login(neurologist)
        html = client.get(chart).content.decode()
        course_create = reverse("treatments:course_create", args=[case.pk])
        assert f'href="{course_create}?kind=surgical_referral"' in html
        course = TreatmentCourseFactory(
            case=case, kind="surgical_referral", planned_interval_days=None
        )
        html = client.get(chart).content.decode()
        referral = reverse("treatments:referral_create", args=[course.pk])
        assert f'href="{referral}?specialty=ophthalmology&amp;urgency=urgent"' in html
        page = client.get(f"{referral}?specialty=ophthalmology&urgency=urgent")
        form = page.context["form"]
        assert (form["specialty"].value(), form["urgency"].value()) == (
            "ophthalmology",
            "urgent",
        )

    def test_the_course_page_comes_with_the_kind_chosen(self, client, neurologist):
        case = flagged_case()
        client.force_login(neurologist)
        address = reverse("treatments:course_create", args=[case.pk])
        page = client.get(f"{address}?kind=surgical_referral")
        assert page.context["form"]["kind"].value() == "surgical_referral"
        assert client.get(f"{address}?kind=surgery").status_code == 400

    def test_an_urgent_review_is_booked_for_the_patient(self, client, neurologist):
        session = ToxinSessionFactory()
        report_dysphagia(session, datetime.date(2026, 3, 4), neurologist)
        patient = session.course.case.patient
        client.force_login(neurologist)
        html = client.get(reverse("home")).content.decode()
        book = reverse("scheduling:appointment_book")
        assert f'href="{book}?patient={patient.pk}&amp;kind=follow_up"' in html

    def test_an_eeg_for_a_childs_episodes(self, client, neurologist):
        case = CaseFactory.build(
            patient=PatientFactory(date_of_birth=datetime.date(2018, 1, 5)),
            findings=["seizure_like_episodes"],
        )
        save_case(case=case, by=None)
        DiagnosticStudyFactory(case=case, modality="mri")
        client.force_login(neurologist)
        response = client.get(reverse("patient_chart", args=[case.patient_id]))
        html = response.content.decode()
        eeg = reverse("patients:study_create", args=[case.pk]) + "?modality=eeg"
        assert f'href="{eeg}">Order an EEG</a>' in html
        assert "MRI ordered on 01 Jun 2025" in html


class TestQueryCounts:
    def test_the_dashboard_panel_does_not_grow_with_rows(
        self, client, neurologist, django_assert_num_queries
    ):
        flagged_case()
        client.force_login(neurologist)
        client.get(reverse("home"))
        with CaptureQueriesContext(connection) as baseline:
            client.get(reverse("home"))
        for _ in range(4):
            case = flagged_case(
                findings=[
                    "hearing_loss",
                    "eye_pain_or_visual_change",
                    "incomplete_eye_closure",
                ]
            )
            TreatmentCourseFactory(
                case=case, kind="surgical_referral", planned_interval_days=None
            )
        with django_assert_num_queries(len(baseline)):
            response = client.get(reverse("home"))
        assert len(rows(response, "red-flag-cases")) == 5

    def test_the_chart_does_not_grow_with_flags_and_acknowledgements(
        self, client, neurologist, django_assert_num_queries
    ):
        case = flagged_case()
        client.force_login(neurologist)
        chart = reverse("patient_chart", args=[case.patient_id])
        client.get(chart)
        with CaptureQueriesContext(connection) as baseline:
            client.get(chart)
        for finding in ("long_tract_signs", "facial_numbness"):
            other = flagged_case(patient=case.patient, findings=[finding])
            acknowledge_red_flag(
                case=other,
                flag=other.red_flags_to_review[0],
                note="Seen.",
                by=neurologist,
            )
            DiagnosticStudyFactory(case=other)
        with django_assert_num_queries(len(baseline)):
            response = client.get(chart)
        assert len(response.context["red_flag_cases"]) == 3
