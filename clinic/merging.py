"""Merging a duplicate patient into the record kept: the one write path.

Every record that names the duplicate (cases, and through them every study,
score, course and treatment; guardians; appointments and waitlist entries;
letters) is moved to the kept record in one transaction, one save each, so
that each move is in that record's history. The duplicate is archived as
"merged into" the kept one, with who merged it, when and why. Audit rows (the
access log, every history table) are never rewritten: they keep the merged
record's id, and its chart links to the kept one.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from patients.models import Patient
from scheduling.models import OPEN_APPOINTMENT_STATUSES, Appointment

# The rows that name a patient and are never moved: what happened, as it was.
AUDIT_MODELS = frozenset({"clinic.accesslog"})


class MergeRefused(Exception):
    """Nothing was merged; `reasons` says why, one sentence each."""

    def __init__(self, reasons: list[str]):
        super().__init__(" ".join(reasons))
        self.reasons = reasons


def moved_relations():
    """Each foreign key to Patient whose rows a merge moves."""
    return [
        relation.field
        for relation in Patient._meta.related_objects
        if relation.one_to_many
        and relation.related_model._meta.label_lower not in AUDIT_MODELS
        and relation.related_model is not Patient
    ]


def _when(appointment) -> str:
    starts = timezone.localtime(appointment.starts_at)
    return gettext("%(when)s %(kind)s with %(clinician)s") % {
        "when": date_format(starts, "d M Y H:i"),
        "kind": appointment.get_kind_display().lower(),
        "clinician": appointment.clinician.display_name,
    }


def overlapping_appointments(merged: Patient, kept: Patient) -> list[str]:
    """The open appointments of the two that would overlap once on one record."""
    open_ones = Appointment.objects.filter(
        status__in=OPEN_APPOINTMENT_STATUSES
    ).select_related("clinician")
    kept_ones = list(open_ones.filter(patient=kept))
    return [
        gettext("%(mine)s overlaps %(theirs)s.")
        % {"mine": _when(mine), "theirs": _when(theirs)}
        for mine in open_ones.filter(patient=merged)
        for theirs in kept_ones
        if mine.starts_at < theirs.ends_at and theirs.starts_at < mine.ends_at
    ]


def merge_refusals(merged: Patient, kept: Patient, reason: str) -> list[str]:
    if merged.pk == kept.pk:
        return [gettext("A record cannot be merged into itself.")]
    refusals = []
    if merged.merged_into_id is not None:
        refusals.append(
            gettext("MRN %(mrn)s was already merged into another record.")
            % {"mrn": merged.mrn}
        )
    if kept.merged_into_id is not None:
        refusals.append(
            gettext(
                "MRN %(mrn)s was itself merged into another record: merge into "
                "that one."
            )
            % {"mrn": kept.mrn}
        )
    if kept.is_archived:
        refusals.append(
            gettext("MRN %(mrn)s is archived: unarchive the record to keep.")
            % {"mrn": kept.mrn}
        )
    if not reason.strip():
        refusals.append(gettext("Give the reason for the merge."))
    overlaps = overlapping_appointments(merged, kept)
    if overlaps:
        refusals.append(
            gettext(
                "Both records have appointments at the same time; cancel or move "
                "one of each pair first: %(overlaps)s"
            )
            % {"overlaps": " ".join(overlaps)}
        )
    return refusals


def merge_patients(*, merged: Patient, kept: Patient, by, reason: str) -> int:
    """Move every record of `merged` to `kept` and archive `merged` as merged
    into it; the number of records moved. MergeRefused, with nothing changed,
    when the merge may not be made."""
    with transaction.atomic():
        rows = Patient.objects.select_for_update().in_bulk([merged.pk, kept.pk])
        merged, kept = rows[merged.pk], rows[kept.pk]
        refusals = merge_refusals(merged, kept, reason)
        if refusals:
            raise MergeRefused(refusals)
        moved = 0
        try:
            with transaction.atomic():
                for field in moved_relations():
                    rows = field.model._default_manager.filter(**{field.name: merged})
                    for row in rows:
                        setattr(row, field.attname, kept.pk)
                        row._history_user = by
                        row.save()
                        moved += 1
        except IntegrityError as error:
            # Another booking made meanwhile overlaps: the database refused it.
            raise MergeRefused(
                [
                    gettext(
                        "An appointment booked meanwhile overlaps one of the other "
                        "record."
                    )
                ]
            ) from error
        merged.merged_into = kept
        merged.merged_at = timezone.now()
        merged.merged_by = by
        merged.merge_reason = reason.strip()
        merged.is_archived = True
        merged._history_user = by
        merged.save()
        return moved
