"""One newest-first timeline of everything recorded for a patient.

The chart view loads each kind of record in one query; these functions only turn
the loaded rows into entries, so the page's query count does not grow with rows.
"""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from patients import scales


@dataclass(frozen=True)
class Entry:
    kind: str  # one of KINDS
    when: datetime.datetime  # for ordering; dates sort at the start of their day
    day: datetime.date
    title: str
    detail: str
    url: str = ""
    entered_in_error: bool = False
    permission: str = ""  # needed to follow the link; the link is hidden without it


KINDS = {
    "study": "Studies",
    "assessment": "Scores",
    "toxin": "Toxin sessions",
    "therapy": "Therapy",
    "medication": "Medication",
    "referral": "Referrals",
    "appointment": "Appointments",
}


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _url(name: str, pk: int) -> str:
    return reverse(name, args=[pk])


def study_entries(studies) -> list[Entry]:
    entries = []
    for study in studies:
        day = study.resulted_on or study.performed_on or study.ordered_on
        detail = study.get_status_display()
        if study.impression:
            detail = f"{detail}: {study.impression}"
        entries.append(
            Entry(
                "study",
                _start_of(day),
                day,
                study.description or study.get_modality_display(),
                detail,
                # The study's page: its result as signed with any amendments, and
                # from there the result form while it is unsigned.
                _url("patients:study_detail", study.pk),
                study.entered_in_error,
                "patients.view_diagnosticstudy",
            )
        )
    return entries


def assessment_entries(assessments) -> list[Entry]:
    entries = []
    for assessment in assessments:
        detail = scales.written_score(assessment.instrument, assessment.score)
        if assessment.side:
            detail += f" ({assessment.get_side_display().lower()})"
        if assessment.days_since_last_toxin is not None:
            detail += f", {assessment.days_since_last_toxin} days after toxin"
        entries.append(
            Entry(
                "assessment",
                _start_of(assessment.assessed_on),
                assessment.assessed_on,
                assessment.get_instrument_display(),
                detail,
                _url("treatments:assessment_update", assessment.pk),
                assessment.entered_in_error,
                "patients.change_assessment",
            )
        )
    return entries


def toxin_entries(sessions) -> list[Entry]:
    entries = []
    for session in sessions:
        units = session.total_units
        detail = f"{units.normalize():f} U" if units is not None else "no sites"
        lots = ", ".join(vial.lot_number for vial in session.vials.all())
        detail += f", lot {lots}, by {session.injector}"
        if session.is_overridden:
            overridden = "; ".join(session.overridden_warnings)
            detail += (
                f". Warnings overridden by {session.overridden_by} "
                f"({session.override_reason}): {overridden}"
            )
        entries.append(
            Entry(
                "toxin",
                session.performed_at,
                timezone.localtime(session.performed_at).date(),
                session.get_product_display(),
                detail,
                session.get_absolute_url(),
                session.entered_in_error,
                "treatments.view_toxinsession",
            )
        )
    return entries


def therapy_entries(sessions) -> list[Entry]:
    return [
        Entry(
            "therapy",
            _start_of(session.session_on),
            session.session_on,
            session.get_focus_display(),
            f"{session.duration_minutes} min"
            + (
                f", {session.get_progress_display().lower()}"
                if session.progress
                else ""
            ),
            _url("treatments:therapysession_update", session.pk),
            session.entered_in_error,
            "treatments.change_therapysession",
        )
        for session in sessions
    ]


def medication_entries(orders) -> list[Entry]:
    entries = []
    for order in orders:
        detail = f"{order.get_route_display()}"
        if order.stop_on:
            detail += f", stopped {order.stop_on:%d %b %Y}"
        entries.append(
            Entry(
                "medication",
                _start_of(order.start_on),
                order.start_on,
                str(order),
                detail,
                _url("treatments:medication_update", order.pk),
                order.entered_in_error,
                "treatments.change_medicationorder",
            )
        )
    return entries


def referral_entries(referrals) -> list[Entry]:
    return [
        Entry(
            "referral",
            _start_of(referral.sent_on),
            referral.sent_on,
            str(referral),
            referral.get_status_display()
            + (f": {referral.get_outcome_display()}" if referral.outcome else ""),
            _url("treatments:referral_update", referral.pk),
            referral.entered_in_error,
            "treatments.change_referral",
        )
        for referral in referrals
    ]


def appointment_entries(appointments) -> list[Entry]:
    entries = []
    for appointment in appointments:
        starts = timezone.localtime(appointment.starts_at)
        entries.append(
            Entry(
                "appointment",
                appointment.starts_at,
                starts.date(),
                f"{appointment.get_kind_display()} at {starts:%H:%M}",
                f"{appointment.get_status_display()} with {appointment.clinician}",
                _url("scheduling:appointment_detail", appointment.pk),
                permission="scheduling.view_appointment",
            )
        )
    return entries


def newest_first(entries: list[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda entry: entry.when, reverse=True)
