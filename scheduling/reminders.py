"""Appointment reminders by e-mail: who is due, and sending each reminder once.

Which appointments are due: every booked or confirmed appointment that starts
between now and the end of the day `days` ahead (clinic time), and whose current
start time has not been reminded yet. A window rather than "the day exactly N days
ahead" so that an appointment booked at short notice, or one whose day a missed cron
run skipped, still gets its reminder; the reminder row per (appointment, start time)
keeps it to one per time, and a rescheduled appointment gets a new one.

Who receives it: the patient, if they consented to reminders by e-mail and have an
address; for a minor, the first guardian who holds consent and has an address. The
message carries the clinic, the date and time, the clinician and the kind of visit in
plain words, never a diagnosis, a treatment product or a record number.

Sending once: rows are inserted ignoring conflicts on the unique (appointment,
for_starts_at), then each is claimed inside its own transaction that stays open
while the message is handed to the e-mail backend, so a second run, concurrent or
later, finds it locked or already sent. A process that dies after the hand-off but
before the commit sends that reminder again on the next run: a rare duplicate is
better than a missed visit.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from patients.models import Guardian, Patient, ReminderChannel
from scheduling.models import (
    UPCOMING_STATUSES,
    Appointment,
    AppointmentKind,
    Reminder,
    ReminderStatus,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRYABLE_STATUSES = [ReminderStatus.PENDING, ReminderStatus.FAILED]

# What the message calls each kind of visit: plain words, nothing clinical. (The
# messages put "a" before them; in Spanish every one of them is feminine: "una".)
KIND_WORDS = {
    AppointmentKind.NEW_PATIENT: _("appointment"),
    AppointmentKind.FOLLOW_UP: _("follow-up appointment"),
    AppointmentKind.TOXIN_SESSION: _("treatment session"),
    AppointmentKind.THERAPY: _("therapy session"),
    AppointmentKind.STUDY: _("appointment"),
}


def visit_words(kind: str) -> str:
    """The kind of visit in plain words, in the language active now."""
    return str(KIND_WORDS.get(kind, _("appointment")))


@dataclass
class RunResult:
    """Counts only: the command prints them, so they carry no patient data."""

    due: int = 0
    no_address: int = 0
    sent: int = 0
    failed: int = 0
    gave_up: int = 0


def reminder_window(
    now: datetime.datetime, days: int
) -> tuple[datetime.datetime, datetime.datetime]:
    """From now to midnight (clinic time) at the end of the day `days` ahead."""
    zone = timezone.get_default_timezone()
    last_day = timezone.localtime(now, zone).date() + datetime.timedelta(days=days)
    # A midnight that a clock change skips or doubles resolves to the first instant
    # of that day either way (fold=0), which is what "end of the day before" means.
    until = datetime.datetime.combine(
        last_day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return now, until


def reminder_recipient(patient: Patient, *, today: datetime.date) -> str:
    """The address a reminder goes to, or "" when there is none to use.

    Expects `patient.consenting_guardians` from due_appointments(): a minor's
    reminder goes only to a guardian who holds consent, never to the child.
    """
    if not (
        patient.reminder_consent and patient.reminder_channel == ReminderChannel.EMAIL
    ):
        return ""
    if patient.is_minor_on(today):
        return next((g.email for g in patient.consenting_guardians), "")
    return patient.email


def due_appointments(*, now: datetime.datetime, days: int):
    """Appointments to remind now, with what the message and recipient need.

    Leaves out those whose current start time was reminded, or failed for the last
    time; a rescheduled appointment's old reminder is for another time, so it is
    due again.
    """
    start, until = reminder_window(now, days)
    settled = Reminder.objects.filter(
        appointment=OuterRef("pk"), for_starts_at=OuterRef("starts_at")
    ).filter(Q(status=ReminderStatus.SENT) | Q(attempts__gte=MAX_ATTEMPTS))
    consenting_guardians = (
        Guardian.objects.filter(holds_consent=True).exclude(email="").order_by("pk")
    )
    return (
        Appointment.objects.upcoming(after=start)
        .filter(
            starts_at__lt=until,
            patient__is_archived=False,
            patient__date_of_death__isnull=True,
            patient__reminder_consent=True,
            patient__reminder_channel=ReminderChannel.EMAIL,
        )
        .exclude(Exists(settled))
        .select_related("patient", "clinician")
        .prefetch_related(
            Prefetch(
                "patient__guardians",
                queryset=consenting_guardians,
                to_attr="consenting_guardians",
            )
        )
        .order_by("starts_at", "pk")
    )


def reminder_message(appointment: Appointment, recipient: str) -> EmailMessage:
    """The reminder in the patient's language (a guardian receives it in it too)."""
    starts = timezone.localtime(appointment.starts_at, timezone.get_default_timezone())
    with translation.override(appointment.patient.language or settings.LANGUAGE_CODE):
        context = {
            "clinic_name": settings.CLINIC_NAME,
            "clinic_phone": settings.CLINIC_PHONE,
            "kind": visit_words(appointment.kind),
            "date": starts.date(),
            "time": starts.time(),
            "clinician": appointment.clinician.get_full_name()
            or gettext("your clinician"),
        }
        subject = render_to_string("scheduling/email/reminder_subject.txt", context)
        body = render_to_string("scheduling/email/reminder_body.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.CLINIC_REMINDER_FROM_EMAIL,
        to=[recipient],
    )


def send_reminders(*, days: int, now: datetime.datetime | None = None) -> RunResult:
    """Send every due reminder that no other run has sent or is sending."""
    now = now or timezone.now()
    today = timezone.localtime(now, timezone.get_default_timezone()).date()
    result = RunResult()
    recipients = {}
    for appointment in due_appointments(now=now, days=days):
        result.due += 1
        recipient = reminder_recipient(appointment.patient, today=today)
        if recipient:
            recipients[appointment.pk] = (appointment, recipient)
        else:
            result.no_address += 1
    Reminder.objects.bulk_create(
        [
            Reminder(
                appointment=appointment,
                for_starts_at=appointment.starts_at,
                recipient=recipient,
            )
            for appointment, recipient in recipients.values()
        ],
        ignore_conflicts=True,
    )
    unsent = Reminder.objects.filter(
        appointment__in=list(recipients),
        for_starts_at=F("appointment__starts_at"),
        status__in=RETRYABLE_STATUSES,
        attempts__lt=MAX_ATTEMPTS,
    ).values_list("pk", "appointment_id")
    for reminder_id, appointment_id in list(unsent):
        appointment, recipient = recipients[appointment_id]
        _send_one(reminder_id, appointment, recipient, now=now, result=result)
    return result


def count_due(*, days: int, now: datetime.datetime | None = None) -> RunResult:
    """What send_reminders() would try now, without writing or sending anything."""
    now = now or timezone.now()
    today = timezone.localtime(now, timezone.get_default_timezone()).date()
    result = RunResult()
    for appointment in due_appointments(now=now, days=days):
        result.due += 1
        if not reminder_recipient(appointment.patient, today=today):
            result.no_address += 1
    return result


def _send_one(reminder_id, appointment, recipient, *, now, result: RunResult) -> None:
    with transaction.atomic():
        reminder = _claim(reminder_id, now=now)
        if reminder is None:
            return  # another run holds it, sent it, or the appointment changed
        message = reminder_message(appointment, recipient)
        try:
            message.send()
        except Exception as error:
            # The class name only: SMTP errors quote the refused address.
            error_kind = type(error).__name__
            Reminder.objects.filter(pk=reminder_id).update(
                status=ReminderStatus.FAILED,
                attempts=F("attempts") + 1,
                last_error=error_kind,
                recipient=recipient,
            )
            logger.warning("Reminder %s not sent: %s", reminder_id, error_kind)
            if reminder.attempts + 1 >= MAX_ATTEMPTS:
                result.gave_up += 1
            else:
                result.failed += 1
            return
        Reminder.objects.filter(pk=reminder_id).update(
            status=ReminderStatus.SENT,
            attempts=F("attempts") + 1,
            last_error="",
            recipient=recipient,
            sent_at=timezone.now(),
        )
        result.sent += 1


def _claim(reminder_id: int, *, now: datetime.datetime) -> Reminder | None:
    """Lock an unsent reminder for the current transaction, or None.

    Checked again under the lock: the appointment may have been cancelled or moved
    since it was selected.
    """
    claimable = Reminder.objects.filter(
        pk=reminder_id,
        status__in=RETRYABLE_STATUSES,
        attempts__lt=MAX_ATTEMPTS,
        for_starts_at__gt=now,
        appointment__status__in=UPCOMING_STATUSES,
        appointment__starts_at=F("for_starts_at"),
    )
    if connection.features.has_select_for_update_skip_locked:
        # PostgreSQL: a reminder another run is sending is skipped, not waited for.
        return claimable.select_for_update(skip_locked=True, of=("self",)).first()
    # SQLite has no row locks. A write as the first statement of the transaction
    # takes the database's write lock, so a concurrent run waits here until this
    # one commits, and then no longer finds the reminder claimable.
    if not claimable.update(attempts=F("attempts")):
        return None
    return Reminder.objects.get(pk=reminder_id)
