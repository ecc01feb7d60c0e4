"""The storylines of blepharospasm, Bell's palsy and synkinesis, and the other
conditions the clinic sees."""

from datetime import time, timedelta

from clinic.demo import toxin
from clinic.demo.appointments import Visit
from clinic.demo.dates import (
    ONE_DAY,
    clinic_day_on_or_after,
    local_datetime,
)
from clinic.demo.stories import (
    BACLOFEN,
    BELLS_ONSET_DAYS_AGO,
    BELLS_RECOVERED_AFTER_DAYS,
    BELLS_REVIEWS,
    BLEPHAROSPASM_TRIGGERS,
    BROW_SITES,
    CARBAMAZEPINE,
    CLONAZEPAM,
    EYE_GEL,
    PERIOCULAR_SITES,
    PREDNISOLONE,
    SIDES,
    SYNKINESIS_SITES,
)
from patients.models import (
    CaseStatus,
    FaceRegion,
    FieldStrength,
    Laterality,
    Modality,
    Patient,
    RedFlag,
    StudyStatus,
    Trigger,
)
from scheduling.models import (
    AppointmentKind,
    AppointmentStatus,
)
from treatments.models import (
    AdverseEffectKind,
    CourseStatus,
    Guidance,
    Muscle,
    Side,
    TherapyFocus,
    TreatmentCourse,
)

# Blepharospasm


def blepharospasm_toxin(clinic, patient, condition, nth):
    rng = clinic.rng
    count, last_days_ago = rng.randint(3, 8), rng.randint(10, 120)
    dates = toxin.toxin_dates(clinic, last_days_ago, count)
    opened_on = dates[0] - timedelta(days=rng.randint(21, 60))
    spread = rng.sample([FaceRegion.LOWER_EYELID, FaceRegion.BROW], k=rng.randint(1, 2))
    case = clinic.open_case(
        patient,
        condition,
        laterality=Laterality.BILATERAL,
        onset_date=opened_on - timedelta(days=rng.randint(300, 2000)),
        opened_on=opened_on,
        onset_site=FaceRegion.UPPER_EYELID,
        spread=spread,
        triggers=rng.sample(BLEPHAROSPASM_TRIGGERS, k=2),
    )
    sites = []
    for side in (Side.RIGHT, Side.LEFT):
        per_side = PERIOCULAR_SITES + (BROW_SITES if FaceRegion.BROW in spread else ())
        sites += [(side, muscle, units, points) for muscle, units, points in per_side]
    if FaceRegion.BROW in spread:
        sites.append((Side.MIDLINE, Muscle.PROCERUS, "2.5", 1))
    sessions = toxin.add_toxin_course(
        clinic,
        case,
        dates,
        sites,
        last_days_ago=last_days_ago,
        adverse_effect=toxin.next_adverse_effect(
            clinic,
            AdverseEffectKind.PTOSIS,
            AdverseEffectKind.KERATITIS_DRY_EYE,
            AdverseEffectKind.BRUISING,
        ),
    )
    drives = rng.random() < 0.6
    rater = case.responsible_neurologist
    version = "blepharospasm-1987"
    clinic.add_assessment(
        case, "jrs", clinic.jrs("untreated"), opened_on, rater, version=version
    )
    clinic.add_assessment(
        case, "bsdi", clinic.bsdi("untreated", drives), opened_on, rater
    )
    for index, session in enumerate(sessions):
        day = session.performed_on
        clinic.add_assessment(
            case, "jrs", clinic.jrs("trough"), day, session.injector, version=version
        )
        peak_on = day + timedelta(days=rng.randint(28, 35))
        is_last = index == len(sessions) - 1
        if index % 2 == 1 and (not is_last or last_days_ago >= 40):
            clinic.add_assessment(
                case, "jrs", clinic.jrs("peak"), peak_on, rater, version=version
            )
            clinic.add_assessment(
                case, "bsdi", clinic.bsdi("peak", drives), peak_on, rater
            )


# Bell's palsy and synkinesis


def bells(clinic, patient, condition, nth):
    rng = clinic.rng
    days_ago = BELLS_ONSET_DAYS_AGO[nth % len(BELLS_ONSET_DAYS_AGO)]
    side = rng.choice(SIDES)
    onset_on = clinic.days_ago(days_ago)
    onset_at = local_datetime(onset_on, time(7, rng.randint(0, 59)))
    opened_on = onset_on + ONE_DAY
    recovered = days_ago >= BELLS_RECOVERED_AFTER_DAYS
    closed_on = onset_on + timedelta(days=91 + rng.randint(0, 7))
    case = clinic.open_case(
        patient,
        condition,
        laterality=side,
        onset_date=onset_on,
        onset_at=onset_at,
        opened_on=opened_on,
        status=CaseStatus.RESOLVED if recovered else CaseStatus.ACTIVE,
        closed_on=closed_on if recovered else None,
        onset_site=FaceRegion.MOUTH,
        spread=[FaceRegion.BROW, FaceRegion.UPPER_EYELID, FaceRegion.CHEEK],
        notes=f"Woke with {side} facial weakness including the forehead; eye "
        "closes incompletely. Hearing normal, no rash, no other signs.",
    )
    # Steroids within 72 h of onset: 50 mg from 16, else 1 mg/kg by shared decision.
    if patient.age_on(onset_on) >= 16:
        dose, indication = PREDNISOLONE.dose, "Bell's palsy, started within 72 h"
    else:
        dose = str(min(50, round(patient.weight_kg)))
        indication = "Bell's palsy; 1 mg/kg after discussion with parents"
    steroid_stop = opened_on + timedelta(days=9)
    clinic.add_medication_course(
        case,
        [
            {
                "drug": PREDNISOLONE,
                "dose": dose,
                "start_on": opened_on,
                "stop_on": steroid_stop,
                "indication": indication,
            },
            {
                "drug": EYE_GEL,
                "start_on": opened_on,
                "stop_on": closed_on if recovered else None,
                "indication": "Eye protection while closure is incomplete",
            },
        ],
        started_on=opened_on,
        status=CourseStatus.COMPLETED if recovered else CourseStatus.ACTIVE,
        ended_on=closed_on if recovered else None,
        goal="Steroid course and eye protection.",
    )
    for offset, state in BELLS_REVIEWS:
        if offset > 1 and offset + 5 > days_ago:
            continue  # not due yet, even after moving to a clinic day
        if offset == 1:
            day = opened_on
        else:
            day = clinic_day_on_or_after(onset_on + timedelta(days=offset))
        rater = clinic.therapist if offset in (14, 30) else case.responsible_neurologist
        clinic.add_facial_grading(case, state, day, rater)
    if nth == 1:
        therapy = clinic.add_therapy_course(
            case,
            clinic.therapy_dates(rng.randint(8, 12), 2),
            focuses=(TherapyFocus.EYE_CARE, TherapyFocus.FACIAL_RETRAINING),
            completed=False,
            goal="Eye protection and gentle facial retraining while recovering.",
        )
        plan_therapy_visits(clinic, patient, therapy)
    if not recovered:
        clinic.follow_up(patient, 10, 24, notes="Bell's palsy review")


def synkinesis(clinic, patient, condition, nth):
    rng = clinic.rng
    side = rng.choice(SIDES)
    with_toxin = nth < 4
    count, last_days_ago = rng.randint(3, 5), rng.randint(15, 110)
    therapy_count = rng.randint(6, 8)
    dates = toxin.toxin_dates(clinic, last_days_ago, count) if with_toxin else []
    if with_toxin:
        therapy_last_ago = (clinic.today - dates[0]).days + rng.randint(14, 35)
    else:
        therapy_last_ago = rng.randint(6, 12)
    therapy_days = clinic.therapy_dates(therapy_last_ago, therapy_count)
    opened_on = therapy_days[0] - timedelta(days=rng.randint(7, 21))
    onset = opened_on - timedelta(days=rng.randint(30, 240))
    palsy_on = onset - timedelta(days=rng.randint(100, 130))
    case = clinic.open_case(
        patient,
        condition,
        laterality=side,
        onset_date=onset,
        opened_on=opened_on,
        onset_site=FaceRegion.UPPER_EYELID,
        spread=[FaceRegion.CHEEK, FaceRegion.CHIN, FaceRegion.NECK],
        triggers=[Trigger.FACIAL_MOVEMENT, Trigger.TALKING_EATING],
        notes=f"{side.title()} Bell's palsy on {palsy_on:%d %b %Y} with slow "
        "recovery. Since about 4 months the eye narrows when smiling and the chin "
        "dimples when blinking.",
    )
    if nth % 2 == 0:
        clinic.add_study(
            case,
            Modality.EMG,
            ordered_on=opened_on,
            status=StudyStatus.REVIEWED,
            description="Blink reflex and facial nerve conduction",
            impression="Blink-reflex synkinesis in the lower face: aberrant "
            "regeneration after facial palsy.",
            emg_blink_reflex_synkinesis=True,
            emg_lateral_spread_response=False,
        )
    therapy = clinic.add_therapy_course(
        case,
        therapy_days,
        focuses=(
            TherapyFocus.FACIAL_RETRAINING,
            TherapyFocus.BIOFEEDBACK,
            TherapyFocus.SOFT_TISSUE,
        ),
        completed=with_toxin,
        goal="Facial retraining to separate eye closure from smiling.",
    )
    sessions = []
    if with_toxin:
        sessions = toxin.add_toxin_course(
            clinic,
            case,
            dates,
            [
                (side, muscle, units, points)
                for muscle, units, points in SYNKINESIS_SITES
            ],
            last_days_ago=last_days_ago,
            guidance=Guidance.EMG if nth == 0 else Guidance.NONE,
            adverse_effect=toxin.next_adverse_effect(
                clinic, AdverseEffectKind.FACIAL_WEAKNESS
            ),
        )
    clinic.add_facial_grading(
        case, "synkinesis", opened_on, case.responsible_neurologist
    )
    if therapy.ended_on:
        clinic.add_facial_grading(
            case, "synkinesis", therapy.ended_on, clinic.therapist
        )
    for index, session in enumerate(sessions):
        clinic.add_facial_grading(
            case, "synkinesis", session.performed_on, session.injector
        )
        is_last = index == len(sessions) - 1
        if not is_last or last_days_ago >= 40:
            peak_on = session.performed_on + timedelta(days=rng.randint(28, 35))
            clinic.add_facial_grading(
                case, "synkinesis_treated", peak_on, case.responsible_neurologist
            )
    if not with_toxin:
        plan_therapy_visits(clinic, patient, therapy)


def plan_therapy_visits(clinic, patient: Patient, course: TreatmentCourse):
    for earliest, latest in ((4, 12), (20, 30)):
        clinic.follow_up(
            patient,
            earliest,
            latest,
            clinician=clinic.therapist,
            kind=AppointmentKind.THERAPY,
            course=course,
        )


# Other conditions


def myokymia(clinic, patient, condition, nth):
    opened_on = clinic.days_ago(clinic.rng.randint(30, 200))
    case = clinic.open_case(
        patient,
        condition,
        laterality=clinic.rng.choice(SIDES),
        onset_date=opened_on - timedelta(days=clinic.rng.randint(30, 120)),
        opened_on=opened_on,
        status=CaseStatus.OBSERVATION,
        onset_site=FaceRegion.LOWER_EYELID,
        triggers=[Trigger.FATIGUE, Trigger.CAFFEINE, Trigger.STRESS],
        notes="Flickering of the lower eyelid only; no weakness, no spread.",
    )
    if nth == 0 and not patient.is_minor:
        clinic.add_study(
            case,
            Modality.EMG,
            ordered_on=opened_on,
            status=StudyStatus.REVIEWED,
            description="Needle EMG of orbicularis oculi",
            impression="Myokymic discharges in orbicularis oculi; no lateral "
            "spread response.",
            emg_myokymic_discharges=True,
            emg_lateral_spread_response=False,
        )
        clinic.follow_up(patient, 14, 40)
    clinic.add_observation_course(case)


def myokymia_red_flag(clinic, patient, condition, nth):
    opened_on = clinic.days_ago(clinic.rng.randint(20, 30))
    case = clinic.open_case(
        patient,
        condition,
        laterality=clinic.rng.choice(SIDES),
        onset_date=opened_on - timedelta(days=clinic.rng.randint(20, 60)),
        opened_on=opened_on,
        status=CaseStatus.ASSESSMENT,
        onset_site=FaceRegion.MOUTH,
        spread=[FaceRegion.CHEEK, FaceRegion.CHIN],
        red_flags=[RedFlag.UNILATERAL_PERIORAL_MYOKYMIA],
        notes="Continuous rippling of one side of the mouth and chin.",
    )
    clinic.add_study(
        case,
        Modality.EMG,
        ordered_on=opened_on,
        status=StudyStatus.REVIEWED,
        description="Needle EMG of the lower facial muscles",
        impression="Continuous myokymic discharges in orbicularis oris and mentalis.",
        emg_myokymic_discharges=True,
        emg_lateral_spread_response=False,
    )
    clinic.add_study(
        case,
        Modality.MRI,
        ordered_on=opened_on,
        status=StudyStatus.RESULTED,
        description="MRI brain with contrast, brainstem protocol",
        impression="No pontine or cerebellopontine-angle lesion.",
        mri_field_strength=FieldStrength.T3,
        mri_sequences="3D T2 CISS, FLAIR, T1 post-contrast",
        mri_neurovascular_compression=False,
        mri_lesion_found=False,
    )
    clinic.follow_up(patient, 3, 12, notes="MRI result")


def multiple_sclerosis(clinic, patient, condition, nth):
    opened_on = clinic.days_ago(clinic.rng.randint(100, 700))
    side = clinic.rng.choice(SIDES)
    case = clinic.open_case(
        patient,
        condition,
        laterality=side,
        onset_date=opened_on - timedelta(days=clinic.rng.randint(14, 60)),
        opened_on=opened_on,
        onset_site=FaceRegion.CHEEK,
        spread=[FaceRegion.LOWER_EYELID, FaceRegion.MOUTH],
        notes="Relapsing-remitting MS under the MS team; continuous facial "
        "myokymia since the last relapse.",
    )
    clinic.add_study(
        case,
        Modality.MRI,
        ordered_on=opened_on,
        status=StudyStatus.REVIEWED,
        description="MRI brain with contrast",
        impression=f"Demyelinating lesion in the {side} dorsal pons near the "
        "facial nucleus, explaining the myokymia.",
        mri_field_strength=FieldStrength.T3,
        mri_sequences="FLAIR, T2, T1 post-contrast",
        mri_neurovascular_compression=False,
        mri_lesion_found=True,
        mri_lesion_description=f"T2-bright lesion, {side} dorsal pons.",
    )
    clinic.add_study(
        case,
        Modality.EMG,
        ordered_on=opened_on,
        status=StudyStatus.REVIEWED,
        description="Needle EMG of the facial muscles",
        impression="Myokymic discharges; no lateral spread response.",
        emg_myokymic_discharges=True,
        emg_lateral_spread_response=False,
    )
    if nth == 0:
        clinic.add_medication_course(
            case,
            [
                {
                    "drug": CARBAMAZEPINE,
                    "start_on": opened_on + timedelta(days=14),
                    "indication": "Facial myokymia in multiple sclerosis",
                }
            ],
            started_on=opened_on + timedelta(days=14),
        )
    else:
        clinic.add_observation_course(case)
    clinic.follow_up(patient, 7, 40)


def dystonia(clinic, patient, condition, nth):
    opened_on = clinic.days_ago(clinic.rng.randint(90, 500))
    case = clinic.open_case(
        patient,
        condition,
        laterality=Laterality.BILATERAL,
        onset_date=opened_on - timedelta(days=clinic.rng.randint(200, 1500)),
        opened_on=opened_on,
        onset_site=FaceRegion.MOUTH,
        spread=[FaceRegion.CHIN, FaceRegion.NECK],
        triggers=[Trigger.TALKING_EATING, Trigger.STRESS],
        code=("G24.4", "G24.2")[nth % 2],
        notes="Jaw and lower-face spasms when talking and eating.",
    )
    drug = (BACLOFEN, CLONAZEPAM)[nth % 2]
    clinic.add_medication_course(
        case,
        [{"drug": drug, "start_on": opened_on, "indication": "Cranial dystonia"}],
        started_on=opened_on,
    )
    clinic.follow_up(patient, 7, 40)


def parkinsons(clinic, patient, condition, nth):
    opened_on = clinic.days_ago(clinic.rng.randint(60, 400))
    case = clinic.open_case(
        patient,
        condition,
        laterality=clinic.rng.choice(SIDES),
        onset_date=opened_on - timedelta(days=clinic.rng.randint(100, 600)),
        opened_on=opened_on,
        status=CaseStatus.OBSERVATION,
        onset_site=FaceRegion.MOUTH,
        spread=[FaceRegion.CHIN],
        notes="Parkinson's disease under the movement-disorders clinic; lip and "
        "jaw tremor taken for twitching.",
    )
    clinic.add_observation_course(case)
    if nth == 0:
        clinic.follow_up(
            patient,
            3,
            10,
            status=AppointmentStatus.CANCELLED,
            cancel_reason="In hospital with a chest infection.",
        )
    clinic.follow_up(patient, 21, 40)


def tics(clinic, patient, condition, nth):
    opened_on = clinic.days_ago(clinic.rng.randint(90, 400))
    case = clinic.open_case(
        patient,
        condition,
        onset_date=opened_on - timedelta(days=clinic.rng.randint(300, 1400)),
        opened_on=opened_on,
        status=CaseStatus.OBSERVATION,
        onset_site=FaceRegion.UPPER_EYELID,
        spread=[FaceRegion.NOSE, FaceRegion.MOUTH],
        triggers=[Trigger.STRESS, Trigger.FATIGUE, Trigger.READING_SCREENS],
        notes="Blinking, nose-wrinkling and grimacing tics with a premonitory "
        "urge; can suppress them briefly.",
    )
    clinic.add_observation_course(case)
    if nth == 0:
        therapy = clinic.add_therapy_course(
            case,
            clinic.therapy_dates(clinic.rng.randint(10, 20), 4),
            focuses=(TherapyFocus.RELAXATION,),
            completed=False,
            goal="Habit reversal training.",
        )
        plan_therapy_visits(clinic, patient, therapy)
    elif clinic.rng.random() < 0.5:
        clinic.follow_up(patient, 14, 40)


def benign(clinic, patient, condition, nth):
    opened_on = clinic.days_ago(clinic.rng.randint(30, 150))
    case = clinic.open_case(
        patient,
        condition,
        laterality=clinic.rng.choice(SIDES),
        onset_date=opened_on - timedelta(days=clinic.rng.randint(20, 90)),
        opened_on=opened_on,
        status=CaseStatus.OBSERVATION,
        onset_site=FaceRegion.LOWER_EYELID,
        triggers=[Trigger.CAFFEINE, Trigger.FATIGUE, Trigger.STRESS],
        notes="Intermittent lower-lid twitch during exams and late nights.",
    )
    clinic.add_observation_course(case)
    if nth == 0 and not patient.is_minor:
        # Did not attend last week; a new appointment is booked.
        clinic.visits.append(
            Visit(
                patient=patient,
                clinician=patient.responsible_neurologist,
                kind=AppointmentKind.FOLLOW_UP,
                earliest=clinic.days_ago(14),
                latest=clinic.days_ago(7),
                status=AppointmentStatus.NO_SHOW,
            )
        )
        clinic.follow_up(patient, 10, 30)


def benign_archived(clinic, patient, condition, nth):
    opened_on = clinic.days_ago(clinic.rng.randint(400, 600))
    closed_on = opened_on + timedelta(days=clinic.rng.randint(90, 120))
    case = clinic.open_case(
        patient,
        condition,
        laterality=clinic.rng.choice(SIDES),
        onset_date=opened_on - timedelta(days=clinic.rng.randint(20, 60)),
        opened_on=opened_on,
        status=CaseStatus.DISCHARGED,
        closed_on=closed_on,
        onset_site=FaceRegion.UPPER_EYELID,
        triggers=[Trigger.CAFFEINE, Trigger.FATIGUE],
        notes="Settled with more sleep and less coffee; discharged to the GP.",
    )
    clinic.add_observation_course(case, ended_on=closed_on)
    patient.is_archived = True
    clinic.save(patient)
