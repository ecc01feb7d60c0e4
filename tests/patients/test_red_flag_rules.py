"""Each red-flag rule of DOMAIN.md 5.1 (patients/red_flags.py), one by one: what
raises it and what does not. Pure: plain values, no database."""

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest

from patients import red_flags
from patients.red_flags import CaseFacts, OtherCase, Score, SpreadSign

TODAY = datetime.date(2026, 6, 1)
ONSET = datetime.date(2026, 1, 10)

HFS = CaseFacts(
    condition="hemifacial_spasm",
    laterality="left",
    onset_on=ONSET,
    onset_site="upper_eyelid",
    spread_sites=("cheek",),
    findings=(),
    is_open=True,
    today=TODAY,
    age_at_onset=54,
)


def facts(**changes) -> CaseFacts:
    return replace(HFS, **changes)


def hb(grade: int, on: datetime.date, days_since_last_toxin=None) -> Score:
    return Score(
        "house_brackmann",
        on,
        Decimal(grade),
        {"grade": grade},
        days_since_last_toxin,
    )


def sunnybrook(on: datetime.date, composite: int, **answers) -> Score:
    values = {"vol_brow": 5, "vol_open_mouth_smile": 5, **answers}
    return Score("sunnybrook", on, Decimal(composite), values)


def flags(case_facts: CaseFacts) -> list[str]:
    return [raised.flag for raised in red_flags.record_flags(case_facts)]


def test_an_ordinary_hemifacial_spasm_raises_nothing():
    assert flags(HFS) == []


class TestChildWithFacialSpasm:
    def test_a_spasm_that_began_in_childhood_suggests_an_mri(self):
        raised = red_flags.child_with_facial_spasm(facts(age_at_onset=9))
        assert raised.flag == "child_hemifacial_spasm"
        assert raised.actions == ("order_mri",)
        assert "age 9" in raised.why[0]

    def test_episodes_taken_for_seizures_add_an_eeg(self):
        child = facts(
            condition="tic_disorder",
            age_at_onset=6,
            findings=("seizure_like_episodes",),
        )
        assert red_flags.child_with_facial_spasm(child).actions == (
            "order_mri",
            "order_eeg",
        )

    def test_not_for_an_adult(self):
        assert red_flags.child_with_facial_spasm(facts(age_at_onset=18)) is None

    def test_not_for_a_childs_tics(self):
        tics = facts(condition="tic_disorder", age_at_onset=9)
        assert red_flags.child_with_facial_spasm(tics) is None


class TestTwitchingWithWeakness:
    def test_from_the_examination(self):
        raised = red_flags.twitching_with_weakness(facts(findings=("facial_weakness",)))
        assert raised.evidence == ("finding:facial_weakness",)

    def test_from_a_house_brackmann_grade_above_one(self):
        raised = red_flags.twitching_with_weakness(
            facts(scores=(hb(3, datetime.date(2026, 3, 2)),))
        )
        assert raised.why == ("House-Brackmann grade III on 2 Mar 2026.",)
        assert raised.evidence == ("house_brackmann:3",)

    def test_not_from_a_grade_taken_while_toxin_may_weaken_the_face(self):
        scores = (hb(3, datetime.date(2026, 3, 2), days_since_last_toxin=30),)
        assert red_flags.twitching_with_weakness(facts(scores=scores)) is None

    def test_not_once_the_latest_grade_is_normal(self):
        scores = (hb(3, datetime.date(2026, 2, 2)), hb(1, datetime.date(2026, 3, 2)))
        assert red_flags.twitching_with_weakness(facts(scores=scores)) is None

    def test_not_for_the_weakness_of_a_bells_palsy(self):
        bells = facts(condition="bells_palsy", findings=("facial_weakness",))
        assert red_flags.twitching_with_weakness(bells) is None


class TestCranialNerveAndLongTractSigns:
    @pytest.mark.parametrize(
        "finding", ["hearing_loss", "facial_numbness", "other_cranial_nerve_signs"]
    )
    def test_each_cranial_nerve_finding(self, finding):
        raised = red_flags.cranial_nerve_signs(facts(findings=(finding,)))
        assert raised.flag == "cranial_nerve_signs"
        assert raised.evidence == (f"finding:{finding}",)

    def test_no_cranial_nerve_finding(self):
        assert (
            red_flags.cranial_nerve_signs(facts(findings=("long_tract_signs",))) is None
        )

    def test_long_tract_signs(self):
        raised = red_flags.long_tract_signs(facts(findings=("long_tract_signs",)))
        assert raised.flag == "long_tract_signs"

    def test_no_long_tract_signs(self):
        assert red_flags.long_tract_signs(facts(findings=("hearing_loss",))) is None


class TestSpasmBeforeWeakness:
    def bells(self, **changes):
        return facts(
            condition="bells_palsy", onset_on=datetime.date(2026, 4, 1), **changes
        )

    def test_a_palsy_after_a_spasm_of_the_same_side(self):
        earlier = OtherCase("hemifacial_spasm", "left", datetime.date(2025, 5, 1))
        raised = red_flags.spasm_before_weakness(self.bells(other_cases=(earlier,)))
        assert raised.why == ("Hemifacial spasm since 1 May 2025, before this palsy.",)

    def test_not_after_a_spasm_of_the_other_side(self):
        earlier = OtherCase("hemifacial_spasm", "right", datetime.date(2025, 5, 1))
        assert (
            red_flags.spasm_before_weakness(self.bells(other_cases=(earlier,))) is None
        )

    def test_not_before_a_spasm_that_came_later(self):
        later = OtherCase("facial_myokymia", "left", datetime.date(2026, 5, 1))
        assert red_flags.spasm_before_weakness(self.bells(other_cases=(later,))) is None

    def test_a_grade_one_that_became_weak_on_a_twitching_case(self):
        scores = (hb(1, datetime.date(2026, 2, 1)), hb(3, datetime.date(2026, 5, 1)))
        raised = red_flags.spasm_before_weakness(facts(scores=scores))
        assert raised.evidence == ("house_brackmann:3",)

    def test_from_the_examination(self):
        case_facts = facts(findings=("weakness_after_spasm",))
        assert red_flags.spasm_before_weakness(case_facts).flag == (
            "spasm_before_weakness"
        )

    def test_not_for_weakness_without_an_earlier_normal_grade(self):
        scores = (hb(3, datetime.date(2026, 5, 1)),)
        assert red_flags.spasm_before_weakness(facts(scores=scores)) is None


class TestAtypicalBells:
    def bells(self, **changes):
        values = {
            "condition": "bells_palsy",
            "laterality": "right",
            "onset_on": datetime.date(2026, 5, 1),
            **changes,
        }
        return facts(**values)

    def test_a_typical_recent_palsy_raises_nothing(self):
        assert red_flags.atypical_bells(self.bells()) is None

    def test_bilateral(self):
        raised = red_flags.atypical_bells(self.bells(laterality="bilateral"))
        assert raised.evidence == ("bilateral",)

    @pytest.mark.parametrize(
        "finding",
        [
            "systemic_signs",
            "sudden_maximal_onset",
            "insidious_onset",
            "worsening_after_3_weeks",
        ],
    )
    def test_each_atypical_finding(self, finding):
        raised = red_flags.atypical_bells(self.bells(findings=(finding,)))
        assert raised.evidence == (f"finding:{finding}",)

    def test_a_grade_still_worse_after_three_weeks(self):
        scores = (hb(3, datetime.date(2026, 5, 2)), hb(5, datetime.date(2026, 5, 30)))
        raised = red_flags.atypical_bells(self.bells(scores=scores))
        assert raised.evidence == ("house_brackmann:5",)

    def test_not_a_grade_worse_within_three_weeks(self):
        scores = (hb(3, datetime.date(2026, 5, 2)), hb(5, datetime.date(2026, 5, 10)))
        assert red_flags.atypical_bells(self.bells(scores=scores)) is None

    def test_no_improvement_by_four_months_as_the_date_moves_on(self):
        scores = (hb(4, datetime.date(2026, 1, 12)), hb(4, datetime.date(2026, 3, 1)))
        palsy = self.bells(onset_on=datetime.date(2026, 1, 10), scores=scores)
        assert (
            red_flags.atypical_bells(replace(palsy, today=datetime.date(2026, 5, 11)))
            is None
        )
        raised = red_flags.atypical_bells(
            replace(palsy, today=datetime.date(2026, 5, 12))
        )
        assert raised.evidence == ("no_improvement",)
        assert "no grade shows it" in raised.why[0]

    def test_no_grade_recorded_in_four_months_is_no_improvement(self):
        palsy = self.bells(onset_on=datetime.date(2025, 12, 1))
        assert "no grade recorded" in red_flags.atypical_bells(palsy).why[0]

    def test_an_improving_grade_or_composite_is_improvement(self):
        onset = datetime.date(2025, 12, 1)
        better_grade = (hb(4, onset), hb(2, datetime.date(2026, 3, 1)))
        better_composite = (sunnybrook(onset, 30), sunnybrook(TODAY, 60))
        for scores in (better_grade, better_composite):
            assert (
                red_flags.atypical_bells(self.bells(onset_on=onset, scores=scores))
                is None
            )

    def test_not_once_the_case_is_closed(self):
        palsy = self.bells(onset_on=datetime.date(2025, 12, 1), is_open=False)
        assert red_flags.atypical_bells(palsy) is None


class TestForeheadSparing:
    def test_from_the_examination(self):
        raised = red_flags.forehead_sparing(facts(findings=("forehead_spared",)))
        assert raised.flag == "forehead_sparing"

    def test_from_a_sunnybrook_with_a_full_brow_and_a_weak_smile(self):
        scores = (sunnybrook(TODAY, 40, vol_open_mouth_smile=2),)
        raised = red_flags.forehead_sparing(
            facts(condition="bells_palsy", scores=scores)
        )
        assert raised.evidence == ("sunnybrook_forehead_spared",)

    def test_not_when_the_brow_is_weak_too(self):
        scores = (sunnybrook(TODAY, 40, vol_brow=2, vol_open_mouth_smile=2),)
        assert red_flags.forehead_sparing(facts(scores=scores)) is None

    def test_not_soon_after_toxin_in_the_lower_face(self):
        score = replace(
            sunnybrook(TODAY, 40, vol_open_mouth_smile=2), days_since_last_toxin=20
        )
        assert red_flags.forehead_sparing(facts(scores=(score,))) is None


class TestUnilateralLowerFaceMyokymia:
    def myokymia(self, **changes):
        return facts(condition="facial_myokymia", **changes)

    def test_one_side_reaching_the_mouth(self):
        raised = red_flags.unilateral_lower_face_myokymia(
            self.myokymia(onset_site="cheek", spread_sites=("mouth", "chin"))
        )
        assert raised.why == (
            "Myokymia of the left side only, in the mouth / perioral and chin.",
        )

    def test_not_the_eyelid_alone(self):
        eyelid = self.myokymia(onset_site="lower_eyelid", spread_sites=())
        assert red_flags.unilateral_lower_face_myokymia(eyelid) is None

    def test_not_on_both_sides(self):
        both = self.myokymia(laterality="bilateral", onset_site="mouth")
        assert red_flags.unilateral_lower_face_myokymia(both) is None


class TestMyokymiaInMs:
    def test_continuous_myokymia_in_a_case_of_ms(self):
        ms = facts(condition="multiple_sclerosis", findings=("continuous_myokymia",))
        assert red_flags.myokymia_in_ms(ms).flag == "ms_continuous_myokymia"

    def test_a_myokymia_case_of_a_patient_with_ms(self):
        case_facts = facts(
            condition="facial_myokymia",
            findings=("continuous_myokymia",),
            other_cases=(OtherCase("multiple_sclerosis", "n/a", None),),
        )
        assert red_flags.myokymia_in_ms(case_facts) is not None

    def test_not_without_ms(self):
        case_facts = facts(
            condition="facial_myokymia", findings=("continuous_myokymia",)
        )
        assert red_flags.myokymia_in_ms(case_facts) is None

    def test_not_without_continuous_myokymia(self):
        assert red_flags.myokymia_in_ms(facts(condition="multiple_sclerosis")) is None


class TestMyokymiaWithContracture:
    def test_myokymia_with_contracture(self):
        case_facts = facts(
            condition="facial_myokymia", findings=("facial_contracture",)
        )
        assert red_flags.myokymia_with_contracture(case_facts) is not None

    def test_not_a_contracture_without_myokymia(self):
        case_facts = facts(
            condition="post_paralytic_synkinesis", findings=("facial_contracture",)
        )
        assert red_flags.myokymia_with_contracture(case_facts) is None


class TestAtypicalOrBilateralHfs:
    def test_bilateral(self):
        raised = red_flags.atypical_or_bilateral_hfs(facts(laterality="bilateral"))
        assert raised.evidence == ("bilateral",)

    def test_starting_in_the_lower_face_and_spreading_up(self):
        raised = red_flags.atypical_or_bilateral_hfs(
            facts(onset_site="mouth", spread_sites=("cheek", "lower_eyelid"))
        )
        assert raised.why == (
            "Began in the mouth / perioral, spreading up to the lower eyelid.",
        )

    def test_not_a_typical_spasm_from_the_eye(self):
        assert red_flags.atypical_or_bilateral_hfs(HFS) is None

    def test_not_another_condition(self):
        blepharospasm = facts(condition="blepharospasm", laterality="bilateral")
        assert red_flags.atypical_or_bilateral_hfs(blepharospasm) is None


class TestEyeSymptomsWithIncompleteClosure:
    def test_with_incomplete_closure_on_examination(self):
        case_facts = facts(
            findings=("eye_pain_or_visual_change", "incomplete_eye_closure")
        )
        raised = red_flags.eye_symptoms_with_incomplete_closure(case_facts)
        assert raised.actions == ("refer_ophthalmology",)

    def test_with_a_house_brackmann_grade_of_four(self):
        case_facts = facts(
            findings=("eye_pain_or_visual_change",), scores=(hb(4, TODAY),)
        )
        assert red_flags.eye_symptoms_with_incomplete_closure(case_facts) is not None

    def test_in_a_bells_palsy(self):
        case_facts = facts(
            condition="bells_palsy", findings=("eye_pain_or_visual_change",)
        )
        assert red_flags.eye_symptoms_with_incomplete_closure(case_facts) is not None

    def test_not_in_an_eye_that_closes(self):
        case_facts = facts(
            findings=("eye_pain_or_visual_change",), scores=(hb(3, TODAY),)
        )
        assert red_flags.eye_symptoms_with_incomplete_closure(case_facts) is None

    def test_not_closure_alone(self):
        case_facts = facts(findings=("incomplete_eye_closure",))
        assert red_flags.eye_symptoms_with_incomplete_closure(case_facts) is None


class TestDistantSpread:
    def test_each_sign_is_evidence_and_suggests_an_urgent_review(self):
        signs = [
            SpreadSign(
                "adverse_effect:7",
                "Dysphagia",
                datetime.date(2026, 3, 4),
                datetime.date(2026, 3, 2),
            ),
            SpreadSign(
                "adverse_effect:9",
                "Diplopia",
                datetime.date(2026, 3, 3),
                datetime.date(2026, 3, 2),
            ),
        ]
        [raised] = red_flags.distant_spread(signs)
        assert raised.flag == "post_toxin_distant_spread"
        assert raised.actions == ("urgent_review",)
        assert raised.evidence == ("adverse_effect:9", "adverse_effect:7")
        assert raised.why[1] == (
            "Dysphagia from 4 Mar 2026, after the toxin session of 2 Mar 2026."
        )

    def test_no_sign_no_flag(self):
        assert red_flags.distant_spread([]) == []


class TestAcknowledgement:
    def test_a_flag_acknowledged_with_its_evidence_is_not_to_review(self):
        raised = red_flags.RaisedFlag("facial_weakness", ("A.",), (), ("finding:x",))
        assert red_flags.to_review([raised], [("facial_weakness", ["finding:x"])]) == []

    def test_new_evidence_raises_it_again(self):
        raised = red_flags.RaisedFlag(
            "post_toxin_distant_spread",
            (),
            (),
            ("adverse_effect:1", "adverse_effect:2"),
        )
        acknowledged = [("post_toxin_distant_spread", ["adverse_effect:1"])]
        assert red_flags.to_review([raised], acknowledged) == [
            "post_toxin_distant_spread"
        ]

    def test_an_acknowledgement_covers_its_own_flag_only(self):
        raised = red_flags.RaisedFlag("long_tract_signs", (), (), ("ticked",))
        assert red_flags.to_review([raised], [("facial_weakness", ["ticked"])]) == [
            "long_tract_signs"
        ]

    def test_a_ticked_and_a_raised_flag_are_one_entry(self):
        stored = {
            "record": {
                "facial_weakness": {
                    "why": ["B."],
                    "actions": ["order_mri"],
                    "evidence": ["e"],
                }
            }
        }
        [entry] = red_flags.merged(["facial_weakness"], stored)
        assert entry.why == ("Ticked on the case.", "B.")
        assert entry.evidence == ("ticked", "e")
        assert entry.actions == ("order_mri",)
