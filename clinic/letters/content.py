"""What each letter says: the facts gathered from the record for its template
(templates/letters/), in a fixed number of queries, and the language it is written
in: an appointment letter in the patient's (Patient.language), a letter to a
clinician in the clinic's (LANGUAGE_CODE). The facts are gathered in that language
too, so the words they carry (choices, the recipient) match the letter."""

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from clinic.models import LetterKind
from patients import scales
from patients.models import Assessment, DiagnosticStudy, Modality, Vessel
from scheduling.models import Appointment, AppointmentKind
from scheduling.reminders import visit_words
from treatments import dosing
from treatments.models import Side, ToxinSession

SCORE_TREND_CAP = 12
TOXIN_HISTORY_CAP = 6


@dataclass(frozen=True)
class LetterFacts:
    """A letter's recipient, signer and what its template shows."""

    kind: str
    patient: object
    record: object
    recipient: str
    signed_by: object
    context: dict
    language: str


def letterhead() -> dict:
    return {
        "name": settings.CLINIC_NAME,
        "address": settings.CLINIC_ADDRESS,
        "phone": settings.CLINIC_PHONE,
    }


def _diagnosis(case) -> str:
    side = (
        "" if case.laterality in ("", "n/a") else f", {case.get_laterality_display()}"
    )
    code = f" ({case.icd10_code})" if case.icd10_code else ""
    return f"{case.get_condition_display()}{side}{code}"


def _valid_sessions(course):
    return ToxinSession.objects.filter(course=course, entered_in_error=False)


def _response(session) -> dict | None:
    """How the patient did after a session: rating, onset, peak, duration."""
    if session is None:
        return None
    return {
        "on": session.performed_on,
        "product": session.get_product_display(),
        "benefit": session.get_benefit_display() if session.benefit else "",
        "onset_day": session.onset_day,
        "peak_day": session.peak_day,
        "benefit_days": session.benefit_days,
    }


def _sites(session) -> tuple[list[dict], list[str]]:
    injections = list(session.injections.order_by("pk"))
    sites = [
        {
            "muscle": injection.get_muscle_display(),
            "side": injection.get_side_display(),
            "units": dosing.format_units(injection.units),
            "points": injection.points,
        }
        for injection in injections
    ]
    by_side = dosing.totals_by_side((i.side, i.units) for i in injections)
    sides = dict(Side.choices)
    totals = [
        f"{sides[side]}: {dosing.format_units(by_side[side])} U"
        for side in sides
        if side in by_side
    ]
    total = gettext("Total: %(units)s U %(product)s") % {
        "units": dosing.format_units(sum((i.units for i in injections), start=0)),
        "product": session.get_product_display(),
    }
    return sites, [*totals, total]


def _next_date(session) -> dict:
    """The next toxin session: the one booked, else the course's suggested date."""
    booked = (
        Appointment.objects.upcoming(after=session.performed_at)
        .filter(patient=session.course.case.patient, kind=AppointmentKind.TOXIN_SESSION)
        .order_by("starts_at")
        .first()
    )
    course = session.course
    return {
        "booked_at": booked.starts_at if booked else None,
        "suggested_on": course.suggested_next_on,
        "earliest_on": course.earliest_next_on,
    }


def post_session(session) -> LetterFacts:
    with translation.override(settings.LANGUAGE_CODE):
        return _post_session(session)


def _post_session(session) -> LetterFacts:
    course = session.course
    case, patient = course.case, course.case.patient
    earlier = (
        _valid_sessions(course)
        .filter(performed_at__lt=session.performed_at)
        .order_by("-performed_at")
        .first()
    )
    sites, totals = _sites(session)
    signer = course.responsible_clinician or case.responsible_neurologist
    return LetterFacts(
        kind=LetterKind.POST_SESSION,
        patient=patient,
        record=session,
        recipient=patient.referring_clinician or gettext("The referring clinician"),
        signed_by=signer,
        context={
            "diagnosis": _diagnosis(case),
            "session": session,
            "sites": sites,
            "totals": totals,
            "last_response": _response(earlier),
            "plan": course.goal,
            "next": _next_date(session),
        },
        language=settings.LANGUAGE_CODE,
    )


def _latest_mri(case):
    return (
        DiagnosticStudy.objects.filter(
            case=case, modality=Modality.MRI, entered_in_error=False
        )
        .exclude(status__in=["ordered", "cancelled"])
        .order_by("-performed_on", "-pk")
        .first()
    )


def _mri_facts(study) -> dict | None:
    if study is None:
        return None
    vessels = dict(Vessel.choices)
    return {
        "on": study.performed_on,
        "compression": study.mri_neurovascular_compression,
        "side": study.get_mri_compression_side_display()
        if study.mri_compression_side
        else "",
        "vessels": [vessels.get(code, code) for code in study.mri_offending_vessels],
        "impression": study.impression,
    }


def _score_trend(case) -> list[dict]:
    assessments = Assessment.objects.filter(case=case, entered_in_error=False)
    latest = list(assessments.order_by("-assessed_on", "-pk")[:SCORE_TREND_CAP])
    return [
        {
            "on": assessment.assessed_on,
            "scale": scales.get_definition(
                assessment.instrument, assessment.version
            ).name,
            "score": scales.written_score(assessment.instrument, assessment.score),
        }
        for assessment in reversed(latest)
    ]


def _toxin_history(case) -> list[dict]:
    sessions = ToxinSession.objects.filter(
        course__case=case, entered_in_error=False
    ).order_by("-performed_at")
    return [_response(session) for session in sessions[:TOXIN_HISTORY_CAP]]


def mvd_referral(referral) -> LetterFacts:
    with translation.override(settings.LANGUAGE_CODE):
        return _mvd_referral(referral)


def _mvd_referral(referral) -> LetterFacts:
    course = referral.course
    case, patient = course.case, course.case.patient
    return LetterFacts(
        kind=LetterKind.MVD_REFERRAL,
        patient=patient,
        record=referral,
        recipient=referral.to_name or gettext("The neurosurgeon"),
        signed_by=course.responsible_clinician or case.responsible_neurologist,
        context={
            "diagnosis": _diagnosis(case),
            "case": case,
            "referral": referral,
            "mri": _mri_facts(_latest_mri(case)),
            "scores": _score_trend(case),
            "toxin": _toxin_history(case),
        },
        language=settings.LANGUAGE_CODE,
    )


def _guardian(patient):
    """For a child, the guardian who holds consent: the letter goes to them."""
    if not patient.is_minor_on(timezone.localdate()):
        return None
    return patient.guardians.filter(holds_consent=True).order_by("pk").first()


def appointment(booked) -> LetterFacts:
    with translation.override(booked.patient.language or settings.LANGUAGE_CODE):
        return _appointment(booked)


def _appointment(booked) -> LetterFacts:
    patient = booked.patient
    guardian = _guardian(patient)
    return LetterFacts(
        kind=LetterKind.APPOINTMENT,
        patient=patient,
        record=booked,
        recipient=guardian.full_name
        if guardian
        else f"{patient.given_name} {patient.family_name}",
        signed_by=None,
        context={
            "appointment": booked,
            "starts_at": timezone.localtime(booked.starts_at),
            "visit": visit_words(booked.kind),
            "for_child": guardian is not None,
        },
        language=translation.get_language(),
    )
