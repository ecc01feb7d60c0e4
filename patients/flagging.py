"""When the red-flag rules (patients/red_flags.py) run, over which recorded facts,
and where their flags are kept.

Each app evaluates the rules over the facts it records, in the write service that
records them: save_case and the assessment service the rules over the case, its
patient, the patient's other cases and the case's scores ("record"); the toxin
follow-up the distant spread of toxin over its adverse effects ("toxin",
treatments/red_flags.py). The flags are kept on the case, by source, in
`raised_red_flags`; `red_flags_to_review` holds those (raised or ticked by hand)
that no neurologist's acknowledgement covers, for the dashboard's indexed list
and the warning at every toxin session. A rule that depends on the date ("no
improvement by 4 months") is evaluated again each day by the raise_red_flags
command, so its flag appears without anyone saving anything.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from patients import red_flags
from patients.models import (
    CLOSED_CASE_STATUSES,
    Assessment,
    Case,
    Condition,
    RedFlagAcknowledgement,
)

RECORD = "record"
TOXIN = "toxin"


def _scores(case: Case) -> tuple[red_flags.Score, ...]:
    """The case's valid House-Brackmann and Sunnybrook scores, oldest first."""
    if case.pk is None:
        return ()
    rows = (
        Assessment.objects.filter(
            case=case,
            entered_in_error=False,
            instrument__in=[red_flags.HOUSE_BRACKMANN, red_flags.SUNNYBROOK],
        )
        .order_by("assessed_on", "pk")
        .values_list(
            "instrument", "assessed_on", "score", "answers", "days_since_last_toxin"
        )
    )
    return tuple(red_flags.Score(*row) for row in rows)


def _other_cases(case: Case) -> tuple[red_flags.OtherCase, ...]:
    rows = (
        Case.objects.filter(patient_id=case.patient_id, entered_in_error=False)
        .exclude(pk=case.pk)
        .values_list("condition", "laterality", "onset_date")
    )
    return tuple(red_flags.OtherCase(*row) for row in rows)


def case_facts(case: Case, *, today: datetime.date) -> red_flags.CaseFacts:
    """The facts of the case as the rules read them (two queries: its scores, the
    patient's other cases)."""
    began = case.onset_date or case.opened_on
    patient = case.patient if case.patient_id else None
    return red_flags.CaseFacts(
        condition=case.condition,
        laterality=case.laterality,
        onset_on=case.onset_date,
        onset_site=case.onset_site,
        spread_sites=tuple(case.spread_sites or ()),
        findings=tuple(case.findings or ()),
        is_open=case.status not in CLOSED_CASE_STATUSES and not case.entered_in_error,
        today=today,
        age_at_onset=patient.age_on(began) if patient and began else None,
        adult_age=settings.CLINIC_ADULT_AGE_YEARS,
        scores=_scores(case),
        other_cases=_other_cases(case),
    )


def _set_source(case: Case, source: str, raised: list[red_flags.RaisedFlag]) -> None:
    by_source = {k: v for k, v in (case.raised_red_flags or {}).items() if k != source}
    if raised:
        by_source[source] = {flag.flag: flag.as_stored() for flag in raised}
    case.raised_red_flags = by_source


def raise_record_flags(case: Case, *, today: datetime.date | None = None) -> None:
    """Evaluate the rules over the case's record; the caller saves."""
    facts = case_facts(case, today=today or timezone.localdate())
    # The reasons are stored on the case: in the clinic's language, whoever saved.
    with translation.override(settings.LANGUAGE_CODE):
        raised = red_flags.record_flags(facts)
    _set_source(case, RECORD, raised)


def raise_toxin_flags(case: Case, raised: list[red_flags.RaisedFlag]) -> None:
    _set_source(case, TOXIN, raised)


def acknowledged(case: Case) -> list[tuple[str, list[str]]]:
    if case.pk is None:
        return []
    return list(
        RedFlagAcknowledgement.objects.filter(case=case).values_list("flag", "evidence")
    )


def refresh_to_review(case: Case) -> None:
    """The flags no acknowledgement covers (one query); the caller saves."""
    case.red_flags_to_review = red_flags.to_review(
        case.red_flag_entries(), acknowledged(case)
    )


def locked(case: Case) -> Case:
    """The case as stored, its row locked until the transaction ends, so that two
    writes of its flags at once do not lose one."""
    rows = Case.objects.select_related("patient").select_for_update(of=("self",))
    return rows.get(pk=case.pk)


def _store(case: Case, before: tuple, *, by) -> bool:
    """Save the flags if they changed: the raised ones with their history, the
    list to review (derived, as the dashboard reads it) without."""
    raised, review = before
    if case.raised_red_flags != raised:
        case._history_user = by
        case.save(update_fields=["raised_red_flags", "red_flags_to_review"])
    elif case.red_flags_to_review != review:
        Case.objects.filter(pk=case.pk).update(
            red_flags_to_review=case.red_flags_to_review
        )
    else:
        return False
    return True


@transaction.atomic
def refresh_record_flags(case: Case, *, by, today=None) -> bool:
    """Evaluate the record's rules for a saved case again (after a score, or as
    the date moves on) and keep what changed; True when something did."""
    stored = locked(case)
    before = (stored.raised_red_flags, stored.red_flags_to_review)
    raise_record_flags(stored, today=today)
    refresh_to_review(stored)
    return _store(stored, before, by=by)


@transaction.atomic
def store_toxin_flags(case: Case, raised: list[red_flags.RaisedFlag], *, by) -> bool:
    stored = locked(case)
    before = (stored.raised_red_flags, stored.red_flags_to_review)
    raise_toxin_flags(stored, raised)
    refresh_to_review(stored)
    return _store(stored, before, by=by)


def refresh_patients_other_cases(case: Case, *, by) -> None:
    """The rules that read a patient's other cases (multiple sclerosis, twitching
    before a palsy) evaluated again for each of them."""
    others = Case.objects.filter(patient_id=case.patient_id).exclude(pk=case.pk)
    for other in others.open().order_by("pk"):
        refresh_record_flags(other, by=by)


def date_dependent_cases(today: datetime.date):
    """Open cases whose flags may change with the date alone: Bell's palsies
    past the 4 months by which they should improve."""
    due = today - datetime.timedelta(days=red_flags.BELLS_IMPROVEMENT_DAYS)
    return Case.objects.open().filter(
        condition=Condition.BELLS_PALSY, onset_date__lte=due
    )
