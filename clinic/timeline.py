"""One newest-first timeline of everything recorded for a patient.

The chart view loads each kind of record in one query; these functions only turn
the loaded rows into entries, so the page's query count does not grow with rows.
"""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
    "study": _("Studies"),
    "assessment": _("Scores"),
    "toxin": _("Toxin sessions"),
    "therapy": _("Therapy"),
    "medication": _("Medication"),
    "referral": _("Referrals"),
    "appointment": _("Appointments"),
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
            detail += ", " + gettext("%(days)s days after toxin") % {
                "days": assessment.days_since_last_toxin
            }
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
        detail = (
            f"{units.normalize():f} U" if units is not None else gettext("no sites")
        )
        lots = ", ".join(vial.lot_number for vial in session.vials.all())
        detail += ", " + gettext("lot %(lots)s, by %(injector)s") % {
            "lots": lots,
            "injector": session.injector,
        }
        if session.is_overridden:
            detail += ". " + gettext(
                "Warnings overridden by %(user)s (%(reason)s): %(warnings)s"
            ) % {
                "user": session.overridden_by,
                "reason": session.override_reason,
                "warnings": "; ".join(session.overridden_warnings),
            }
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
            detail += ", " + gettext("stopped %(date)s") % {
                "date": date_format(order.stop_on, "d M Y")
            }
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
                gettext("%(kind)s at %(time)s")
                % {"kind": appointment.get_kind_display(), "time": f"{starts:%H:%M}"},
                gettext("%(status)s with %(clinician)s")
                % {
                    "status": appointment.get_status_display(),
                    "clinician": appointment.clinician,
                },
                _url("scheduling:appointment_detail", appointment.pk),
                permission="scheduling.view_appointment",
            )
        )
    return entries


def newest_first(entries: list[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda entry: entry.when, reverse=True)
