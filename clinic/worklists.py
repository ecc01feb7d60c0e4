"""The dashboard's worklists: what waits for someone, each a query in the order
it is worked through. The dashboard shows the first few of each with their count;
each has its own paginated page with every row."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from patients.models import Case, DiagnosticStudy, Modality, Patient, StudyStatus
from treatments.models import (
    CourseKind,
    CourseStatus,
    Referral,
    SafetyFlag,
    TreatmentCourse,
)


@dataclass(frozen=True)
class Worklist:
    slug: str
    title: str
    permission: str
    empty: str
    order: str  # how the rows are sorted, as the page says it
    rows: Callable[[datetime.date], QuerySet]
    # Left off the dashboard while it has no rows.
    hidden_when_empty: bool = False

    @property
    def row_template(self) -> str:
        return f"clinic/worklists/_{self.slug.replace('-', '_')}.html"


def _minors_without_guardian(today: datetime.date) -> QuerySet:
    return (
        Patient.objects.active()
        .minors_without_guardian(today)
        .order_by("family_name", "given_name", "pk")
    )


def _safety_flags(today: datetime.date) -> QuerySet:
    return (
        SafetyFlag.objects.unacknowledged()
        .select_related("session__course__case__patient")
        .order_by("raised_at", "pk")
    )


def _awaiting_review(today: datetime.date) -> QuerySet:
    return (
        DiagnosticStudy.objects.awaiting_review()
        .select_related("case__patient")
        .order_by("resulted_on", "pk")
    )


def _ordered(modality: str) -> QuerySet:
    return (
        DiagnosticStudy.objects.filter(modality=modality, entered_in_error=False)
        .exclude(status=StudyStatus.CANCELLED)
        .order_by("-ordered_on", "-pk")
    )


def _red_flag_cases(today: datetime.date) -> QuerySet:
    """Open cases with a flag no neurologist has acknowledged, with what their
    next steps need: the MRI and EEG ordered already, and the open referral
    course an urgent referral is sent from. One query for the rows, one for
    each of the three."""
    referral_courses = (
        TreatmentCourse.objects.filter(kind=CourseKind.SURGICAL_REFERRAL)
        .exclude(status__in=[CourseStatus.COMPLETED, CourseStatus.STOPPED])
        .order_by("-started_on", "-pk")
    )
    return (
        Case.objects.open()
        .with_red_flags_to_review()
        .select_related("patient")
        .prefetch_related(
            Prefetch("studies", _ordered(Modality.MRI), to_attr="mri_studies"),
            Prefetch("studies", _ordered(Modality.EEG), to_attr="eeg_studies"),
            Prefetch("courses", referral_courses, to_attr="referral_courses"),
        )
        .order_by("opened_on", "pk")
    )


def _open_referrals(today: datetime.date) -> QuerySet:
    return (
        Referral.objects.awaiting_reply()
        .select_related("course__case__patient")
        .order_by("sent_on", "pk")
    )


WORKLISTS = {
    worklist.slug: worklist
    for worklist in (
        Worklist(
            "minors-without-guardian",
            _("Minors with no guardian who holds consent"),
            "patients.view_patient",
            _("Every minor has a guardian who holds consent."),
            _("by name"),
            _minors_without_guardian,
            hidden_when_empty=True,
        ),
        Worklist(
            "safety-flags",
            _("Safety flags to acknowledge"),
            "treatments.acknowledge_safetyflag",
            _("No flags waiting."),
            _("oldest first"),
            _safety_flags,
        ),
        Worklist(
            "awaiting-review",
            _("Results awaiting review"),
            "patients.view_diagnosticstudy",
            _("No results waiting."),
            _("oldest first"),
            _awaiting_review,
        ),
        Worklist(
            "red-flag-cases",
            _("Red flags to review"),
            "patients.view_case",
            _("No red flags waiting for review."),
            _("oldest first"),
            _red_flag_cases,
        ),
        Worklist(
            "open-referrals",
            _("Referrals awaiting a reply"),
            "treatments.view_referral",
            _("No referrals waiting."),
            _("oldest first"),
            _open_referrals,
        ),
    )
}


# The dashboard counts a long list up to this many and says "more than" past it:
# the count then costs the same however large the clinic.
COUNT_CAP = 500


def first_rows(rows: QuerySet, cap: int) -> tuple[list, int]:
    """The first `cap` rows and how many there are, up to COUNT_CAP + 1 (more
    than COUNT_CAP when it says so); counted only when there are more than fit,
    so a short list costs one query."""
    first = list(rows[: cap + 1])
    if len(first) <= cap:
        return first, len(first)
    return first[:cap], rows.order_by()[: COUNT_CAP + 1].count()


def for_user(user) -> list[Worklist]:
    return [w for w in WORKLISTS.values() if user.has_perm(w.permission)]
