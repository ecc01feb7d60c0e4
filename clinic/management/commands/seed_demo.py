"""Fill the database with a deterministic, realistic demo clinic.

    manage.py seed_demo             # seed, unless the demo patients are already there
    manage.py seed_demo --if-empty  # seed only a database without any patient

About 60 fictional patients (MRN prefix DEMO-) with cases, studies, scores over
time, toxin courses, therapy, medication, MVD referrals and appointments over the
next six weeks, and one login per role. Every record is built with the ORM, checked
with full_clean() and saved one at a time, so the demo obeys the same rules as
charted data and its history is written. Clinical choices come from one seeded
Random and dates are relative to today, so two runs on an empty database make the
same records.
"""

import random
import time as clock
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from clinic.models import User
from patients import coding, scales
from patients.models import (
    Assessment,
    Case,
    CaseStatus,
    Condition,
    DiagnosticStudy,
    FaceRegion,
    FieldStrength,
    Guardian,
    GuardianRelationship,
    Laterality,
    Modality,
    Patient,
    RedFlag,
    ReminderChannel,
    Sex,
    StudyAmendment,
    StudyStatus,
    Trigger,
    Vessel,
)
from patients.services import amend_study
from scheduling.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    ContactMethod,
    RecallContact,
    WaitlistEntry,
)
from treatments import safety, services
from treatments.models import (
    AdverseEffect,
    AdverseEffectKind,
    BenefitRating,
    CourseKind,
    CourseStatus,
    DoseUnit,
    DrugRoute,
    FollowUpTimepoint,
    Guidance,
    Injection,
    MedicationOrder,
    Muscle,
    MvdComplication,
    MvdOutcome,
    Product,
    Referral,
    ReferralFollowUp,
    ReferralStatus,
    SafetyFlag,
    Severity,
    Side,
    Specialty,
    TherapyFocus,
    TherapyProgress,
    TherapySession,
    ToxinSession,
    TreatmentCourse,
    Vial,
)

SEED = 6061  # any fixed number: another one makes another demo clinic
DEMO_MRN_PREFIX = "DEMO-"

ONE_DAY = timedelta(days=1)
CLINIC_OPENS = time(9, 0)
CLINIC_CLOSES = time(17, 0)
SLOT = timedelta(minutes=15)
CLOSED_ON = {(12, 25), (12, 26), (1, 1)}  # (month, day): fixed-date bank holidays
BOOKING_WINDOW_DAYS = 42  # upcoming appointments: the next six weeks
# A toxin recall is booked only when due this early, so a weekday slot always exists
# in the window and the number of appointments does not depend on the day of seeding.
RECALL_DUE_WITHIN_DAYS = 35
VISIT_MINUTES = {
    AppointmentKind.NEW_PATIENT: 45,
    AppointmentKind.FOLLOW_UP: 30,
    AppointmentKind.TOXIN_SESSION: 30,
    AppointmentKind.THERAPY: 45,
    AppointmentKind.STUDY: 30,
}


# People


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    first_name: str
    last_name: str
    credentials: str

    @property
    def password(self) -> str:
        return f"demo-{self.username}"


DEMO_USERS = (
    DemoUser("neurologist", "Neurologist", "Helen", "Ashcombe", "MD"),
    DemoUser("neurologist2", "Neurologist", "Rahul", "Merriweather", "MD"),
    DemoUser("injector", "Injector", "Tom", "Fairweather", "RN"),
    DemoUser("therapist", "Therapist", "Nadia", "Brookhart", "PT"),
    DemoUser("scheduler", "Scheduler", "Jo", "Sparrowhawk", ""),
    DemoUser("clinicadmin", "Clinic admin", "Chris", "Holloway", ""),
)

WOMEN = (
    "Margaret", "Susan", "Patricia", "Janet", "Linda", "Carol", "Gillian", "Ruth",
    "Sarah", "Claire", "Fiona", "Joanne", "Rachel", "Amara", "Priya", "Yasmin",
    "Ewa", "Grace", "Maureen", "Bernadette",
)  # fmt: skip
MEN = (
    "David", "John", "Peter", "Michael", "Richard", "Stephen", "Graham", "Colin",
    "Paul", "Andrew", "Simon", "Tariq", "Kwame", "Rahul", "Piotr", "Declan", "Owen",
    "Trevor",
)  # fmt: skip
GIRLS = ("Isla", "Poppy", "Freya", "Ava", "Maisie", "Zara", "Ellie", "Nia")
BOYS = ("Oliver", "Alfie", "Leo", "Noah", "Arlo", "Reuben", "Kai", "Finn")
# Storybook surnames: plausible on a chart, yet plainly not real people.
FAMILY_NAMES = (
    "Applegarth", "Birchwood", "Blackthorn", "Bramblewood", "Brookmere", "Dovecote",
    "Fernhill", "Foxglove", "Hazelwood", "Heronsgate", "Kestrelby", "Larkworthy",
    "Meadowcroft", "Millbrook", "Nettlefold", "Oakhurst", "Pebblestone", "Quillfeather",
    "Rookwood", "Rushmere", "Sedgewick", "Sloeberry", "Thistlewood", "Thornbury",
    "Wildermoor", "Willowmere", "Wrenfield", "Yarrowby",
)  # fmt: skip
STREETS = ("Mill Lane", "Church Road", "Station Road", "Orchard Close", "Meadow Way")
TOWNS = ("Eastbrook", "Westmere", "Little Fenning", "Northcote St Mary")
REFERRERS = (
    "Dr A. Pemberton, GP",
    "Dr S. Okonjo, GP",
    "Dr L. Hartigan, ophthalmology",
    "Dr M. Quill, GP",
    "Dr R. Castellano, ENT",
)
NEUROSURGEON = "Ms E. Marsh, consultant neurosurgeon"
REMINDER_CHANNELS = (
    ReminderChannel.SMS,
    ReminderChannel.SMS,
    ReminderChannel.EMAIL,
    ReminderChannel.LETTER,
    ReminderChannel.PHONE,
)
FEMALE_SHARE = {Condition.HEMIFACIAL_SPASM: 0.65, Condition.BLEPHAROSPASM: 0.7}
# Typical weight (kg) by age, for children's toxin dosing.
CHILD_WEIGHT_KG = {
    6: 21, 7: 23, 8: 26, 9: 29, 10: 32, 11: 36, 12: 40, 13: 45, 14: 50, 15: 55,
    16: 58, 17: 61,
}  # fmt: skip


@dataclass(frozen=True)
class PlanRow:
    condition: str
    story: str  # the DemoClinic method that builds the patient's history
    count: int
    ages: tuple[int, int]


# About 60 patients, every condition, weighted towards hemifacial spasm and
# blepharospasm; the rows with ages under 18 are the ten children.
PATIENT_PLAN = (
    PlanRow(Condition.HEMIFACIAL_SPASM, "hfs_toxin", 10, (42, 79)),
    PlanRow(Condition.HEMIFACIAL_SPASM, "hfs_mvd", 5, (36, 66)),
    PlanRow(Condition.HEMIFACIAL_SPASM, "hfs_medication", 1, (55, 75)),
    PlanRow(Condition.HEMIFACIAL_SPASM, "hfs_red_flag", 1, (45, 70)),
    PlanRow(Condition.HEMIFACIAL_SPASM, "new_referral", 1, (40, 70)),
    PlanRow(Condition.HEMIFACIAL_SPASM, "hfs_child", 1, (9, 13)),
    PlanRow(Condition.BLEPHAROSPASM, "blepharospasm_toxin", 11, (52, 84)),
    PlanRow(Condition.BLEPHAROSPASM, "new_referral", 1, (50, 75)),
    PlanRow(Condition.POST_PARALYTIC_SYNKINESIS, "synkinesis", 5, (28, 68)),
    PlanRow(Condition.BELLS_PALSY, "bells", 3, (24, 71)),
    PlanRow(Condition.BELLS_PALSY, "bells", 2, (8, 15)),
    PlanRow(Condition.FACIAL_MYOKYMIA, "myokymia", 2, (24, 55)),
    PlanRow(Condition.FACIAL_MYOKYMIA, "myokymia_red_flag", 1, (35, 60)),
    PlanRow(Condition.FACIAL_MYOKYMIA, "myokymia", 1, (12, 16)),
    PlanRow(Condition.MULTIPLE_SCLEROSIS, "multiple_sclerosis", 2, (26, 52)),
    PlanRow(Condition.DYSTONIA, "dystonia", 2, (48, 72)),
    PlanRow(Condition.PARKINSONS, "parkinsons", 2, (62, 84)),
    PlanRow(Condition.TIC_DISORDER, "tics", 4, (6, 14)),
    PlanRow(Condition.TIC_DISORDER, "tics", 1, (20, 30)),
    PlanRow(Condition.BENIGN_TWITCHING, "benign", 1, (20, 45)),
    PlanRow(Condition.BENIGN_TWITCHING, "benign", 2, (13, 17)),
    PlanRow(Condition.BENIGN_TWITCHING, "benign_archived", 1, (25, 50)),
)

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
MRI_SEQUENCES = "3D T2 CISS, 3D TOF MRA, T1 post-contrast"

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


# One hemifacial-spasm patient for each step from sent to outcome recorded.
MVD_PLANS = (
    MvdPlan(ReferralStatus.SENT, 12, None),
    MvdPlan(ReferralStatus.ACKNOWLEDGED, 48, None),
    MvdPlan(ReferralStatus.SURGERY_SCHEDULED, 130, -30),
    MvdPlan(ReferralStatus.OPERATED, 190, 52),
    MvdPlan(ReferralStatus.OUTCOME_RECORDED, 840, 720),
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


# Dates


def is_clinic_day(day: date) -> bool:
    return day.weekday() < 5 and (day.month, day.day) not in CLOSED_ON


def clinic_day_on_or_before(day: date) -> date:
    while not is_clinic_day(day):
        day -= ONE_DAY
    return day


def clinic_day_on_or_after(day: date) -> date:
    while not is_clinic_day(day):
        day += ONE_DAY
    return day


def local_datetime(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=timezone.get_current_timezone())


class Diary:
    """Clinic hours of each clinician, so that nobody is booked twice at once."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.busy = defaultdict(list)  # (clinician id, day) -> [(start, end)]

    def book(self, clinician, day: date, minutes: int):
        """A free (start, end) on `day` within clinic hours, or None if it is full."""
        length = timedelta(minutes=minutes)
        start = local_datetime(day, CLINIC_OPENS)
        closes = local_datetime(day, CLINIC_CLOSES)
        taken = self.busy[clinician.pk, day]
        free = []
        while start + length <= closes:
            if all(start >= end or start + length <= begin for begin, end in taken):
                free.append(start)
            start += SLOT
        if not free:
            return None
        start = self.rng.choice(free)
        taken.append((start, start + length))
        return start, start + length


@dataclass
class Visit:
    """An appointment to book once every patient's history exists."""

    patient: Patient
    clinician: User
    kind: str
    earliest: date
    latest: date
    course: TreatmentCourse | None = None
    status: str = ""  # empty: booked or confirmed, by how soon it is
    cancel_reason: str = ""
    notes: str = ""


# The command


class Command(BaseCommand):
    help = (
        "Create a demo clinic: about 60 fictional patients with their records, and "
        "one login per role. Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Seed only when the database has no patients at all.",
        )

    def handle(self, *args, if_empty=False, **options):
        started = clock.monotonic()
        if if_empty and Patient.objects.exists():
            self.stdout.write("The database already has patients: nothing seeded.")
        else:
            with transaction.atomic():
                users = self.ensure_demo_users()
                if Patient.objects.filter(mrn__startswith=DEMO_MRN_PREFIX).exists():
                    self.stdout.write(
                        "Demo data is already present: no records created, demo "
                        "passwords reset."
                    )
                else:
                    self.seed(users)
                    seconds = clock.monotonic() - started
                    self.stdout.write(
                        self.style.SUCCESS(f"Demo clinic ready in {seconds:.1f} s.")
                    )
        self.write_logins()

    def ensure_demo_users(self) -> dict[str, User]:
        users = {}
        for demo in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=demo.username)
            user.first_name = demo.first_name
            user.last_name = demo.last_name
            user.credentials = demo.credentials
            user.email = f"{demo.username}@clinic.example.org"
            user.is_staff = True
            user.is_superuser = False
            user.is_active = True
            user.set_password(demo.password)
            user.save()
            user.groups.set([Group.objects.get(name=demo.role)])
            users[demo.username] = user
        self.stdout.write(f"Demo users ready: {len(users)}.")
        return users

    def seed(self, users):
        clinic = DemoClinic(users)
        patients = sum(row.count for row in PATIENT_PLAN)
        self.stdout.write(
            f"Creating {patients} patients with cases, studies, scores and "
            "treatments… ",
            ending="",
        )
        self.stdout.flush()
        clinic.create_patients()
        clinic.amend_a_signed_study()
        clinic.flag_a_session_given_without_consent()
        self.stdout.write("done")
        self.stdout.write("Booking appointments… ", ending="")
        self.stdout.flush()
        clinic.book_appointments()
        self.stdout.write("done")
        for model in (
            Patient,
            Guardian,
            Case,
            DiagnosticStudy,
            StudyAmendment,
            Assessment,
            TreatmentCourse,
            ToxinSession,
            Vial,
            Injection,
            AdverseEffect,
            TherapySession,
            MedicationOrder,
            Referral,
            ReferralFollowUp,
            Appointment,
        ):
            count = model.objects.count()
            self.stdout.write(f"  {model._meta.verbose_name_plural}: {count}")

    def write_logins(self):
        present = set(
            User.objects.filter(
                username__in=[demo.username for demo in DEMO_USERS]
            ).values_list("username", flat=True)
        )
        self.stdout.write("Demo logins (username / password):")
        for demo in DEMO_USERS:
            missing = "" if demo.username in present else "  (not in this database)"
            self.stdout.write(
                f"  {demo.role:<13} {demo.username} / {demo.password}{missing}"
            )


class DemoClinic:
    """Builds the demo records: one method per record type, one per patient story.

    Clinical choices draw on one Random seeded with SEED, always in the same order,
    so that the records do not depend on the day of seeding; appointment times use
    a second Random because free slots do depend on the calendar.
    """

    def __init__(self, users: dict[str, User]):
        self.rng = random.Random(SEED)
        self.diary = Diary(random.Random(SEED + 1))
        self.today = timezone.localdate()
        self.neurologists = [users["neurologist"], users["neurologist2"]]
        self.injector = users["injector"]
        self.therapist = users["therapist"]
        self.scheduler = users["scheduler"]
        self.names_used = set()
        self.product_count = 0
        self.toxin_course_count = 0
        self.recalls = []  # (course, injector, last session day, due within window)
        self.visits: list[Visit] = []
        self.recent_sessions: list[ToxinSession] = []
        self.patient_days = set()

    def days_ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def days_ahead(self, days: int) -> date:
        return self.today + timedelta(days=days)

    @staticmethod
    def save(record):
        """Validate like a form would, then save one row so its history is written.

        full_clean() runs the field checks and each model's clean() (codes, onset
        time, scoring, ...). The Meta.constraints are not re-queried one by one,
        which tripled the run time: the database enforces every one of them on
        this INSERT, inside the command's transaction.
        """
        record.full_clean(validate_constraints=False)
        record.save()
        return record

    # Patients

    def create_patients(self):
        number = 0
        for row in PATIENT_PLAN:
            build = getattr(self, f"story_{row.story}")
            for nth in range(row.count):
                number += 1
                age = self.rng.randint(*row.ages)
                patient = self.create_patient(number, row.condition, age)
                build(patient, row.condition, nth)

    def create_patient(self, number: int, condition: str, age: int) -> Patient:
        rng = self.rng
        is_child = age < settings.CLINIC_ADULT_AGE_YEARS
        female = rng.random() < FEMALE_SHARE.get(condition, 0.5)
        given_names = (
            (GIRLS if female else BOYS) if is_child else (WOMEN if female else MEN)
        )
        while True:
            given, family = rng.choice(given_names), rng.choice(FAMILY_NAMES)
            if (given, family) not in self.names_used:
                self.names_used.add((given, family))
                break
        reminder_consent = rng.random() < 0.8
        channel = rng.choice(REMINDER_CHANNELS)
        weighed = rng.random() < 0.3
        weight_factor = rng.uniform(0.85, 1.2)
        adult_weight = rng.randint(52, 98)
        weighed_days_ago = rng.randint(7, 80)
        patient = Patient(
            mrn=f"{DEMO_MRN_PREFIX}{number:04d}",
            given_name=given,
            family_name=family,
            date_of_birth=self.days_ago(age * 365 + rng.randint(30, 330)),
            sex=Sex.FEMALE if female else Sex.MALE,
            email="" if is_child else f"{given}.{family}@example.org".lower(),
            phone="" if is_child else f"07700 900{number:03d}",
            address=f"{rng.randint(2, 98)} {rng.choice(STREETS)}, {rng.choice(TOWNS)}",
            reminder_consent=reminder_consent,
            reminder_channel=channel if reminder_consent else "",
            referring_clinician=rng.choice(REFERRERS),
            responsible_neurologist=self.neurologists[number % 2],
        )
        if is_child:
            kg = CHILD_WEIGHT_KG[age] * weight_factor
            patient.weight_kg = Decimal(f"{kg:.1f}")
        elif weighed:
            patient.weight_kg = Decimal(adult_weight)
        if patient.weight_kg:
            patient.weight_measured_on = self.days_ago(weighed_days_ago)
        self.save(patient)
        if is_child:
            self.create_guardians(patient, number)
        return patient

    def create_guardians(self, patient: Patient, number: int):
        relationships = [GuardianRelationship.MOTHER, GuardianRelationship.FATHER]
        self.rng.shuffle(relationships)
        two_parents = self.rng.random() < 0.4
        for index, relationship in enumerate(relationships[: 2 if two_parents else 1]):
            names = WOMEN if relationship == GuardianRelationship.MOTHER else MEN
            given = self.rng.choice(names)
            self.save(
                Guardian(
                    patient=patient,
                    full_name=f"{given} {patient.family_name}",
                    relationship=relationship,
                    phone=f"07700 900{(number * 7 + index) % 1000:03d}",
                    email=f"{given}.{patient.family_name}@example.org".lower(),
                    holds_consent=True,
                )
            )

    # Cases, studies and scores

    def code_for(self, condition: str, laterality: str, prefer: str = "") -> str:
        """A leaf code the clinic allows for the condition; by side for HFS."""
        codes = coding.codes_for(condition, settings.CLINIC_UNCONFIRMED_CONDITION_CODES)
        if condition == Condition.HEMIFACIAL_SPASM:
            preferred = [coding.HEMIFACIAL_SPASM_CODE_BY_SIDE[laterality]]
        else:
            preferred = [prefer] if prefer else PREFERRED_CODES.get(condition, ())
        usable = [code for code in preferred if code in codes]
        return self.rng.choice(usable) if usable else codes[0]

    def open_case(
        self,
        patient: Patient,
        condition: str,
        *,
        opened_on: date,
        onset_date: date,
        status: str = CaseStatus.ACTIVE,
        laterality: str = Laterality.NOT_APPLICABLE,
        onset_site: str = "",
        spread=(),
        triggers=(),
        red_flags=(),
        closed_on: date | None = None,
        onset_at: datetime | None = None,
        code: str = "",
        notes: str = "",
    ) -> Case:
        return self.save(
            Case(
                patient=patient,
                condition=condition,
                icd10_code=self.code_for(condition, laterality, code),
                laterality=laterality,
                onset_date=onset_date,
                onset_at=onset_at,
                onset_site=onset_site,
                spread_sites=[str(region) for region in spread],
                triggers=[str(trigger) for trigger in triggers],
                red_flags=[str(flag) for flag in red_flags],
                status=status,
                opened_on=opened_on,
                closed_on=closed_on,
                responsible_neurologist=patient.responsible_neurologist,
                notes=notes,
            )
        )

    def add_study(
        self,
        case: Case,
        modality: str,
        *,
        ordered_on: date,
        status: str,
        description: str,
        impression: str = "",
        **findings,
    ) -> DiagnosticStudy:
        """A study moved along its pipeline to `status`; dates never pass yesterday."""
        yesterday = self.days_ago(1)
        to_perform, to_result, to_review = (
            self.rng.randint(5, 21),
            self.rng.randint(1, 4),
            self.rng.randint(1, 6),
        )
        review_minutes = self.rng.randint(0, 240)
        study = DiagnosticStudy(
            case=case,
            modality=modality,
            description=description,
            status=status,
            ordered_on=ordered_on,
            ordered_by=case.responsible_neurologist,
        )
        if status in (
            StudyStatus.PERFORMED,
            StudyStatus.RESULTED,
            StudyStatus.REVIEWED,
        ):
            study.performed_on = min(ordered_on + timedelta(days=to_perform), yesterday)
        if status in (StudyStatus.RESULTED, StudyStatus.REVIEWED):
            study.resulted_on = min(
                study.performed_on + timedelta(days=to_result), yesterday
            )
            study.impression = impression
            for name, value in findings.items():
                setattr(study, name, value)
        if status == StudyStatus.REVIEWED:
            reviewed_on = min(study.resulted_on + timedelta(days=to_review), yesterday)
            study.reviewed_at = local_datetime(reviewed_on, time(12, 30)) + timedelta(
                minutes=review_minutes
            )
            study.reviewed_by = case.responsible_neurologist
        return self.save(study)

    def flag_a_session_given_without_consent(self):
        """One recent session charted as already given with no consent recorded:
        its warning waits on the dashboard for a neurologist."""
        if not self.recent_sessions:
            return
        session = self.recent_sessions[0]
        session.consent_obtained = False
        session.consent_information_version = ""
        self.save(session)
        [warning] = safety.consent_missing(consent_obtained=False)
        self.save(
            SafetyFlag(
                session=session,
                code=warning.code,
                message=warning.message,
                raised_by=session.injector,
                raised_at=session.performed_at,
            )
        )

    def amend_a_signed_study(self) -> None:
        """A signed MRI corrected after sign-off, through the one write path: its
        page shows the amendment beside the original impression."""
        study = (
            DiagnosticStudy.objects.filter(
                status=StudyStatus.REVIEWED, modality=Modality.MRI
            )
            .select_related("reviewed_by")
            .order_by("pk")
            .first()
        )
        if study is not None:
            amend_study(
                study=study,
                by=study.reviewed_by,
                text="On review of the source images the looping vessel is the "
                "vertebral artery, not the AICA as reported.",
                reason="Offending vessel misidentified in the signed report.",
            )

    def add_assessment(
        self,
        case: Case,
        instrument: str,
        answers: dict,
        on: date,
        rater: User,
        *,
        version: str = "",
        side: str = "",
    ) -> Assessment:
        """Score a scale; toxin sessions must exist first, for days since the last."""
        assessment = Assessment(
            case=case,
            instrument=instrument,
            version=version or scales.LATEST_VERSION[instrument],
            answers=answers,
            rater=rater,
            assessed_on=on,
            side=side,
        )
        services.stamp_days_since_last_toxin(assessment)
        return self.save(assessment)

    def jrs(self, state: str) -> dict:
        severity, frequency = JRS_RANGES[state]
        return {
            "severity": self.rng.randint(*severity),
            "frequency": self.rng.randint(*frequency),
        }

    def hfs7(self, state: str) -> dict:
        low, high = PROM_ITEM_RANGES[state]
        return {f"item{n}": self.rng.randint(low, high) for n in range(1, 8)}

    def bsdi(self, state: str, drives: bool) -> dict:
        low, high = PROM_ITEM_RANGES[state]
        items = scales.BSDI_PRESUMED_6_ITEM.items
        answers = {item.code: self.rng.randint(low, high) for item in items}
        if not drives:
            answers["driving"] = scales.NOT_APPLICABLE
        return answers

    def sunnybrook(self, state: str) -> dict:
        voluntary, eye, cheek, mouth, synkinesis = SUNNYBROOK_RANGES[state]
        answers = {
            "rest_eye": self.rng.randint(*eye),
            "rest_cheek": self.rng.randint(*cheek),
            "rest_mouth": self.rng.randint(*mouth),
        }
        for expression in SUNNYBROOK_EXPRESSIONS:
            answers[f"vol_{expression}"] = self.rng.randint(*voluntary)
            answers[f"syn_{expression}"] = self.rng.randint(*synkinesis)
        return answers

    def add_facial_grading(self, case: Case, state: str, on: date, rater: User):
        """Sunnybrook and a matching House-Brackmann grade of the affected side."""
        answers = self.sunnybrook(state)
        composite = scales.score("sunnybrook", "ross-1996", answers).primary
        grade = next(
            (g for floor, g in HOUSE_BRACKMANN_BY_COMPOSITE if composite >= floor), 6
        )
        self.add_assessment(
            case, "sunnybrook", answers, on, rater, side=case.laterality
        )
        self.add_assessment(
            case, "house_brackmann", {"grade": grade}, on, rater, side=case.laterality
        )

    # Courses and their records

    def add_course(
        self,
        case: Case,
        kind: str,
        *,
        started_on: date,
        status: str = CourseStatus.ACTIVE,
        ended_on: date | None = None,
        goal: str = "",
        clinician: User | None = None,
        interval_days: int | None = None,
    ) -> TreatmentCourse:
        return self.save(
            TreatmentCourse(
                case=case,
                kind=kind,
                status=status,
                started_on=started_on,
                ended_on=ended_on,
                goal=goal,
                responsible_clinician=clinician or case.responsible_neurologist,
                planned_interval_days=interval_days,
            )
        )

    def toxin_dates(self, last_days_ago: int, count: int) -> list[date]:
        """Clinic days 77-112 days apart, the last one `last_days_ago` ago."""
        dates = [clinic_day_on_or_before(self.days_ago(last_days_ago))]
        while len(dates) < count:
            short = self.rng.random() < SHORT_GAP_SHARE
            gap = self.rng.randint(*(SHORT_GAP_DAYS if short else USUAL_GAP_DAYS))
            dates.append(clinic_day_on_or_before(dates[-1] - timedelta(days=gap)))
        return dates[::-1]

    def next_product(self) -> str:
        product = PRODUCT_CYCLE[self.product_count % len(PRODUCT_CYCLE)]
        self.product_count += 1
        return product

    def add_toxin_course(
        self,
        case: Case,
        dates: list[date],
        sites: list[tuple[str, str, str, int]],
        *,
        last_days_ago: int,
        adverse_effect: str = "",
        status: str = CourseStatus.ACTIVE,
        ended_on: date | None = None,
        guidance: str = Guidance.NONE,
    ) -> list[ToxinSession]:
        """A toxin course with one session on each date, at every site.

        `sites` are (side, muscle, Botox units, points); the units are converted
        to the course's product, since units are not interchangeable.
        """
        rng = self.rng
        product = self.next_product()
        vial_units, diluents = VIALS[product]
        diluent_ml = Decimal(rng.choice(diluents))
        interval = rng.choice((84, 91, 91, 98))
        injector = self.injector if rng.random() < 0.7 else case.responsible_neurologist
        if guidance == Guidance.EMG:
            injector = case.responsible_neurologist
        course = self.add_course(
            case,
            CourseKind.BOTULINUM_TOXIN,
            started_on=dates[0],
            status=status,
            ended_on=ended_on,
            goal="Control of spasm with the lowest effective dose; "
            f"re-inject about every {interval // 7} weeks.",
            interval_days=interval,
        )
        sessions = []
        for index, day in enumerate(dates):
            next_day = dates[index + 1] if index + 1 < len(dates) else None
            session = self.add_toxin_session(
                course,
                day,
                next_day,
                product=product,
                vial_units=vial_units,
                diluent_ml=diluent_ml,
                injector=injector,
                guidance=guidance,
                sites=sites,
                previous=sessions[-1] if sessions else None,
            )
            if adverse_effect and index == 1:
                self.add_adverse_effect(session, adverse_effect)
                if adverse_effect == AdverseEffectKind.FACIAL_WEAKNESS:
                    sites = [s for s in sites if s[1] not in LOWER_FACE_MUSCLES]
            sessions.append(session)
        self.toxin_course_count += 1
        if status == CourseStatus.ACTIVE:
            due_within_window = interval - last_days_ago <= RECALL_DUE_WITHIN_DAYS
            self.recalls.append((course, injector, dates[-1], due_within_window))
        if last_days_ago <= 45:
            self.recent_sessions.append(sessions[-1])
        return sessions

    def add_toxin_session(
        self,
        course: TreatmentCourse,
        day: date,
        next_day: date | None,
        *,
        product: str,
        vial_units: int,
        diluent_ml: Decimal,
        injector: User,
        guidance: str,
        sites,
        previous: ToxinSession | None,
    ) -> ToxinSession:
        rng = self.rng
        slot = self.diary.book(
            injector, day, VISIT_MINUTES[AppointmentKind.TOXIN_SESSION]
        )
        if slot is None:
            raise CommandError(f"{injector.username} has no free slot on {day}.")
        performed_at = slot[0]
        factor = UNITS_PER_BOTOX_UNIT[product]
        doses = [
            (side, muscle, (Decimal(units) * factor).quantize(Decimal("0.01")), points)
            for side, muscle, units, points in sites
        ]
        total = sum(units for _, _, units, _ in doses)
        # Follow-up reported later by the patient; drawn for every session so that
        # the random sequence does not depend on today's date.
        onset_day = rng.randint(2, 5)
        peak_day = rng.randint(10, 21)
        benefit = rng.choices(
            [BenefitRating.MARKED, BenefitRating.MODERATE, BenefitRating.SLIGHT],
            weights=[5, 4, 1],
        )[0]
        lasted = rng.randint(*BENEFIT_DAYS[benefit])
        returned_before_next = rng.randint(3, 14)
        follow_up_missing = rng.random() < 0.1
        vial = Vial(
            size_units=vial_units,
            lot_number=f"{LOT_PREFIX[product]}{rng.randint(10000, 99999)}",
            expiry_date=day + timedelta(days=rng.randint(120, 600)),
            diluent_volume_ml=diluent_ml,
            reconstituted_at=performed_at - timedelta(minutes=rng.randint(10, 75)),
            units_discarded=vial_units - total,
            waste_reason="Single-patient vial: remainder discarded.",
        )
        session = ToxinSession(
            course=course,
            performed_at=performed_at,
            injector=injector,
            product=product,
            consent_obtained=True,
            consent_information_version=CONSENT_LEAFLET,
            distant_spread_risk_discussed=True,
            guidance=guidance,
        )
        if previous is not None:
            gap = (day - previous.performed_on).days
            if gap < 84:
                session.notes = (
                    f"Re-injected at {gap} days: spasm returned early and stopped "
                    "the patient driving; antibody risk discussed and accepted."
                )
        if not follow_up_missing and (self.today - day).days >= 14:
            session.onset_day = onset_day
            session.peak_day = peak_day
            session.benefit = benefit
            wore_off = day + timedelta(days=lasted)
            if next_day is not None:
                wore_off = min(
                    wore_off, next_day - timedelta(days=returned_before_next)
                )
            if wore_off < self.today:
                session.wore_off_on = wore_off
        self.save(session)
        vial.session = session
        self.save(vial)
        for side, muscle, units, points in doses:
            self.save(
                Injection(
                    session=session,
                    vial=vial,
                    muscle=muscle,
                    side=side,
                    units=units,
                    points=points,
                )
            )
        return session

    def add_adverse_effect(self, session: ToxinSession, kind: str):
        onset = session.performed_on + timedelta(days=self.rng.randint(2, 7))
        self.save(
            AdverseEffect(
                session=session,
                kind=kind,
                onset_on=onset,
                severity=self.rng.choices(
                    [Severity.MILD, Severity.MODERATE], weights=[2, 1]
                )[0],
                resolved_on=onset + timedelta(days=self.rng.randint(10, 35)),
                notes=ADVERSE_NOTES[kind],
            )
        )

    def next_adverse_effect(self, *kinds: str) -> str:
        """An adverse effect on every fourth toxin course, cycling through `kinds`."""
        if self.toxin_course_count % 4 != 1:
            return ""
        return kinds[(self.toxin_course_count // 4) % len(kinds)]

    def therapy_dates(self, last_days_ago: int, count: int) -> list[date]:
        """Clinic days two to three weeks apart, the last one `last_days_ago` ago."""
        days = [clinic_day_on_or_before(self.days_ago(last_days_ago))]
        while len(days) < count:
            gap = timedelta(days=self.rng.randint(14, 21))
            days.append(clinic_day_on_or_before(days[-1] - gap))
        return days[::-1]

    def add_therapy_course(
        self,
        case: Case,
        days: list[date],
        *,
        focuses: tuple[str, ...],
        completed: bool,
        goal: str,
    ) -> TreatmentCourse:
        course = self.add_course(
            case,
            CourseKind.PHYSICAL_THERAPY,
            started_on=days[0],
            status=CourseStatus.COMPLETED if completed else CourseStatus.ACTIVE,
            ended_on=days[-1] if completed else None,
            goal=goal,
            clinician=self.therapist,
        )
        for index, day in enumerate(days):
            focus = focuses[index % len(focuses)]
            progress = self.rng.choices(
                [TherapyProgress.IMPROVED, TherapyProgress.UNCHANGED], weights=[2, 1]
            )[0]
            self.save(
                TherapySession(
                    course=course,
                    therapist=self.therapist,
                    session_on=day,
                    duration_minutes=45,
                    focus=focus,
                    exercises=THERAPY_EXERCISES[focus],
                    home_programme="Twice daily for 10 minutes, with a mirror.",
                    progress="" if index == 0 else progress,
                )
            )
        return course

    def add_medication_course(
        self,
        case: Case,
        orders: list[dict],
        *,
        started_on: date,
        status: str = CourseStatus.ACTIVE,
        ended_on: date | None = None,
        goal: str = "",
    ) -> TreatmentCourse:
        course = self.add_course(
            case,
            CourseKind.MEDICATION,
            started_on=started_on,
            status=status,
            ended_on=ended_on,
            goal=goal,
        )
        for order in orders:
            drug = order.pop("drug")
            self.save(
                MedicationOrder(
                    course=course,
                    drug=drug.name,
                    dose=Decimal(order.pop("dose", drug.dose)),
                    dose_unit=drug.unit,
                    route=drug.route,
                    frequency=drug.frequency,
                    prescriber=case.responsible_neurologist,
                    **order,
                )
            )
        return course

    def add_observation_course(self, case: Case, *, ended_on: date | None = None):
        return self.add_course(
            case,
            CourseKind.OBSERVATION,
            started_on=case.opened_on,
            status=CourseStatus.COMPLETED if ended_on else CourseStatus.ACTIVE,
            ended_on=ended_on,
            goal=OBSERVATION_GOAL,
        )

    def follow_up(self, patient, earliest: int, latest: int, **fields):
        """Plan a neurology follow-up `earliest` to `latest` days from today."""
        fields.setdefault("clinician", patient.responsible_neurologist)
        fields.setdefault("kind", AppointmentKind.FOLLOW_UP)
        self.visits.append(
            Visit(
                patient=patient,
                earliest=self.days_ahead(earliest),
                latest=self.days_ahead(latest),
                **fields,
            )
        )

    # Hemifacial spasm

    def open_hfs_case(
        self,
        patient: Patient,
        *,
        opened_on: date,
        onset_days_before: tuple[int, int] = (200, 2500),
        status: str = CaseStatus.ACTIVE,
        red_flags=(),
        closed_on: date | None = None,
        notes: str = "",
    ) -> tuple[Case, int]:
        rng = self.rng
        side = rng.choice(SIDES)
        grade = rng.choices(list(SMC_GRADE_WEIGHTS), list(SMC_GRADE_WEIGHTS.values()))[
            0
        ]
        spread = [FaceRegion.LOWER_EYELID]
        spread += rng.sample(HFS_SPREAD_REGIONS, k={1: 0, 2: 2, 3: 3, 4: 4}[grade])
        triggers = rng.sample(HFS_TRIGGERS, k=rng.randint(1, 3))
        case = self.open_case(
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

    def add_hfs_workup(self, case: Case, *, emg: bool, emg_ordered_on=None):
        """MRI with neurovascular compression, and an EMG with lateral spread."""
        vessels = self.rng.choices(
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
        self.add_study(
            case,
            Modality.MRI,
            ordered_on=case.opened_on,
            status=StudyStatus.REVIEWED,
            description="MRI brain and posterior fossa with MRA",
            impression=impression,
            mri_field_strength=self.rng.choice([FieldStrength.T3, FieldStrength.T1_5]),
            mri_sequences=MRI_SEQUENCES,
            mri_neurovascular_compression=compression,
            mri_compression_side=case.laterality if compression else "",
            mri_offending_vessels=[str(vessel) for vessel in vessels],
            mri_lesion_found=False,
        )
        latency = Decimal(f"{self.rng.uniform(9.5, 11.5):.1f}")
        if emg:
            self.add_study(
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

    def hfs_sites(self, case: Case) -> list[tuple[str, str, str, int]]:
        sites = list(PERIOCULAR_SITES)
        for region in case.spread_sites:
            sites += SPREAD_SITES.get(region, ())
        return [
            (case.laterality, muscle, units, points) for muscle, units, points in sites
        ]

    def add_hfs_scores(self, case: Case, grade: int, sessions, last_days_ago: int):
        rater = case.responsible_neurologist
        self.add_hfs_baseline(case, grade)
        for index, session in enumerate(sessions):
            day = session.performed_on
            trough = self.jrs("trough")
            self.add_assessment(
                case, "jrs", trough, day, session.injector, version="hfs-adapted"
            )
            if index % 2 == 0:
                self.add_assessment(case, "hfs7", self.hfs7("trough"), day, rater)
            peak_on = day + timedelta(days=self.rng.randint(28, 35))
            is_last = index == len(sessions) - 1
            if index % 2 == 1 and (not is_last or last_days_ago >= 40):
                self.add_assessment(
                    case, "jrs", self.jrs("peak"), peak_on, rater, version="hfs-adapted"
                )
                self.add_assessment(case, "hfs7", self.hfs7("peak"), peak_on, rater)

    def add_hfs_baseline(self, case: Case, grade: int):
        rater, day = case.responsible_neurologist, case.opened_on
        jrs = self.jrs("untreated")
        self.add_assessment(case, "jrs", jrs, day, rater, version="hfs-adapted")
        self.add_assessment(case, "smc", {"grade": grade}, day, rater)
        self.add_assessment(case, "hfs7", self.hfs7("untreated"), day, rater)

    def story_hfs_toxin(self, patient, condition, nth):
        count, last_days_ago = self.rng.randint(3, 8), self.rng.randint(12, 125)
        dates = self.toxin_dates(last_days_ago, count)
        opened_on = dates[0] - timedelta(days=self.rng.randint(35, 80))
        case, grade = self.open_hfs_case(patient, opened_on=opened_on)
        # One patient's repeat EMG has come back and waits for review.
        emg_ordered_on = self.days_ago(20) if nth == 3 else None
        self.add_hfs_workup(
            case, emg=nth == 3 or self.rng.random() < 0.5, emg_ordered_on=emg_ordered_on
        )
        sessions = self.add_toxin_course(
            case,
            dates,
            self.hfs_sites(case),
            last_days_ago=last_days_ago,
            adverse_effect=self.next_adverse_effect(
                AdverseEffectKind.FACIAL_WEAKNESS, AdverseEffectKind.KERATITIS_DRY_EYE
            ),
        )
        self.add_hfs_scores(case, grade, sessions, last_days_ago)

    def story_hfs_mvd(self, patient, condition, nth):
        plan = MVD_PLANS[nth % len(MVD_PLANS)]
        rng = self.rng
        operated = plan.surgery_days_ago is not None and plan.surgery_days_ago > 0
        last_days_ago = rng.randint(20, 100)
        if operated:
            last_days_ago = plan.surgery_days_ago + rng.randint(50, 80)
        count = rng.randint(4, 8)
        dates = self.toxin_dates(last_days_ago, count)
        sent_on = self.days_ago(plan.sent_days_ago)
        opened_on = dates[0] - timedelta(days=rng.randint(35, 80))
        surgery_on = None
        if plan.surgery_days_ago is not None:
            surgery_on = self.days_ago(plan.surgery_days_ago)
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
        case, grade = self.open_hfs_case(
            patient,
            opened_on=opened_on,
            status=CaseStatus.RESOLVED if cured else CaseStatus.ACTIVE,
            closed_on=closed_on,
            notes="Referred for microvascular decompression: toxin benefit waning to "
            "about 8 weeks; wishes to consider a definitive treatment.",
        )
        vessels = self.add_hfs_workup(case, emg=True)
        if operated:
            toxin_status, toxin_end = CourseStatus.COMPLETED, surgery_on
        elif plan.status == ReferralStatus.SURGERY_SCHEDULED:
            toxin_status, toxin_end = CourseStatus.ON_HOLD, None
        else:
            toxin_status, toxin_end = CourseStatus.ACTIVE, None
        sessions = self.add_toxin_course(
            case,
            dates,
            self.hfs_sites(case),
            last_days_ago=last_days_ago,
            status=toxin_status,
            ended_on=toxin_end,
        )
        self.add_hfs_scores(case, grade, sessions, last_days_ago)
        referral_course = self.add_course(
            case,
            CourseKind.SURGICAL_REFERRAL,
            started_on=sent_on,
            status=CourseStatus.COMPLETED if cured else CourseStatus.ACTIVE,
            ended_on=closed_on,
            goal="Microvascular decompression of the facial nerve.",
        )
        vessel_names = " and ".join(Vessel(vessel).label for vessel in vessels)
        referral = self.save(
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
            self.save(
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
                cured_jrs = self.jrs("cured")
                neurologist = case.responsible_neurologist
                self.add_assessment(
                    case, "jrs", cured_jrs, seen_on, neurologist, version="hfs-adapted"
                )
        if plan.status == ReferralStatus.OPERATED:
            self.follow_up(patient, 28, 40, notes="3 months after MVD")
        elif cured:
            self.follow_up(patient, 7, 21, notes="2 years after MVD")

    def story_hfs_medication(self, patient, condition, nth):
        opened_on = self.days_ago(self.rng.randint(240, 400))
        case, grade = self.open_hfs_case(
            patient,
            opened_on=opened_on,
            notes="Declined botulinum toxin for now (needle phobia); prefers tablets.",
        )
        self.add_hfs_workup(case, emg=False)
        started = opened_on + timedelta(days=7)
        stopped = started + timedelta(days=self.rng.randint(35, 56))
        self.add_medication_course(
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
        self.add_hfs_baseline(case, grade)
        rater = case.responsible_neurologist
        for days in (90, 200):
            day = opened_on + timedelta(days=days)
            self.add_assessment(
                case, "jrs", self.jrs("trough"), day, rater, version="hfs-adapted"
            )
        self.follow_up(patient, 7, 35, notes="Discuss botulinum toxin again")

    def story_hfs_red_flag(self, patient, condition, nth):
        opened_on = self.days_ago(self.rng.randint(12, 16))
        case, grade = self.open_hfs_case(
            patient,
            opened_on=opened_on,
            onset_days_before=(60, 150),
            status=CaseStatus.ASSESSMENT,
            red_flags=[RedFlag.FACIAL_WEAKNESS, RedFlag.CRANIAL_NERVE_SIGNS],
            notes="Twitching with mild weakness of the same side and reduced hearing.",
        )
        side = case.get_laterality_display().lower()
        self.add_study(
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
        self.add_hfs_baseline(case, grade)
        self.add_assessment(
            case,
            "house_brackmann",
            {"grade": 2},
            opened_on,
            case.responsible_neurologist,
            side=case.laterality,
        )
        self.follow_up(patient, 1, 7, notes="Urgent: MRI result")

    def story_hfs_child(self, patient, condition, nth):
        opened_on = self.days_ago(self.rng.randint(35, 45))
        case, grade = self.open_hfs_case(
            patient,
            opened_on=opened_on,
            onset_days_before=(60, 300),
            status=CaseStatus.ASSESSMENT,
            red_flags=[RedFlag.CHILD_HEMIFACIAL_SPASM],
            notes="Child with hemifacial spasm: MRI to exclude a posterior-fossa "
            "lesion.",
        )
        self.add_study(
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
        self.add_study(
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
        jrs = self.jrs("untreated")
        self.add_assessment(case, "jrs", jrs, opened_on, rater, version="hfs-adapted")
        self.add_assessment(case, "smc", {"grade": grade}, opened_on, rater)
        self.follow_up(patient, 3, 14, notes="MRI result, with parent")

    def story_new_referral(self, patient, condition, nth):
        opened_on = self.days_ago(self.rng.randint(3, 12))
        if condition == Condition.HEMIFACIAL_SPASM:
            case, _ = self.open_hfs_case(
                patient, opened_on=opened_on, status=CaseStatus.ASSESSMENT
            )
            self.add_study(
                case,
                Modality.MRI,
                ordered_on=opened_on,
                status=StudyStatus.ORDERED,
                description="MRI brain and posterior fossa with MRA",
            )
        else:
            self.open_case(
                patient,
                condition,
                laterality=Laterality.BILATERAL,
                onset_date=opened_on - timedelta(days=self.rng.randint(150, 700)),
                opened_on=opened_on,
                status=CaseStatus.ASSESSMENT,
                onset_site=FaceRegion.UPPER_EYELID,
                triggers=[Trigger.BRIGHT_LIGHT, Trigger.READING_SCREENS],
                notes="GP referral: frequent forced blinking; struggles to drive.",
            )
        self.follow_up(
            patient, 5, 25, kind=AppointmentKind.NEW_PATIENT, notes="New referral"
        )

    # Blepharospasm

    def story_blepharospasm_toxin(self, patient, condition, nth):
        rng = self.rng
        count, last_days_ago = rng.randint(3, 8), rng.randint(10, 120)
        dates = self.toxin_dates(last_days_ago, count)
        opened_on = dates[0] - timedelta(days=rng.randint(21, 60))
        spread = rng.sample(
            [FaceRegion.LOWER_EYELID, FaceRegion.BROW], k=rng.randint(1, 2)
        )
        case = self.open_case(
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
            per_side = PERIOCULAR_SITES + (
                BROW_SITES if FaceRegion.BROW in spread else ()
            )
            sites += [
                (side, muscle, units, points) for muscle, units, points in per_side
            ]
        if FaceRegion.BROW in spread:
            sites.append((Side.MIDLINE, Muscle.PROCERUS, "2.5", 1))
        sessions = self.add_toxin_course(
            case,
            dates,
            sites,
            last_days_ago=last_days_ago,
            adverse_effect=self.next_adverse_effect(
                AdverseEffectKind.PTOSIS,
                AdverseEffectKind.KERATITIS_DRY_EYE,
                AdverseEffectKind.BRUISING,
            ),
        )
        drives = rng.random() < 0.6
        rater = case.responsible_neurologist
        version = "blepharospasm-1987"
        self.add_assessment(
            case, "jrs", self.jrs("untreated"), opened_on, rater, version=version
        )
        self.add_assessment(
            case, "bsdi", self.bsdi("untreated", drives), opened_on, rater
        )
        for index, session in enumerate(sessions):
            day = session.performed_on
            self.add_assessment(
                case, "jrs", self.jrs("trough"), day, session.injector, version=version
            )
            peak_on = day + timedelta(days=rng.randint(28, 35))
            is_last = index == len(sessions) - 1
            if index % 2 == 1 and (not is_last or last_days_ago >= 40):
                self.add_assessment(
                    case, "jrs", self.jrs("peak"), peak_on, rater, version=version
                )
                self.add_assessment(
                    case, "bsdi", self.bsdi("peak", drives), peak_on, rater
                )

    # Bell's palsy and synkinesis

    def story_bells(self, patient, condition, nth):
        rng = self.rng
        days_ago = BELLS_ONSET_DAYS_AGO[nth % len(BELLS_ONSET_DAYS_AGO)]
        side = rng.choice(SIDES)
        onset_on = self.days_ago(days_ago)
        onset_at = local_datetime(onset_on, time(7, rng.randint(0, 59)))
        opened_on = onset_on + ONE_DAY
        recovered = days_ago >= BELLS_RECOVERED_AFTER_DAYS
        closed_on = onset_on + timedelta(days=91 + rng.randint(0, 7))
        case = self.open_case(
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
        self.add_medication_course(
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
            rater = (
                self.therapist if offset in (14, 30) else case.responsible_neurologist
            )
            self.add_facial_grading(case, state, day, rater)
        if nth == 1:
            therapy = self.add_therapy_course(
                case,
                self.therapy_dates(rng.randint(8, 12), 2),
                focuses=(TherapyFocus.EYE_CARE, TherapyFocus.FACIAL_RETRAINING),
                completed=False,
                goal="Eye protection and gentle facial retraining while recovering.",
            )
            self.plan_therapy_visits(patient, therapy)
        if not recovered:
            self.follow_up(patient, 10, 24, notes="Bell's palsy review")

    def story_synkinesis(self, patient, condition, nth):
        rng = self.rng
        side = rng.choice(SIDES)
        with_toxin = nth < 4
        count, last_days_ago = rng.randint(3, 5), rng.randint(15, 110)
        therapy_count = rng.randint(6, 8)
        dates = self.toxin_dates(last_days_ago, count) if with_toxin else []
        if with_toxin:
            therapy_last_ago = (self.today - dates[0]).days + rng.randint(14, 35)
        else:
            therapy_last_ago = rng.randint(6, 12)
        therapy_days = self.therapy_dates(therapy_last_ago, therapy_count)
        opened_on = therapy_days[0] - timedelta(days=rng.randint(7, 21))
        onset = opened_on - timedelta(days=rng.randint(30, 240))
        palsy_on = onset - timedelta(days=rng.randint(100, 130))
        case = self.open_case(
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
            self.add_study(
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
        therapy = self.add_therapy_course(
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
            sessions = self.add_toxin_course(
                case,
                dates,
                [
                    (side, muscle, units, points)
                    for muscle, units, points in SYNKINESIS_SITES
                ],
                last_days_ago=last_days_ago,
                guidance=Guidance.EMG if nth == 0 else Guidance.NONE,
                adverse_effect=self.next_adverse_effect(
                    AdverseEffectKind.FACIAL_WEAKNESS
                ),
            )
        self.add_facial_grading(
            case, "synkinesis", opened_on, case.responsible_neurologist
        )
        if therapy.ended_on:
            self.add_facial_grading(
                case, "synkinesis", therapy.ended_on, self.therapist
            )
        for index, session in enumerate(sessions):
            self.add_facial_grading(
                case, "synkinesis", session.performed_on, session.injector
            )
            is_last = index == len(sessions) - 1
            if not is_last or last_days_ago >= 40:
                peak_on = session.performed_on + timedelta(days=rng.randint(28, 35))
                self.add_facial_grading(
                    case, "synkinesis_treated", peak_on, case.responsible_neurologist
                )
        if not with_toxin:
            self.plan_therapy_visits(patient, therapy)

    def plan_therapy_visits(self, patient: Patient, course: TreatmentCourse):
        for earliest, latest in ((4, 12), (20, 30)):
            self.follow_up(
                patient,
                earliest,
                latest,
                clinician=self.therapist,
                kind=AppointmentKind.THERAPY,
                course=course,
            )

    # Other conditions

    def story_myokymia(self, patient, condition, nth):
        opened_on = self.days_ago(self.rng.randint(30, 200))
        case = self.open_case(
            patient,
            condition,
            laterality=self.rng.choice(SIDES),
            onset_date=opened_on - timedelta(days=self.rng.randint(30, 120)),
            opened_on=opened_on,
            status=CaseStatus.OBSERVATION,
            onset_site=FaceRegion.LOWER_EYELID,
            triggers=[Trigger.FATIGUE, Trigger.CAFFEINE, Trigger.STRESS],
            notes="Flickering of the lower eyelid only; no weakness, no spread.",
        )
        if nth == 0 and not patient.is_minor:
            self.add_study(
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
            self.follow_up(patient, 14, 40)
        self.add_observation_course(case)

    def story_myokymia_red_flag(self, patient, condition, nth):
        opened_on = self.days_ago(self.rng.randint(20, 30))
        case = self.open_case(
            patient,
            condition,
            laterality=self.rng.choice(SIDES),
            onset_date=opened_on - timedelta(days=self.rng.randint(20, 60)),
            opened_on=opened_on,
            status=CaseStatus.ASSESSMENT,
            onset_site=FaceRegion.MOUTH,
            spread=[FaceRegion.CHEEK, FaceRegion.CHIN],
            red_flags=[RedFlag.UNILATERAL_PERIORAL_MYOKYMIA],
            notes="Continuous rippling of one side of the mouth and chin.",
        )
        self.add_study(
            case,
            Modality.EMG,
            ordered_on=opened_on,
            status=StudyStatus.REVIEWED,
            description="Needle EMG of the lower facial muscles",
            impression="Continuous myokymic discharges in orbicularis oris and "
            "mentalis.",
            emg_myokymic_discharges=True,
            emg_lateral_spread_response=False,
        )
        self.add_study(
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
        self.follow_up(patient, 3, 12, notes="MRI result")

    def story_multiple_sclerosis(self, patient, condition, nth):
        opened_on = self.days_ago(self.rng.randint(100, 700))
        side = self.rng.choice(SIDES)
        case = self.open_case(
            patient,
            condition,
            laterality=side,
            onset_date=opened_on - timedelta(days=self.rng.randint(14, 60)),
            opened_on=opened_on,
            onset_site=FaceRegion.CHEEK,
            spread=[FaceRegion.LOWER_EYELID, FaceRegion.MOUTH],
            notes="Relapsing-remitting MS under the MS team; continuous facial "
            "myokymia since the last relapse.",
        )
        self.add_study(
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
        self.add_study(
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
            self.add_medication_course(
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
            self.add_observation_course(case)
        self.follow_up(patient, 7, 40)

    def story_dystonia(self, patient, condition, nth):
        opened_on = self.days_ago(self.rng.randint(90, 500))
        case = self.open_case(
            patient,
            condition,
            laterality=Laterality.BILATERAL,
            onset_date=opened_on - timedelta(days=self.rng.randint(200, 1500)),
            opened_on=opened_on,
            onset_site=FaceRegion.MOUTH,
            spread=[FaceRegion.CHIN, FaceRegion.NECK],
            triggers=[Trigger.TALKING_EATING, Trigger.STRESS],
            code=("G24.4", "G24.2")[nth % 2],
            notes="Jaw and lower-face spasms when talking and eating.",
        )
        drug = (BACLOFEN, CLONAZEPAM)[nth % 2]
        self.add_medication_course(
            case,
            [{"drug": drug, "start_on": opened_on, "indication": "Cranial dystonia"}],
            started_on=opened_on,
        )
        self.follow_up(patient, 7, 40)

    def story_parkinsons(self, patient, condition, nth):
        opened_on = self.days_ago(self.rng.randint(60, 400))
        case = self.open_case(
            patient,
            condition,
            laterality=self.rng.choice(SIDES),
            onset_date=opened_on - timedelta(days=self.rng.randint(100, 600)),
            opened_on=opened_on,
            status=CaseStatus.OBSERVATION,
            onset_site=FaceRegion.MOUTH,
            spread=[FaceRegion.CHIN],
            notes="Parkinson's disease under the movement-disorders clinic; lip and "
            "jaw tremor taken for twitching.",
        )
        self.add_observation_course(case)
        if nth == 0:
            self.follow_up(
                patient,
                3,
                10,
                status=AppointmentStatus.CANCELLED,
                cancel_reason="In hospital with a chest infection.",
            )
        self.follow_up(patient, 21, 40)

    def story_tics(self, patient, condition, nth):
        opened_on = self.days_ago(self.rng.randint(90, 400))
        case = self.open_case(
            patient,
            condition,
            onset_date=opened_on - timedelta(days=self.rng.randint(300, 1400)),
            opened_on=opened_on,
            status=CaseStatus.OBSERVATION,
            onset_site=FaceRegion.UPPER_EYELID,
            spread=[FaceRegion.NOSE, FaceRegion.MOUTH],
            triggers=[Trigger.STRESS, Trigger.FATIGUE, Trigger.READING_SCREENS],
            notes="Blinking, nose-wrinkling and grimacing tics with a premonitory "
            "urge; can suppress them briefly.",
        )
        self.add_observation_course(case)
        if nth == 0:
            therapy = self.add_therapy_course(
                case,
                self.therapy_dates(self.rng.randint(10, 20), 4),
                focuses=(TherapyFocus.RELAXATION,),
                completed=False,
                goal="Habit reversal training.",
            )
            self.plan_therapy_visits(patient, therapy)
        elif self.rng.random() < 0.5:
            self.follow_up(patient, 14, 40)

    def story_benign(self, patient, condition, nth):
        opened_on = self.days_ago(self.rng.randint(30, 150))
        case = self.open_case(
            patient,
            condition,
            laterality=self.rng.choice(SIDES),
            onset_date=opened_on - timedelta(days=self.rng.randint(20, 90)),
            opened_on=opened_on,
            status=CaseStatus.OBSERVATION,
            onset_site=FaceRegion.LOWER_EYELID,
            triggers=[Trigger.CAFFEINE, Trigger.FATIGUE, Trigger.STRESS],
            notes="Intermittent lower-lid twitch during exams and late nights.",
        )
        self.add_observation_course(case)
        if nth == 0 and not patient.is_minor:
            # Did not attend last week; a new appointment is booked.
            self.visits.append(
                Visit(
                    patient=patient,
                    clinician=patient.responsible_neurologist,
                    kind=AppointmentKind.FOLLOW_UP,
                    earliest=self.days_ago(14),
                    latest=self.days_ago(7),
                    status=AppointmentStatus.NO_SHOW,
                )
            )
            self.follow_up(patient, 10, 30)

    def story_benign_archived(self, patient, condition, nth):
        opened_on = self.days_ago(self.rng.randint(400, 600))
        closed_on = opened_on + timedelta(days=self.rng.randint(90, 120))
        case = self.open_case(
            patient,
            condition,
            laterality=self.rng.choice(SIDES),
            onset_date=opened_on - timedelta(days=self.rng.randint(20, 60)),
            opened_on=opened_on,
            status=CaseStatus.DISCHARGED,
            closed_on=closed_on,
            onset_site=FaceRegion.UPPER_EYELID,
            triggers=[Trigger.CAFFEINE, Trigger.FATIGUE],
            notes="Settled with more sleep and less coffee; discharged to the GP.",
        )
        self.add_observation_course(case, ended_on=closed_on)
        patient.is_archived = True
        self.save(patient)

    # Appointments

    def book_appointments(self):
        """Toxin recalls and planned visits in the next six weeks, plus past ones."""
        window_end = self.days_ahead(BOOKING_WINDOW_DAYS)
        due_count = 0
        for course, injector, last_session_on, due_within_window in self.recalls:
            if not due_within_window:
                continue
            due_count += 1
            due_on = last_session_on + timedelta(days=course.planned_interval_days)
            if due_count % 4 == 0:
                # Due and not yet booked: the recall list has work to do, and the
                # scheduler has already tried to reach the patient.
                self.save(
                    RecallContact(
                        course=course,
                        method=ContactMethod.LEFT_MESSAGE,
                        contacted_at=local_datetime(
                            clinic_day_on_or_before(self.days_ago(2)), time(10, 15)
                        ),
                        contacted_by=self.scheduler,
                        note="Left a voicemail asking the patient to call back.",
                    )
                )
                continue
            if due_count % 5 == 0:
                # Booked, but would come sooner if a slot frees up.
                self.save(
                    WaitlistEntry(
                        patient=course.case.patient,
                        course=course,
                        clinician=injector,
                        wanted_from=max(due_on, self.days_ahead(1)),
                        note="Can come at short notice on weekday mornings.",
                    )
                )
            self.book(
                Visit(
                    patient=course.case.patient,
                    clinician=injector,
                    kind=AppointmentKind.TOXIN_SESSION,
                    earliest=max(due_on, self.days_ahead(1)),
                    latest=window_end,
                    course=course,
                    notes=f"Recall: due {due_on:%d %b %Y}",
                )
            )
        for visit in self.visits:
            self.book(visit)
        for session in self.recent_sessions:
            self.save(
                Appointment(
                    patient=session.course.case.patient,
                    clinician=session.injector,
                    kind=AppointmentKind.TOXIN_SESSION,
                    starts_at=session.performed_at,
                    ends_at=session.performed_at
                    + timedelta(minutes=VISIT_MINUTES[AppointmentKind.TOXIN_SESSION]),
                    status=AppointmentStatus.COMPLETED,
                    course=session.course,
                )
            )

    def book(self, visit: Visit) -> Appointment:
        days = []
        day = clinic_day_on_or_after(visit.earliest)
        while day <= visit.latest:
            if (visit.patient.pk, day) not in self.patient_days:
                days.append(day)
            day = clinic_day_on_or_after(day + ONE_DAY)
        self.diary.rng.shuffle(days)
        for day in days:
            slot = self.diary.book(visit.clinician, day, VISIT_MINUTES[visit.kind])
            if slot is None:
                continue
            self.patient_days.add((visit.patient.pk, day))
            status = visit.status or (
                AppointmentStatus.CONFIRMED
                if day <= self.days_ahead(7)
                else AppointmentStatus.BOOKED
            )
            return self.save(
                Appointment(
                    patient=visit.patient,
                    clinician=visit.clinician,
                    kind=visit.kind,
                    starts_at=slot[0],
                    ends_at=slot[1],
                    status=status,
                    course=visit.course,
                    cancel_reason=visit.cancel_reason,
                    notes=visit.notes,
                )
            )
        raise CommandError(
            f"No free {visit.kind} slot for {visit.clinician.username} between "
            f"{visit.earliest} and {visit.latest}."
        )
