"""The storylines of blepharospasm, Bell's palsy and synkinesis, and the other
conditions the clinic sees."""

from datetime import date, time, timedelta

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
    BELLS_PALSY,
    BELLS_RECOVERED_AFTER_DAYS,
    BELLS_REVIEWS,
    BENIGN_TWITCH,
    BENIGN_TWITCH_SETTLED,
    BLEPHAROSPASM,
    BLEPHAROSPASM_TRIGGERS,
    BROW_SITES,
    CARBAMAZEPINE,
    CLONAZEPAM,
    CRANIAL_DYSTONIA,
    EYE_GEL,
    EYELID_MYOKYMIA,
    FACIAL_TICS,
    MYOKYMIA_IN_MS,
    PARKINSONS_TREMOR,
    PERIOCULAR_SITES,
    PERIORAL_MYOKYMIA,
    PREDNISOLONE,
    SIDES,
    SYNKINESIS,
    SYNKINESIS_NOTES,
    SYNKINESIS_SITES,
)
from clinic.demo.studies import (
    BRAINSTEM_MRI,
    EYELID_MYOKYMIA_EMG,
    MS_EMG,
    MS_MRI,
    PERIORAL_MYOKYMIA_EMG,
    SYNKINESIS_EMG,
)
from patients.models import (
    Case,
    CaseStatus,
    ExamFinding,
    FaceRegion,
    Patient,
    RedFlag,
)
from patients.services import acknowledge_red_flag
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

BLEPHAROSPASM_JRS_VERSION = "blepharospasm-1987"
BELLS_EYE_AT_RISK = (
    ExamFinding.INCOMPLETE_EYE_CLOSURE,
    ExamFinding.EYE_PAIN_OR_VISUAL_CHANGE,
)

# Blepharospasm


def blepharospasm_toxin(clinic, patient, condition, nth):
    rng = clinic.rng
    count, last_days_ago = rng.randint(3, 8), rng.randint(10, 120)
    dates = toxin.toxin_dates(clinic, last_days_ago, count)
    spread = rng.sample([FaceRegion.LOWER_EYELID, FaceRegion.BROW], k=rng.randint(1, 2))
    case = clinic.open_case(
        patient,
        condition,
        BLEPHAROSPASM,
        opened_on=dates[0] - timedelta(days=rng.randint(21, 60)),
        spread=spread,
        triggers=rng.sample(BLEPHAROSPASM_TRIGGERS, k=2),
    )
    sessions = toxin.add_toxin_course(
        clinic,
        case,
        dates,
        blepharospasm_sites(with_brow=FaceRegion.BROW in spread),
        last_days_ago=last_days_ago,
        adverse_effect=toxin.next_adverse_effect(
            clinic,
            AdverseEffectKind.PTOSIS,
            AdverseEffectKind.KERATITIS_DRY_EYE,
            AdverseEffectKind.BRUISING,
        ),
    )
    add_blepharospasm_scores(clinic, case, sessions, last_days_ago)


def blepharospasm_sites(*, with_brow: bool) -> list[tuple[str, str, str, int]]:
    """Both eyes, and the brows with procerus between them once spasm spreads."""
    per_side = PERIOCULAR_SITES + (BROW_SITES if with_brow else ())
    sites = [
        (side, muscle, units, points)
        for side in (Side.RIGHT, Side.LEFT)
        for muscle, units, points in per_side
    ]
    if with_brow:
        sites.append((Side.MIDLINE, Muscle.PROCERUS, "2.5", 1))
    return sites


def add_blepharospasm_scores(clinic, case: Case, sessions, last_days_ago: int):
    """Scores at baseline, before each session and at the peak of every other."""
    drives = clinic.rng.random() < 0.6
    rater, version = case.responsible_neurologist, BLEPHAROSPASM_JRS_VERSION
    opened_on = case.opened_on
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
        peak_on = day + timedelta(days=clinic.rng.randint(28, 35))
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
    """A Bell's palsy at each stage: days after onset, weeks, and recovered."""
    days_ago = BELLS_ONSET_DAYS_AGO[nth % len(BELLS_ONSET_DAYS_AGO)]
    onset_on = clinic.days_ago(days_ago)
    recovered = days_ago >= BELLS_RECOVERED_AFTER_DAYS
    closed_on = onset_on + timedelta(days=91 + clinic.rng.randint(0, 7))
    case = clinic.open_case(
        patient,
        condition,
        BELLS_PALSY,
        opened_on=onset_on + ONE_DAY,
        onset_date=onset_on,
        onset_at=local_datetime(onset_on, time(7, clinic.rng.randint(0, 59))),
        status=CaseStatus.RESOLVED if recovered else CaseStatus.ACTIVE,
        closed_on=closed_on if recovered else None,
        # The first days' palsy: a painful red eye that does not close.
        findings=BELLS_EYE_AT_RISK if nth == 0 else (),
    )
    add_steroids_and_eye_care(clinic, case)
    add_bells_reviews(clinic, case, days_ago)
    if nth == 1:
        therapy = clinic.add_therapy_course(
            case,
            clinic.therapy_dates(clinic.rng.randint(8, 12), 2),
            focuses=(TherapyFocus.EYE_CARE, TherapyFocus.FACIAL_RETRAINING),
            completed=False,
            goal="Eye protection and gentle facial retraining while recovering.",
        )
        plan_therapy_visits(clinic, patient, therapy)
    if not recovered:
        clinic.follow_up(patient, 10, 24, notes="Bell's palsy review")


def add_steroids_and_eye_care(clinic, case: Case):
    """Steroids within 72 h of onset: 50 mg from 16, else 1 mg/kg by shared
    decision; eye protection until the case closes."""
    started, patient = case.opened_on, case.patient
    if patient.age_on(case.onset_date) >= 16:
        dose, indication = PREDNISOLONE.dose, "Bell's palsy, started within 72 h"
    else:
        dose = str(min(50, round(patient.weight_kg)))
        indication = "Bell's palsy; 1 mg/kg after discussion with parents"
    steroids = {
        "drug": PREDNISOLONE,
        "dose": dose,
        "start_on": started,
        "stop_on": started + timedelta(days=9),
        "indication": indication,
    }
    eye_gel = {
        "drug": EYE_GEL,
        "start_on": started,
        "stop_on": case.closed_on,
        "indication": "Eye protection while closure is incomplete",
    }
    clinic.add_medication_course(
        case,
        [steroids, eye_gel],
        started_on=started,
        status=CourseStatus.COMPLETED if case.closed_on else CourseStatus.ACTIVE,
        ended_on=case.closed_on,
        goal="Steroid course and eye protection.",
    )


def add_bells_reviews(clinic, case: Case, days_ago: int):
    """The facial gradings of the reviews due by now (stories.BELLS_REVIEWS)."""
    for offset, state in BELLS_REVIEWS:
        if offset > 1 and offset + 5 > days_ago:
            continue  # not due yet, even after moving to a clinic day
        if offset == 1:
            day = case.opened_on
        else:
            day = clinic_day_on_or_after(case.onset_date + timedelta(days=offset))
        rater = clinic.therapist if offset in (14, 30) else case.responsible_neurologist
        clinic.add_facial_grading(case, state, day, rater)


def synkinesis(clinic, patient, condition, nth):
    """Synkinesis months after a Bell's palsy: retraining first, then toxin for
    the first four patients; the others are still in retraining."""
    with_toxin = nth < 4
    count, last_days_ago = clinic.rng.randint(3, 5), clinic.rng.randint(15, 110)
    dates = toxin.toxin_dates(clinic, last_days_ago, count) if with_toxin else []
    therapy_days = synkinesis_therapy_days(
        clinic, first_toxin_on=dates[0] if dates else None
    )
    case = open_synkinesis_case(clinic, patient, condition, therapy_days[0])
    if nth % 2 == 0:
        clinic.add_study(case, SYNKINESIS_EMG)
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
            [(case.laterality, *site) for site in SYNKINESIS_SITES],
            last_days_ago=last_days_ago,
            guidance=Guidance.EMG if nth == 0 else Guidance.NONE,
            adverse_effect=toxin.next_adverse_effect(
                clinic, AdverseEffectKind.FACIAL_WEAKNESS
            ),
        )
    add_synkinesis_gradings(clinic, case, therapy, sessions, last_days_ago)
    if nth == 0:
        swallowing_after_platysma(clinic, sessions)
    if not with_toxin:
        plan_therapy_visits(clinic, patient, therapy)


def swallowing_after_platysma(clinic, sessions) -> None:
    """Difficulty swallowing after a session with platysma sites: the toxin's
    distant spread, a red flag that waits on the dashboard (DOMAIN.md 5.1)."""
    settled = [s for s in sessions if (clinic.today - s.performed_on).days >= 45]
    if settled:
        toxin.add_adverse_effect(clinic, settled[-1], AdverseEffectKind.DYSPHAGIA)


def synkinesis_therapy_days(clinic, *, first_toxin_on: date | None) -> list[date]:
    """Retraining that ended weeks before the first toxin session, or that is
    still going, its last session a week or so ago."""
    count = clinic.rng.randint(6, 8)
    if first_toxin_on:
        last_ago = (clinic.today - first_toxin_on).days + clinic.rng.randint(14, 35)
    else:
        last_ago = clinic.rng.randint(6, 12)
    return clinic.therapy_dates(last_ago, count)


def open_synkinesis_case(clinic, patient, condition, first_therapy_on: date) -> Case:
    """Opened before retraining; the synkinesis began months after the palsy."""
    rng = clinic.rng
    opened_on = first_therapy_on - timedelta(days=rng.randint(7, 21))
    onset = opened_on - timedelta(days=rng.randint(30, 240))
    palsy_on = onset - timedelta(days=rng.randint(100, 130))
    side = rng.choice(SIDES)
    return clinic.open_case(
        patient,
        condition,
        SYNKINESIS,
        opened_on=opened_on,
        onset_date=onset,
        laterality=side,
        notes=SYNKINESIS_NOTES.format(side=side.title(), palsy_on=palsy_on),
    )


def add_synkinesis_gradings(clinic, case: Case, therapy, sessions, last_days_ago):
    """Gradings when first seen, after retraining, before each toxin session and
    at its peak effect (toxin sessions exist first, for days since the last)."""
    neurologist = case.responsible_neurologist
    clinic.add_facial_grading(case, "synkinesis", case.opened_on, neurologist)
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
            peak_on = session.performed_on + timedelta(days=clinic.rng.randint(28, 35))
            clinic.add_facial_grading(case, "synkinesis_treated", peak_on, neurologist)


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
    case = clinic.open_case(patient, condition, EYELID_MYOKYMIA)
    if nth == 0 and not patient.is_minor:
        clinic.add_study(case, EYELID_MYOKYMIA_EMG)
        clinic.follow_up(patient, 14, 40)
    clinic.add_observation_course(case)


def myokymia_red_flag(clinic, patient, condition, nth):
    case = clinic.open_case(patient, condition, PERIORAL_MYOKYMIA)
    clinic.add_study(case, PERIORAL_MYOKYMIA_EMG)
    clinic.add_study(case, BRAINSTEM_MRI)
    clinic.follow_up(patient, 3, 12, notes="MRI result")


def multiple_sclerosis(clinic, patient, condition, nth):
    case = clinic.open_case(patient, condition, MYOKYMIA_IN_MS)
    clinic.add_study(case, MS_MRI)
    clinic.add_study(case, MS_EMG)
    if nth == 0:
        # Its red flag reviewed once the MRI showed the lesion that explains it.
        acknowledge_red_flag(
            case=case,
            flag=RedFlag.MS_CONTINUOUS_MYOKYMIA,
            note="MRI shows the pontine lesion that explains the myokymia; "
            "followed with the MS team.",
            by=case.responsible_neurologist,
        )
        started = case.opened_on + timedelta(days=14)
        clinic.add_medication_course(
            case,
            [
                {
                    "drug": CARBAMAZEPINE,
                    "start_on": started,
                    "indication": "Facial myokymia in multiple sclerosis",
                }
            ],
            started_on=started,
        )
    else:
        clinic.add_observation_course(case)
    clinic.follow_up(patient, 7, 40)


def dystonia(clinic, patient, condition, nth):
    case = clinic.open_case(
        patient, condition, CRANIAL_DYSTONIA, code=("G24.4", "G24.2")[nth % 2]
    )
    drug = (BACLOFEN, CLONAZEPAM)[nth % 2]
    clinic.add_medication_course(
        case,
        [{"drug": drug, "start_on": case.opened_on, "indication": "Cranial dystonia"}],
        started_on=case.opened_on,
    )
    clinic.follow_up(patient, 7, 40)


def parkinsons(clinic, patient, condition, nth):
    case = clinic.open_case(patient, condition, PARKINSONS_TREMOR)
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
    case = clinic.open_case(patient, condition, FACIAL_TICS)
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
    case = clinic.open_case(patient, condition, BENIGN_TWITCH)
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
        BENIGN_TWITCH_SETTLED,
        opened_on=opened_on,
        closed_on=closed_on,
    )
    clinic.add_observation_course(case, ended_on=closed_on)
    patient.is_archived = True
    clinic.save(patient)
