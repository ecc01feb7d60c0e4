"""One patient's records, written as rows: the patient and guardians, cases,
studies, scores and treatment courses with their sessions.

Every value is drawn from one seeded random.Random in a fixed order, so that a
size and a seed always give the same clinic (but for dates, which count back
from the day of generation). Each rule the database enforces (CHECK, unique and
foreign-key constraints, the signed-study trigger) is honoured here row by row,
because COPY checks every one of them.
"""

import datetime
import random
from decimal import Decimal

from django.conf import settings

from bench import courses, names
from bench.tables import Spool
from clinic.models import Letter
from patients import coding, scales
from patients.models import (
    Assessment,
    Case,
    CaseStatus,
    Condition,
    DiagnosticStudy,
    Guardian,
    Patient,
    RedFlagAcknowledgement,
    ReminderChannel,
    Sex,
    StudyAmendment,
)
from patients.search import search_key
from treatments.models import (
    AdverseEffect,
    CourseKind,
    CourseStatus,
    Injection,
    Muscle,
    SafetyFlag,
    Side,
    ToxinSession,
    TreatmentCourse,
    Vial,
)

DAY = datetime.timedelta(days=1)
GAP_DAYS = (84, 112)  # 12-16 weeks: never under the 84-day minimum interval
CHART_PATIENT = 1  # the patient whose chart is timed: a ten-year toxin course
AMEND_EVERY = 500  # reviewed studies per amendment


def weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def on_weekday(day: datetime.date) -> datetime.date:
    """The clinic day on or before `day` (clinics run Monday to Friday)."""
    while day.weekday() > 4:
        day -= DAY
    return day


class Stories:
    """Writes every patient's records into the spool."""

    def __init__(self, spool: Spool, rng: random.Random, staff, today, zone):
        self.spool = spool
        self.rng = rng
        self.staff = staff
        self.today = today
        self.zone = zone
        self.score_cache = {}
        # Who is due for a toxin session: (patient, course, injector, due date).
        self.recalls = []
        self.reviewed_studies = 0
        self.flagged_cases = 0

    def at(self, day: datetime.date, minutes: int) -> datetime.datetime:
        """A local time on `day`, `minutes` after midnight."""
        return datetime.datetime.combine(
            day, datetime.time(minutes // 60, minutes % 60), tzinfo=self.zone
        )

    def days_ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    # Patients

    def patient(self, number: int) -> dict:
        """One patient with everything charted for them; returns what the
        appointments and access log need."""
        rng = self.rng
        is_child = rng.random() < 0.1 and number != CHART_PATIENT
        age = rng.randint(6, 17) if is_child else rng.randint(18, 90)
        person = self.add_patient(number, age, is_child)
        if is_child:
            self.add_guardians(person)
        person["courses"] = []
        cases = 2 if rng.random() < 0.3 else 1
        for nth in range(cases):
            self.add_case(person, first=nth == 0)
        return person

    def add_patient(self, number: int, age: int, is_child: bool) -> dict:
        rng = self.rng
        female = rng.random() < 0.6
        pool = (
            (names.GIRLS if female else names.BOYS)
            if is_child
            else (names.WOMEN if female else names.MEN)
        )
        given, family = rng.choice(pool), rng.choice(names.FAMILY_NAMES)
        born = self.days_ago(age * 365 + rng.randint(0, 360))
        consent = rng.random() < 0.8
        weighed = is_child or rng.random() < 0.3
        kg = (
            names.CHILD_WEIGHT_KG[age] * rng.uniform(0.85, 1.2)
            if is_child
            else rng.randint(48, 110)
        )
        email_name = f"{given}.{family}".lower().replace("'", "")
        patient_id = self.spool[Patient].add(
            mrn=f"B{number:07d}",
            given_name=given,
            family_name=family,
            date_of_birth=born,
            sex=Sex.FEMALE if female else Sex.MALE,
            email="" if is_child else f"{email_name}{number}@example.org",
            phone=f"07700 9{number % 100000:05d}",
            address=f"{rng.randint(2, 98)} {rng.choice(names.STREETS)}, "
            f"{rng.choice(names.TOWNS)}",
            reminder_consent=consent,
            reminder_channel=rng.choice(ReminderChannel.values) if consent else "",
            weight_kg=Decimal(f"{kg:.1f}") if weighed else None,
            weight_measured_on=self.days_ago(rng.randint(7, 300)) if weighed else None,
            referring_clinician=rng.choice(names.REFERRERS),
            responsible_neurologist=rng.choice(self.staff.neurologists),
            search_name=search_key(f"{given} {family}"),
            is_archived=rng.random() < 0.01,
        )
        return {
            "id": patient_id,
            "born": born,
            "child": is_child,
            "family": family,
            "email": ""
            if is_child or not consent
            else f"{email_name}{number}@example.org",
            "number": number,
        }

    def add_guardians(self, person: dict) -> None:
        relationships = ["mother", "father"]
        self.rng.shuffle(relationships)
        for relationship in relationships[: self.rng.choice((1, 1, 2))]:
            given = self.rng.choice(
                names.WOMEN if relationship == "mother" else names.MEN
            )
            self.spool[Guardian].add(
                patient=person["id"],
                full_name=f"{given} {person['family']}",
                relationship=relationship,
                phone=f"07700 8{person['number'] % 100000:05d}",
                email=f"guardian{person['number']}@example.org",
                holds_consent=True,
            )

    # Cases and their work-up

    def add_case(self, person: dict, *, first: bool) -> None:
        rng = self.rng
        chart = person["number"] == CHART_PATIENT and first
        condition = (
            Condition.HEMIFACIAL_SPASM if chart else weighted(rng, names.CONDITIONS)
        )
        side = rng.choice(names.SIDES) if condition in names.SIDED else "n/a"
        toxin = chart or (
            first and condition in names.TOXIN_CONDITIONS and rng.random() < 0.62
        )
        # A toxin course runs up to ten years; the case opened before it.
        earliest = person["born"] + datetime.timedelta(days=365 * 5)
        # Most toxin courses are long: the clinic keeps its patients for years.
        span = 3650 if chart else int(rng.triangular(60, 3650, 3650))
        if not toxin:
            span = rng.randint(0, 3650)
        opened = max(earliest, self.days_ago(span + rng.randint(20, 200)))
        if opened > self.today:
            opened = self.today
        closed = not toxin and rng.random() < 0.35
        status = (
            rng.choice((CaseStatus.RESOLVED, CaseStatus.DISCHARGED))
            if closed
            else CaseStatus.ACTIVE
            if toxin
            else rng.choice((CaseStatus.ASSESSMENT, CaseStatus.OBSERVATION))
        )
        case_id = self.write_case(person, condition, side, opened, status, closed)
        case = {"id": case_id, "opened": opened, "condition": condition, "side": side}
        self.add_studies(case)
        if toxin:
            self.add_toxin_course(person, case, max(opened + 14 * DAY, earliest))
        else:
            self.add_other_course(person, case)
            self.add_scores(case, None, count=rng.randint(2, 5))

    def write_case(self, person, condition, side, opened, status, closed) -> int:
        rng = self.rng
        onset = max(person["born"], opened - datetime.timedelta(rng.randint(10, 900)))
        onset_at = None
        if condition == Condition.BELLS_PALSY:
            onset = max(person["born"], opened - datetime.timedelta(rng.randint(0, 3)))
            onset_at = self.at(onset, rng.randint(420, 1260))
        closed_on = (
            opened + datetime.timedelta(rng.randint(30, 700)) if closed else None
        )
        if closed_on and closed_on > self.today:
            closed_on = self.today
        # Drawn in the order they always were, so the clinic stays the same.
        onset_site = rng.choice(("upper_eyelid", "lower_eyelid", "cheek", ""))
        spread_sites = rng.sample(["cheek", "mouth", "chin", "brow"], 2)
        triggers = rng.sample(["stress", "fatigue", "caffeine", "bright_light"], 2)
        flags = ["facial_weakness"] if rng.random() < 0.01 else []
        neurologist = rng.choice(self.staff.neurologists)
        # Every other ticked flag, the first at every size, was acknowledged;
        # the rest wait for review, as the write path would keep them.
        self.flagged_cases += bool(flags)
        acknowledged = bool(flags) and self.flagged_cases % 2 == 1
        case_id = self.spool[Case].add(
            patient=person["id"],
            condition=condition,
            icd10_code=self.code_for(condition, side),
            laterality=side,
            onset_date=onset,
            onset_at=onset_at,
            onset_site=onset_site,
            spread_sites=spread_sites
            if condition == Condition.HEMIFACIAL_SPASM
            else [],
            triggers=triggers,
            red_flags=flags,
            red_flags_to_review=[] if acknowledged else flags,
            status=status,
            opened_on=opened,
            closed_on=closed_on,
            responsible_neurologist=neurologist,
            entered_in_error=rng.random() < 0.002,
            entered_in_error_reason="Opened on the wrong patient.",
        )
        if acknowledged:
            self.spool[RedFlagAcknowledgement].add(
                case=case_id,
                flag="facial_weakness",
                evidence=["facial_weakness"],
                note="Weakness from the last toxin session; reviewed, no MRI.",
                acknowledged_by=neurologist,
                acknowledged_at=self.at(opened, 960),
            )
        return case_id

    def code_for(self, condition: str, side: str) -> str:
        if condition == Condition.HEMIFACIAL_SPASM:
            return coding.HEMIFACIAL_SPASM_CODE_BY_SIDE[side]
        codes = coding.codes_for(condition, settings.CLINIC_UNCONFIRMED_CONDITION_CODES)
        preferred = names.PREFERRED_CODES.get(condition)
        return preferred if preferred in codes else codes[0]

    def add_studies(self, case: dict) -> None:
        condition, rng = case["condition"], self.rng
        wanted = []
        if condition == Condition.HEMIFACIAL_SPASM:
            wanted = ["mri"] + (["emg"] if rng.random() < 0.5 else [])
        elif condition in (Condition.MULTIPLE_SCLEROSIS, Condition.FACIAL_MYOKYMIA):
            wanted = ["mri"]
        elif condition == Condition.TIC_DISORDER and rng.random() < 0.3:
            wanted = ["eeg"]
        elif rng.random() < 0.1:
            wanted = ["mri"]
        for modality in wanted:
            self.add_study(case, modality)

    def add_study(self, case: dict, modality: str) -> None:
        rng = self.rng
        ordered = case["opened"]
        performed = min(self.today, ordered + datetime.timedelta(rng.randint(3, 40)))
        resulted = min(self.today, performed + datetime.timedelta(rng.randint(0, 7)))
        recent = (self.today - ordered).days < 60
        status = "reviewed"
        if recent:
            status = rng.choice(("ordered", "performed", "resulted", "reviewed"))
        elif rng.random() < 0.003:
            status = "resulted"  # a result still waiting for sign-off
        findings = self.findings(modality, case["side"])
        reviewer = rng.choice(self.staff.neurologists)
        study_id = self.spool[DiagnosticStudy].add(
            case=case["id"],
            modality=modality,
            description=f"{modality.upper()} for {case['condition']}",
            status=status,
            ordered_on=ordered,
            ordered_by=reviewer,
            performed_on=None if status == "ordered" else performed,
            resulted_on=resulted if status in ("resulted", "reviewed") else None,
            reviewed_at=self.at(resulted, 1020) if status == "reviewed" else None,
            reviewed_by=reviewer if status == "reviewed" else None,
            impression="No structural lesion." if status != "ordered" else "",
            **(findings if status != "ordered" else {}),
        )
        if status == "reviewed":
            self.reviewed_studies += 1
        # One reviewed study in 500 is amended, the first of them at every size,
        # so that even a small clinic has an amendment to list.
        if status == "reviewed" and self.reviewed_studies % AMEND_EVERY == 1:
            self.spool[StudyAmendment].add(
                study=study_id,
                text="Vessel contact on re-review: AICA at the root exit zone.",
                reason="Second reading by neuroradiology.",
                amended_by=reviewer,
                amended_at=self.at(resulted, 1050) + 7 * DAY,
            )

    def findings(self, modality: str, side: str) -> dict:
        rng = self.rng
        if modality == "mri":
            return {
                "mri_field_strength": rng.choice(("1.5T", "3T")),
                "mri_sequences": "3D T2 CISS, 3D TOF MRA",
                "mri_neurovascular_compression": side in ("left", "right"),
                "mri_compression_side": side if side in ("left", "right") else "",
                "mri_offending_vessels": [rng.choice(("aica", "pica", "vertebral"))],
                "mri_lesion_found": False,
            }
        if modality == "emg":
            return {
                "emg_lateral_spread_response": True,
                "emg_lsr_latency_ms": Decimal(f"{rng.uniform(8, 12):.1f}"),
                "emg_high_frequency_bursts": True,
            }
        return {"eeg_abnormal": False}

    # Scores

    def add_scores(self, case: dict, dates, *, count: int = 0) -> None:
        """Scores on the given (date, days since last toxin) pairs, or `count`
        scores through the life of a case without toxin."""
        rng = self.rng
        if dates is None:
            span = max(0, (self.today - case["opened"]).days)
            dates = sorted(
                (case["opened"] + datetime.timedelta(rng.randint(0, span)), None)
                for _ in range(count)
            )
        instrument = (
            "hfs7" if case["condition"] == Condition.HEMIFACIAL_SPASM else "jrs"
        )
        version = scales.LATEST_VERSION[instrument]
        for day, since in dates:
            answers = self.answers(instrument)
            totals, score = self.scored(instrument, version, answers)
            self.spool[Assessment].add(
                case=case["id"],
                instrument=instrument,
                version=version,
                answers=answers,
                totals=totals,
                score=score,
                rater=rng.choice(self.staff.neurologists),
                assessed_on=day,
                days_since_last_toxin=since,
            )

    def answers(self, instrument: str) -> dict:
        rng = self.rng
        if instrument == "hfs7":
            return {f"item{n}": rng.randint(0, 4) for n in range(1, 8)}
        return {"severity": rng.randint(0, 4), "frequency": rng.randint(0, 4)}

    def scored(self, instrument: str, version: str, answers: dict):
        key = (instrument, tuple(sorted(answers.items())))
        if key not in self.score_cache:
            result = scales.score(instrument, version, answers)
            self.score_cache[key] = (result.totals, result.primary)
        return self.score_cache[key]

    # Toxin

    def add_toxin_course(self, person: dict, case: dict, start: datetime.date):
        rng = self.rng
        chart = person["number"] == CHART_PATIENT
        status = CourseStatus.ACTIVE
        if not chart and rng.random() < 0.25:
            status = rng.choice((CourseStatus.COMPLETED, CourseStatus.STOPPED))
        ago = rng.randint(0, 130) if status == "active" else rng.randint(150, 1500)
        last = min(self.today, max(start, self.days_ago(ago)))
        dates = [on_weekday(last)]
        while True:
            previous = on_weekday(dates[-1] - rng.randint(*GAP_DAYS) * DAY)
            if previous < start or (dates[-1] - previous).days < GAP_DAYS[0]:
                break
            dates.append(previous)
        dates.reverse()
        injector = rng.choice(self.staff.injectors + self.staff.neurologists[:1])
        interval = rng.choice((84, 91, 91, 98))
        ended = dates[-1] + 60 * DAY if status != CourseStatus.ACTIVE else None
        course_id = self.spool[TreatmentCourse].add(
            case=case["id"],
            kind=CourseKind.BOTULINUM_TOXIN,
            status=status,
            started_on=dates[0],
            ended_on=min(ended, self.today) if ended else None,
            goal=f"Control of spasm; re-inject about every {interval // 7} weeks.",
            responsible_clinician=injector,
            planned_interval_days=interval,
            stop_reason="Declined further injections."
            if status == CourseStatus.STOPPED
            else "",
        )
        course = {
            "id": course_id,
            "injector": injector,
            "kind": "toxin",
            "patient": person["id"],
        }
        self.add_sessions(case, course, dates)
        if status == CourseStatus.ACTIVE:
            due = dates[-1] + interval * DAY
            self.recalls.append((person, course, due))
        person["courses"].append(course)

    def add_sessions(self, case: dict, course: dict, dates) -> None:
        rng = self.rng
        product = weighted(rng, names.PRODUCTS)
        sites = self.site_plan(case["side"])
        scores = []
        for index, day in enumerate(dates):
            follow_up = index + 1 < len(dates) or (self.today - day).days > 30
            self.add_session(course, product, sites, day, follow_up)
            since = (day - dates[index - 1]).days if index else None
            if rng.random() < 0.95:
                scores.append((day, since))
        self.add_scores(case, scores)

    def site_plan(self, side: str) -> list[tuple[str, str, str]]:
        """The course's sites as (muscle, side, Botox units): 4-10 of them."""
        rng = self.rng
        count = rng.randint(4, 10)
        sides = ["left", "right"] if side in ("n/a", "bilateral") else [side]
        plan = [("procerus", Side.MIDLINE, "2.5")] if side == "n/a" else []
        muscles = rng.sample(names.SITE_MUSCLES, len(names.SITE_MUSCLES))
        for muscle in muscles:
            for one_side in sides:
                if len(plan) < count:
                    plan.append((muscle, one_side, rng.choice(names.SITE_UNITS)))
        return plan

    def add_session(self, course, product, sites, day, follow_up: bool) -> None:
        rng = self.rng
        performed = self.at(day, rng.randint(32, 68) * 15)
        error = rng.random() < 0.003
        onset = rng.randint(2, 5)
        wore_off = day + rng.randint(60, 105) * DAY
        session_id = self.spool[ToxinSession].add(
            course=course["id"],
            performed_at=performed,
            injector=course["injector"],
            product=product,
            consent_obtained=True,
            consent_information_version=names.CONSENT_LEAFLET,
            distant_spread_risk_discussed=True,
            guidance=rng.choice(("none", "none", "none", "emg")),
            onset_day=onset if follow_up else None,
            peak_day=onset + rng.randint(5, 16) if follow_up else None,
            wore_off_on=wore_off if follow_up and wore_off <= self.today else None,
            benefit=rng.choice(("marked", "moderate", "slight")) if follow_up else "",
            entered_in_error=error,
            entered_in_error_reason="Charted on the wrong course." if error else "",
        )
        self.add_vials(session_id, product, sites, day, performed)
        # Every 25th session's letter to the referrer (by id: the draws stay as
        # they were); its file is never read by the pages timed.
        if session_id % 25 == 0 and not error:
            self.spool[Letter].add(
                kind="post_session",
                patient=course["patient"],
                toxin_session=session_id,
                recipient="Dr A. Referrer",
                signed_by=course["injector"],
                pdf=f"letters/{course['patient']}/bench-{session_id}.pdf",
                produced_by=course["injector"],
                produced_at=performed + DAY,
            )
        if rng.random() < 0.02:
            self.add_adverse_effect(session_id, day)
        if rng.random() < 0.0005:
            self.add_safety_flag(session_id, course["injector"], performed)

    def add_vials(self, session_id, product, sites, day, performed) -> None:
        rng = self.rng
        size, diluents, factor, prefix = names.VIALS[product]
        parts = [sites] if rng.random() < 0.7 or len(sites) < 6 else None
        if parts is None:
            half = len(sites) // 2
            parts = [sites[:half], sites[half:]]
        quarter = (day.year * 4 + (day.month - 1) // 3) % 1000
        lot = rng.randrange(names.LOTS_PER_QUARTER)
        quarter_start = datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        for part in parts:
            doses = [
                (muscle, side, Decimal(units) * factor) for muscle, side, units in part
            ]
            drawn = sum(units for _, _, units in doses)
            vial_id = self.spool[Vial].add(
                session=session_id,
                size_units=size,
                lot_number=f"{prefix}{quarter:03d}{lot:02d}",
                expiry_date=quarter_start + (540 + lot) * DAY,
                diluent_volume_ml=Decimal(rng.choice(diluents)),
                reconstituted_at=performed
                - datetime.timedelta(minutes=rng.randint(10, 75)),
                units_discarded=size - drawn,
                waste_reason=names.WASTE_REASON,
            )
            for muscle, side, units in doses:
                self.spool[Injection].add(
                    session=session_id,
                    vial=vial_id,
                    muscle=muscle,
                    side=side,
                    units=units,
                    points=2 if muscle in (Muscle.OO_ORBITAL, Muscle.FRONTALIS) else 1,
                )

    def add_adverse_effect(self, session_id: int, day: datetime.date) -> None:
        rng = self.rng
        onset = day + rng.randint(2, 7) * DAY
        resolved = onset + rng.randint(7, 30) * DAY
        self.spool[AdverseEffect].add(
            session=session_id,
            kind=rng.choice(("ptosis", "bruising", "keratitis_dry_eye", "headache")),
            onset_on=onset,
            severity=rng.choice(("mild", "mild", "moderate")),
            resolved_on=resolved if resolved <= self.today else None,
            notes="Reported at follow-up.",
        )

    def add_safety_flag(self, session_id: int, injector: int, performed) -> None:
        acknowledged = self.rng.random() < 0.5
        neurologist = self.rng.choice(self.staff.neurologists)
        self.spool[SafetyFlag].add(
            session=session_id,
            code="consent_missing",
            message="Charted as given without recorded consent.",
            raised_by=injector,
            raised_at=performed,
            acknowledged_by=neurologist if acknowledged else None,
            acknowledged_at=performed + DAY if acknowledged else None,
            acknowledgement_note="Consent confirmed by phone." if acknowledged else "",
        )

    def add_other_course(self, person: dict, case: dict) -> None:
        """Therapy, medication, a referral, or observation, for some."""
        courses.add_other_course(self, person, case)
