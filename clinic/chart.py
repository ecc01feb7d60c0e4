"""What a patient's chart shows to whom: each kind of record is a section, and a
section is loaded (not only hidden) for a user whose role may view that kind of
record. A therapist, who may not open medication orders or referrals, is sent no
drug, no neurosurgeon and no referral; a scheduler is sent appointments only.

Each section is one query, so the page's queries do not grow with rows.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from clinic import red_flag_panel, timeline
from clinic.charts import line_chart
from clinic.letters.service import may_read
from clinic.models import Letter
from patients.models import (
    Assessment,
    Case,
    DiagnosticStudy,
    Patient,
    RedFlagAcknowledgement,
)
from patients.scales import INSTRUMENT_CHOICES, written_score
from scheduling.models import UPCOMING_STATUSES, Appointment, AppointmentKind
from treatments.models import (
    MedicationOrder,
    Referral,
    TherapySession,
    ToxinSession,
    TreatmentCourse,
)

# Published ranges, so every chart of one scale has the same axis. Sunnybrook's
# composite can fall below 0 (it is never clamped), hence its floor.
SCALE_AXES = {
    "jrs": (Decimal(0), Decimal(8)),
    "smc": (Decimal(1), Decimal(4)),
    "hfs7": (Decimal(0), Decimal(28)),
    "house_brackmann": (Decimal(1), Decimal(6)),
    "sunnybrook": (Decimal(-15), Decimal(100)),
    "bsdi": (Decimal(0), Decimal(4)),
}
# The values each scale's axis labels: its grades or round steps of its total.
SCALE_TICKS = {
    "jrs": (0, 2, 4, 6, 8),
    "smc": (1, 2, 3, 4),
    "hfs7": (0, 7, 14, 21, 28),
    "house_brackmann": (1, 2, 3, 4, 5, 6),
    "sunnybrook": (0, 25, 50, 75, 100),
    "bsdi": (0, 1, 2, 3, 4),
}

LETTERS_ON_CHART = 20


@dataclass(frozen=True)
class Section:
    permission: str  # the model's view permission
    load: Callable[[Patient], list]
    # The timeline kind (clinic.timeline.KINDS) and its entries, for records
    # that appear on the timeline.
    kind: str = ""
    entries: Callable[[list], list] | None = None


SECTIONS = {
    "cases": Section(
        "patients.view_case",
        # With the acknowledgements of their red flags, for the chart's flags.
        lambda patient: list(
            Case.objects.filter(patient=patient)
            .select_related("responsible_neurologist")
            .prefetch_related(
                Prefetch(
                    "red_flag_acknowledgements",
                    queryset=RedFlagAcknowledgement.objects.select_related(
                        "acknowledged_by"
                    ).order_by("acknowledged_at", "pk"),
                )
            )
        ),
    ),
    "studies": Section(
        "patients.view_diagnosticstudy",
        lambda patient: list(
            DiagnosticStudy.objects.filter(case__patient=patient).order_by(
                "-ordered_on"
            )
        ),
        "study",
        timeline.study_entries,
    ),
    "assessments": Section(
        "patients.view_assessment",
        lambda patient: list(
            Assessment.objects.filter(case__patient=patient).order_by("assessed_on")
        ),
        "assessment",
        timeline.assessment_entries,
    ),
    "courses": Section(
        "treatments.view_treatmentcourse",
        lambda patient: list(
            TreatmentCourse.objects.filter(case__patient=patient).select_related(
                "case", "responsible_clinician"
            )
        ),
    ),
    "toxin_sessions": Section(
        "treatments.view_toxinsession",
        lambda patient: list(
            ToxinSession.objects.for_patient(patient)
            .with_total_units()
            .select_related("injector", "overridden_by")
            .prefetch_related("vials")
            .order_by("performed_at")
        ),
        "toxin",
        timeline.toxin_entries,
    ),
    "therapy_sessions": Section(
        "treatments.view_therapysession",
        lambda patient: list(
            TherapySession.objects.filter(course__case__patient=patient)
        ),
        "therapy",
        timeline.therapy_entries,
    ),
    "medication_orders": Section(
        "treatments.view_medicationorder",
        lambda patient: list(
            MedicationOrder.objects.filter(
                course__case__patient=patient
            ).select_related("course__case")
        ),
        "medication",
        timeline.medication_entries,
    ),
    "referrals": Section(
        "treatments.view_referral",
        lambda patient: list(Referral.objects.filter(course__case__patient=patient)),
        "referral",
        timeline.referral_entries,
    ),
    "appointments": Section(
        "scheduling.view_appointment",
        lambda patient: list(
            Appointment.objects.filter(patient=patient).select_related("clinician")
        ),
        "appointment",
        timeline.appointment_entries,
    ),
    # The newest letters kept; each shown only to who may read its kind.
    "letters": Section(
        "clinic.view_letter",
        lambda patient: list(
            Letter.objects.filter(patient=patient).select_related("produced_by")[
                :LETTERS_ON_CHART
            ]
        ),
    ),
}


def sections_for(user) -> list[str]:
    """The sections the user's role may view, in the chart's order."""
    return [
        name for name, section in SECTIONS.items() if user.has_perm(section.permission)
    ]


def chart_context(request: HttpRequest, patient: Patient) -> dict:
    """The chart's context: the header, each section the user may view, the
    alerts and trends drawn from those sections only, and the timeline."""
    today = timezone.localdate()
    shown = sections_for(request.user)
    records = {name: SECTIONS[name].load(patient) for name in shown}
    if "letters" in records:
        records["letters"] = [
            letter
            for letter in records["letters"]
            if may_read(request.user, letter.kind)
        ]
    guardians = list(patient.guardians.all())
    context = {
        "patient": patient,
        "shown": shown,
        **records,
        "guardians": guardians,
        # The duplicates merged into this record (clinic.merging), shown on it.
        "merged_from": list(patient.merged_records.select_related("merged_by")),
        "needs_guardian": patient.needs_guardian(
            sum(1 for guardian in guardians if guardian.holds_consent)
        ),
        "today": today,
        "next_appointment": _next_appointment(records.get("appointments", [])),
        "kinds": {
            SECTIONS[name].kind: timeline.KINDS[SECTIONS[name].kind]
            for name in shown
            if SECTIONS[name].kind
        },
        "alerts": _alerts(patient, records, today),
        "red_flag_cases": red_flag_panel.chart_flags(records),
        # Shown with the alerts, each with a link to its sign-off.
        "to_review": [
            study
            for study in records.get("studies", [])
            if study.status == "resulted" and not study.entered_in_error
        ],
        "score_charts": _score_charts(records),
        "units_charts": _units_charts(records.get("toxin_sessions", [])),
    }
    entries = [
        entry
        for name in shown
        if SECTIONS[name].entries
        for entry in SECTIONS[name].entries(records[name])
    ]
    kind = request.GET.get("kind", "")
    if kind in context["kinds"]:
        entries = [entry for entry in entries if entry.kind == kind]
    context["kind"] = kind if kind in context["kinds"] else ""
    context["entries"] = timeline.newest_first(entries)
    return context


def _next_appointment(appointments: list) -> Appointment | None:
    now = timezone.now()
    return next(
        (
            appointment
            for appointment in appointments
            if appointment.status in UPCOMING_STATUSES and appointment.starts_at >= now
        ),
        None,
    )


def _alerts(patient: Patient, records: dict, today: datetime.date) -> list[str]:
    """The chart's red banners, each from a section the user may view (the red
    flags have their own panel, clinic/red_flag_panel.py)."""
    alerts = []
    if patient.is_deceased:
        alerts += _death_alerts(patient, records)
    # Kept from the order's save, where it was shown before saving.
    for order in records.get("medication_orders", []):
        alerts += order.warnings()
    # No next session, and no dose, is to be planned for a patient who died.
    if "toxin_sessions" in records and not patient.is_deceased:
        alerts += _toxin_alerts(
            patient, records["toxin_sessions"], records.get("appointments", []), today
        )
    return alerts


def _death_alerts(patient: Patient, records: dict) -> list[str]:
    died = patient.date_of_death
    alerts = [
        gettext("Died on %(date)s: no recall, reminders or new bookings.")
        % {"date": date_format(died, "d M Y")}
    ]
    after = [
        appointment
        for appointment in records.get("appointments", [])
        if appointment.status in UPCOMING_STATUSES
        and timezone.localtime(appointment.starts_at).date() > died
    ]
    if after:
        alerts.append(
            ngettext(
                "%(count)d visit(s) still booked after the date of death: cancel "
                "them from their appointment pages.",
                "%(count)d visit(s) still booked after the date of death: cancel "
                "them from their appointment pages.",
                len(after),
            )
            % {"count": len(after)}
        )
    return alerts


def _toxin_alerts(
    patient: Patient, sessions: list, appointments: list, today: datetime.date
) -> list:
    alerts = []
    if patient.is_minor and patient.weight_kg is None:
        alerts.append(
            gettext("Child with no recorded weight: toxin doses cannot be checked.")
        )
    valid_sessions = [s for s in sessions if not s.entered_in_error]
    if valid_sessions:
        last = valid_sessions[-1]
        days = (today - last.performed_on).days
        minimum = settings.CLINIC_MIN_REINJECTION_DAYS
        safe_on = last.performed_on + datetime.timedelta(days=minimum)
        if days < minimum and not _toxin_booked_from(appointments, safe_on):
            alerts.append(
                gettext(
                    "Last toxin session %(days)s days ago (%(product)s): the next "
                    "should not be before %(minimum)s days."
                )
                % {
                    "days": days,
                    "product": last.get_product_display(),
                    "minimum": minimum,
                }
            )
    return alerts


def _toxin_booked_from(appointments: list, day: datetime.date) -> bool:
    """Whether a toxin session is booked on or after `day`: then the chart need
    not warn against an earlier one."""
    return any(
        appointment.kind == AppointmentKind.TOXIN_SESSION
        and appointment.status in UPCOMING_STATUSES
        and timezone.localtime(appointment.starts_at).date() >= day
        for appointment in appointments
    )


def _score_charts(records: dict) -> list:
    """One trend per instrument, with the toxin sessions marked on it (for a
    user who may view them)."""
    markers = [
        (session.performed_on, session.get_product_display())
        for session in records.get("toxin_sessions", [])
        if not session.entered_in_error
    ]
    charts = []
    for instrument, name in INSTRUMENT_CHOICES:
        values = [
            (a.assessed_on, a.score, written_score(instrument, a.score))
            for a in records.get("assessments", [])
            if a.instrument == instrument and not a.entered_in_error
        ]
        if values:
            charts.append(
                line_chart(
                    name,
                    values,
                    markers=markers,
                    y_range=SCALE_AXES.get(instrument),
                    y_tick_values=SCALE_TICKS.get(instrument, ()),
                    y_tick_text=partial(written_score, instrument),
                )
            )
    return charts


def _units_charts(sessions) -> list:
    """Units per session, one line per product: units are never mixed."""
    by_product: dict[str, list] = {}
    for session in sessions:
        if session.entered_in_error or session.total_units is None:
            continue
        by_product.setdefault(session.get_product_display(), []).append(
            (
                session.performed_on,
                session.total_units,
                f"{session.total_units.normalize():f} U",
            )
        )
    return [
        line_chart(
            gettext("Units per session: %(product)s") % {"product": product}, values
        )
        for product, values in by_product.items()
    ]
