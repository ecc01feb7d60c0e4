"""Appointments and what scheduling keeps around them: recall contacts, the
waitlist, reminders and calendar feeds.

The models moved here from `treatments` with their tables: each keeps its old
`db_table` (and its history's table), and its constraint and index names, so that
an existing database keeps its rows, its PostgreSQL exclusion constraints
(treatments 0009) and, through the moved content types, its role grants.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic.records import override_complete_constraint, valid_choice
from clinic.text import NoteField
from patients.models import Patient, refuse_after_death, refuse_before_birth
from treatments.models import TreatmentCourse


class AppointmentKind(models.TextChoices):
    NEW_PATIENT = "new_patient", _("New patient")
    FOLLOW_UP = "follow_up", _("Follow-up")
    TOXIN_SESSION = "toxin_session", _("Toxin session")
    THERAPY = "therapy", _("Therapy session")
    STUDY = "study", _("Diagnostic study")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CONFIRMED = "confirmed", _("Confirmed")
    ARRIVED = "arrived", _("Arrived")
    # In context: a course (treatments) is completed in another gender in Spanish.
    COMPLETED = "completed", pgettext_lazy("appointment", "Completed")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("No-show")


# Every list of appointment statuses is one of these three; nothing else names
# BOOKED, CONFIRMED or ARRIVED as a group.
#
# Active: the appointment holds its clinician's and patient's time, so nothing
# else may overlap it. Cancelled and no-show appointments free their slot. The
# PostgreSQL exclusion constraints (treatments 0009) use the same statuses.
ACTIVE_APPOINTMENT_STATUSES = [
    AppointmentStatus.BOOKED,
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.COMPLETED,
]
# Open: the visit has not been completed yet, and may be going on now (arrived).
# An open toxin appointment is the one a charted session completes, it counts
# towards the earliest safe date of the next booking, and it takes the patient off
# the recall list.
OPEN_APPOINTMENT_STATUSES = [
    AppointmentStatus.BOOKED,
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.ARRIVED,
]
# Upcoming: still to happen, the patient has not arrived. Only these may be moved
# or cancelled, and only these are reminded.
UPCOMING_STATUSES = [AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED]


class AppointmentQuerySet(models.QuerySet):
    def active(self):
        """Appointments that hold their time (ACTIVE_APPOINTMENT_STATUSES)."""
        return self.filter(status__in=ACTIVE_APPOINTMENT_STATUSES)

    def open(self):
        """Appointments not completed yet (OPEN_APPOINTMENT_STATUSES)."""
        return self.filter(status__in=OPEN_APPOINTMENT_STATUSES)

    def upcoming(self, *, after: datetime.datetime | None = None):
        """Booked or confirmed appointments starting after `after` (now)."""
        return self.filter(
            status__in=UPCOMING_STATUSES,
            starts_at__gt=timezone.now() if after is None else after,
        )

    def overlapping(self, starts_at: datetime.datetime, ends_at: datetime.datetime):
        """Appointments sharing time with [starts_at, ends_at), whatever their
        status. Half-open: one ending exactly when another starts does not
        overlap it."""
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)


class Appointment(models.Model):
    """One visit; series are separate rows."""

    patient = models.ForeignKey(
        Patient, models.PROTECT, related_name="appointments", verbose_name=_("patient")
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="appointments",
        verbose_name=_("clinician"),
    )
    kind = models.CharField(
        max_length=15, choices=AppointmentKind, verbose_name=_("kind")
    )
    starts_at = models.DateTimeField(verbose_name=_("starts at"))
    ends_at = models.DateTimeField(verbose_name=_("ends at"))
    status = models.CharField(
        max_length=10,
        choices=AppointmentStatus,
        default=AppointmentStatus.BOOKED,
        verbose_name=_("status"),
    )
    course = models.ForeignKey(
        TreatmentCourse,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("course"),
    )
    cancel_reason = models.CharField(
        max_length=200, blank=True, verbose_name=_("cancel reason")
    )
    notes = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("Administrative notes only."),
        verbose_name=_("notes"),
    )
    series = models.UUIDField(
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Shared by the appointments of a series booked in one step."),
        verbose_name=_("series"),
    )
    # Booking before the earliest safe date needs a neurologist's override.
    override_reason = NoteField(blank=True, verbose_name=_("override reason"))
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("overridden by"),
    )
    overridden_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("overridden at")
    )
    history = HistoricalRecords(table_name="treatments_historicalappointment")

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        db_table = "treatments_appointment"
        ordering = ["starts_at"]
        permissions = [
            (
                "override_booking_interval",
                "Can book a toxin session before the earliest safe date",
            )
        ]
        constraints = [
            valid_choice("kind", AppointmentKind, "treatments_appointment"),
            valid_choice("status", AppointmentStatus, "treatments_appointment"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="treatments_appointment_ends_after_start",
                violation_error_message=_("An appointment must end after it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(status=AppointmentStatus.CANCELLED) | ~Q(cancel_reason=""),
                name="treatments_appointment_cancel_has_reason",
                violation_error_message=_("Say why the appointment was cancelled."),
            ),
            override_complete_constraint("treatments_appointment"),
        ]
        indexes = [
            # The calendars of every clinician at once, the dashboard's day, and
            # the admin's list order (by start, then Django's -pk tiebreak).
            models.Index(fields=["starts_at", "-id"], name="scheduling_appt_order"),
            # Day and week calendars per clinician; a patient's upcoming visits.
            models.Index(
                fields=["clinician", "starts_at"], name="treatments_appt_clinician"
            ),
            models.Index(
                fields=["patient", "starts_at"], name="treatments_appt_patient"
            ),
            # The recall list and dashboard: is a toxin session booked for the
            # patient? (Probed once per due course.)
            models.Index(
                fields=["patient", "starts_at"],
                condition=Q(
                    kind=AppointmentKind.TOXIN_SESSION,
                    status__in=OPEN_APPOINTMENT_STATUSES,
                ),
                name="scheduling_appt_open_toxin",
            ),
        ]

    def __str__(self):
        when = timezone.localtime(self.starts_at)
        return f"{self.get_kind_display()} {when:%d %b %Y %H:%M}"

    def clean(self):
        patient = self.patient if self.patient_id else None
        refuse_before_birth(patient, starts_at=self.starts_at)
        if self.status in UPCOMING_STATUSES:  # a visit still to come: a booking
            refuse_after_death(patient, starts_at=self.starts_at)
        if self.course_id and self.course.case.patient_id != self.patient_id:
            raise ValidationError(
                {"course": _("The course belongs to a different patient.")}
            )


class ContactMethod(models.TextChoices):
    CALLED = "called", _("Called")
    LEFT_MESSAGE = "left_message", _("Left a message")
    LETTER_SENT = "letter_sent", _("Letter sent")
    EMAILED = "emailed", _("E-mail sent")


class RecallContact(models.Model):
    """An attempt to reach a patient who is due for their next toxin session."""

    course = models.ForeignKey(
        TreatmentCourse,
        models.PROTECT,
        related_name="recall_contacts",
        verbose_name=_("course"),
    )
    method = models.CharField(
        max_length=15, choices=ContactMethod, verbose_name=_("method")
    )
    contacted_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("contacted at")
    )
    contacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("contacted by"),
    )
    note = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("Administrative notes only."),
        verbose_name=_("note"),
    )
    history = HistoricalRecords(table_name="treatments_historicalrecallcontact")

    class Meta:
        verbose_name = _("recall contact")
        verbose_name_plural = _("recall contacts")
        db_table = "treatments_recallcontact"
        ordering = ["-contacted_at"]
        constraints = [
            valid_choice("method", ContactMethod, "treatments_recallcontact"),
        ]
        indexes = [
            # The admin's list order (newest first, then Django's -pk tiebreak).
            models.Index(
                fields=["-contacted_at", "-id"], name="scheduling_recall_newest"
            ),
            # The recall list shows each course's latest attempt.
            models.Index(
                fields=["course", "-contacted_at"], name="treatments_recall_course"
            ),
        ]

    def __str__(self):
        return f"{self.get_method_display()} {self.contacted_at:%d %b %Y}"


class WaitlistEntryQuerySet(models.QuerySet):
    def waiting(self):
        """Entries still wanting a slot: active, and the patient alive."""
        return self.filter(is_active=True, patient__date_of_death__isnull=True)


class WaitlistEntry(models.Model):
    """A patient who would take an earlier slot if one frees up."""

    patient = models.ForeignKey(
        Patient,
        models.PROTECT,
        related_name="waitlist_entries",
        verbose_name=_("patient"),
    )
    course = models.ForeignKey(
        TreatmentCourse,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="waitlist_entries",
        verbose_name=_("course"),
    )
    kind = models.CharField(
        max_length=15,
        choices=AppointmentKind,
        default=AppointmentKind.TOXIN_SESSION,
        verbose_name=_("kind"),
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Preferred clinician, if any."),
        verbose_name=_("clinician"),
    )
    wanted_from = models.DateField(
        default=timezone.localdate, verbose_name=_("wanted from")
    )
    wanted_until = models.DateField(
        null=True, blank=True, verbose_name=_("wanted until")
    )
    note = models.CharField(max_length=200, blank=True, verbose_name=_("note"))
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    history = HistoricalRecords(table_name="treatments_historicalwaitlistentry")

    objects = WaitlistEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("waitlist entry")
        db_table = "treatments_waitlistentry"
        verbose_name_plural = _("waitlist entries")
        ordering = ["created_at"]
        indexes = [
            # The admin's list order (then Django's -pk tiebreak).
            models.Index(
                fields=["created_at", "-id"], name="scheduling_waitlist_order"
            ),
        ]
        constraints = [
            valid_choice("kind", AppointmentKind, "treatments_waitlist"),
            models.CheckConstraint(
                condition=Q(wanted_until__isnull=True)
                | Q(wanted_until__gte=F("wanted_from")),
                name="treatments_waitlist_window_ordered",
                violation_error_message=_(
                    "The end of the wanted period cannot be before its start."
                ),
            ),
        ]

    def __str__(self):
        return gettext("Waitlist: %(kind)s from %(day)s") % {
            "kind": self.get_kind_display(),
            "day": self.wanted_from,
        }

    def clean(self):
        if self.is_active and self.patient_id and self.patient.is_deceased:
            raise ValidationError(
                {
                    "patient": gettext(
                        "The patient died on %(died)s: nobody waits for a slot for "
                        "them."
                    )
                    % {"died": f"{self.patient.date_of_death:%d %b %Y}"}
                }
            )


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", pgettext_lazy("reminder", "Sent")
    FAILED = "failed", _("Failed")


class Reminder(models.Model):
    """One reminder for one appointment time: sent once, retried if it failed."""

    appointment = models.ForeignKey(
        Appointment,
        models.PROTECT,
        related_name="reminders",
        verbose_name=_("appointment"),
    )
    for_starts_at = models.DateTimeField(
        help_text=_(
            "The appointment time the reminder announces; a rescheduled "
            "appointment gets a new reminder."
        ),
        verbose_name=_("for starts at"),
    )
    recipient = models.EmailField(verbose_name=_("recipient"))
    status = models.CharField(
        max_length=10,
        choices=ReminderStatus,
        default=ReminderStatus.PENDING,
        verbose_name=_("status"),
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    last_error = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("The error's kind only, no patient data."),
        verbose_name=_("last error"),
    )
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        db_table = "treatments_reminder"
        ordering = ["created_at"]
        constraints = [
            valid_choice("status", ReminderStatus, "treatments_reminder"),
            models.UniqueConstraint(
                fields=["appointment", "for_starts_at"],
                name="treatments_reminder_once_per_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReminderStatus.SENT) | Q(sent_at__isnull=False),
                name="treatments_reminder_sent_has_time",
            ),
        ]
        indexes = [
            # The admin's list order (oldest first, then Django's -pk tiebreak).
            models.Index(
                fields=["created_at", "-id"], name="scheduling_reminder_order"
            ),
            models.Index(fields=["status"], name="treatments_reminder_status"),
        ]

    def __str__(self):
        return gettext("Reminder %(status)s") % {
            "status": self.get_status_display().lower()
        }


class CalendarFeed(models.Model):
    """A clinician's secret iCalendar feed address; revoking it ends access."""

    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="calendar_feeds",
        verbose_name=_("clinician"),
    )
    token = models.CharField(max_length=64, unique=True, verbose_name=_("token"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    revoked_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("revoked at")
    )

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        db_table = "treatments_calendarfeed"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinician"],
                condition=Q(revoked_at__isnull=True),
                name="treatments_calendarfeed_one_live",
            ),
        ]

    def __str__(self):
        return gettext("Calendar feed of %(clinician)s") % {"clinician": self.clinician}
