"""Toxin on the side of a Bell's palsy in its first three months is a warning,
shown before saving (DOMAIN.md 4.5; CLINIC_BELLS_TOXIN_CAUTION_DAYS)."""

import datetime

import pytest

from tests.factories import CaseFactory, TreatmentCourseFactory
from tests.treatments.charting_posts import create_url, local, session_data
from treatments import bells_caution, services
from treatments.models import Muscle, Side, ToxinSession

pytestmark = pytest.mark.django_db

SESSION_ON = datetime.date(2026, 3, 2)


def warned(days_before: int, palsy_side: str, sites, caution_days: int = 91):
    onset = bells_caution.BellsOnset(
        SESSION_ON - datetime.timedelta(days=days_before), palsy_side
    )
    return bells_caution.after_bells_palsy(
        onsets=[onset], session_on=SESSION_ON, sides=sites, caution_days=caution_days
    )


class TestTheRule:
    def test_five_days_after_a_left_palsy_a_left_site_is_warned(self):
        [warning] = warned(5, "left", ["left"])
        assert warning.code == "after_bells_palsy"
        assert warning.message == (
            "Bell's palsy on the left began on 25 Feb 2026, 5 days before this "
            "session: toxin on that side within 91 days of onset adds weakness to "
            "a nerve still recovering. Synkinesis usually shows from 12-16 weeks."
        )

    def test_the_other_side_is_not(self):
        assert warned(5, "left", ["right"]) == []

    def test_a_midline_site_counts_for_both_sides(self):
        assert len(warned(5, "right", ["midline"])) == 1

    def test_a_palsy_without_one_side_counts_for_any_site(self):
        assert len(warned(5, "", ["right"])) == 1

    @pytest.mark.parametrize(("days", "count"), [(0, 1), (90, 1), (91, 0), (-1, 0)])
    def test_the_window_is_the_caution_days_from_onset(self, days, count):
        assert len(warned(days, "left", ["left"])) == count

    def test_the_window_is_the_clinics(self):
        assert warned(100, "left", ["left"], caution_days=120) != []


class TestFromTheRecord:
    def test_the_patients_palsies_with_their_sides(self):
        case = CaseFactory(
            condition="bells_palsy",
            icd10_code="G51.0",
            laterality="left",
            onset_at=local("2026-02-25T08:00"),
        )
        CaseFactory(
            patient=case.patient,
            condition="bells_palsy",
            icd10_code="G51.0",
            laterality="bilateral",
            onset_at=local("2020-01-01T08:00"),
        )
        CaseFactory(
            patient=case.patient,
            condition="bells_palsy",
            icd10_code="G51.0",
            laterality="right",
            onset_at=local("2026-01-01T08:00"),
            entered_in_error=True,
            entered_in_error_reason="Other patient.",
        )
        assert services.bells_onsets(case.patient) == [
            bells_caution.BellsOnset(datetime.date(2020, 1, 1), ""),
            bells_caution.BellsOnset(datetime.date(2026, 2, 25), "left"),
        ]


class TestOnTheChartingPage:
    @pytest.fixture(autouse=True)
    def london(self, settings):
        settings.TIME_ZONE = "Europe/London"

    def test_shown_before_saving_and_saved_only_with_an_override(
        self, client, neurologist, settings
    ):
        course = TreatmentCourseFactory()
        CaseFactory(
            patient=course.case.patient,
            condition="bells_palsy",
            icd10_code="G51.0",
            laterality="right",
            onset_at=local("2026-02-25T08:00"),
        )
        client.force_login(neurologist)
        rows = [(Muscle.OO_PRETARSAL_UPPER_LATERAL, Side.RIGHT, "2.5")]

        response = client.post(create_url(course), session_data(neurologist, rows))

        codes = [w.code for w in response.context["override_form"].warnings]
        assert codes == ["after_bells_palsy"]
        assert "Bell&#x27;s palsy on the right began on 25 Feb 2026" in (
            response.content.decode()
        )
        assert not ToxinSession.objects.exists()

        settings.CLINIC_BELLS_TOXIN_CAUTION_DAYS = 5
        saved = client.post(create_url(course), session_data(neurologist, rows))
        assert saved.status_code == 302
        assert ToxinSession.objects.count() == 1
