"""Toxin courses: sessions booked, charted through treatments.charting and
followed up through treatments.services, as the clinic's own screens do."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings

from clinic.demo import appointments
from clinic.demo.dates import clinic_day_on_or_before
from clinic.demo.plan import RECALL_DUE_WITHIN_DAYS
from clinic.demo.stories import (
    ADVERSE_NOTES,
    BENEFIT_DAYS,
    CONSENT_LEAFLET,
    LOT_PREFIX,
    LOWER_FACE_MUSCLES,
    PRODUCT_CYCLE,
    SHORT_GAP_DAYS,
    SHORT_GAP_SHARE,
    UNITS_PER_BOTOX_UNIT,
    USUAL_GAP_DAYS,
    VIALS,
)
from clinic.models import User
from patients.models import Case
from treatments import charting, services
from treatments.models import (
    AdverseEffect,
    AdverseEffectKind,
    BenefitRating,
    CourseKind,
    CourseStatus,
    Guidance,
    Injection,
    Severity,
    ToxinSession,
    TreatmentCourse,
    Vial,
)

PLANNED_OVERRIDE = "Dose reviewed against the limits and agreed before injecting."


def toxin_dates(clinic, last_days_ago: int, count: int) -> list[date]:
    """Clinic days 77-112 days apart, the last one `last_days_ago` ago."""
    dates = [clinic_day_on_or_before(clinic.days_ago(last_days_ago))]
    while len(dates) < count:
        short = clinic.rng.random() < SHORT_GAP_SHARE
        gap = clinic.rng.randint(*(SHORT_GAP_DAYS if short else USUAL_GAP_DAYS))
        dates.append(clinic_day_on_or_before(dates[-1] - timedelta(days=gap)))
    return dates[::-1]


def next_product(clinic) -> str:
    product = PRODUCT_CYCLE[clinic.product_count % len(PRODUCT_CYCLE)]
    clinic.product_count += 1
    return product


def add_toxin_course(
    clinic,
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
    rng = clinic.rng
    product = next_product(clinic)
    vial_units, diluents = VIALS[product]
    diluent_ml = Decimal(rng.choice(diluents))
    interval = rng.choice((84, 91, 91, 98))
    injector = clinic.injector if rng.random() < 0.7 else case.responsible_neurologist
    if guidance == Guidance.EMG:
        injector = case.responsible_neurologist
    course = clinic.add_course(
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
        session = add_toxin_session(
            clinic,
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
            add_adverse_effect(clinic, session, adverse_effect)
            if adverse_effect == AdverseEffectKind.FACIAL_WEAKNESS:
                sites = [s for s in sites if s[1] not in LOWER_FACE_MUSCLES]
        sessions.append(session)
    clinic.toxin_course_count += 1
    note_for_recall(clinic, course, injector, sessions[-1], last_days_ago)
    return sessions


def note_for_recall(clinic, course, injector, last: ToxinSession, last_days_ago):
    """An active course is recalled for its next session, booked later."""
    if course.status == CourseStatus.ACTIVE:
        due_within_window = (
            course.planned_interval_days - last_days_ago <= RECALL_DUE_WITHIN_DAYS
        )
        clinic.recalls.append((course, injector, last.performed_on, due_within_window))
    if last_days_ago <= 45:
        clinic.recent_sessions.append(last)


def add_toxin_session(
    clinic,
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
    """Book the visit, chart the session on it (which completes the appointment),
    and record what the patient reported afterwards."""
    rng = clinic.rng
    notes = short_interval_note(day, previous)
    appointment = appointments.book_toxin_visit(
        clinic, course=course, injector=injector, day=day, override_reason=notes
    )
    performed_at = appointment.starts_at
    doses = product_doses(product, sites)
    total = sum(units for _, _, units, _ in doses)
    # Follow-up reported later by the patient; drawn for every session so that
    # the random sequence does not depend on today's date.
    follow_up = draw_follow_up(clinic, day, next_day)
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
        notes=notes,
    )
    sites = [
        Injection(vial=vial, muscle=muscle, side=side, units=units, points=points)
        for side, muscle, units, points in doses
    ]
    chart(session, [vial], sites, neurologist=course.case.responsible_neurologist)
    if follow_up:
        for field, value in follow_up.items():
            setattr(session, field, value)
        services.record_toxin_follow_up(
            session=session, adverse_effects=[], by=course.case.responsible_neurologist
        )
    return session


def product_doses(product: str, sites) -> list[tuple[str, str, Decimal, int]]:
    """The sites' Botox units in the product's own units."""
    factor = UNITS_PER_BOTOX_UNIT[product]
    return [
        (side, muscle, (Decimal(units) * factor).quantize(Decimal("0.01")), points)
        for side, muscle, units, points in sites
    ]


def short_interval_note(day: date, previous: ToxinSession | None) -> str:
    """Why a session came before the earliest safe date: the note on the session
    and the reason its neurologist gave to override the warning."""
    if previous is None:
        return ""
    gap = (day - previous.performed_on).days
    if gap >= settings.CLINIC_MIN_REINJECTION_DAYS:
        return ""
    return (
        f"Re-injected at {gap} days: spasm returned early and stopped "
        "the patient driving; antibody risk discussed and accepted."
    )


def draw_follow_up(clinic, day: date, next_day: date | None) -> dict:
    """Onset, peak, benefit and wearing off, as the patient reported them; empty
    for a session too recent to follow up or whose follow-up was missed."""
    rng = clinic.rng
    onset_day = rng.randint(2, 5)
    peak_day = rng.randint(10, 21)
    benefit = rng.choices(
        [BenefitRating.MARKED, BenefitRating.MODERATE, BenefitRating.SLIGHT],
        weights=[5, 4, 1],
    )[0]
    lasted = rng.randint(*BENEFIT_DAYS[benefit])
    returned_before_next = rng.randint(3, 14)
    follow_up_missing = rng.random() < 0.1
    if follow_up_missing or (clinic.today - day).days < 14:
        return {}
    reported = {"onset_day": onset_day, "peak_day": peak_day, "benefit": benefit}
    wore_off = day + timedelta(days=lasted)
    if next_day is not None:
        wore_off = min(wore_off, next_day - timedelta(days=returned_before_next))
    if wore_off < clinic.today:
        reported["wore_off_on"] = wore_off
    return reported


def chart(session: ToxinSession, vials, sites, *, neurologist: User) -> ToxinSession:
    """Chart through the one write path, as the clinic does: the injector charts;
    a session with safety warnings (a short interval, a child's dose near the
    ceiling) is refused to them, and the responsible neurologist, who saw each
    warning, overrides it with the reason on the session's notes before
    injecting. Trying first spares working the warnings out twice."""
    try:
        return charting.chart_toxin_session(
            session=session, vials=vials, sites=sites, by=session.injector
        )
    except charting.OverrideRequired as refused:
        warnings = refused.warnings
    return charting.chart_toxin_session(
        session=session,
        vials=vials,
        sites=sites,
        by=neurologist,
        override_reason=session.notes or PLANNED_OVERRIDE,
        shown_warnings_digest=charting.warnings_digest(warnings),
    )


def add_adverse_effect(clinic, session: ToxinSession, kind: str):
    onset = session.performed_on + timedelta(days=clinic.rng.randint(2, 7))
    effect = AdverseEffect(
        kind=kind,
        onset_on=onset,
        severity=clinic.rng.choices([Severity.MILD, Severity.MODERATE], weights=[2, 1])[
            0
        ],
        resolved_on=onset + timedelta(days=clinic.rng.randint(10, 35)),
        notes=ADVERSE_NOTES[kind],
    )
    services.record_toxin_follow_up(
        session=session,
        adverse_effects=[effect],
        by=session.course.case.responsible_neurologist,
    )


def next_adverse_effect(clinic, *kinds: str) -> str:
    """An adverse effect on every fourth toxin course, cycling through `kinds`."""
    if clinic.toxin_course_count % 4 != 1:
        return ""
    return kinds[(clinic.toxin_course_count // 4) % len(kinds)]


def flag_a_session_given_without_consent(clinic):
    """One recent session charted as already given with no consent recorded:
    its warning waits on the dashboard for a neurologist."""
    if not clinic.recent_sessions:
        return
    session = clinic.recent_sessions[0]
    session.consent_obtained = False
    session.consent_information_version = ""
    vials = {vial.pk: vial for vial in session.vials.all()}
    sites = list(session.injections.all())
    for site in sites:
        site.vial = vials[site.vial_id]
    warnings = charting.pending_warnings(
        session=session, vials=list(vials.values()), sites=sites
    )
    charting.chart_toxin_session(
        session=session,
        vials=list(vials.values()),
        sites=sites,
        by=session.injector,
        shown_warnings_digest=charting.warnings_digest(warnings),
        given_already=True,
    )
