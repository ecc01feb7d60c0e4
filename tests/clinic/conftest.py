"""The records and users that the page-by-page tables of this directory open
(test_access.py, test_access_log_coverage.py, test_chart_sections.py)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clinic.models import Letter
from tests.factories import (
    AppointmentFactory,
    AssessmentFactory,
    CaseFactory,
    DiagnosticStudyFactory,
    MedicationOrderFactory,
    ReferralFactory,
    TherapySessionFactory,
    ToxinSessionFactory,
    UserFactory,
)
from treatments.models import SafetyFlag


@pytest.fixture
def records():
    case = CaseFactory(red_flags=["facial_weakness"])
    session = ToxinSessionFactory(course__case=case)
    study = DiagnosticStudyFactory(
        case=case,
        status="resulted",
        performed_on=datetime.date(2025, 6, 10),
        resulted_on=datetime.date(2025, 6, 12),
        impression="AICA loop at the root exit zone.",
        report=SimpleUploadedFile("r.pdf", b"%PDF-1.7 report"),
    )
    therapy = TherapySessionFactory(course__case=case)
    medication = MedicationOrderFactory(course__case=case)
    referral = ReferralFactory(course__case=case)
    letter = Letter.objects.create(
        kind="post_session",
        patient=case.patient,
        toxin_session=session,
        recipient="Dr A. Referrer",
        pdf=SimpleUploadedFile("letter.pdf", b"%PDF-1.7 letter"),
        produced_by=session.injector,
    )
    return {
        "patient": case.patient,
        "case": case,
        "study": study,
        "course": session.course,
        "session": session,
        "flag": SafetyFlag.objects.create(
            session=session,
            code="consent_missing",
            message="Consent.",
            raised_by=session.injector,
        ),
        "assessment": AssessmentFactory(case=case),
        "therapy_course": therapy.course,
        "therapy": therapy,
        "medication_course": medication.course,
        "medication": medication,
        "referral_course": referral.course,
        "referral": referral,
        "letter": letter,
        "worklist": "awaiting-review",
        "calendar_appointment": AppointmentFactory(patient=case.patient),
        "appointment": AppointmentFactory(
            patient=case.patient,
            course=session.course,
            kind="toxin_session",
            # A week after the calendar's appointment of the same patient.
            starts_at=timezone.now() + datetime.timedelta(days=14),
        ),
    }


@pytest.fixture
def users(db):
    return {
        "anonymous": None,
        "no_role": UserFactory(),
        "neurologist": UserFactory(roles=["Neurologist"]),
        "injector": UserFactory(roles=["Injector"]),
        "therapist": UserFactory(roles=["Therapist"]),
        "scheduler": UserFactory(roles=["Scheduler"]),
        "admin": UserFactory(roles=["Clinic admin"]),
    }
