"""Patients' records as FHIR resources, gathered a group of patients at a time in
a fixed number of queries, and one patient's as a Bundle.

Each kind of record goes only to a reader whose role may view it (as on the
chart); records entered in error are exported marked so, as FHIR expects, not
left out.
"""

from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from clinic.fhir import findings, people, referrals, treatment
from clinic.fhir.references import References, instant
from clinic.models import User
from patients.models import Assessment, Case, DiagnosticStudy, Guardian, Patient
from scheduling.models import Appointment
from treatments.models import (
    Injection,
    MedicationOrder,
    Referral,
    ReferralFollowUp,
    TherapySession,
    ToxinSession,
    TreatmentCourse,
)


def _case_records(ids: list[int], refs: References) -> Iterator[dict]:
    if refs.holds("case"):
        for case in Case.objects.filter(patient__in=ids).order_by("pk"):
            yield findings.condition_resource(case, refs)
    if refs.holds("study"):
        studies = DiagnosticStudy.objects.filter(case__patient__in=ids)
        for study in studies.select_related("case").order_by("pk"):
            yield findings.study_order_resource(study, refs)
            yield from findings.study_report_resources(study, refs)
    if refs.holds("assessment"):
        assessments = Assessment.objects.filter(case__patient__in=ids)
        for assessment in assessments.select_related("case").order_by("pk"):
            yield from findings.assessment_resources(assessment, refs)


def _sessions(ids: list[int]):
    injections = Injection.objects.select_related("vial").order_by("pk")
    return (
        ToxinSession.objects.filter(course__case__patient__in=ids)
        .select_related("course__case")
        .prefetch_related(
            Prefetch("injections", queryset=injections), "adverse_effects"
        )
        .order_by("pk")
    )


def _toxin_records(ids: list[int], refs: References) -> Iterator[dict]:
    if not refs.holds("session"):
        return
    for session in _sessions(ids):
        yield treatment.session_resource(session, refs)
        if refs.holds("injection"):
            for injection in session.injections.all():
                yield treatment.injection_resource(injection, session, refs)
        if refs.holds("adverse_effect"):
            for effect in session.adverse_effects.all():
                yield treatment.adverse_effect_resource(effect, session, refs)


def _course_records(ids: list[int], refs: References) -> Iterator[dict]:
    by_course = {"case__patient__in": ids}
    through_course = {"course__case__patient__in": ids}
    if refs.holds("course"):
        courses = TreatmentCourse.objects.filter(**by_course).select_related("case")
        for course in courses.order_by("pk"):
            yield treatment.course_resource(course, refs)
    yield from _toxin_records(ids, refs)
    if refs.holds("therapy"):
        therapy = TherapySession.objects.filter(**through_course)
        for session in therapy.select_related("course__case").order_by("pk"):
            yield treatment.therapy_resource(session, refs)
    if refs.holds("medication"):
        orders = MedicationOrder.objects.filter(**through_course)
        for order in orders.select_related("course__case").order_by("pk"):
            yield treatment.medication_resource(order, refs)
    if refs.holds("referral"):
        sent = Referral.objects.filter(**through_course)
        for referral in sent.select_related("course__case").order_by("pk"):
            yield from referrals.referral_resources(referral, refs)
    if refs.holds("followup"):
        followups = ReferralFollowUp.objects.filter(
            referral__course__case__patient__in=ids
        )
        for followup in followups.select_related("referral__course__case").order_by(
            "pk"
        ):
            yield referrals.followup_resource(followup, refs)


def patient_resources(patients: Iterable[Patient], refs: References) -> Iterator[dict]:
    """Every resource of these patients that refs holds; the practitioners they
    name are collected in refs, to be written by practitioner_resources."""
    patients = list(patients)
    ids = [patient.pk for patient in patients]
    for patient in patients:
        yield people.patient_resource(patient, refs)
        weight = people.weight_resource(patient)
        if weight is not None:
            yield weight
    if refs.holds("guardian"):
        for guardian in Guardian.objects.filter(patient__in=ids).order_by("pk"):
            yield people.guardian_resource(guardian)
    yield from _case_records(ids, refs)
    yield from _course_records(ids, refs)
    if refs.holds("appointment"):
        for appointment in Appointment.objects.filter(patient__in=ids).order_by("pk"):
            yield referrals.appointment_resource(appointment, refs)


def practitioner_resources(refs: References) -> Iterator[dict]:
    """The clinicians the resources name, and the clinic."""
    for user in User.objects.filter(pk__in=refs.practitioner_ids).order_by("pk"):
        yield people.practitioner_resource(user)
    yield people.organization_resource()


def full_url(resource: dict) -> str:
    base = settings.CLINIC_FHIR_BASE_URL
    return f"{base}/{resource['resourceType']}/{resource['id']}"


def patient_bundle(patient: Patient, refs: References) -> dict:
    """One patient's record as a Bundle of type collection: every reference in
    it resolves to one of its entries."""
    resources = list(patient_resources([patient], refs))
    resources += practitioner_resources(refs)
    return {
        "resourceType": "Bundle",
        "id": f"patient-{patient.pk}",
        "type": "collection",
        "timestamp": instant(timezone.now()),
        "entry": [
            {"fullUrl": full_url(resource), "resource": resource}
            for resource in resources
        ],
    }
