"""The hemifacial spasm storylines: toxin, MVD, medication, red flags, a child
and a new referral."""

from datetime import date, timedelta
from decimal import Decimal

from clinic.demo import toxin
from clinic.demo.dates import (
    ONE_DAY,
    clinic_day_on_or_after,
    clinic_day_on_or_before,
)
from clinic.demo.people import (
    NEUROSURGEON,
)
from clinic.demo.stories import (
    CARBAMAZEPINE,
    CLONAZEPAM,
    EARLY_AFTER_MVD,
    FOLLOW_UP_DAYS,
    HFS_FOR_MVD,
    HFS_IN_A_CHILD,
    HFS_JRS_VERSION,
    HFS_ON_TABLETS,
    HFS_ON_TOXIN,
    HFS_SPREAD_BY_SMC_GRADE,
    HFS_SPREAD_REGIONS,
    HFS_TRIGGERS,
    HFS_WITH_RED_FLAGS,
    MVD_GOAL,
    MVD_PLANS,
    MVD_REFERRAL_REASON,
    NEW_REFERRALS,
    PERIOCULAR_SITES,
    SMC_GRADE_WEIGHTS,
    SPASM_AFTER_MVD,
    SPREAD_SITES,
    VESSEL_PATTERNS,
    MvdPlan,
    Presentation,
)
from clinic.demo.studies import (
    CHILD_EEG,
    CHILD_MRI,
    CPA_LESION_MRI,
    HFS_EMG,
    HFS_MRI,
    HFS_MRI_COMPRESSION,
    HFS_MRI_NO_CONFLICT,
    HFS_MRI_ORDERED,
)
from clinic.models import User
from patients.models import (
    Case,
    CaseStatus,
    Condition,
    FaceRegion,
    FieldStrength,
    Patient,
    StudyStatus,
    Vessel,
)
from scheduling.models import (
    AppointmentKind,
)
from treatments.models import (
    AdverseEffectKind,
    CourseKind,
    CourseStatus,
    MvdComplication,
    MvdOutcome,
    Referral,
    ReferralFollowUp,
    ReferralStatus,
    Specialty,
)

# Hemifacial spasm


def open_hfs_case(
    clinic, patient: Patient, presentation: Presentation, **fields
) -> tuple[Case, int]:
    """A one-sided case spreading down from the eyelid as far as its SMC grade."""
    rng = clinic.rng
    grade = rng.choices(list(SMC_GRADE_WEIGHTS), list(SMC_GRADE_WEIGHTS.values()))[0]
    spread = [FaceRegion.LOWER_EYELID]
    spread += rng.sample(HFS_SPREAD_REGIONS, k=HFS_SPREAD_BY_SMC_GRADE[grade])
    triggers = rng.sample(HFS_TRIGGERS, k=rng.randint(1, 3))
    case = clinic.open_case(
        patient,
        Condition.HEMIFACIAL_SPASM,
        presentation,
        spread=spread,
        triggers=triggers,
        **fields,
    )
    return case, grade


def vessel_names(vessels) -> str:
    return " and ".join(str(Vessel(vessel).label) for vessel in vessels)


def add_hfs_workup(clinic, case: Case, *, emg: bool, emg_ordered_on=None):
    """MRI with neurovascular compression, and an EMG with lateral spread."""
    vessels = clinic.rng.choices(
        [pattern for pattern, _ in VESSEL_PATTERNS],
        [weight for _, weight in VESSEL_PATTERNS],
    )[0]
    compression = vessels != (Vessel.NONE,)
    side = case.get_laterality_display().lower()
    clinic.add_study(
        case,
        HFS_MRI,
        impression=(
            HFS_MRI_COMPRESSION.format(vessels=vessel_names(vessels), side=side)
            if compression
            else HFS_MRI_NO_CONFLICT
        ),
        mri_field_strength=clinic.rng.choice([FieldStrength.T3, FieldStrength.T1_5]),
        mri_neurovascular_compression=compression,
        mri_compression_side=case.laterality if compression else "",
        mri_offending_vessels=[str(vessel) for vessel in vessels],
    )
    latency = Decimal(f"{clinic.rng.uniform(9.5, 11.5):.1f}")
    if emg:
        # A repeat EMG ordered later has come back and waits for review.
        clinic.add_study(
            case,
            HFS_EMG,
            ordered_on=emg_ordered_on,
            status=StudyStatus.RESULTED if emg_ordered_on else "",
            impression=HFS_EMG.impression.format(latency=latency),
            emg_lsr_latency_ms=latency,
        )
    return vessels


def hfs_sites(case: Case) -> list[tuple[str, str, str, int]]:
    sites = list(PERIOCULAR_SITES)
    for region in case.spread_sites:
        sites += SPREAD_SITES.get(region, ())
    return [(case.laterality, muscle, units, points) for muscle, units, points in sites]


def add_hfs_jrs(clinic, case: Case, state: str, on: date, rater: User):
    answers = clinic.jrs(state)
    clinic.add_assessment(case, "jrs", answers, on, rater, version=HFS_JRS_VERSION)


def add_hfs_scores(clinic, case: Case, grade: int, sessions, last_days_ago: int):
    """Scores at baseline, before each session and at the peak of every other."""
    rater = case.responsible_neurologist
    add_hfs_baseline(clinic, case, grade)
    for index, session in enumerate(sessions):
        day = session.performed_on
        add_hfs_jrs(clinic, case, "trough", day, session.injector)
        if index % 2 == 0:
            clinic.add_assessment(case, "hfs7", clinic.hfs7("trough"), day, rater)
        peak_on = day + timedelta(days=clinic.rng.randint(28, 35))
        is_last = index == len(sessions) - 1
        if index % 2 == 1 and (not is_last or last_days_ago >= 40):
            add_hfs_jrs(clinic, case, "peak", peak_on, rater)
            clinic.add_assessment(case, "hfs7", clinic.hfs7("peak"), peak_on, rater)


def add_hfs_baseline(clinic, case: Case, grade: int, *, with_hfs7: bool = True):
    rater, day = case.responsible_neurologist, case.opened_on
    add_hfs_jrs(clinic, case, "untreated", day, rater)
    clinic.add_assessment(case, "smc", {"grade": grade}, day, rater)
    if with_hfs7:
        clinic.add_assessment(case, "hfs7", clinic.hfs7("untreated"), day, rater)


def hfs_toxin(clinic, patient, condition, nth):
    count, last_days_ago = clinic.rng.randint(3, 8), clinic.rng.randint(12, 125)
    dates = toxin.toxin_dates(clinic, last_days_ago, count)
    opened_on = dates[0] - timedelta(days=clinic.rng.randint(35, 80))
    case, grade = open_hfs_case(clinic, patient, HFS_ON_TOXIN, opened_on=opened_on)
    # One patient's repeat EMG has come back and waits for review.
    emg_ordered_on = clinic.days_ago(20) if nth == 3 else None
    add_hfs_workup(
        clinic,
        case,
        emg=nth == 3 or clinic.rng.random() < 0.5,
        emg_ordered_on=emg_ordered_on,
    )
    adverse_effect = toxin.next_adverse_effect(
        clinic, AdverseEffectKind.FACIAL_WEAKNESS, AdverseEffectKind.KERATITIS_DRY_EYE
    )
    add_hfs_toxin_course(
        clinic, case, grade, dates, last_days_ago, adverse_effect=adverse_effect
    )


def add_hfs_toxin_course(clinic, case, grade, dates, last_days_ago: int, **course):
    """Toxin at the eyelids and wherever the spasm has spread, and its scores."""
    sessions = toxin.add_toxin_course(
        clinic, case, dates, hfs_sites(case), last_days_ago=last_days_ago, **course
    )
    add_hfs_scores(clinic, case, grade, sessions, last_days_ago)


# Microvascular decompression


def hfs_mvd(clinic, patient, condition, nth):
    """Toxin until the referral, then one patient at each step of stories.MVD_PLANS:
    sent, acknowledged, surgery booked, operated, and cured with its follow-ups."""
    plan = MVD_PLANS[nth % len(MVD_PLANS)]
    last_days_ago = clinic.rng.randint(20, 100)
    if plan.operated:
        last_days_ago = plan.surgery_days_ago + clinic.rng.randint(50, 80)
    dates = toxin.toxin_dates(clinic, last_days_ago, clinic.rng.randint(4, 8))
    surgery_on = mvd_surgery_day(clinic, plan)
    closed_on = surgery_on + timedelta(days=365) if plan.cured else None
    case, grade = open_hfs_case(
        clinic,
        patient,
        HFS_FOR_MVD,
        opened_on=dates[0] - timedelta(days=clinic.rng.randint(35, 80)),
        status=CaseStatus.RESOLVED if plan.cured else CaseStatus.ACTIVE,
        closed_on=closed_on,
    )
    vessels = add_hfs_workup(clinic, case, emg=True)
    toxin_ended_on = surgery_on if plan.operated else None
    add_hfs_toxin_course(
        clinic,
        case,
        grade,
        dates,
        last_days_ago,
        status=plan.toxin_status,
        ended_on=toxin_ended_on,
    )
    reason = MVD_REFERRAL_REASON.format(
        side=case.get_laterality_display().lower(),
        grade=grade,
        vessels=vessel_names(vessels).lower(),
    )
    referral = add_mvd_referral(clinic, case, plan, reason, surgery_on, closed_on)
    if plan.operated:
        add_mvd_follow_ups(clinic, referral, plan)
    if plan.review:
        earliest, latest, notes = plan.review
        clinic.follow_up(patient, earliest, latest, notes=notes)


def mvd_surgery_day(clinic, plan: MvdPlan) -> date | None:
    """A clinic day: the one before for an operation done, after for one booked."""
    if plan.surgery_days_ago is None:
        return None
    day = clinic.days_ago(plan.surgery_days_ago)
    return (
        clinic_day_on_or_before(day) if plan.operated else clinic_day_on_or_after(day)
    )


def add_mvd_referral(
    clinic,
    case: Case,
    plan: MvdPlan,
    reason: str,
    surgery_on: date | None,
    closed_on: date | None,
) -> Referral:
    sent_on = clinic.days_ago(plan.sent_days_ago)
    course = clinic.add_course(
        case,
        CourseKind.SURGICAL_REFERRAL,
        started_on=sent_on,
        status=CourseStatus.COMPLETED if plan.cured else CourseStatus.ACTIVE,
        ended_on=closed_on,
        goal=MVD_GOAL,
    )
    replied_on = None
    if plan.status != ReferralStatus.SENT:
        replied_on = sent_on + timedelta(days=clinic.rng.randint(10, 20))
    return clinic.save(
        Referral(
            course=course,
            to_name=NEUROSURGEON,
            specialty=Specialty.NEUROSURGERY,
            reason=reason,
            status=plan.status,
            sent_on=sent_on,
            replied_on=replied_on,
            surgery_on=surgery_on,
            outcome=MvdOutcome.COMPLETE_RESOLUTION if plan.cured else "",
            complications=transient_palsy(plan.cured),
        )
    )


def transient_palsy(noted: bool) -> list[str]:
    return [MvdComplication.TRANSIENT_FACIAL_PALSY.value] if noted else []


def add_mvd_follow_ups(clinic, referral: Referral, plan: MvdPlan):
    """The reviews after surgery that are due by now; a JRS with each cure."""
    case = referral.course.case
    for timepoint, days in FOLLOW_UP_DAYS.items():
        if days > plan.surgery_days_ago - 3:
            continue
        seen_on = referral.surgery_on + timedelta(days=days)
        spasm = SPASM_AFTER_MVD.get(timepoint, MvdOutcome.COMPLETE_RESOLUTION)
        early = timepoint in EARLY_AFTER_MVD
        clinic.save(
            ReferralFollowUp(
                referral=referral,
                timepoint=timepoint,
                seen_on=seen_on,
                spasm_status=spasm,
                complications=transient_palsy(plan.cured and early),
                notes="Hearing normal." if early else "",
            )
        )
        if spasm == MvdOutcome.COMPLETE_RESOLUTION:
            add_hfs_jrs(clinic, case, "cured", seen_on, case.responsible_neurologist)


# Without toxin, or not yet


def hfs_medication(clinic, patient, condition, nth):
    case, grade = open_hfs_case(clinic, patient, HFS_ON_TABLETS)
    add_hfs_workup(clinic, case, emg=False)
    started = case.opened_on + timedelta(days=7)
    stopped = started + timedelta(days=clinic.rng.randint(35, 56))
    clinic.add_medication_course(
        case,
        [
            {
                "drug": CARBAMAZEPINE,
                "start_on": started,
                "stop_on": stopped,
                "indication": "Hemifacial spasm",
                "stop_reason": "Drowsy and unsteady.",
            },
            {
                "drug": CLONAZEPAM,
                "start_on": stopped + ONE_DAY,
                "indication": "Hemifacial spasm",
            },
        ],
        started_on=started,
        goal="Symptom relief without injections.",
    )
    add_hfs_baseline(clinic, case, grade)
    for days in (90, 200):
        day = case.opened_on + timedelta(days=days)
        add_hfs_jrs(clinic, case, "trough", day, case.responsible_neurologist)
    clinic.follow_up(patient, 7, 35, notes="Discuss botulinum toxin again")


def hfs_red_flag(clinic, patient, condition, nth):
    case, grade = open_hfs_case(clinic, patient, HFS_WITH_RED_FLAGS)
    clinic.add_study(case, CPA_LESION_MRI)
    add_hfs_baseline(clinic, case, grade)
    clinic.add_assessment(
        case,
        "house_brackmann",
        {"grade": 2},
        case.opened_on,
        case.responsible_neurologist,
        side=case.laterality,
    )
    clinic.follow_up(patient, 1, 7, notes="Urgent: MRI result")


def hfs_child(clinic, patient, condition, nth):
    case, grade = open_hfs_case(clinic, patient, HFS_IN_A_CHILD)
    clinic.add_study(case, CHILD_EEG)
    clinic.add_study(case, CHILD_MRI)
    add_hfs_baseline(clinic, case, grade, with_hfs7=False)
    clinic.follow_up(patient, 3, 14, notes="MRI result, with parent")


def new_referral(clinic, patient, condition, nth):
    """A GP's referral seen soon: the case in assessment, an MRI ordered for HFS."""
    if condition == Condition.HEMIFACIAL_SPASM:
        case, _ = open_hfs_case(clinic, patient, NEW_REFERRALS[condition])
        clinic.add_study(case, HFS_MRI_ORDERED)
    else:
        clinic.open_case(patient, condition, NEW_REFERRALS[condition])
    clinic.follow_up(
        patient, 5, 25, kind=AppointmentKind.NEW_PATIENT, notes="New referral"
    )
