"""The treatment course: the plan under a case that every treatment record
belongs to."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clinic.records import form_token_field, form_token_unique, valid_choice
from patients.models import Case, refuse_before_birth
from treatments.models.choices import CourseKind, CourseStatus


class TreatmentCourse(models.Model):
    """A plan under a case: toxin, therapy, medication, referral or observation."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="courses")
    kind = models.CharField(max_length=20, choices=CourseKind)
    status = models.CharField(
        max_length=10, choices=CourseStatus, default=CourseStatus.ACTIVE
    )
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)
    goal = models.TextField(blank=True)
    responsible_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+"
    )
    planned_interval_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Toxin courses: planned days between sessions (at least 84 is safe).",
    )
    stop_reason = models.TextField(blank=True)
    form_token = form_token_field()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on"]
        permissions = [("view_recall", "Can see the toxin recall list")]
        constraints = [
            valid_choice("kind", CourseKind, "treatments_course"),
            valid_choice("status", CourseStatus, "treatments_course"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="treatments_course_ends_after_start",
                violation_error_message="A course cannot end before it starts.",
            ),
            models.CheckConstraint(
                # isnull=False: a NULL would pass a bare comparison in SQL.
                condition=~Q(kind=CourseKind.BOTULINUM_TOXIN)
                | Q(planned_interval_days__isnull=False, planned_interval_days__gt=0),
                name="treatments_course_toxin_has_interval",
                violation_error_message="A toxin course needs its planned interval "
                "in days.",
            ),
            models.CheckConstraint(
                condition=~Q(status=CourseStatus.STOPPED) | ~Q(stop_reason=""),
                name="treatments_course_stop_has_reason",
                violation_error_message="Say why the course was stopped.",
            ),
            form_token_unique("treatments_course"),
        ]
        indexes = [
            models.Index(fields=["kind", "status"], name="treatments_course_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.started_on:%d %b %Y}"

    def clean(self):
        refuse_before_birth(
            self.case.patient if self.case_id else None,
            started_on=self.started_on,
            ended_on=self.ended_on,
        )
        # These repeat Meta.constraints so that a form shows each message next to
        # its field; the constraint on a field with an error is then skipped.
        errors = {}
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = "A course cannot end before it starts."
        if self.kind == CourseKind.BOTULINUM_TOXIN and not self.planned_interval_days:
            errors["planned_interval_days"] = (
                "A toxin course needs its planned interval in days."
            )
        if self.status == CourseStatus.STOPPED and not self.stop_reason.strip():
            errors["stop_reason"] = "Say why the course was stopped."
        if self._kind_changed() and self.has_records():
            errors["kind"] = (
                "This course has records of its kind: its kind cannot change. Start "
                "a new course instead."
            )
        if errors:
            raise ValidationError(errors)

    def _kind_changed(self) -> bool:
        if self.pk is None:
            return False
        stored = TreatmentCourse.objects.filter(pk=self.pk).values_list(
            "kind", flat=True
        )
        return stored.first() not in (None, self.kind)

    @property
    def is_toxin(self) -> bool:
        return self.kind == CourseKind.BOTULINUM_TOXIN

    @property
    def is_physical_therapy(self) -> bool:
        return self.kind == CourseKind.PHYSICAL_THERAPY

    @property
    def is_medication(self) -> bool:
        return self.kind == CourseKind.MEDICATION

    @property
    def is_surgical_referral(self) -> bool:
        return self.kind == CourseKind.SURGICAL_REFERRAL

    def has_records(self) -> bool:
        """Whether anything was charted under the course; its kind is then fixed,
        because each record belongs to a course of its own kind."""
        return (
            self.toxin_sessions.exists()
            or self.therapy_sessions.exists()
            or self.medication_orders.exists()
            or self.referrals.exists()
        )
