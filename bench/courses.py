"""The courses other than toxin: physical therapy, medication, MVD referrals
with their follow-ups, and observation."""

import datetime
from decimal import Decimal

from bench import names
from patients.models import Condition
from treatments.models import (
    CourseKind,
    CourseStatus,
    MedicationOrder,
    Referral,
    ReferralFollowUp,
    TherapySession,
    TreatmentCourse,
)

DAY = datetime.timedelta(days=1)
FOLLOW_UP_DAYS = (("1w", 7), ("1m", 30), ("3m", 91), ("6m", 182), ("12m", 365))
THERAPY_CONDITIONS = {Condition.BELLS_PALSY, Condition.POST_PARALYTIC_SYNKINESIS}


def add_other_course(stories, person: dict, case: dict) -> None:
    """About a quarter of the cases without toxin get another course."""
    rng = stories.rng
    condition = case["condition"]
    draw = rng.random()
    if condition in THERAPY_CONDITIONS and draw < 0.6:
        add_therapy(stories, person, case)
    elif condition == Condition.HEMIFACIAL_SPASM and draw < 0.25:
        add_referral(stories, case)
    elif draw < 0.2:
        add_medication(stories, case)
    elif draw < 0.35:
        add_course(stories, case, CourseKind.OBSERVATION, case["opened"])


def add_course(stories, case: dict, kind: str, started: datetime.date, **fields):
    rng = stories.rng
    clinician = fields.pop("clinician", None) or rng.choice(stories.staff.neurologists)
    return stories.spool[TreatmentCourse].add(
        case=case["id"],
        kind=kind,
        status=fields.pop("status", CourseStatus.ACTIVE),
        started_on=started,
        goal=fields.pop("goal", "Review progress at each visit."),
        responsible_clinician=clinician,
        **fields,
    )


def add_therapy(stories, person: dict, case: dict) -> None:
    rng = stories.rng
    therapist = rng.choice(stories.staff.therapists)
    started = min(stories.today, case["opened"] + rng.randint(7, 40) * DAY)
    course_id = add_course(
        stories,
        case,
        CourseKind.PHYSICAL_THERAPY,
        started,
        clinician=therapist,
        goal="Facial retraining to reduce synkinesis.",
    )
    day = started
    for _ in range(rng.randint(3, 10)):
        if day > stories.today:
            break
        error = rng.random() < 0.005
        stories.spool[TherapySession].add(
            course=course_id,
            therapist=therapist,
            session_on=day,
            duration_minutes=45,
            focus=rng.choice(("facial_retraining", "biofeedback", "soft_tissue")),
            exercises="Slow, small smiles at a mirror, keeping the eye open.",
            progress=rng.choice(("improved", "unchanged", "")),
            entered_in_error=error,
            entered_in_error_reason="Recorded for the wrong patient." if error else "",
        )
        day += rng.randint(7, 21) * DAY
    person["courses"].append({"id": course_id, "injector": therapist, "kind": "pt"})


def add_medication(stories, case: dict) -> None:
    rng = stories.rng
    prescriber = rng.choice(stories.staff.neurologists)
    started = case["opened"]
    course_id = add_course(stories, case, CourseKind.MEDICATION, started)
    for _ in range(rng.choice((1, 1, 2))):
        drug, dose, unit, route, frequency = rng.choice(names.DRUGS)
        stop = started + rng.randint(30, 400) * DAY
        stopped = stop <= stories.today and rng.random() < 0.6
        stories.spool[MedicationOrder].add(
            course=course_id,
            drug=drug,
            dose=Decimal(dose),
            dose_unit=unit,
            route=route,
            frequency=frequency,
            start_on=started,
            stop_on=stop if stopped else None,
            prescriber=prescriber,
            indication="Twitching",
            stop_reason="Drowsiness." if stopped else "",
        )
        started = min(stories.today, started + rng.randint(14, 60) * DAY)


def add_referral(stories, case: dict) -> None:
    """An MVD referral at one of its steps, with the follow-ups it has had."""
    rng = stories.rng
    sent = case["opened"] + 30 * DAY
    if sent > stories.today:
        sent = stories.today
    course_id = add_course(stories, case, CourseKind.SURGICAL_REFERRAL, sent)
    age = (stories.today - sent).days
    status = rng.choice(("sent", "acknowledged", "seen", "declined"))
    surgery = None
    if age > 200:
        status = rng.choice(("operated", "outcome_recorded", "outcome_recorded"))
        surgery = sent + rng.randint(60, 150) * DAY
    referral_id = stories.spool[Referral].add(
        course=course_id,
        to_name="Ms E. Marsh, consultant neurosurgeon",
        specialty="neurosurgery",
        reason="Hemifacial spasm with neurovascular compression; MVD considered.",
        urgency="routine",
        status=status,
        sent_on=sent,
        replied_on=sent + 21 * DAY if status != "sent" and age > 21 else None,
        surgery_on=surgery,
        outcome="complete_resolution" if status == "outcome_recorded" else "",
    )
    if surgery is None:
        return
    for timepoint, days in FOLLOW_UP_DAYS:
        seen = surgery + days * DAY
        if seen > stories.today:
            break
        stories.spool[ReferralFollowUp].add(
            referral=referral_id,
            timepoint=timepoint,
            seen_on=seen,
            spasm_status="partial" if days < 91 else "complete_resolution",
        )
