"""Cases, studies and scores as FHIR: Condition; ServiceRequest, DiagnosticReport
and one Observation per structured finding; QuestionnaireResponse (the items)
with an Observation of the scores (DOMAIN.md section 7)."""

from decimal import Decimal

from django.conf import settings

from clinic.fhir import codes
from clinic.fhir.references import References, day, instant, without_empty
from patients import scales
from patients.models import FINDING_FIELDS, DiagnosticStudy

CLOSED_CASE_STATUS = {"resolved": "resolved", "discharged": "inactive"}
REPORTED_STUDY = {"resulted": "preliminary", "reviewed": "final"}
STUDY_ORDER_STATUS = {
    "cancelled": "revoked",
    "resulted": "completed",
    "reviewed": "completed",
}
FINDING_CATEGORY = {"mri": "imaging"}
# Scores that are grades: written as a code of the grade (DOMAIN.md section 7).
GRADED_INSTRUMENTS = frozenset({"house_brackmann", "smc"})


def condition_code(case) -> dict:
    found = []
    if case.icd10_code:
        icd = codes.coding(
            codes.ICD10_CM, case.icd10_code, case.get_condition_display()
        )
        if case.code_system_version:
            icd["version"] = case.code_system_version
        found.append(icd)
    if case.condition in codes.CONDITION_SNOMED:
        found.append(
            codes.coding(codes.SNOMED, *codes.CONDITION_SNOMED[case.condition])
        )
    if case.icd10_code == codes.TOURETTE_ICD10:
        found.append(codes.coding(codes.SNOMED, *codes.TOURETTE_SNOMED))
    return codes.concept(*found, text=case.get_condition_display())


def condition_resource(case, refs: References) -> dict:
    closed = CLOSED_CASE_STATUS.get(case.status)
    if case.entered_in_error:
        verification = "entered-in-error"
    else:
        verification = "provisional" if case.status == "assessment" else "confirmed"
    side = codes.laterality(case.laterality)
    return without_empty(
        {
            "resourceType": "Condition",
            "id": f"case-{case.pk}",
            # A record entered in error has no clinical status (FHIR con-5).
            "clinicalStatus": None
            if case.entered_in_error
            else codes.concept(
                codes.coding(codes.CONDITION_CLINICAL, closed or "active")
            ),
            "verificationStatus": codes.concept(
                codes.coding(codes.CONDITION_VERIFICATION, verification)
            ),
            "category": [
                codes.concept(
                    codes.coding(codes.CONDITION_CATEGORY, "problem-list-item")
                )
            ],
            "code": condition_code(case),
            "bodySite": [side] if side else [],
            "subject": {"reference": f"Patient/{case.patient_id}"},
            "onsetDateTime": instant(case.onset_at) or day(case.onset_date),
            "abatementDateTime": day(case.closed_on) if closed else None,
            "recordedDate": day(case.opened_on),
            "asserter": refs.practitioner(case.responsible_neurologist_id),
            "note": [{"text": case.notes}] if case.notes else [],
        }
    )


def _study_code(study) -> dict:
    concept = codes.local_concept(
        "study-modalities", study.modality, study.get_modality_display()
    )
    if study.description:
        concept["text"] = f"{study.get_modality_display()}: {study.description}"
    return concept


def study_order_resource(study, refs: References) -> dict:
    status = STUDY_ORDER_STATUS.get(study.status, "active")
    return without_empty(
        {
            "resourceType": "ServiceRequest",
            "id": f"study-{study.pk}",
            "status": "entered-in-error" if study.entered_in_error else status,
            "intent": "order",
            "code": _study_code(study),
            "subject": {"reference": f"Patient/{study.case.patient_id}"},
            "authoredOn": day(study.ordered_on),
            "requester": refs.practitioner(study.ordered_by_id),
            "reasonReference": [refs.to("case", "Condition", f"case-{study.case_id}")],
        }
    )


def _finding_value(study, name: str) -> dict:
    field = DiagnosticStudy._meta.get_field(name)
    value = getattr(study, name)
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, Decimal):
        return {
            "valueQuantity": {
                "value": float(value),
                "unit": "ms",
                "system": codes.UCUM,
                "code": "ms",
            }
        }
    if isinstance(value, list):
        return {"valueString": ", ".join(field.labels(value))}
    if field.choices:
        side = codes.laterality(value)
        display = getattr(study, f"get_{name}_display")()
        return {
            "valueCodeableConcept": side
            or codes.local_concept(f"finding-{name.replace('_', '-')}", value, display)
        }
    return {"valueString": str(value)}


def finding_resources(study, status: str) -> list[dict]:
    """One Observation per finding recorded on the study."""
    category = FINDING_CATEGORY.get(study.modality, "procedure")
    found = []
    for name in FINDING_FIELDS.get(study.modality, ()):
        if getattr(study, name) in (None, "", []):
            continue
        label = str(DiagnosticStudy._meta.get_field(name).verbose_name)
        found.append(
            {
                "resourceType": "Observation",
                "id": f"study-{study.pk}-{name.replace('_', '-')}",
                "status": status,
                "category": [
                    codes.concept(codes.coding(codes.OBSERVATION_CATEGORY, category))
                ],
                "code": codes.local_concept("study-findings", name, label.capitalize()),
                "subject": {"reference": f"Patient/{study.case.patient_id}"},
                **_finding_value(study, name),
            }
        )
    return found


def study_report_resources(study, refs: References) -> list[dict]:
    """The DiagnosticReport and its finding Observations, once resulted."""
    if study.status not in REPORTED_STUDY:
        return []
    status = (
        "entered-in-error" if study.entered_in_error else REPORTED_STUDY[study.status]
    )
    findings = finding_resources(study, status)
    report = without_empty(
        {
            "resourceType": "DiagnosticReport",
            "id": f"study-{study.pk}",
            "basedOn": [{"reference": f"ServiceRequest/study-{study.pk}"}],
            "status": status,
            "code": _study_code(study),
            "subject": {"reference": f"Patient/{study.case.patient_id}"},
            "effectiveDateTime": day(study.performed_on),
            "issued": instant(study.reviewed_at),
            "resultsInterpreter": [
                ref for ref in [refs.practitioner(study.reviewed_by_id)] if ref
            ],
            "result": [
                {"reference": f"Observation/{finding['id']}"} for finding in findings
            ],
            "conclusion": study.impression,
        }
    )
    return [report, *findings]


def _answer(value) -> list[dict]:
    """An item's answer: a number, or a word such as "na" (not applicable)."""
    if value is None:
        return []
    if isinstance(value, int) and not isinstance(value, bool):
        return [{"valueInteger": value}]
    if isinstance(value, (float, Decimal)):
        return [{"valueDecimal": float(value)}]
    return [{"valueString": str(value)}]


def _number(value) -> dict:
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return {"valueInteger": int(number)}
    return {"valueQuantity": {"value": float(number)}}


def questionnaire_url(assessment) -> str:
    base = settings.CLINIC_FHIR_BASE_URL
    return f"{base}/Questionnaire/{assessment.instrument}|{assessment.version}"


def assessment_resources(assessment, refs: References) -> list[dict]:
    """The answers as a QuestionnaireResponse of the instrument's version, and
    the scores as an Observation derived from it."""
    definition = scales.get_definition(assessment.instrument, assessment.version)
    status = "entered-in-error" if assessment.entered_in_error else None
    subject = {"reference": f"Patient/{assessment.case.patient_id}"}
    rater = refs.practitioner(assessment.rater_id)
    response_id = f"assessment-{assessment.pk}"
    labels = {item.code: item.label for item in definition.items}
    response = without_empty(
        {
            "resourceType": "QuestionnaireResponse",
            "id": response_id,
            "questionnaire": questionnaire_url(assessment),
            "status": status or "completed",
            "subject": subject,
            "authored": day(assessment.assessed_on),
            "author": rater,
            "item": [
                without_empty(
                    {"linkId": code, "text": labels.get(code), "answer": _answer(value)}
                )
                for code, value in assessment.answers.items()
            ],
        }
    )
    side = codes.laterality(assessment.side)
    score = {
        "resourceType": "Observation",
        "id": response_id,
        "status": status or "final",
        "category": [codes.concept(codes.coding(codes.OBSERVATION_CATEGORY, "survey"))],
        "code": codes.local_concept(
            "facial-scales", assessment.instrument, definition.name
        ),
        "subject": subject,
        "effectiveDateTime": day(assessment.assessed_on),
        "performer": [rater],
        "bodySite": side,
        "derivedFrom": [{"reference": f"QuestionnaireResponse/{response_id}"}],
        "component": [
            {
                "code": codes.local_concept("facial-scale-totals", key, key),
                **_number(value),
            }
            for key, value in assessment.totals.items()
        ],
        "note": [{"text": assessment.notes}] if assessment.notes else [],
        **_score_value(assessment),
    }
    return [response, without_empty(score)]


def _score_value(assessment) -> dict:
    """The headline score: a grade as a code (House-Brackmann V), else a number."""
    written = scales.written_score(assessment.instrument, assessment.score)
    if assessment.instrument in GRADED_INSTRUMENTS:
        code = str(int(assessment.score))
        return {
            "valueCodeableConcept": codes.local_concept(
                f"{assessment.instrument.replace('_', '-')}-grades",
                code,
                f"Grade {written}",
            )
        }
    return _number(assessment.score)
