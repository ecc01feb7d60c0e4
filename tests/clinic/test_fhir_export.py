"""The FHIR R4 export of one patient (/patients/<id>/fhir/, clinic/fhir): every
resource and the Bundle validate with fhir.resources (R4B models), every
reference resolves inside the Bundle, codes carry their systems, each role gets
the kinds of record it may view, and the export is in the access log."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from clinic.fhir import codes
from clinic.models import AccessAction, AccessLog
from tests.factories import (
    AdverseEffectFactory,
    AppointmentFactory,
    AssessmentFactory,
    CaseFactory,
    GuardianFactory,
    InjectionFactory,
    MedicationOrderFactory,
    PatientFactory,
    ReferralFollowUpFactory,
    ResultedStudyFactory,
    TherapySessionFactory,
    ToxinSessionFactory,
    TreatmentCourseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# FHIR's required status bindings for the resources exported.
STATUSES = {
    "Observation": {
        "registered",
        "preliminary",
        "final",
        "amended",
        "entered-in-error",
    },
    "Procedure": {"completed", "entered-in-error", "in-progress", "not-done"},
    "MedicationAdministration": {"completed", "entered-in-error", "in-progress"},
    "MedicationRequest": {"active", "completed", "stopped", "entered-in-error"},
    "ServiceRequest": {"draft", "active", "completed", "revoked", "entered-in-error"},
    "DiagnosticReport": {"registered", "preliminary", "final", "entered-in-error"},
    "CarePlan": {"draft", "active", "on-hold", "revoked", "completed"},
    "QuestionnaireResponse": {"in-progress", "completed", "entered-in-error"},
    "Appointment": {"booked", "arrived", "fulfilled", "cancelled", "noshow"},
}


@pytest.fixture
def record():
    """A child with hemifacial spasm and one of every kind of record."""
    patient = PatientFactory(
        date_of_birth=datetime.date(2014, 5, 2),
        weight_kg=Decimal("38.5"),
        weight_measured_on=datetime.date(2026, 2, 1),
        phone="01632 960123",
    )
    GuardianFactory(patient=patient, relationship="mother", holds_consent=True)
    case = CaseFactory(patient=patient)
    mri = ResultedStudyFactory(
        case=case,
        status="reviewed",
        reviewed_at=datetime.datetime(2025, 6, 13, 9, tzinfo=datetime.UTC),
        reviewed_by=UserFactory(),
        mri_neurovascular_compression=True,
        mri_compression_side="right",
        mri_offending_vessels=["aica"],
    )
    ResultedStudyFactory(case=case, modality="emg", emg_lsr_latency_ms=Decimal("10.2"))
    AssessmentFactory(case=case)
    AssessmentFactory(
        case=case, instrument="house_brackmann", version="1985", answers={"grade": 4}
    )
    course = TreatmentCourseFactory(case=case)
    session = ToxinSessionFactory(course=course, vial__lot_number="C1234C3")
    InjectionFactory(session=session, units=Decimal("2.5"))
    InjectionFactory(session=session, side="left", muscle="frontalis", points=2)
    AdverseEffectFactory(session=session)
    ToxinSessionFactory(
        course=course,
        performed_at=session.performed_at - datetime.timedelta(days=120),
        entered_in_error=True,
        entered_in_error_reason="Charted on the wrong patient.",
    )
    TherapySessionFactory(course__case=case)
    MedicationOrderFactory(course__case=case)
    ReferralFollowUpFactory(referral__course__case=case, referral__outcome="partial")
    AppointmentFactory(patient=patient, course=course, kind="toxin_session")
    return {"patient": patient, "case": case, "mri": mri, "session": session}


def bundle_of(client, user, patient) -> dict:
    client.force_login(user)
    response = client.get(reverse("patient_fhir", args=[patient.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    return json.loads(response.content)


def resources(bundle, resource_type=None) -> list[dict]:
    return [
        entry["resource"]
        for entry in bundle["entry"]
        if resource_type in (None, entry["resource"]["resourceType"])
    ]


def walk(value):
    """Every dict inside a resource, itself included."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def unresolved(bundle) -> list[str]:
    held = {f"{r['resourceType']}/{r['id']}" for r in resources(bundle)}
    missing = []
    for resource in resources(bundle):
        contained = {f"#{inner['id']}" for inner in resource.get("contained", [])}
        for element in walk(resource):
            target = element.get("reference")
            if isinstance(target, str) and target not in held | contained:
                missing.append(f"{resource['id']} -> {target}")
    return missing


class TestBundle:
    def test_every_resource_and_the_bundle_validate(self, client, neurologist, record):
        bundle = bundle_of(client, neurologist, record["patient"])
        Bundle.model_validate(bundle)
        for resource in resources(bundle):
            get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        kinds = {resource["resourceType"] for resource in resources(bundle)}
        assert kinds == {
            "Patient",
            "RelatedPerson",
            "Condition",
            "ServiceRequest",
            "DiagnosticReport",
            "Observation",
            "QuestionnaireResponse",
            "CarePlan",
            "Procedure",
            "MedicationAdministration",
            "AdverseEvent",
            "MedicationRequest",
            "Appointment",
            "Practitioner",
            "Organization",
        }

    def test_every_reference_resolves_inside_the_bundle(
        self, client, neurologist, record
    ):
        bundle = bundle_of(client, neurologist, record["patient"])
        assert unresolved(bundle) == []
        full_urls = [entry["fullUrl"] for entry in bundle["entry"]]
        assert len(set(full_urls)) == len(full_urls)

    def test_codes_carry_their_systems_and_statuses_their_value_sets(
        self, client, neurologist, record
    ):
        bundle = bundle_of(client, neurologist, record["patient"])
        for resource in resources(bundle):
            for element in walk(resource):
                if "code" in element and isinstance(element.get("code"), str):
                    if "unit" not in element:  # a Coding, not a Quantity
                        assert element["system"].startswith(("http://", "https://"))
            allowed = STATUSES.get(resource["resourceType"])
            if allowed:
                assert resource["status"] in allowed, resource["id"]

    def test_the_condition_is_coded_with_side_and_onset(
        self, client, neurologist, record
    ):
        (condition,) = resources(
            bundle_of(client, neurologist, record["patient"]), "Condition"
        )
        codings = {(c["system"], c["code"]) for c in condition["code"]["coding"]}
        assert codings == {(codes.ICD10_CM, "G51.31"), (codes.SNOMED, "13753008")}
        assert condition["bodySite"][0]["coding"][0] == {
            "system": codes.SNOMED,
            "code": "24028007",
            "display": "Right",
        }
        assert condition["onsetDateTime"] == "2024-01-10"
        assert condition["clinicalStatus"]["coding"][0]["code"] == "active"

    def test_a_toxin_session_is_a_procedure_with_one_administration_a_site(
        self, client, neurologist, record
    ):
        session = record["session"]
        bundle = bundle_of(client, neurologist, record["patient"])
        procedure = next(
            r
            for r in resources(bundle, "Procedure")
            if r["id"] == f"toxinsession-{session.pk}"
        )
        assert procedure["code"]["coding"][0]["code"] == "64612"
        assert procedure["code"]["coding"][0]["system"] == codes.CPT
        assert procedure["performer"][0]["actor"]["reference"] == (
            f"Practitioner/{session.injector_id}"
        )
        assert procedure["reasonReference"][0]["reference"] == (
            f"Condition/case-{record['case'].pk}"
        )
        administered = [
            r
            for r in resources(bundle, "MedicationAdministration")
            if r["partOf"][0]["reference"] == f"Procedure/toxinsession-{session.pk}"
        ]
        assert len(administered) == 2
        frontalis = next(
            r for r in administered if "Frontalis" in r["dosage"]["site"]["text"]
        )
        assert frontalis["dosage"]["site"]["text"] == "Frontalis, left"
        assert frontalis["dosage"]["dose"]["value"] == 2.5
        assert frontalis["dosage"]["dose"]["unit"] == "U"
        assert frontalis["dosage"]["route"]["coding"][0]["code"] == "IM"
        (vial,) = frontalis["contained"]
        assert vial["batch"] == {"lotNumber": "C1234C3", "expirationDate": "2027-01-31"}
        assert {c["code"] for c in vial["code"]["coding"]} == {
            "onabotulinumtoxina",
            "J0585",
        }

    def test_records_entered_in_error_are_marked_not_left_out(
        self, client, neurologist, record
    ):
        bundle = bundle_of(client, neurologist, record["patient"])
        statuses = sorted(r["status"] for r in resources(bundle, "Procedure"))
        assert "entered-in-error" in statuses

    def test_scores_carry_instrument_version_items_and_totals(
        self, client, neurologist, record
    ):
        bundle = bundle_of(client, neurologist, record["patient"])
        (jrs,) = [
            r
            for r in resources(bundle, "QuestionnaireResponse")
            if "/jrs|" in r["questionnaire"]
        ]
        assert jrs["questionnaire"].endswith("/Questionnaire/jrs|hfs-adapted")
        assert {
            item["linkId"]: item["answer"][0]["valueInteger"] for item in jrs["item"]
        } == {
            "severity": 3,
            "frequency": 2,
        }
        scores = {
            r["code"]["coding"][0]["code"]: r
            for r in resources(bundle, "Observation")
            if r["category"][0]["coding"][0]["code"] == "survey"
        }
        assert scores["jrs"]["valueInteger"] == 5
        assert scores["jrs"]["derivedFrom"][0]["reference"] == (
            f"QuestionnaireResponse/{jrs['id']}"
        )
        grade = scores["house_brackmann"]["valueCodeableConcept"]["coding"][0]
        assert (grade["code"], grade["display"]) == ("4", "Grade IV")

    def test_study_findings_are_observations_of_the_report(
        self, client, neurologist, record
    ):
        mri = record["mri"]
        bundle = bundle_of(client, neurologist, record["patient"])
        report = next(
            r
            for r in resources(bundle, "DiagnosticReport")
            if r["id"] == f"study-{mri.pk}"
        )
        assert report["status"] == "final"
        assert report["resultsInterpreter"][0]["reference"] == (
            f"Practitioner/{mri.reviewed_by_id}"
        )
        findings = {ref["reference"].split("/")[1]: None for ref in report["result"]}
        observations = {
            r["id"]: r for r in resources(bundle, "Observation") if r["id"] in findings
        }
        compression = observations[f"study-{mri.pk}-mri-neurovascular-compression"]
        assert compression["valueBoolean"] is True
        vessels = observations[f"study-{mri.pk}-mri-offending-vessels"]
        assert "AICA" in vessels["valueString"]


class TestWhoMayExport:
    def test_a_scheduler_gets_demographics_and_appointments_only(
        self, client, scheduler, record
    ):
        bundle = bundle_of(client, scheduler, record["patient"])
        assert {r["resourceType"] for r in resources(bundle)} == {
            "Patient",
            "Observation",  # the weight, part of the demographics the role keeps
            "RelatedPerson",
            "Appointment",
            "Practitioner",
            "Organization",
        }
        assert unresolved(bundle) == []
        Bundle.model_validate(bundle)

    def test_a_therapist_gets_no_medication_or_referrals(
        self, client, therapist, record
    ):
        bundle = bundle_of(client, therapist, record["patient"])
        kinds = {r["resourceType"] for r in resources(bundle)}
        assert "MedicationRequest" not in kinds
        assert not [
            r for r in resources(bundle, "ServiceRequest") if "referral" in r["id"]
        ]
        assert unresolved(bundle) == []

    def test_no_role_is_refused_and_signed_out_goes_to_sign_in(
        self, client, outsider, record
    ):
        url = reverse("patient_fhir", args=[record["patient"].pk])
        assert client.get(url).status_code == 302
        client.force_login(outsider)
        assert client.get(url).status_code == 403
        assert not AccessLog.objects.exists()

    def test_each_export_is_in_the_access_log(self, client, neurologist, record):
        bundle_of(client, neurologist, record["patient"])
        entry = AccessLog.objects.get()
        assert (entry.user, entry.patient, entry.action) == (
            neurologist,
            record["patient"],
            AccessAction.EXPORT,
        )

    def test_queries_do_not_grow_with_records(self, client, neurologist, record):
        client.force_login(neurologist)
        url = reverse("patient_fhir", args=[record["patient"].pk])
        with CaptureQueriesContext(connection) as baseline:
            client.get(url)
        course = record["session"].course
        for _ in range(3):
            session = ToxinSessionFactory(course=course)
            InjectionFactory(session=session)
            AdverseEffectFactory(session=session)
            AssessmentFactory(case=record["case"])
        with CaptureQueriesContext(connection) as grown:
            client.get(url)
        assert len(grown) == len(baseline)
