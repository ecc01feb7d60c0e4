"""Physical-therapy sessions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic.records import (
    entered_in_error_constraint,
    entered_in_error_errors,
    form_token_field,
    form_token_unique,
    valid_choice,
)
from clinic.text import NoteField
from patients.models import refuse_after_death, refuse_before_birth
from treatments.models.choices import CourseKind, TherapyFocus, TherapyProgress
from treatments.models.courses import TreatmentCourse


class TherapySession(models.Model):
    course = models.ForeignKey(
        TreatmentCourse,
        models.PROTECT,
        related_name="therapy_sessions",
        verbose_name=_("course"),
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("therapist"),
    )
    session_on = models.DateField(
        default=timezone.localdate, verbose_name=_("session on")
    )
    duration_minutes = models.PositiveSmallIntegerField(
        default=45, verbose_name=_("duration minutes")
    )
    focus = models.CharField(
        max_length=20, choices=TherapyFocus, verbose_name=_("focus")
    )
    exercises = NoteField(blank=True, verbose_name=_("exercises"))
    home_programme = NoteField(blank=True, verbose_name=_("home programme"))
    progress = models.CharField(
        max_length=10, choices=TherapyProgress, blank=True, verbose_name=_("progress")
    )
    notes = NoteField(blank=True, verbose_name=_("notes"))
    entered_in_error = models.BooleanField(
        default=False, verbose_name=_("entered in error")
    )
    entered_in_error_reason = NoteField(
        blank=True, verbose_name=_("entered in error reason")
    )
    form_token = form_token_field()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("therapy session")
        verbose_name_plural = _("therapy sessions")
        ordering = ["-session_on"]
        # The admin's list: newest first, with the -pk tiebreak Django adds.
        indexes = [
            models.Index(
                fields=["-session_on", "-id"], name="treatments_therapy_newest"
            )
        ]
        constraints = [
            valid_choice("focus", TherapyFocus, "treatments_therapy"),
            valid_choice("progress", TherapyProgress, "treatments_therapy", blank=True),
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0),
                name="treatments_therapy_duration_positive",
                violation_error_message=_("The session must last at least a minute."),
            ),
            entered_in_error_constraint("treatments_therapy"),
            form_token_unique("treatments_therapy"),
        ]

    def __str__(self):
        return gettext("%(focus)s on %(day)s") % {
            "focus": self.get_focus_display(),
            "day": f"{self.session_on:%d %b %Y}",
        }

    def clean(self):
        patient = self.course.case.patient if self.course_id else None
        refuse_before_birth(patient, session_on=self.session_on)
        refuse_after_death(patient, session_on=self.session_on)
        if self.course_id and self.course.kind != CourseKind.PHYSICAL_THERAPY:
            raise ValidationError(
                {"course": _("Therapy sessions belong to a physical-therapy course.")}
            )
        errors = entered_in_error_errors(self)
        if self.duration_minutes is not None and self.duration_minutes < 1:
            errors["duration_minutes"] = _("The session must last at least a minute.")
        if errors:
            raise ValidationError(errors)
