"""The red flags the record shows are raised through every door that records
their facts (tests/test_doors.py's way: the page's own form, one value changed;
the database read again): the case's page, its admin and save_case for the
examination checklist; the score's page, its admin and save_assessment for a
House-Brackmann grade; the toxin follow-up's page and its service for the
distant spread of toxin; and the daily command for a flag the date raises."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from patients.models import Case
from patients.services import save_case
from tests.factories import (
    AssessmentFactory,
    CaseFactory,
    PatientFactory,
    ToxinSessionFactory,
    TreatmentCourseFactory,
    UserFactory,
)
from tests.test_doors import admin_url, page_form
from treatments import services
from treatments.models import AdverseEffect, Severity

pytestmark = pytest.mark.django_db


def stored(case) -> Case:
    return Case.objects.get(pk=case.pk)


def flags(case) -> list[str]:
    return [entry.flag for entry in stored(case).red_flag_entries()]


def hfs_case(**fields) -> Case:
    case = CaseFactory.build(patient=PatientFactory(), **fields)
    return save_case(case=case, by=None)


class TestTheExaminationChecklist:
    """Hearing loss ticked on the case raises "cranial-nerve signs"."""

    def test_through_the_clinician_page(self, client, neurologist):
        case = hfs_case()
        client.force_login(neurologist)
        url = reverse("patients:case_update", args=[case.pk])
        data = page_form(client.get(url))
        data["findings"] = ["hearing_loss"]
        assert client.post(url, data).status_code == 302
        assert flags(case) == ["cranial_nerve_signs"]
        assert stored(case).red_flags_to_review == ["cranial_nerve_signs"]

    def test_through_the_admin(self, client, clinic_admin):
        case = hfs_case()
        client.force_login(clinic_admin)
        url = admin_url(Case, "change", case.pk)
        data = page_form(client.get(url), "case_form")
        data["findings"] = ["hearing_loss"]
        assert client.post(url, data).status_code == 302
        assert flags(case) == ["cranial_nerve_signs"]

    def test_through_the_write_service(self):
        case = hfs_case()
        case.findings = ["hearing_loss"]
        save_case(case=case, by=None)
        assert flags(case) == ["cranial_nerve_signs"]

    def test_unticked_the_flag_is_no_longer_raised(self):
        case = hfs_case(findings=["hearing_loss"])
        case.findings = []
        save_case(case=case, by=None)
        assert flags(case) == []
        assert stored(case).red_flags_to_review == []

    def test_a_finding_on_a_new_case_raises_it_at_once(self, client, neurologist):
        patient = PatientFactory()
        client.force_login(neurologist)
        url = reverse("patients:case_create", args=[patient.pk])
        data = page_form(client.get(url))
        data.update(
            condition="hemifacial_spasm",
            laterality="left",
            icd10_code="G51.32",
            opened_on="2026-03-02",
            findings=["long_tract_signs", "forehead_spared"],
        )
        assert client.post(url, data).status_code == 302
        [case] = patient.cases.all()
        assert flags(case) == ["long_tract_signs", "forehead_sparing"]

    def test_a_ticked_flag_and_its_checklist_both_stay(self):
        case = hfs_case(red_flags=["facial_weakness"], findings=["facial_weakness"])
        [entry] = stored(case).red_flag_entries()
        assert entry.evidence == ("ticked", "finding:facial_weakness")


class TestAGrade:
    """A House-Brackmann grade III on a hemifacial spasm raises "twitching with
    facial weakness"."""

    def test_through_the_clinician_page(self, client, neurologist):
        case = hfs_case()
        client.force_login(neurologist)
        url = (
            reverse("treatments:assessment_create", args=[case.pk])
            + "?instrument=house_brackmann"
        )
        data = page_form(client.get(url))
        data.update(item_grade="3", side="left", assessed_on="2026-03-02")
        assert client.post(url, data).status_code == 302
        assert flags(case) == ["facial_weakness"]

    def test_through_the_admin(self, client, clinic_admin):
        case = hfs_case()
        score = AssessmentFactory(
            case=case,
            instrument="house_brackmann",
            version="1985",
            answers={"grade": 1},
            side="left",
        )
        client.force_login(clinic_admin)
        url = admin_url(type(score), "change", score.pk)
        data = page_form(client.get(url), "assessment_form")
        data["answers"] = '{"grade": 3}'
        assert client.post(url, data).status_code == 302
        assert flags(case) == ["facial_weakness"]

    def test_through_the_write_service_and_cleared_by_a_normal_grade(self):
        case = hfs_case()
        score = AssessmentFactory.build(
            case=case,
            instrument="house_brackmann",
            version="1985",
            answers={"grade": 3},
            side="left",
            rater=UserFactory(),
        )
        services.save_assessment(assessment=score, by=score.rater)
        assert flags(case) == ["facial_weakness"]
        normal = AssessmentFactory.build(
            case=case,
            instrument="house_brackmann",
            version="1985",
            answers={"grade": 1},
            side="left",
            assessed_on=datetime.date(2026, 4, 2),
            rater=score.rater,
        )
        services.save_assessment(assessment=normal, by=normal.rater)
        assert flags(case) == []

    def test_not_for_a_grade_soon_after_toxin(self):
        case = hfs_case()
        ToxinSessionFactory(course=TreatmentCourseFactory(case=case))  # 2 Mar 2026
        score = AssessmentFactory.build(
            case=case,
            instrument="house_brackmann",
            version="1985",
            answers={"grade": 3},
            side="left",
            assessed_on=datetime.date(2026, 3, 30),
            rater=UserFactory(),
        )
        services.save_assessment(assessment=score, by=score.rater)
        assert flags(case) == []


def follow_up_data(session, kind: str) -> dict:
    return {
        "onset_day": "3",
        "peak_day": "14",
        "wore_off_on": "",
        "benefit": "moderate",
        "effects-TOTAL_FORMS": "1",
        "effects-INITIAL_FORMS": "0",
        "effects-MIN_NUM_FORMS": "0",
        "effects-MAX_NUM_FORMS": "1000",
        "effects-0-kind": kind,
        "effects-0-onset_on": "2026-03-05",
        "effects-0-severity": "moderate",
        "effects-0-resolved_on": "",
        "effects-0-notes": "",
    }


class TestDistantSpreadAfterToxin:
    def test_through_the_follow_up_page(self, client, injector):
        session = ToxinSessionFactory()
        client.force_login(injector)
        url = reverse("treatments:toxinsession_followup", args=[session.pk])
        assert (
            client.post(url, follow_up_data(session, "dysarthria")).status_code == 302
        )
        case = session.course.case
        assert flags(case) == ["post_toxin_distant_spread"]
        [entry] = stored(case).red_flag_entries()
        assert entry.why == (
            "Dysarthria from 5 Mar 2026, after the toxin session of 2 Mar 2026.",
        )
        assert entry.actions == ("urgent_review",)

    def test_through_the_write_service(self, injector):
        session = ToxinSessionFactory()
        effect = AdverseEffect(
            kind="breathing_difficulty",
            onset_on=datetime.date(2026, 3, 4),
            severity=Severity.SEVERE,
        )
        services.record_toxin_follow_up(
            session=session, adverse_effects=[effect], by=injector
        )
        assert flags(session.course.case) == ["post_toxin_distant_spread"]

    def test_not_for_a_ptosis(self, client, injector):
        session = ToxinSessionFactory()
        client.force_login(injector)
        url = reverse("treatments:toxinsession_followup", args=[session.pk])
        client.post(url, follow_up_data(session, "ptosis"))
        assert flags(session.course.case) == []

    def test_a_case_save_keeps_the_toxin_flag(self, injector):
        session = ToxinSessionFactory()
        effect = AdverseEffect(
            kind="dysphagia", onset_on=datetime.date(2026, 3, 4), severity="mild"
        )
        services.record_toxin_follow_up(
            session=session, adverse_effects=[effect], by=injector
        )
        case = Case.objects.get(pk=session.course.case_id)
        case.findings = ["hearing_loss"]
        save_case(case=case, by=None)
        assert flags(case) == ["cranial_nerve_signs", "post_toxin_distant_spread"]


class TestAFlagThatTheDateRaises:
    """A Bell's palsy not improved by 4 months: raised by the daily command, with
    nobody saving anything."""

    def bells(self, days_ago: int) -> Case:
        onset = timezone.localdate() - datetime.timedelta(days=days_ago)
        return hfs_case(
            condition="bells_palsy",
            icd10_code="G51.0",
            laterality="right",
            onset_at=timezone.make_aware(
                datetime.datetime.combine(onset, datetime.time(8))
            ),
            onset_date=onset,
            opened_on=onset,
        )

    def months_pass(self, case, days: int) -> None:
        """The same record, `days` later: its dates as far back (no save)."""
        shift = datetime.timedelta(days=days)
        Case.objects.filter(pk=case.pk).update(
            onset_at=case.onset_at - shift,
            onset_date=case.onset_date - shift,
            opened_on=case.opened_on - shift,
        )

    def test_the_command_raises_it_once_the_four_months_pass(self):
        case = self.bells(days_ago=100)
        assert flags(case) == []
        call_command("raise_red_flags", stdout=StringIO())
        assert flags(case) == []
        self.months_pass(case, 30)
        out = StringIO()
        call_command("raise_red_flags", stdout=out)
        assert flags(case) == ["atypical_bells"]
        assert stored(case).red_flags_to_review == ["atypical_bells"]
        assert out.getvalue() == "1 of 1 open cases changed.\n"

    def test_an_improved_palsy_is_not_flagged(self):
        case = self.bells(days_ago=20)
        for grade, days_ago in ((4, 18), (2, 10)):
            services.save_assessment(
                assessment=AssessmentFactory.build(
                    case=case,
                    instrument="house_brackmann",
                    version="1985",
                    answers={"grade": grade},
                    side="right",
                    assessed_on=timezone.localdate()
                    - datetime.timedelta(days=days_ago),
                    rater=UserFactory(),
                ),
                by=None,
            )
        self.months_pass(case, 130)
        call_command("raise_red_flags", stdout=StringIO())
        assert flags(case) == []

    def test_with_all_every_rule_runs_for_every_open_case(self):
        case = CaseFactory(findings=["hearing_loss"])  # loaded, not saved through
        assert flags(case) == []
        call_command("raise_red_flags", "--all", stdout=StringIO())
        assert flags(case) == ["cranial_nerve_signs"]


class TestTheRulesThatReadOtherCases:
    def test_a_bells_palsy_after_a_spasm_of_that_side(self):
        spasm = hfs_case(onset_date=datetime.date(2025, 3, 1))
        onset = timezone.localdate() - datetime.timedelta(days=10)
        palsy = CaseFactory.build(
            patient=spasm.patient,
            condition="bells_palsy",
            icd10_code="G51.0",
            laterality="right",
            onset_at=timezone.make_aware(
                datetime.datetime.combine(onset, datetime.time(8))
            ),
            onset_date=onset,
            opened_on=onset,
        )
        save_case(case=palsy, by=None)
        assert flags(palsy) == ["spasm_before_weakness"]

    def test_an_ms_case_opened_later_raises_the_myokymia_cases_flag(self):
        myokymia = hfs_case(
            condition="facial_myokymia",
            icd10_code="G51.4",
            laterality="n/a",
            findings=["continuous_myokymia"],
        )
        assert flags(myokymia) == []
        ms = CaseFactory.build(
            patient=myokymia.patient,
            condition="multiple_sclerosis",
            icd10_code="G35.A",
            laterality="n/a",
        )
        save_case(case=ms, by=None)
        assert flags(myokymia) == ["ms_continuous_myokymia"]
