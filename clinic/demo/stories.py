"""Each condition's storyline as data: how its cases present, codes, sites and
doses, scale answers by clinical state, drugs, MVD referral steps and therapy.
The studies' findings are in studies.py."""

from dataclasses import dataclass, replace
from decimal import Decimal

from patients.models import (
    CaseStatus,
    Condition,
    ExamFinding,
    FaceRegion,
    Laterality,
    Trigger,
    Vessel,
)
from treatments.models import (
    AdverseEffectKind,
    BenefitRating,
    CourseStatus,
    DoseUnit,
    DrugRoute,
    FollowUpTimepoint,
    Muscle,
    MvdOutcome,
    Product,
    ReferralStatus,
    TherapyFocus,
)

ONE_SIDE = "one side"  # a Presentation's laterality: left or right, drawn from SIDES


@dataclass(frozen=True)
class Presentation:
    """How a storyline's case presents, for DemoClinic.open_case. Day counts are
    ranges drawn at random; a storyline that works a date out itself passes it
    instead. The notes may name the affected {side}."""

    onset_site: str
    opened_days_ago: tuple[int, int] = (0, 0)
    onset_days_before: tuple[int, int] = (0, 0)  # onset this long before opening
    laterality: str = ONE_SIDE
    status: str = CaseStatus.ACTIVE
    spread: tuple[str, ...] = ()
    triggers: tuple[str, ...] = ()
    findings: tuple[str, ...] = ()  # the red-flag checklist of the examination
    red_flags: tuple[str, ...] = ()  # ticked by hand
    notes: str = ""


# Coding: preferred leaf codes where a condition has several (patients/coding.py).
PREFERRED_CODES = {
    Condition.TIC_DISORDER: ("F95.2", "F95.1"),
    Condition.MULTIPLE_SCLEROSIS: ("G35.A",),
    Condition.DYSTONIA: ("G24.4", "G24.2"),
    Condition.PARKINSONS: ("G20.A1",),
    Condition.BENIGN_TWITCHING: ("R25.3",),
}
SIDES = (Laterality.LEFT, Laterality.LEFT, Laterality.RIGHT)  # left a little commoner
HFS_SPREAD_REGIONS = (
    FaceRegion.CHEEK,
    FaceRegion.MOUTH,
    FaceRegion.BROW,
    FaceRegion.CHIN,
    FaceRegion.NECK,
)
HFS_TRIGGERS = (
    Trigger.STRESS,
    Trigger.FATIGUE,
    Trigger.TALKING_EATING,
    Trigger.FACIAL_MOVEMENT,
)
BLEPHAROSPASM_TRIGGERS = (
    Trigger.BRIGHT_LIGHT,
    Trigger.READING_SCREENS,
    Trigger.STRESS,
    Trigger.FATIGUE,
)
SMC_GRADE_WEIGHTS = {1: 25, 2: 45, 3: 20, 4: 10}
# MRI offending vessels in hemifacial spasm (DOMAIN.md 3.2), with rough frequencies.
VESSEL_PATTERNS = (
    ((Vessel.AICA,), 45),
    ((Vessel.PICA,), 25),
    ((Vessel.VERTEBRAL, Vessel.PICA), 10),
    ((Vessel.AICA, Vessel.VEIN), 8),
    ((Vessel.NONE,), 12),
)

# Toxin: mostly Botox, some Xeomin, a few Dysport (DOMAIN.md 2.1-2.4).
PRODUCT_CYCLE = (
    Product.ONABOTULINUMTOXINA,
    Product.ONABOTULINUMTOXINA,
    Product.INCOBOTULINUMTOXINA,
    Product.ONABOTULINUMTOXINA,
    Product.ONABOTULINUMTOXINA,
    Product.ONABOTULINUMTOXINA,
    Product.ABOBOTULINUMTOXINA,
    Product.ONABOTULINUMTOXINA,
    Product.INCOBOTULINUMTOXINA,
    Product.ONABOTULINUMTOXINA,
)
# Vial units and the diluent volumes (mL) the clinic uses for each product.
VIALS = {
    Product.ONABOTULINUMTOXINA: (100, ("2", "4")),
    Product.INCOBOTULINUMTOXINA: (100, ("2", "4")),
    Product.ABOBOTULINUMTOXINA: (500, ("2.5",)),
}
# Units are not interchangeable: Dysport doses are about 3x Botox, Xeomin 1:1.
UNITS_PER_BOTOX_UNIT = {
    Product.ONABOTULINUMTOXINA: Decimal("1"),
    Product.INCOBOTULINUMTOXINA: Decimal("1"),
    Product.ABOBOTULINUMTOXINA: Decimal("3"),
}
LOT_PREFIX = {
    Product.ONABOTULINUMTOXINA: "C",
    Product.INCOBOTULINUMTOXINA: "X",
    Product.ABOBOTULINUMTOXINA: "M",
}
CONSENT_LEAFLET = "BoNT leaflet v4 (2024)"
SHORT_GAP_SHARE = 0.08  # a few sessions at 77-83 days, with the reason noted
# Gaps drawn before moving a session off a weekend or bank holiday, which adds at
# most four days: 77-83 days for a short gap, 84-112 otherwise.
SHORT_GAP_DAYS = (77, 79)
USUAL_GAP_DAYS = (84, 108)

# Injection sites as (muscle, Botox units for the site, injection points).
PERIOCULAR_SITES = (
    (Muscle.OO_PRETARSAL_UPPER_MEDIAL, "2.5", 1),
    (Muscle.OO_PRETARSAL_UPPER_LATERAL, "2.5", 1),
    (Muscle.OO_PRETARSAL_LOWER_LATERAL, "2.5", 1),
    (Muscle.OO_ORBITAL, "5", 2),
)
SPREAD_SITES = {
    FaceRegion.BROW: ((Muscle.CORRUGATOR, "2.5", 1), (Muscle.FRONTALIS, "5", 2)),
    FaceRegion.CHEEK: ((Muscle.ZYGOMATICUS_MAJOR, "2.5", 1),),
    FaceRegion.MOUTH: ((Muscle.DEPRESSOR_ANGULI_ORIS, "2", 1),),
    FaceRegion.CHIN: ((Muscle.MENTALIS, "2.5", 1),),
    FaceRegion.NECK: ((Muscle.PLATYSMA, "5", 2),),
}
BROW_SITES = ((Muscle.CORRUGATOR, "2.5", 1),)
SYNKINESIS_SITES = (
    (Muscle.OO_ORBITAL, "2.5", 2),
    (Muscle.MENTALIS, "2.5", 1),
    (Muscle.DEPRESSOR_ANGULI_ORIS, "2", 1),
    (Muscle.PLATYSMA, "5", 2),
)
# Left out after lower-face weakness followed a session.
LOWER_FACE_MUSCLES = {Muscle.ZYGOMATICUS_MAJOR, Muscle.DEPRESSOR_ANGULI_ORIS}
# How long benefit lasted, by the patient's rating (days).
BENEFIT_DAYS = {
    BenefitRating.MARKED: (84, 105),
    BenefitRating.MODERATE: (70, 91),
    BenefitRating.SLIGHT: (45, 65),
}
ADVERSE_NOTES = {
    AdverseEffectKind.PTOSIS: "Upper-lid droop of about 2 mm; no treatment needed. "
    "Next time keep the upper-lid sites pretarsal and away from the midline.",
    AdverseEffectKind.KERATITIS_DRY_EYE: "Gritty dry eye; lubricant drops by day.",
    AdverseEffectKind.FACIAL_WEAKNESS: "Mouth droops when smiling; drinks from a "
    "straw. Lower-face dose to be reduced.",
    AdverseEffectKind.BRUISING: "Small bruise at the lateral canthus.",
    AdverseEffectKind.DYSPHAGIA: "Solids stuck on swallowing for about a week after "
    "the platysma sites; no choking.",
}

# Scale answers by clinical state.
JRS_RANGES = {  # (severity, frequency)
    "untreated": ((3, 4), (2, 4)),
    "trough": ((2, 3), (2, 3)),
    "peak": ((0, 1), (0, 2)),
    "cured": ((0, 0), (0, 0)),
}
PROM_ITEM_RANGES = {  # HFS-7 and BSDI items, 0-4
    "untreated": (2, 4),
    "trough": (1, 3),
    "peak": (0, 2),
    "cured": (0, 1),
}
# Sunnybrook: (voluntary 1-5, eye at rest 0-1, cheek at rest 0-2, mouth at rest 0-1,
# synkinesis 0-3) ranges per state.
SUNNYBROOK_RANGES = {
    "acute": ((1, 2), (1, 1), (1, 2), (1, 1), (0, 0)),
    "early": ((2, 3), (0, 1), (1, 2), (0, 1), (0, 0)),
    "recovering": ((3, 4), (0, 1), (0, 1), (0, 1), (0, 1)),
    "recovered": ((5, 5), (0, 0), (0, 0), (0, 0), (0, 0)),
    "synkinesis": ((3, 4), (1, 1), (0, 1), (0, 1), (1, 3)),
    "synkinesis_treated": ((4, 5), (0, 1), (0, 1), (0, 0), (0, 1)),
}
SUNNYBROOK_EXPRESSIONS = (
    "brow",
    "gentle_eye_closure",
    "open_mouth_smile",
    "snarl",
    "lip_pucker",
)
# House-Brackmann grade for a Sunnybrook composite (Kanerva 2011 bands; DOMAIN.md 1.6
# calls them a display aid, which is all a demo needs).
HOUSE_BRACKMANN_BY_COMPOSITE = ((95, 1), (66, 2), (43, 3), (26, 4), (13, 5))

# Bell's palsy: days since onset for each patient on the "bells" rows, and the review
# schedule (days after onset, state) of the Kanerva template.
BELLS_ONSET_DAYS_AGO = (4, 45, 210)
BELLS_REVIEWS = (
    (1, "acute"),
    (14, "early"),
    (30, "recovering"),
    (61, "recovering"),
    (91, "recovered"),
)
BELLS_RECOVERED_AFTER_DAYS = 120


@dataclass(frozen=True)
class Drug:
    name: str
    dose: str
    unit: str
    route: str
    frequency: str


CLONAZEPAM = Drug("clonazepam", "0.5", DoseUnit.MG, DrugRoute.ORAL, "at night")
CARBAMAZEPINE = Drug("carbamazepine", "100", DoseUnit.MG, DrugRoute.ORAL, "twice daily")
BACLOFEN = Drug("baclofen", "10", DoseUnit.MG, DrugRoute.ORAL, "three times daily")
PREDNISOLONE = Drug(
    "prednisolone", "50", DoseUnit.MG, DrugRoute.ORAL, "once daily for 10 days"
)
EYE_GEL = Drug(
    "carbomer 0.2% eye gel",
    "1",
    DoseUnit.DROP,
    DrugRoute.OPHTHALMIC,
    "four times daily, affected eye",
)
OBSERVATION_GOAL = (
    "Reassurance and lifestyle advice: regular sleep, less caffeine, screen breaks, "
    "stress management. Review if the twitching spreads, lasts beyond 3 months or "
    "weakness appears."
)


@dataclass(frozen=True)
class MvdPlan:
    status: str
    sent_days_ago: int
    surgery_days_ago: int | None  # negative: surgery is booked in the future
    toxin_status: str = CourseStatus.ACTIVE  # the toxin course meanwhile
    review: tuple[int, int, str] | None = None  # next visit: days ahead and notes

    @property
    def operated(self) -> bool:
        return self.surgery_days_ago is not None and self.surgery_days_ago > 0

    @property
    def cured(self) -> bool:
        return self.status == ReferralStatus.OUTCOME_RECORDED


# One hemifacial-spasm patient for each step from sent to outcome recorded.
MVD_PLANS = (
    MvdPlan(ReferralStatus.SENT, 12, None),
    MvdPlan(ReferralStatus.ACKNOWLEDGED, 48, None),
    MvdPlan(ReferralStatus.SURGERY_SCHEDULED, 130, -30, CourseStatus.ON_HOLD),
    MvdPlan(
        ReferralStatus.OPERATED,
        190,
        52,
        CourseStatus.COMPLETED,
        review=(28, 40, "3 months after MVD"),
    ),
    MvdPlan(
        ReferralStatus.OUTCOME_RECORDED,
        840,
        720,
        CourseStatus.COMPLETED,
        review=(7, 21, "2 years after MVD"),
    ),
)
MVD_GOAL = "Microvascular decompression of the facial nerve."
MVD_REFERRAL_REASON = (
    "Typical {side} hemifacial spasm, SMC grade {grade}; MRI: {vessels} at the root "
    "exit zone. Toxin benefit now about 8 weeks. Please consider MVD."
)
FOLLOW_UP_DAYS = {
    FollowUpTimepoint.WEEK_1: 7,
    FollowUpTimepoint.MONTH_1: 30,
    FollowUpTimepoint.MONTH_3: 91,
    FollowUpTimepoint.MONTH_6: 182,
    FollowUpTimepoint.MONTH_12: 365,
    FollowUpTimepoint.MONTH_24: 730,
}
# Delayed cure is common after MVD (DOMAIN.md 3.3).
SPASM_AFTER_MVD = {
    FollowUpTimepoint.WEEK_1: MvdOutcome.AWAITING_DELAYED_CURE,
    FollowUpTimepoint.MONTH_1: MvdOutcome.PARTIAL,
}
# Reviews where a transient facial palsy and the hearing are still noted.
EARLY_AFTER_MVD = (FollowUpTimepoint.WEEK_1, FollowUpTimepoint.MONTH_1)
# How many regions beyond the eyelids hemifacial spasm has spread to, by SMC grade.
HFS_SPREAD_BY_SMC_GRADE = {1: 0, 2: 2, 3: 3, 4: 4}
HFS_JRS_VERSION = "hfs-adapted"
THERAPY_EXERCISES = {
    TherapyFocus.FACIAL_RETRAINING: "Slow, small smiles and puckers at a mirror, "
    "keeping the eye open.",
    TherapyFocus.BIOFEEDBACK: "Mirror biofeedback: separate eye closure from smiling; "
    "3 x 10 repetitions.",
    TherapyFocus.SOFT_TISSUE: "Massage and stretching of cheek, chin and neck bands.",
    TherapyFocus.EYE_CARE: "Drops by day, ointment and taping at night; blink drills.",
    TherapyFocus.RELAXATION: "Awareness training and a competing response "
    "(habit reversal); relaxation breathing.",
}

# How each storyline's case presents.
HFS_ON_TOXIN = Presentation(FaceRegion.UPPER_EYELID, onset_days_before=(200, 2500))
HFS_FOR_MVD = replace(
    HFS_ON_TOXIN,
    notes="Referred for microvascular decompression: toxin benefit waning to "
    "about 8 weeks; wishes to consider a definitive treatment.",
)
HFS_ON_TABLETS = replace(
    HFS_ON_TOXIN,
    opened_days_ago=(240, 400),
    notes="Declined botulinum toxin for now (needle phobia); prefers tablets.",
)
HFS_WITH_RED_FLAGS = Presentation(
    FaceRegion.UPPER_EYELID,
    opened_days_ago=(12, 16),
    onset_days_before=(60, 150),
    status=CaseStatus.ASSESSMENT,
    findings=(ExamFinding.FACIAL_WEAKNESS, ExamFinding.HEARING_LOSS),
    notes="Twitching with mild weakness of the same side and reduced hearing.",
)
HFS_IN_A_CHILD = Presentation(
    FaceRegion.UPPER_EYELID,
    opened_days_ago=(35, 45),
    onset_days_before=(60, 300),
    status=CaseStatus.ASSESSMENT,
    findings=(ExamFinding.SEIZURE_LIKE_EPISODES,),
    notes="Child with hemifacial spasm, first taken for seizures: MRI to exclude a "
    "posterior-fossa lesion.",
)
NEW_REFERRALS = {
    Condition.HEMIFACIAL_SPASM: replace(
        HFS_ON_TOXIN, opened_days_ago=(3, 12), status=CaseStatus.ASSESSMENT
    ),
    Condition.BLEPHAROSPASM: Presentation(
        FaceRegion.UPPER_EYELID,
        opened_days_ago=(3, 12),
        onset_days_before=(150, 700),
        laterality=Laterality.BILATERAL,
        status=CaseStatus.ASSESSMENT,
        triggers=(Trigger.BRIGHT_LIGHT, Trigger.READING_SCREENS),
        notes="GP referral: frequent forced blinking; struggles to drive.",
    ),
}
BLEPHAROSPASM = Presentation(
    FaceRegion.UPPER_EYELID,
    onset_days_before=(300, 2000),
    laterality=Laterality.BILATERAL,
)
BELLS_PALSY = Presentation(
    FaceRegion.MOUTH,
    spread=(FaceRegion.BROW, FaceRegion.UPPER_EYELID, FaceRegion.CHEEK),
    notes="Woke with {side} facial weakness including the forehead; eye closes "
    "incompletely. Hearing normal, no rash, no other signs.",
)
SYNKINESIS = Presentation(
    FaceRegion.UPPER_EYELID,
    spread=(FaceRegion.CHEEK, FaceRegion.CHIN, FaceRegion.NECK),
    triggers=(Trigger.FACIAL_MOVEMENT, Trigger.TALKING_EATING),
)
SYNKINESIS_NOTES = (
    "{side} Bell's palsy on {palsy_on:%d %b %Y} with slow recovery. Since about 4 "
    "months the eye narrows when smiling and the chin dimples when blinking."
)
EYELID_MYOKYMIA = Presentation(
    FaceRegion.LOWER_EYELID,
    opened_days_ago=(30, 200),
    onset_days_before=(30, 120),
    status=CaseStatus.OBSERVATION,
    triggers=(Trigger.FATIGUE, Trigger.CAFFEINE, Trigger.STRESS),
    notes="Flickering of the lower eyelid only; no weakness, no spread.",
)
PERIORAL_MYOKYMIA = Presentation(
    FaceRegion.MOUTH,
    opened_days_ago=(20, 30),
    onset_days_before=(20, 60),
    status=CaseStatus.ASSESSMENT,
    spread=(FaceRegion.CHEEK, FaceRegion.CHIN),
    notes="Continuous rippling of one side of the mouth and chin.",
)
MYOKYMIA_IN_MS = Presentation(
    FaceRegion.CHEEK,
    opened_days_ago=(100, 700),
    onset_days_before=(14, 60),
    spread=(FaceRegion.LOWER_EYELID, FaceRegion.MOUTH),
    findings=(ExamFinding.CONTINUOUS_MYOKYMIA,),
    notes="Relapsing-remitting MS under the MS team; continuous facial myokymia "
    "since the last relapse.",
)
CRANIAL_DYSTONIA = Presentation(
    FaceRegion.MOUTH,
    opened_days_ago=(90, 500),
    onset_days_before=(200, 1500),
    laterality=Laterality.BILATERAL,
    spread=(FaceRegion.CHIN, FaceRegion.NECK),
    triggers=(Trigger.TALKING_EATING, Trigger.STRESS),
    notes="Jaw and lower-face spasms when talking and eating.",
)
PARKINSONS_TREMOR = Presentation(
    FaceRegion.MOUTH,
    opened_days_ago=(60, 400),
    onset_days_before=(100, 600),
    status=CaseStatus.OBSERVATION,
    spread=(FaceRegion.CHIN,),
    notes="Parkinson's disease under the movement-disorders clinic; lip and jaw "
    "tremor taken for twitching.",
)
FACIAL_TICS = Presentation(
    FaceRegion.UPPER_EYELID,
    opened_days_ago=(90, 400),
    onset_days_before=(300, 1400),
    laterality=Laterality.NOT_APPLICABLE,
    status=CaseStatus.OBSERVATION,
    spread=(FaceRegion.NOSE, FaceRegion.MOUTH),
    triggers=(Trigger.STRESS, Trigger.FATIGUE, Trigger.READING_SCREENS),
    notes="Blinking, nose-wrinkling and grimacing tics with a premonitory urge; "
    "can suppress them briefly.",
)
BENIGN_TWITCH = Presentation(
    FaceRegion.LOWER_EYELID,
    opened_days_ago=(30, 150),
    onset_days_before=(20, 90),
    status=CaseStatus.OBSERVATION,
    triggers=(Trigger.CAFFEINE, Trigger.FATIGUE, Trigger.STRESS),
    notes="Intermittent lower-lid twitch during exams and late nights.",
)
BENIGN_TWITCH_SETTLED = Presentation(  # opened and closed by its storyline
    FaceRegion.UPPER_EYELID,
    onset_days_before=(20, 60),
    status=CaseStatus.DISCHARGED,
    triggers=(Trigger.CAFFEINE, Trigger.FATIGUE),
    notes="Settled with more sleep and less coffee; discharged to the GP.",
)
