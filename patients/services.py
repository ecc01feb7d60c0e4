"""The one write path of cases and diagnostic studies: one function per action.

The clinician views and the admin call these; nothing else writes a study's
result, its sign-off or an amendment. A signed-off study is never changed in place:
its result is corrected by an amendment, shown beside the original.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import ModelForm
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from patients import flagging
from patients.models import (
    SIGN_OFF_ONLY_MESSAGE,
    Case,
    DiagnosticStudy,
    RedFlagAcknowledgement,
    SignedStudyError,
    StudyAmendment,
    StudyStatus,
)
from patients.models.cases import ACKNOWLEDGEMENT_NOTE_MESSAGE

REVIEW_PERMISSION = "patients.review_diagnosticstudy"


def _locked(study: DiagnosticStudy) -> DiagnosticStudy:
    """The study as stored, its row locked until the transaction ends."""
    return DiagnosticStudy.objects.select_for_update(of=("self",)).get(pk=study.pk)


# Marked here, translated when shown (ReportNotStored.message).
REPORT_NOT_STORED = gettext_noop(
    "The report could not be stored: the server's storage refused it (it may be "
    "full). Nothing was saved; try again, or tell the clinic administrator."
)


class ReportNotStored(Exception):
    """The report's file could not be written: nothing of the save was kept."""

    @property
    def message(self) -> str:
        return gettext(REPORT_NOT_STORED)


def save_study(*, form: ModelForm, by) -> DiagnosticStudy:
    """Order a study or enter its result (see _save_study), the report's file and
    the row together: a file written for a save that then fails is removed (an
    earlier report stays: the history names it), and a file that cannot be
    written fails the save."""
    stored = DiagnosticStudy.objects.filter(pk=form.instance.pk)
    before = stored.values_list("report", flat=True).first() or ""
    try:
        return _save_study(form=form, by=by)
    except OSError as error:
        _remove_unsaved_report(form.instance, before)
        raise ReportNotStored from error
    except BaseException:
        _remove_unsaved_report(form.instance, before)
        raise


def _remove_unsaved_report(study: DiagnosticStudy, before: str) -> None:
    report = study.report
    if report.name and report.name != before and report.storage.exists(report.name):
        report.storage.delete(report.name)


@transaction.atomic
def _save_study(*, form: ModelForm, by) -> DiagnosticStudy:
    """Order a study or enter its result, from a form that has validated it.

    A signed-off study keeps its result: only what a sign-off does not lock (such
    as "entered in error") is saved, and changing a locked field is refused with
    the advice to amend. Sign-off is sign_off_study's alone.
    """
    if not form.is_valid():
        raise ValueError("save_study saves a form that has validated.")
    study = form.instance
    if study.pk is not None:
        # A sign-off at the same moment waits for this save, or has finished: then
        # DiagnosticStudy.save() sees it and refuses a change of what it locks
        # (before any uploaded file is written), as it refuses any sign-off.
        _locked(study)
    elif study.status == StudyStatus.REVIEWED:
        raise SignedStudyError(SIGN_OFF_ONLY_MESSAGE)
    study._history_user = by
    return form.save()


@transaction.atomic
def sign_off_study(
    *, study: DiagnosticStudy, by, at: datetime.datetime | None = None
) -> DiagnosticStudy:
    """Sign off a resulted study as reviewed by `by`, now unless `at` is given.

    Only a user holding the sign-off permission signs; a study without its result,
    entered in error, or already signed is refused and left as it was. The row is
    locked, so two sign-offs at once cannot both pass.
    """
    if not by.has_perm(REVIEW_PERMISSION):
        raise PermissionDenied("Signing off a result needs the sign-off permission.")
    stored = _locked(study)
    if stored.entered_in_error:
        raise ValidationError(gettext("A study entered in error is not signed off."))
    if stored.status != StudyStatus.RESULTED:
        raise ValidationError(gettext("Only a resulted study can be reviewed."))
    stored.status = StudyStatus.REVIEWED
    stored.reviewed_by = by
    stored.reviewed_at = at or timezone.now()
    # The report is not touched by a sign-off; no need to re-read the file.
    stored.full_clean(exclude=["report"])
    stored._history_user = by
    stored.save(_signing_off=True)
    return stored


@transaction.atomic
def amend_study(
    *, study: DiagnosticStudy, by, text: str, reason: str
) -> StudyAmendment:
    """Add a correction to a signed-off study, beside its original result.

    Amending is signing: it needs the same permission as a sign-off. An unsigned
    study is corrected on its result page instead; one entered in error is not
    amended.
    """
    if not by.has_perm(REVIEW_PERMISSION):
        raise PermissionDenied(
            "Amending a signed result needs the sign-off permission."
        )
    stored = _locked(study)
    if not stored.is_signed:
        raise ValidationError(
            gettext(
                "Only a signed-off study is amended: correct this one on its result "
                "page."
            )
        )
    if stored.entered_in_error:
        raise ValidationError(
            gettext("This study is marked entered in error: it is not amended.")
        )
    amendment = StudyAmendment(
        study=stored,
        text=text.strip(),
        reason=reason.strip(),
        amended_by=by,
        amended_at=timezone.now(),
    )
    amendment.full_clean()
    amendment._history_user = by
    amendment.save()
    return amendment


@transaction.atomic
def save_case(*, case: Case, by) -> Case:
    """Open a case or change it: its rules are its clean()'s (dates not before
    the patient's birth, a closed case has its closing date, ICD-10 codes).

    The red-flag rules are evaluated over the record as it is saved, for this
    case and for the patient's other cases, which some rules read
    (patients/flagging.py); a clinician's own ticks are kept as they are.
    """
    case.full_clean(validate_unique=False, validate_constraints=False)
    if case.pk is not None:
        # The flags other write paths keep (the toxin follow-up's), as stored now.
        case.raised_red_flags = flagging.locked(case).raised_red_flags
    flagging.raise_record_flags(case)
    flagging.refresh_to_review(case)
    case._history_user = by
    case.save()
    flagging.refresh_patients_other_cases(case, by=by)
    return case


ACKNOWLEDGE_PERMISSION = "patients.acknowledge_red_flag"
NOT_WAITING = _(
    "This red flag is not waiting for review: it was acknowledged already, or is "
    "no longer raised."
)


@transaction.atomic
def acknowledge_red_flag(
    *, case: Case, flag: str, note: str, by
) -> RedFlagAcknowledgement:
    """A neurologist has reviewed a flag of the case, with a note: the flag is
    acknowledged with the evidence that raised it, and raised again only by new
    evidence. Only a flag waiting for review is acknowledged."""
    if not by.has_perm(ACKNOWLEDGE_PERMISSION):
        raise PermissionDenied("Only a neurologist acknowledges red flags.")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": ACKNOWLEDGEMENT_NOTE_MESSAGE})
    stored = flagging.locked(case)
    entry = next((e for e in stored.red_flags_waiting() if e.flag == flag), None)
    if entry is None:
        raise ValidationError({"flag": NOT_WAITING})
    acknowledgement = RedFlagAcknowledgement(
        case=stored,
        flag=flag,
        evidence=list(entry.evidence),
        note=note,
        acknowledged_by=by,
    )
    acknowledgement.full_clean()
    acknowledgement._history_user = by
    acknowledgement.save()
    flagging.refresh_to_review(stored)
    Case.objects.filter(pk=stored.pk).update(
        red_flags_to_review=stored.red_flags_to_review
    )
    return acknowledgement
