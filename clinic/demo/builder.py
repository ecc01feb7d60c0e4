"""Builds the demo clinic's records from the data of people.py, stories.py and
plan.py, through the product's write services."""

import random
from datetime import date, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from clinic.demo import appointments, hemifacial_spasm, other_conditions, toxin
from clinic.demo.appointments import Visit
from clinic.demo.dates import (
    clinic_day_on_or_before,
    local_datetime,
)
from clinic.demo.people import (
    BOYS,
    CHILD_WEIGHT_KG,
    FAMILY_NAMES,
    FEMALE_SHARE,
    GIRLS,
    MEN,
    REFERRERS,
    REMINDER_CHANNELS,
    STREETS,
    TOWNS,
    WOMEN,
)
from clinic.demo.plan import (
    DEMO_MRN_PREFIX,
    PATIENT_PLAN,
    SEED,
)
from clinic.demo.stories import (
    HOUSE_BRACKMANN_BY_COMPOSITE,
    JRS_RANGES,
    OBSERVATION_GOAL,
    ONE_SIDE,
    PREFERRED_CODES,
    PROM_ITEM_RANGES,
    SIDES,
    SUNNYBROOK_EXPRESSIONS,
    SUNNYBROOK_RANGES,
    THERAPY_EXERCISES,
    Presentation,
)
from clinic.demo.studies import STUDY_STEP_DAYS, Study
from clinic.models import User
from patients import coding, scales
from patients.models import (
    Assessment,
    Case,
    Condition,
    DiagnosticStudy,
    Guardian,
    GuardianRelationship,
    Modality,
    Patient,
    Sex,
    StudyStatus,
)
from patients.services import amend_study, save_case, sign_off_study
from scheduling.models import (
    AppointmentKind,
)
from treatments import services
from treatments.models import (
    CourseKind,
    CourseStatus,
    MedicationOrder,
    Referral,
    ReferralFollowUp,
    TherapyProgress,
    TherapySession,
    ToxinSession,
    TreatmentCourse,
)


class DemoClinic:
    """Builds the demo records: one method per record type, one per patient story.

    Clinical choices draw on one Random seeded with SEED, always in the same order,
    so that the records do not depend on the day of seeding; appointment times use
    a second Random because free slots do depend on the calendar. Records are
    written through the product's write services (see `save`).
    """

    def __init__(self, users: dict[str, User]):
        # Seeded, so the demo clinic is the same every time: not for secrets.
        self.rng = random.Random(SEED)  # noqa: S311
        self.booking_rng = random.Random(SEED + 1)  # noqa: S311
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

    def save(self, record):
        """Write one record through its write service, by the clinician who
        would write it, so its rules and its history are the product's."""
        match record:
            case Case():
                return save_case(case=record, by=record.responsible_neurologist)
            case TreatmentCourse():
                return services.save_course(
                    course=record, by=record.responsible_clinician
                )
            case TherapySession():
                return services.save_therapy_session(
                    session=record, by=record.therapist
                )
            case MedicationOrder():
                return services.save_medication_order(
                    order=record, by=record.prescriber
                )
            case Referral():
                by = record.course.case.responsible_neurologist
                return services.save_referral(referral=record, by=by)
            case ReferralFollowUp():
                by = record.referral.course.case.responsible_neurologist
                return services.save_referral_follow_up(follow_up=record, by=by)
            case Assessment():
                return services.save_assessment(assessment=record, by=record.rater)
        return self.save_directly(record)

    @staticmethod
    def save_directly(record):
        """Records with no write service that takes a record: patients and their
        guardians, studies (patients.services.save_study takes a bound form),
        waitlist entries and recall contacts. Validated like a form would, then
        saved one row at a time so their history is written.

        full_clean() runs the field checks and each model's clean(). The
        Meta.constraints are not re-queried one by one, which tripled the run
        time: the database enforces every one of them on this INSERT.
        """
        record.full_clean(validate_constraints=False)
        record.save()
        return record

    # Patients

    def create_patients(self):
        number = 0
        for row in PATIENT_PLAN:
            build = STORIES[row.story]
            for nth in range(row.count):
                number += 1
                age = self.rng.randint(*row.ages)
                patient = self.create_patient(number, row.condition, age)
                build(self, patient, row.condition, nth)

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
        presentation: Presentation,
        *,
        opened_on: date | None = None,
        **fields,
    ) -> Case:
        """A case as `presentation` describes it; `fields` are what the storyline
        works out itself (dates, a status, a side or spread it drew)."""
        rng = self.rng
        if opened_on is None:
            opened_on = self.days_ago(rng.randint(*presentation.opened_days_ago))
        onset_days_before = timedelta(days=rng.randint(*presentation.onset_days_before))
        laterality = presentation.laterality
        if laterality == ONE_SIDE:
            laterality = rng.choice(SIDES)
        fields = {
            "laterality": laterality,
            "onset_date": opened_on - onset_days_before,
            "status": presentation.status,
            "onset_site": presentation.onset_site,
            "spread_sites": fields.pop("spread", presentation.spread),
            "triggers": presentation.triggers,
            "findings": presentation.findings,
            "red_flags": presentation.red_flags,
            "notes": presentation.notes.format(side=laterality),
        } | fields
        code = fields.pop("code", "")
        fields["icd10_code"] = self.code_for(condition, fields["laterality"], code)
        for name in ("spread_sites", "triggers", "findings", "red_flags"):
            fields[name] = [str(value) for value in fields[name]]
        case = Case(
            patient=patient,
            condition=condition,
            opened_on=opened_on,
            responsible_neurologist=patient.responsible_neurologist,
            **fields,
        )
        return self.save(case)

    def add_study(
        self,
        case: Case,
        study: Study,
        *,
        ordered_on: date | None = None,
        status: str = "",
        impression: str = "",
        **findings,
    ) -> DiagnosticStudy:
        """A study moved along its pipeline to its status, dates never past
        yesterday, and signed off through the product's sign-off; `impression` and
        `findings` are those the storyline drew itself."""
        status = status or study.status
        after = {
            step: timedelta(days=self.rng.randint(*days))
            for step, days in STUDY_STEP_DAYS.items()
        }
        review_minutes = timedelta(minutes=self.rng.randint(0, 240))
        record = DiagnosticStudy(
            case=case,
            modality=study.modality,
            description=study.description,
            status=StudyStatus.RESULTED if status == StudyStatus.REVIEWED else status,
            ordered_on=ordered_on or case.opened_on,
            ordered_by=case.responsible_neurologist,
        )
        if status != StudyStatus.ORDERED:
            record.performed_on = self.not_after_yesterday(
                record.ordered_on + after["performed"]
            )
        if record.status == StudyStatus.RESULTED:
            record.resulted_on = self.not_after_yesterday(
                record.performed_on + after["resulted"]
            )
            side = case.get_laterality_display().lower()
            record.impression = (impression or study.impression).format(side=side)
            for name, value in (study.findings | findings).items():
                text = isinstance(value, str)
                setattr(record, name, value.format(side=side) if text else value)
        self.save(record)
        if status != StudyStatus.REVIEWED:
            return record
        reviewed_on = self.not_after_yesterday(record.resulted_on + after["reviewed"])
        return sign_off_study(
            study=record,
            by=case.responsible_neurologist,
            at=local_datetime(reviewed_on, time(12, 30)) + review_minutes,
        )

    def not_after_yesterday(self, day: date) -> date:
        return min(day, self.days_ago(1))

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


# The storylines plan.PATIENT_PLAN names, each building one patient's history.
STORIES = {
    "hfs_toxin": hemifacial_spasm.hfs_toxin,
    "hfs_mvd": hemifacial_spasm.hfs_mvd,
    "hfs_medication": hemifacial_spasm.hfs_medication,
    "hfs_red_flag": hemifacial_spasm.hfs_red_flag,
    "hfs_child": hemifacial_spasm.hfs_child,
    "new_referral": hemifacial_spasm.new_referral,
    "blepharospasm_toxin": other_conditions.blepharospasm_toxin,
    "bells": other_conditions.bells,
    "synkinesis": other_conditions.synkinesis,
    "myokymia": other_conditions.myokymia,
    "myokymia_red_flag": other_conditions.myokymia_red_flag,
    "multiple_sclerosis": other_conditions.multiple_sclerosis,
    "dystonia": other_conditions.dystonia,
    "parkinsons": other_conditions.parkinsons,
    "tics": other_conditions.tics,
    "benign": other_conditions.benign,
    "benign_archived": other_conditions.benign_archived,
}


def build_demo_clinic(users: dict[str, User]) -> DemoClinic:
    """Every demo record: the patients' histories, then their appointments."""
    clinic = DemoClinic(users)
    clinic.create_patients()
    clinic.amend_a_signed_study()
    toxin.flag_a_session_given_without_consent(clinic)
    appointments.book_appointments(clinic)
    return clinic
