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
    FOLLOW_UP_DAYS,
    HFS_SPREAD_REGIONS,
    HFS_TRIGGERS,
    MRI_SEQUENCES,
    MVD_PLANS,
    PERIOCULAR_SITES,
    SIDES,
    SMC_GRADE_WEIGHTS,
    SPASM_AFTER_MVD,
    SPREAD_SITES,
    VESSEL_PATTERNS,
)
from patients.models import (
    Case,
    CaseStatus,
    Condition,
    FaceRegion,
    FieldStrength,
    Laterality,
    Modality,
    Patient,
    RedFlag,
    StudyStatus,
    Trigger,
    Vessel,
)
from scheduling.models import (
    AppointmentKind,
)
from treatments.models import (
    AdverseEffectKind,
    CourseKind,
    CourseStatus,
    FollowUpTimepoint,
    MvdComplication,
    MvdOutcome,
    Referral,
    ReferralFollowUp,
    ReferralStatus,
    Specialty,
)

# Hemifacial spasm


def open_hfs_case(
    clinic,
    patient: Patient,
    *,
    opened_on: date,
    onset_days_before: tuple[int, int] = (200, 2500),
    status: str = CaseStatus.ACTIVE,
    red_flags=(),
    closed_on: date | None = None,
    notes: str = "",
) -> tuple[Case, int]:
    rng = clinic.rng
    side = rng.choice(SIDES)
    grade = rng.choices(list(SMC_GRADE_WEIGHTS), list(SMC_GRADE_WEIGHTS.values()))[0]
    spread = [FaceRegion.LOWER_EYELID]
    spread += rng.sample(HFS_SPREAD_REGIONS, k={1: 0, 2: 2, 3: 3, 4: 4}[grade])
    triggers = rng.sample(HFS_TRIGGERS, k=rng.randint(1, 3))
    case = clinic.open_case(
        patient,
        Condition.HEMIFACIAL_SPASM,
        laterality=side,
        onset_date=opened_on - timedelta(days=rng.randint(*onset_days_before)),
        opened_on=opened_on,
        status=status,
        closed_on=closed_on,
        onset_site=FaceRegion.UPPER_EYELID,
        spread=spread,
        triggers=triggers,
        red_flags=red_flags,
        notes=notes,
    )
    return case, grade


def add_hfs_workup(clinic, case: Case, *, emg: bool, emg_ordered_on=None):
    """MRI with neurovascular compression, and an EMG with lateral spread."""
    vessels = clinic.rng.choices(
        [pattern for pattern, _ in VESSEL_PATTERNS],
        [weight for _, weight in VESSEL_PATTERNS],
    )[0]
    compression = vessels != (Vessel.NONE,)
    side = case.get_laterality_display().lower()
    if compression:
        names = " and ".join(Vessel(vessel).label for vessel in vessels)
        impression = (
            f"{names} in contact with the {side} facial nerve root exit zone. "
            "No structural lesion."
        )
    else:
        impression = (
            "No neurovascular conflict or structural lesion seen; a negative MRI "
            "does not exclude MVD."
        )
    clinic.add_study(
        case,
        Modality.MRI,
        ordered_on=case.opened_on,
        status=StudyStatus.REVIEWED,
        description="MRI brain and posterior fossa with MRA",
        impression=impression,
        mri_field_strength=clinic.rng.choice([FieldStrength.T3, FieldStrength.T1_5]),
        mri_sequences=MRI_SEQUENCES,
        mri_neurovascular_compression=compression,
        mri_compression_side=case.laterality if compression else "",
        mri_offending_vessels=[str(vessel) for vessel in vessels],
        mri_lesion_found=False,
    )
    latency = Decimal(f"{clinic.rng.uniform(9.5, 11.5):.1f}")
    if emg:
        clinic.add_study(
            case,
            Modality.EMG,
            ordered_on=emg_ordered_on or case.opened_on,
            status=StudyStatus.RESULTED if emg_ordered_on else StudyStatus.REVIEWED,
            description="Facial nerve conduction, blink reflex and needle EMG",
            impression=f"Lateral spread response present (latency {latency} ms); "
            "high-frequency bursts with the spasms. Typical of hemifacial spasm.",
            emg_lateral_spread_response=True,
            emg_lsr_latency_ms=latency,
            emg_high_frequency_bursts=True,
            emg_blink_reflex_synkinesis=True,
        )
    return vessels


def hfs_sites(clinic, case: Case) -> list[tuple[str, str, str, int]]:
    sites = list(PERIOCULAR_SITES)
    for region in case.spread_sites:
        sites += SPREAD_SITES.get(region, ())
    return [(case.laterality, muscle, units, points) for muscle, units, points in sites]


def add_hfs_scores(clinic, case: Case, grade: int, sessions, last_days_ago: int):
    rater = case.responsible_neurologist
    add_hfs_baseline(clinic, case, grade)
    for index, session in enumerate(sessions):
        day = session.performed_on
        trough = clinic.jrs("trough")
        clinic.add_assessment(
            case, "jrs", trough, day, session.injector, version="hfs-adapted"
        )
        if index % 2 == 0:
            clinic.add_assessment(case, "hfs7", clinic.hfs7("trough"), day, rater)
        peak_on = day + timedelta(days=clinic.rng.randint(28, 35))
        is_last = index == len(sessions) - 1
        if index % 2 == 1 and (not is_last or last_days_ago >= 40):
            clinic.add_assessment(
                case, "jrs", clinic.jrs("peak"), peak_on, rater, version="hfs-adapted"
            )
            clinic.add_assessment(case, "hfs7", clinic.hfs7("peak"), peak_on, rater)


def add_hfs_baseline(clinic, case: Case, grade: int):
    rater, day = case.responsible_neurologist, case.opened_on
    jrs = clinic.jrs("untreated")
    clinic.add_assessment(case, "jrs", jrs, day, rater, version="hfs-adapted")
    clinic.add_assessment(case, "smc", {"grade": grade}, day, rater)
    clinic.add_assessment(case, "hfs7", clinic.hfs7("untreated"), day, rater)


def hfs_toxin(clinic, patient, condition, nth):
    count, last_days_ago = clinic.rng.randint(3, 8), clinic.rng.randint(12, 125)
    dates = toxin.toxin_dates(clinic, last_days_ago, count)
    opened_on = dates[0] - timedelta(days=clinic.rng.randint(35, 80))
    case, grade = open_hfs_case(clinic, patient, opened_on=opened_on)
    # One patient's repeat EMG has come back and waits for review.
    emg_ordered_on = clinic.days_ago(20) if nth == 3 else None
    add_hfs_workup(
        clinic,
        case,
        emg=nth == 3 or clinic.rng.random() < 0.5,
        emg_ordered_on=emg_ordered_on,
    )
    sessions = toxin.add_toxin_course(
        clinic,
        case,
        dates,
        hfs_sites(clinic, case),
        last_days_ago=last_days_ago,
        adverse_effect=toxin.next_adverse_effect(
            clinic,
            AdverseEffectKind.FACIAL_WEAKNESS,
            AdverseEffectKind.KERATITIS_DRY_EYE,
        ),
    )
    add_hfs_scores(clinic, case, grade, sessions, last_days_ago)


def hfs_mvd(clinic, patient, condition, nth):
    plan = MVD_PLANS[nth % len(MVD_PLANS)]
    rng = clinic.rng
    operated = plan.surgery_days_ago is not None and plan.surgery_days_ago > 0
    last_days_ago = rng.randint(20, 100)
    if operated:
        last_days_ago = plan.surgery_days_ago + rng.randint(50, 80)
    count = rng.randint(4, 8)
    dates = toxin.toxin_dates(clinic, last_days_ago, count)
    sent_on = clinic.days_ago(plan.sent_days_ago)
    opened_on = dates[0] - timedelta(days=rng.randint(35, 80))
    surgery_on = None
    if plan.surgery_days_ago is not None:
        surgery_on = clinic.days_ago(plan.surgery_days_ago)
        surgery_on = (
            clinic_day_on_or_before(surgery_on)
            if operated
            else clinic_day_on_or_after(surgery_on)
        )
    cured = plan.status == ReferralStatus.OUTCOME_RECORDED
    follow_ups = [
        (timepoint, days)
        for timepoint, days in FOLLOW_UP_DAYS.items()
        if operated and days <= plan.surgery_days_ago - 3
    ]
    closed_on = surgery_on + timedelta(days=365) if cured else None
    case, grade = open_hfs_case(
        clinic,
        patient,
        opened_on=opened_on,
        status=CaseStatus.RESOLVED if cured else CaseStatus.ACTIVE,
        closed_on=closed_on,
        notes="Referred for microvascular decompression: toxin benefit waning to "
        "about 8 weeks; wishes to consider a definitive treatment.",
    )
    vessels = add_hfs_workup(clinic, case, emg=True)
    if operated:
        toxin_status, toxin_end = CourseStatus.COMPLETED, surgery_on
    elif plan.status == ReferralStatus.SURGERY_SCHEDULED:
        toxin_status, toxin_end = CourseStatus.ON_HOLD, None
    else:
        toxin_status, toxin_end = CourseStatus.ACTIVE, None
    sessions = toxin.add_toxin_course(
        clinic,
        case,
        dates,
        hfs_sites(clinic, case),
        last_days_ago=last_days_ago,
        status=toxin_status,
        ended_on=toxin_end,
    )
    add_hfs_scores(clinic, case, grade, sessions, last_days_ago)
    referral_course = clinic.add_course(
        case,
        CourseKind.SURGICAL_REFERRAL,
        started_on=sent_on,
        status=CourseStatus.COMPLETED if cured else CourseStatus.ACTIVE,
        ended_on=closed_on,
        goal="Microvascular decompression of the facial nerve.",
    )
    vessel_names = " and ".join(Vessel(vessel).label for vessel in vessels)
    referral = clinic.save(
        Referral(
            course=referral_course,
            to_name=NEUROSURGEON,
            specialty=Specialty.NEUROSURGERY,
            reason=f"Typical {case.get_laterality_display().lower()} hemifacial "
            f"spasm, SMC grade {grade}; MRI: {vessel_names.lower()} at the root "
            "exit zone. Toxin benefit now about 8 weeks. Please consider MVD.",
            status=plan.status,
            sent_on=sent_on,
            replied_on=(
                None
                if plan.status == ReferralStatus.SENT
                else sent_on + timedelta(days=rng.randint(10, 20))
            ),
            surgery_on=surgery_on,
            outcome=MvdOutcome.COMPLETE_RESOLUTION if cured else "",
            complications=(
                [MvdComplication.TRANSIENT_FACIAL_PALSY.value] if cured else []
            ),
        )
    )
    for timepoint, days in follow_ups:
        seen_on = surgery_on + timedelta(days=days)
        status = SPASM_AFTER_MVD.get(timepoint, MvdOutcome.COMPLETE_RESOLUTION)
        early = timepoint in (FollowUpTimepoint.WEEK_1, FollowUpTimepoint.MONTH_1)
        clinic.save(
            ReferralFollowUp(
                referral=referral,
                timepoint=timepoint,
                seen_on=seen_on,
                spasm_status=status,
                complications=(
                    [MvdComplication.TRANSIENT_FACIAL_PALSY.value]
                    if cured and early
                    else []
                ),
                notes="Hearing normal." if early else "",
            )
        )
        if status == MvdOutcome.COMPLETE_RESOLUTION:
            cured_jrs = clinic.jrs("cured")
            neurologist = case.responsible_neurologist
            clinic.add_assessment(
                case, "jrs", cured_jrs, seen_on, neurologist, version="hfs-adapted"
            )
    if plan.status == ReferralStatus.OPERATED:
        clinic.follow_up(patient, 28, 40, notes="3 months after MVD")
    elif cured:
        clinic.follow_up(patient, 7, 21, notes="2 years after MVD")


def hfs_medication(clinic, patient, condition, nth):
    opened_on = clinic.days_ago(clinic.rng.randint(240, 400))
    case, grade = open_hfs_case(
        clinic,
        patient,
        opened_on=opened_on,
        notes="Declined botulinum toxin for now (needle phobia); prefers tablets.",
    )
    add_hfs_workup(clinic, case, emg=False)
    started = opened_on + timedelta(days=7)
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
    rater = case.responsible_neurologist
    for days in (90, 200):
        day = opened_on + timedelta(days=days)
        clinic.add_assessment(
            case, "jrs", clinic.jrs("trough"), day, rater, version="hfs-adapted"
        )
    clinic.follow_up(patient, 7, 35, notes="Discuss botulinum toxin again")


def hfs_red_flag(clinic, patient, condition, nth):
    opened_on = clinic.days_ago(clinic.rng.randint(12, 16))
    case, grade = open_hfs_case(
        clinic,
        patient,
        opened_on=opened_on,
        onset_days_before=(60, 150),
        status=CaseStatus.ASSESSMENT,
        red_flags=[RedFlag.FACIAL_WEAKNESS, RedFlag.CRANIAL_NERVE_SIGNS],
        notes="Twitching with mild weakness of the same side and reduced hearing.",
    )
    side = case.get_laterality_display().lower()
    clinic.add_study(
        case,
        Modality.MRI,
        ordered_on=opened_on,
        status=StudyStatus.RESULTED,
        description="MRI brain with contrast, internal auditory meatus protocol",
        impression=f"12 mm enhancing lesion at the {side} cerebellopontine angle, "
        "most likely a vestibular schwannoma. Secondary hemifacial spasm.",
        mri_field_strength=FieldStrength.T3,
        mri_sequences=MRI_SEQUENCES,
        mri_neurovascular_compression=False,
        mri_offending_vessels=[Vessel.NONE.value],
        mri_lesion_found=True,
        mri_lesion_description=f"12 mm enhancing {side} CPA lesion.",
    )
    add_hfs_baseline(clinic, case, grade)
    clinic.add_assessment(
        case,
        "house_brackmann",
        {"grade": 2},
        opened_on,
        case.responsible_neurologist,
        side=case.laterality,
    )
    clinic.follow_up(patient, 1, 7, notes="Urgent: MRI result")


def hfs_child(clinic, patient, condition, nth):
    opened_on = clinic.days_ago(clinic.rng.randint(35, 45))
    case, grade = open_hfs_case(
        clinic,
        patient,
        opened_on=opened_on,
        onset_days_before=(60, 300),
        status=CaseStatus.ASSESSMENT,
        red_flags=[RedFlag.CHILD_HEMIFACIAL_SPASM],
        notes="Child with hemifacial spasm: MRI to exclude a posterior-fossa lesion.",
    )
    clinic.add_study(
        case,
        Modality.EEG,
        ordered_on=opened_on,
        status=StudyStatus.REVIEWED,
        description="Routine EEG with video",
        impression="Normal EEG. Spasms captured without an ictal correlate.",
        eeg_abnormal=False,
        eeg_epileptiform_activity=False,
        eeg_ictal_correlate=False,
    )
    clinic.add_study(
        case,
        Modality.MRI,
        ordered_on=opened_on,
        status=StudyStatus.RESULTED,
        description="MRI brain and posterior fossa (under sedation)",
        impression="No posterior-fossa mass. No neurovascular conflict seen.",
        mri_field_strength=FieldStrength.T3,
        mri_sequences=MRI_SEQUENCES,
        mri_neurovascular_compression=False,
        mri_offending_vessels=[Vessel.NONE.value],
        mri_lesion_found=False,
    )
    rater = case.responsible_neurologist
    jrs = clinic.jrs("untreated")
    clinic.add_assessment(case, "jrs", jrs, opened_on, rater, version="hfs-adapted")
    clinic.add_assessment(case, "smc", {"grade": grade}, opened_on, rater)
    clinic.follow_up(patient, 3, 14, notes="MRI result, with parent")


def new_referral(clinic, patient, condition, nth):
    opened_on = clinic.days_ago(clinic.rng.randint(3, 12))
    if condition == Condition.HEMIFACIAL_SPASM:
        case, _ = open_hfs_case(
            clinic, patient, opened_on=opened_on, status=CaseStatus.ASSESSMENT
        )
        clinic.add_study(
            case,
            Modality.MRI,
            ordered_on=opened_on,
            status=StudyStatus.ORDERED,
            description="MRI brain and posterior fossa with MRA",
        )
    else:
        clinic.open_case(
            patient,
            condition,
            laterality=Laterality.BILATERAL,
            onset_date=opened_on - timedelta(days=clinic.rng.randint(150, 700)),
            opened_on=opened_on,
            status=CaseStatus.ASSESSMENT,
            onset_site=FaceRegion.UPPER_EYELID,
            triggers=[Trigger.BRIGHT_LIGHT, Trigger.READING_SCREENS],
            notes="GP referral: frequent forced blinking; struggles to drive.",
        )
    clinic.follow_up(
        patient, 5, 25, kind=AppointmentKind.NEW_PATIENT, notes="New referral"
    )
