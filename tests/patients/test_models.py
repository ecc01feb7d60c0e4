import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from patients.models import Case, Patient, StudyStatus
from tests.constraints import assert_refused
from tests.factories import (
    AssessmentFactory,
    CaseFactory,
    DiagnosticStudyFactory,
    PatientFactory,
    ResultedStudyFactory,
    UserFactory,
    build_with_saved_relations,
)

pytestmark = pytest.mark.django_db


class TestPatient:
    def test_mrn_is_unique(self):
        PatientFactory(mrn="ABC123")
        duplicate = PatientFactory.build(mrn="ABC123")
        with pytest.raises(ValidationError, match="already has this MRN"):
            duplicate.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            duplicate.save()

    def test_mrn_format_is_enforced(self):
        patient = PatientFactory.build(mrn="abc 123")
        with pytest.raises(ValidationError) as excinfo:
            patient.full_clean()
        assert excinfo.value.message_dict["mrn"] == [
            "An MRN is 3 to 20 capital letters, digits or hyphens."
        ]

    def test_weight_needs_its_date(self):
        assert_refused(
            PatientFactory,
            "Record the date the weight was measured.",
            weight_kg=Decimal("30.0"),
        )

    def test_weight_must_be_plausible(self):
        assert_refused(
            PatientFactory,
            "Weight must be between 0 and 400 kg.",
            weight_kg=Decimal("0"),
            weight_measured_on=datetime.date(2026, 1, 1),
        )

    def test_weight_cannot_be_measured_before_birth(self):
        assert_refused(
            PatientFactory,
            "cannot be measured before birth",
            weight_kg=Decimal("3.4"),
            weight_measured_on=datetime.date(1960, 1, 1),
        )

    def test_reminder_consent_needs_a_channel(self):
        assert_refused(
            PatientFactory, "Choose how reminders are sent.", reminder_consent=True
        )

    def test_sex_must_be_a_choice(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            PatientFactory(sex="x")

    def test_date_of_birth_cannot_be_in_the_future(self):
        patient = PatientFactory.build(date_of_birth=datetime.date(2999, 1, 1))
        with pytest.raises(ValidationError, match="cannot be in the future"):
            patient.full_clean()

    @pytest.mark.parametrize(
        ("day", "age"),
        [
            (datetime.date(2026, 5, 16), 57),
            (datetime.date(2026, 5, 17), 58),
            (datetime.date(2026, 12, 31), 58),
        ],
    )
    def test_age_turns_on_the_birthday(self, day, age):
        patient = Patient(date_of_birth=datetime.date(1968, 5, 17))
        assert patient.age_on(day) == age

    def test_minor_until_the_eighteenth_birthday(self):
        patient = Patient(date_of_birth=datetime.date(2008, 11, 22))
        assert patient.is_minor_on(datetime.date(2026, 11, 21)) is True
        assert patient.is_minor_on(datetime.date(2026, 11, 22)) is False

    def test_a_patient_with_clinical_records_cannot_be_deleted(self):
        case = CaseFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Patient.objects.filter(pk=case.patient_id).delete()

    def test_history_keeps_every_change(self):
        patient = PatientFactory(given_name="Maria")
        patient.given_name = "Mara"
        patient.save()
        assert [h.given_name for h in patient.history.all()] == ["Mara", "Maria"]


class TestCase:
    def test_hemifacial_spasm_needs_a_side(self):
        assert_refused(
            CaseFactory,
            "Hemifacial spasm needs a side",
            laterality="n/a",
            icd10_code="G51.39",
        )

    def test_non_billable_header_is_refused_with_the_leaf_codes(self):
        case = CaseFactory.build(patient=PatientFactory(), icd10_code="G51.3")
        with pytest.raises(ValidationError) as excinfo:
            case.full_clean()
        message = excinfo.value.message_dict["icd10_code"][0]
        assert "G51.3 is a non-billable category header" in message
        assert "G51.31" in message

    def test_hemifacial_spasm_code_must_match_the_side(self):
        case = CaseFactory.build(
            patient=PatientFactory(), laterality="left", icd10_code="G51.31"
        )
        with pytest.raises(ValidationError) as excinfo:
            case.full_clean()
        assert excinfo.value.message_dict["icd10_code"] == [
            "G51.31 does not match the left side; use G51.32."
        ]

    def test_code_of_another_condition_is_refused(self):
        case = CaseFactory.build(
            patient=PatientFactory(),
            condition="blepharospasm",
            laterality="bilateral",
            icd10_code="G51.0",
        )
        with pytest.raises(ValidationError, match="not a code for this condition"):
            case.full_clean()

    def test_code_is_normalised(self):
        case = CaseFactory.build(patient=PatientFactory(), icd10_code=" g51.31 ")
        case.full_clean()
        assert case.icd10_code == "G51.31"

    def test_unconfirmed_codes_come_from_settings(self, settings):
        settings.CLINIC_UNCONFIRMED_CONDITION_CODES = {
            "post_paralytic_synkinesis": ("G51.9",)
        }
        case = CaseFactory.build(
            patient=PatientFactory(),
            condition="post_paralytic_synkinesis",
            laterality="left",
            icd10_code="G51.8",
        )
        with pytest.raises(ValidationError, match="G51.9"):
            case.full_clean()
        case.icd10_code = "G51.9"
        case.full_clean()

    def test_bells_palsy_needs_onset_time(self):
        assert_refused(
            CaseFactory,
            "Bell's palsy needs the onset date and time.",
            condition="bells_palsy",
            icd10_code="G51.0",
            laterality="left",
        )

    def test_bells_palsy_onset_date_follows_onset_time(self):
        onset = datetime.datetime(2026, 3, 1, 7, 30, tzinfo=datetime.UTC)
        case = CaseFactory.build(
            patient=PatientFactory(),
            condition="bells_palsy",
            icd10_code="G51.0",
            laterality="left",
            onset_date=None,
            onset_at=onset,
            opened_on=datetime.date(2026, 3, 2),
        )
        case.full_clean()
        assert case.onset_date == datetime.date(2026, 3, 1)

    def test_case_cannot_close_before_it_opened(self):
        assert_refused(
            CaseFactory,
            "A case cannot close before it was opened.",
            status="resolved",
            closed_on=datetime.date(2025, 5, 1),
        )

    def test_resolved_case_needs_a_closing_date(self):
        assert_refused(CaseFactory, "needs a closing date", status="resolved")

    def test_open_case_has_no_closing_date(self):
        assert_refused(
            CaseFactory, "an open case has none", closed_on=datetime.date(2026, 1, 1)
        )

    def test_onset_cannot_follow_opening(self):
        assert_refused(
            CaseFactory,
            "The onset cannot be after the case opened.",
            onset_date=datetime.date(2025, 7, 1),
        )

    def test_entered_in_error_needs_a_reason(self):
        assert_refused(
            CaseFactory,
            "Say why the record was entered in error.",
            entered_in_error=True,
        )

    def test_red_flags_must_come_from_the_list(self):
        case = CaseFactory.build(patient=PatientFactory(), red_flags=["headache"])
        with pytest.raises(
            ValidationError, match="Not a choice on this list: headache"
        ):
            case.full_clean()

    def test_red_flag_labels(self):
        case = Case(red_flags=["facial_weakness"])
        assert case.has_red_flag is True
        assert case.red_flag_labels() == ["Twitching with facial weakness"]

    def test_red_flag_labels_of_ticked_and_raised_flags_in_the_lists_order(self):
        case = Case(
            red_flags=["long_tract_signs"],
            raised_red_flags={
                "record": {"facial_weakness": {"why": ["A."], "evidence": ["x"]}}
            },
            red_flags_to_review=["facial_weakness"],
        )
        assert case.red_flag_labels() == [
            "Twitching with facial weakness",
            "Long-tract signs",
        ]
        assert case.red_flag_labels_waiting() == ["Twitching with facial weakness"]


class TestDiagnosticStudy:
    def test_performed_study_needs_its_date(self):
        assert_refused(
            DiagnosticStudyFactory,
            "Record the date the study was performed.",
            status=StudyStatus.PERFORMED,
        )

    def test_result_needs_a_performed_date_before_it(self):
        assert_refused(
            DiagnosticStudyFactory,
            "A result needs a performed date on or before it.",
            status=StudyStatus.RESULTED,
            performed_on=datetime.date(2025, 6, 10),
            resulted_on=datetime.date(2025, 6, 9),
        )

    def test_reviewed_study_needs_reviewer(self):
        assert_refused(
            DiagnosticStudyFactory,
            "A reviewed study needs who reviewed it and when.",
            status=StudyStatus.REVIEWED,
            performed_on=datetime.date(2025, 6, 10),
            resulted_on=datetime.date(2025, 6, 12),
        )

    def test_cannot_be_performed_before_ordered(self):
        assert_refused(
            DiagnosticStudyFactory,
            "cannot be performed before it was ordered",
            performed_on=datetime.date(2025, 5, 1),
        )

    def test_findings_of_another_modality_are_refused(self):
        study = DiagnosticStudyFactory.build(
            case=CaseFactory(),
            ordered_by=UserFactory(),
            modality="eeg",
            emg_lateral_spread_response=True,
        )
        with pytest.raises(ValidationError) as excinfo:
            study.full_clean()
        assert excinfo.value.message_dict["emg_lateral_spread_response"] == [
            "EMG findings belong on an EMG study."
        ]

    def test_offending_vessels_are_a_multi_choice(self):
        study = DiagnosticStudyFactory.build(
            case=CaseFactory(),
            ordered_by=UserFactory(),
            mri_offending_vessels=["aica", "vein"],
        )
        study.full_clean()
        study.mri_offending_vessels = ["carotid"]
        with pytest.raises(ValidationError, match="carotid"):
            study.full_clean()

    def test_awaiting_review_lists_resulted_studies_only(self):
        resulted = DiagnosticStudyFactory(
            status=StudyStatus.RESULTED,
            performed_on=datetime.date(2025, 6, 10),
            resulted_on=datetime.date(2025, 6, 12),
        )
        DiagnosticStudyFactory()
        assert list(resulted._meta.model.objects.awaiting_review()) == [resulted]


class TestAssessment:
    def test_totals_are_computed_as_stored(self):
        assessment = AssessmentFactory(answers={"severity": 4, "frequency": 3})
        assessment.refresh_from_db()
        assert assessment.totals == {"total": 7}
        assert assessment.score == Decimal("7")

    def test_out_of_range_answer_is_refused_naming_the_item(self):
        assessment = AssessmentFactory.build(
            case=CaseFactory(),
            rater=UserFactory(),
            answers={"severity": 5, "frequency": 1},
        )
        with pytest.raises(ValidationError) as excinfo:
            assessment.full_clean()
        assert "Severity" in excinfo.value.message_dict["answers"][0]

    def test_unknown_version_is_refused(self):
        assessment = AssessmentFactory.build(
            case=CaseFactory(), rater=UserFactory(), version="1999"
        )
        with pytest.raises(ValidationError) as excinfo:
            assessment.full_clean()
        assert "version" in excinfo.value.message_dict

    def test_per_side_scale_needs_a_side(self):
        assessment = AssessmentFactory.build(
            case=CaseFactory(),
            rater=UserFactory(),
            instrument="house_brackmann",
            version="1985",
            answers={"grade": 3},
        )
        with pytest.raises(ValidationError) as excinfo:
            assessment.full_clean()
        assert excinfo.value.message_dict["side"] == [
            "House-Brackmann facial nerve grade is graded per side."
        ]
        assessment.side = "left"
        assessment.full_clean()
        assert assessment.score == Decimal("3")

    def test_sunnybrook_composite_is_not_clamped(self):
        answers = {
            "rest_eye": 1,
            "rest_cheek": 2,
            "rest_mouth": 1,
            **{
                f"vol_{e}": 1
                for e in (
                    "brow",
                    "gentle_eye_closure",
                    "open_mouth_smile",
                    "snarl",
                    "lip_pucker",
                )
            },
            **{
                f"syn_{e}": 3
                for e in (
                    "brow",
                    "gentle_eye_closure",
                    "open_mouth_smile",
                    "snarl",
                    "lip_pucker",
                )
            },
        }
        assessment = AssessmentFactory(
            instrument="sunnybrook", version="ross-1996", side="left", answers=answers
        )
        assessment.refresh_from_db()
        assert assessment.score == Decimal("-15")
        assert assessment.totals["composite"] == -15


def field_errors(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    return excinfo.value.message_dict


class TestMessagesNextToTheField:
    """Each constraint a form user can trip is also reported under its field, once."""

    @pytest.mark.parametrize(
        ("values", "field", "message"),
        [
            (
                {"status": "resolved", "closed_on": datetime.date(2025, 5, 1)},
                "closed_on",
                "A case cannot close before it was opened.",
            ),
            (
                {"status": "discharged"},
                "closed_on",
                "A resolved or discharged case needs a closing date.",
            ),
            (
                {"closed_on": datetime.date(2025, 7, 1)},
                "closed_on",
                "Clear the closing date or choose resolved or discharged: an open "
                "case has none.",
            ),
            (
                {"onset_date": datetime.date(2025, 7, 1)},
                "onset_date",
                "The onset cannot be after the case opened.",
            ),
            (
                {"laterality": "n/a"},
                "laterality",
                "Hemifacial spasm needs a side: right, left or bilateral.",
            ),
            (
                {"condition": "bells_palsy", "icd10_code": "G51.0"},
                "onset_at",
                "Bell's palsy needs the onset date and time.",
            ),
        ],
    )
    def test_case(self, values, field, message):
        case = build_with_saved_relations(CaseFactory, **values)
        assert field_errors(case) == {field: [message]}
        with pytest.raises(IntegrityError), transaction.atomic():
            case.save()

    @pytest.mark.parametrize(
        ("values", "field", "message"),
        [
            (
                {"performed_on": datetime.date(2025, 5, 1)},
                "performed_on",
                "A study cannot be performed before it was ordered. If it was "
                'performed at another centre, mark it "performed externally".',
            ),
            (
                {"status": StudyStatus.PERFORMED},
                "performed_on",
                "Record the date the study was performed.",
            ),
            (
                {"resulted_on": datetime.date(2025, 6, 12)},
                "performed_on",
                "A result needs a performed date on or before it.",
            ),
            (
                {
                    "status": StudyStatus.RESULTED,
                    "performed_on": datetime.date(2025, 6, 10),
                    "resulted_on": datetime.date(2025, 6, 9),
                },
                "resulted_on",
                "A result needs a performed date on or before it.",
            ),
            (
                {
                    "status": StudyStatus.RESULTED,
                    "performed_on": datetime.date(2025, 6, 10),
                },
                "resulted_on",
                "Record the date the result arrived.",
            ),
        ],
    )
    def test_study(self, values, field, message):
        study = build_with_saved_relations(DiagnosticStudyFactory, **values)
        assert field_errors(study) == {field: [message]}
        with pytest.raises(IntegrityError), transaction.atomic():
            study.save()

    def test_hemifacial_spasm_without_side_keeps_its_code_message(self):
        case = build_with_saved_relations(
            CaseFactory, laterality="n/a", icd10_code="G51.39"
        )
        errors = field_errors(case)
        assert errors["laterality"] == [
            "Hemifacial spasm needs a side: right, left or bilateral."
        ]
        assert "not a code for this condition" in errors["icd10_code"][0]


class TestFormTokens:
    @pytest.mark.parametrize("factory", [CaseFactory, DiagnosticStudyFactory])
    def test_a_form_token_saves_one_record(self, factory):
        token = uuid.uuid4()
        factory(form_token=token)
        with pytest.raises(IntegrityError), transaction.atomic():
            factory(form_token=token)

    @pytest.mark.parametrize("factory", [CaseFactory, DiagnosticStudyFactory])
    def test_records_without_a_token_are_not_limited(self, factory):
        factory.create_batch(2)
        assert factory._meta.model.objects.filter(form_token=None).count() == 2


class TestReviewPermission:
    def test_neurologists_sign_off_results(self, neurologist):
        assert neurologist.has_perm("patients.review_diagnosticstudy") is True

    @pytest.mark.parametrize(
        "persona", ["clinic_admin", "injector", "therapist", "scheduler"]
    )
    def test_other_roles_do_not(self, request, persona):
        user = request.getfixturevalue(persona)
        assert user.has_perm("patients.review_diagnosticstudy") is False


def test_open_cases_leave_out_closed_ones_and_those_entered_in_error():
    open_case = CaseFactory()
    CaseFactory(status="resolved", closed_on=datetime.date(2026, 1, 5))
    CaseFactory(entered_in_error=True, entered_in_error_reason="Wrong patient.")
    flagged = CaseFactory(red_flags=["facial_weakness"])
    raised = CaseFactory(
        raised_red_flags={"toxin": {"post_toxin_distant_spread": {}}},
        red_flags_to_review=["post_toxin_distant_spread"],
    )
    acknowledged = CaseFactory(red_flags=["long_tract_signs"], red_flags_to_review=[])
    assert set(Case.objects.open()) == {open_case, flagged, raised, acknowledged}
    assert set(Case.objects.open().with_red_flags()) == {flagged, raised, acknowledged}
    assert set(Case.objects.open().with_red_flags_to_review()) == {flagged, raised}


def test_a_study_awaits_sign_off_once_resulted_unless_entered_in_error():
    resulted = ResultedStudyFactory()
    assert resulted.awaits_sign_off
    resulted.entered_in_error = True
    assert not resulted.awaits_sign_off
    assert not DiagnosticStudyFactory().awaits_sign_off  # only ordered
