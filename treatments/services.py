import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from clinic.overrides import WarningsNotSeen, digest_of
from patients import flagging
from patients.models import Assessment, Case, Condition, Patient, ToxinPrecaution
from treatments import bells_caution, dosing, labels, red_flags, safety
from treatments.models import (
    AdverseEffect,
    MedicationOrder,
    Muscle,
    Referral,
    ReferralFollowUp,
    TherapySession,
    ToxinSession,
    TreatmentCourse,
    Vial,
)


def days_since_last_toxin(patient: Patient, on: datetime.date) -> int | None:
    """Days from the patient's last valid toxin session before `on` to `on`."""
    last = (
        ToxinSession.objects.valid()
        .for_patient(patient)
        .filter(performed_at__date__lt=on)
        .order_by("-performed_at")
        .values_list("performed_at", flat=True)
        .first()
    )
    return dosing.days_since(last and timezone.localtime(last).date(), on)


def stamp_days_since_last_toxin(assessment: Assessment) -> None:
    """Record how far from the last injection a score was taken; the caller saves.

    Scores at peak effect (2-6 weeks) and at trough (before the next session) are
    only comparable when this is kept with each score (DOMAIN.md 1.10).
    """
    assessment.days_since_last_toxin = days_since_last_toxin(
        assessment.case.patient, assessment.assessed_on
    )


def safety_limits() -> safety.Limits:
    """The clinic's configured limits, read when used so that tests and
    deployments can change them."""
    return safety.Limits(
        min_reinjection_days=settings.CLINIC_MIN_REINJECTION_DAYS,
        window_days=settings.CLINIC_CUMULATIVE_WINDOW_DAYS,
        adult_max_units=settings.CLINIC_ADULT_MAX_UNITS,
        paediatric_ceiling=settings.CLINIC_PAEDIATRIC_CEILING,
        in_use_hours=settings.CLINIC_IN_USE_HOURS,
        jurisdiction=settings.CLINIC_JURISDICTION,
        bells_caution_days=settings.CLINIC_BELLS_TOXIN_CAUTION_DAYS,
    )


def prior_toxin_sessions(
    patient: Patient, *, before: datetime.datetime, exclude_pk: int | None = None
) -> list[safety.PriorSession]:
    """The patient's valid sessions given before `before`, in time order, with their
    units: one query, however long the history."""
    sessions = (
        ToxinSession.objects.valid()
        .for_patient(patient)
        .filter(performed_at__lt=before)
        .with_total_units()
        .order_by("performed_at", "pk")
    )
    if exclude_pk is not None:
        sessions = sessions.exclude(pk=exclude_pk)
    return [
        safety.PriorSession(
            performed_on=timezone.localtime(performed_at).date(),
            product=product,
            units=total_units or Decimal("0"),
        )
        for performed_at, product, total_units in sessions.values_list(
            "performed_at", "product", "total_units"
        )
    ]


def toxin_safety_warnings(
    *,
    course: TreatmentCourse,
    product: str,
    performed_at: datetime.datetime,
    vials: Iterable[safety.VialCheck],
    sites: Iterable[tuple[str, str, Decimal]],
    consent_obtained: bool,
    exclude_pk: int | None = None,
) -> list[safety.SafetyWarning]:
    """The safety warnings for a session about to be saved (DESIGN.md 5).

    `sites` are (muscle, side, units), `vials` the vials they came from. Reads
    the patient's earlier sessions in one query; the course's case and patient
    are expected to be loaded with the course.
    `exclude_pk` leaves out the session being edited, so that it is not compared
    with itself.
    """
    case = course.case
    patient = case.patient
    session_on = timezone.localtime(performed_at).date()
    site_rows = [
        safety.Site(muscle, side, units, Muscle(muscle).label.lower())
        for muscle, side, units in sites
    ]
    limits = safety_limits()
    warnings = safety.session_warnings(
        product=product,
        sites=site_rows,
        performed_at=performed_at,
        vials=list(vials),
        session_on=session_on,
        prior=prior_toxin_sessions(patient, before=performed_at, exclude_pk=exclude_pk),
        age_years=patient.age_on(session_on),
        is_minor=patient.is_minor_on(session_on),
        weight_kg=patient.weight_kg,
        indication=case.condition,
        consent_obtained=consent_obtained,
        limits=limits,
        precautions=patient_precautions(patient, on=session_on),
    )
    # As stored by the case's write paths: flags a neurologist acknowledged
    # are left out, and no query is needed.
    warnings += red_flags.red_flag_warning(case.red_flag_labels_waiting())
    return warnings + bells_caution.after_bells_palsy(
        onsets=bells_onsets(patient),
        session_on=session_on,
        sides=[site.side for site in site_rows],
        caution_days=limits.bells_caution_days,
    )


def bells_onsets(patient: Patient) -> list[bells_caution.BellsOnset]:
    """The patient's Bell's palsies, from the onset time every one records (one
    query)."""
    cases = (
        Case.objects.filter(
            patient=patient, condition=Condition.BELLS_PALSY, entered_in_error=False
        )
        .exclude(onset_at__isnull=True)
        .order_by("onset_at")
        .values_list("onset_at", "laterality")
    )
    return [
        bells_caution.BellsOnset(
            timezone.localtime(onset_at).date(),
            side if side in ("left", "right") else "",
        )
        for onset_at, side in cases
    ]


def patient_precautions(
    patient: Patient, *, on: datetime.date
) -> list[tuple[str, str]]:
    """The toxin precautions recorded on the patient, and an aminoglycoside among
    the patient's medication orders current that day: (code, what names it)."""
    recorded = [
        (code, ToxinPrecaution(code).label)
        for code in patient.toxin_precautions
        if code in ToxinPrecaution.values
    ]
    current = (
        MedicationOrder.objects.filter(
            course__case__patient=patient, entered_in_error=False, start_on__lte=on
        )
        .filter(Q(stop_on__isnull=True) | Q(stop_on__gte=on))
        .values_list("drug", flat=True)
    )
    recorded += [
        (
            ToxinPrecaution.AMINOGLYCOSIDE,
            gettext("Current medication %(drug)s, an aminoglycoside") % {"drug": drug},
        )
        for drug in current
        if labels.is_aminoglycoside(drug)
    ]
    return recorded


def previous_toxin_session(
    patient: Patient,
    *,
    before: datetime.datetime | None = None,
    exclude_pk: int | None = None,
) -> ToxinSession | None:
    """The patient's latest valid session (any course), with its injections; the
    one "repeat last session" copies and changes are shown against."""
    sessions = (
        ToxinSession.objects.valid()
        .for_patient(patient)
        .prefetch_related("injections")
        .order_by("-performed_at", "-pk")
    )
    if before is not None:
        sessions = sessions.filter(performed_at__lt=before)
    if exclude_pk is not None:
        sessions = sessions.exclude(pk=exclude_pk)
    return sessions.first()


@dataclass(frozen=True)
class InjectionChanges:
    """How the charted sites differ from the previous session's.

    `rows` has one entry per charted row: "added" (that muscle and side were not
    injected last time), "changed" (the units there differ) or "" (as last time).
    `previous_units` holds last time's units per (muscle, side) and `missing` the
    sites injected last time and not charted now.
    """

    rows: list[str]
    previous_units: dict[tuple[str, str], Decimal]
    missing: list[tuple[str, str, Decimal]]


def compare_injections(
    current: list[tuple[str, str, Decimal] | None],
    previous: Iterable[tuple[str, str, Decimal]],
) -> InjectionChanges:
    """Compare sites (muscle, side, units) with the previous session's; sites are
    matched on muscle and side, with the units at one site added up. A None row
    (blank or unreadable) is left unmarked."""
    before: dict[tuple[str, str], Decimal] = {}
    for muscle, side, units in previous:
        before[(muscle, side)] = before.get((muscle, side), Decimal("0")) + units
    now: dict[tuple[str, str], Decimal] = {}
    for row in current:
        if row is not None:
            muscle, side, units = row
            now[(muscle, side)] = now.get((muscle, side), Decimal("0")) + units
    marks = []
    for row in current:
        if row is None:
            marks.append("")
        elif (row[0], row[1]) not in before:
            marks.append("added")
        elif before[(row[0], row[1])] != now[(row[0], row[1])]:
            marks.append("changed")
        else:
            marks.append("")
    missing = [
        (muscle, side, units)
        for (muscle, side), units in before.items()
        if (muscle, side) not in now
    ]
    return InjectionChanges(rows=marks, previous_units=before, missing=missing)


def sessions_with_lot(lot_number: str):
    """Valid sessions that used a lot (case-insensitive), with each patient, in
    one query however many patients received the lot. (Their next appointments
    are added by scheduling's lot look-up page.)"""
    return (
        ToxinSession.objects.valid()
        # Any of the session's vials; a session with two vials of it counts once.
        .filter(
            pk__in=Vial.objects.filter(lot_number__iexact=lot_number.strip()).values(
                "session"
            )
        )
        .select_related("course__case__patient")
        .order_by(
            "course__case__patient__family_name",
            "course__case__patient__given_name",
            "course__case__patient__pk",
            "performed_at",
        )
    )


# The one write path of the treatment records other than a toxin session's
# charting (treatments/charting.py): the clinician views, the admin and any
# importer call these, so each record's rules (its clean(), such as no date
# before the patient's birth) hold at every door.

# What a follow-up of a toxin session writes: never the charted session itself.
TOXIN_FOLLOW_UP_FIELDS = ("onset_day", "peak_day", "wore_off_on", "benefit")


def _write(record, *, by, update_fields=None):
    """Check the record's rules, then save it with `by` in its history. The
    database holds the constraints; a form has shown their messages."""
    record.full_clean(validate_unique=False, validate_constraints=False)
    record._history_user = by
    record.save(update_fields=update_fields)
    return record


@transaction.atomic
def save_course(*, course: TreatmentCourse, by) -> TreatmentCourse:
    return _write(course, by=by)


@transaction.atomic
def save_therapy_session(*, session: TherapySession, by) -> TherapySession:
    return _write(session, by=by)


@transaction.atomic
def save_medication_order(
    *, order: MedicationOrder, by, shown_warnings_digest: str | None = None
) -> MedicationOrder:
    """A warning new to the order (a steroid late for Bell's palsy) is saved only
    once its author saw it: `shown_warnings_digest` is the digest of the
    warnings shown; otherwise WarningsNotSeen, and nothing is saved."""
    unseen = medication_warnings_to_confirm(order)
    if unseen and shown_warnings_digest != digest_of(unseen):
        raise WarningsNotSeen(unseen)
    return _write(order, by=by)


def medication_warnings_to_confirm(order: MedicationOrder) -> list[str]:
    """The order's warnings that its saved version did not already raise: an
    edit that leaves the drug and its start alone asks nothing again."""
    warnings = order.warnings()
    if warnings and order.pk:
        saved = MedicationOrder.objects.select_related("course__case").get(pk=order.pk)
        warnings = [warning for warning in warnings if warning not in saved.warnings()]
    return warnings


@transaction.atomic
def save_referral(*, referral: Referral, by) -> Referral:
    return _write(referral, by=by)


@transaction.atomic
def save_referral_follow_up(*, follow_up: ReferralFollowUp, by) -> ReferralFollowUp:
    return _write(follow_up, by=by)


@transaction.atomic
def save_assessment(*, assessment: Assessment, by) -> Assessment:
    """Scored by its clean(); stamped with the days since the last toxin session.
    A grade may raise (or clear) a red flag of its case (patients/red_flags.py)."""
    stamp_days_since_last_toxin(assessment)
    _write(assessment, by=by)
    flagging.refresh_record_flags(assessment.case, by=by)
    return assessment


@transaction.atomic
def record_toxin_follow_up(
    *, session: ToxinSession, adverse_effects: Iterable[AdverseEffect], by
) -> ToxinSession:
    """What the patient reported after a session, and its adverse effects. The
    session's charted fields are not written here (chart_toxin_session's)."""
    _write(session, by=by, update_fields=TOXIN_FOLLOW_UP_FIELDS)
    for effect in adverse_effects:
        effect.session = session
        _write(effect, by=by)
    # Swallowing, speech, breathing or vision problems raise the case's flag.
    red_flags.refresh_toxin_flags(session.course.case, by=by)
    return session
