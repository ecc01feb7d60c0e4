"""The recall list and the lot look-up as files (clinic.list_exports): the
columns their pages show, one row per patient, plain values."""

from django.utils import timezone

from clinic.list_exports import ExportTable
from patients.models import Patient
from scheduling.lots import LotRecipient
from scheduling.recall import RecallItem

RECALL_HEADINGS = (
    "Family name",
    "Given name",
    "MRN",
    "Date of birth",
    "Last session",
    "Product",
    "Earliest safe",
    "Suggested",
    "Days overdue",
    "Clinician",
    "Reminders by",
    "Reminder consent",
    "Phone",
    "E-mail",
    "Guardians",
    "Latest attempt",
    "Attempt at",
    "Attempt by",
    "Attempt note",
)
LOT_HEADINGS = (
    "Family name",
    "Given name",
    "MRN",
    "Phone",
    "E-mail",
    "Reminders by",
    "Sessions with this lot",
    "Next appointment",
    "Next appointment kind",
    "Next appointment with",
    "Next appointment status",
)


def _person(patient: Patient) -> list:
    return [patient.family_name, patient.given_name, patient.mrn]


def _guardians(item: RecallItem) -> str:
    return "; ".join(
        ", ".join(
            part
            for part in (
                f"{guardian.full_name} ({guardian.get_relationship_display().lower()})",
                guardian.phone,
                guardian.email,
            )
            if part
        )
        for guardian in item.guardians
    )


def _recall_row(item: RecallItem) -> list:
    patient, contact = item.patient, item.latest_contact
    return [
        *_person(patient),
        patient.date_of_birth,
        item.last_session_on,
        item.product_label,
        item.earliest_on,
        item.suggested_on,
        item.days_overdue or None,
        str(item.course.responsible_clinician or ""),
        patient.get_reminder_channel_display(),
        "Yes" if patient.reminder_consent else "No",
        patient.phone,
        patient.email,
        _guardians(item),
        contact.get_method_display() if contact else "",
        contact.contacted_at if contact else None,
        str(contact.contacted_by) if contact else "",
        contact.note if contact else "",
    ]


def recall_table(items: list[RecallItem]) -> ExportTable:
    return ExportTable(
        name="recall",
        headings=RECALL_HEADINGS,
        rows=[_recall_row(item) for item in items],
        logged=[(item.patient.pk, item.course) for item in items],
    )


def _lot_row(recipient: LotRecipient) -> list:
    patient, booked = recipient.patient, recipient.next_appointment
    sessions = "; ".join(
        f"{timezone.localdate(session.performed_at).isoformat()} "
        f"({session.get_product_display()})"
        for session in recipient.sessions
    )
    return [
        *_person(patient),
        patient.phone,
        patient.email,
        patient.get_reminder_channel_display(),
        sessions,
        booked.starts_at if booked else None,
        booked.get_kind_display() if booked else "",
        booked.clinician.display_name if booked else "",
        booked.get_status_display() if booked else "",
    ]


def lot_table(lot_number: str, recipients: list[LotRecipient]) -> ExportTable:
    """One row per patient; each session of the lot is logged as exported."""
    return ExportTable(
        name=f"lot-{''.join(ch for ch in lot_number if ch.isalnum()) or 'lot'}",
        headings=LOT_HEADINGS,
        rows=[_lot_row(recipient) for recipient in recipients],
        logged=[
            (recipient.patient.pk, session)
            for recipient in recipients
            for session in recipient.sessions
        ],
    )
