"""Medication orders, and the Bell's palsy steroid window they are checked
against."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
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
from patients.models import Condition, refuse_before_birth
from treatments.models.choices import CourseKind, DoseUnit, DrugRoute
from treatments.models.courses import TreatmentCourse

# DOMAIN.md 4.1-4.2: oral steroids within 72 hours of the onset of Bell's palsy.
STEROIDS = ("prednisolone", "prednisone")
BELLS_STEROID_WINDOW = datetime.timedelta(hours=72)


class MedicationOrder(models.Model):
    course = models.ForeignKey(
        TreatmentCourse,
        models.PROTECT,
        related_name="medication_orders",
        verbose_name=_("course"),
    )
    drug = models.CharField(
        max_length=100,
        help_text=_("Generic name, e.g. clonazepam."),
        verbose_name=_("drug"),
    )
    dose = models.DecimalField(
        max_digits=8,
        decimal_places=3,
        validators=[
            MinValueValidator(Decimal("0.001"), _("The dose must be more than 0."))
        ],
        verbose_name=_("dose"),
    )
    dose_unit = models.CharField(
        max_length=5, choices=DoseUnit, default=DoseUnit.MG, verbose_name=_("dose unit")
    )
    route = models.CharField(
        max_length=10,
        choices=DrugRoute,
        default=DrugRoute.ORAL,
        verbose_name=_("route"),
    )
    frequency = models.CharField(
        max_length=60, help_text=_("E.g. twice daily."), verbose_name=_("frequency")
    )
    start_on = models.DateField(default=timezone.localdate, verbose_name=_("start on"))
    stop_on = models.DateField(null=True, blank=True, verbose_name=_("stop on"))
    prescriber = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("prescriber"),
    )
    indication = models.CharField(
        max_length=200, blank=True, verbose_name=_("indication")
    )
    stop_reason = models.CharField(
        max_length=200, blank=True, verbose_name=_("stop reason")
    )
    entered_in_error = models.BooleanField(
        default=False, verbose_name=_("entered in error")
    )
    entered_in_error_reason = NoteField(
        blank=True, verbose_name=_("entered in error reason")
    )
    form_token = form_token_field()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("medication order")
        verbose_name_plural = _("medication orders")
        ordering = ["-start_on"]
        # The admin's list: newest first, with the -pk tiebreak Django adds.
        indexes = [
            models.Index(
                fields=["-start_on", "-id"], name="treatments_medication_newest"
            )
        ]
        constraints = [
            valid_choice("dose_unit", DoseUnit, "treatments_medication"),
            valid_choice("route", DrugRoute, "treatments_medication"),
            models.CheckConstraint(
                condition=Q(dose__gt=0),
                name="treatments_medication_dose_positive",
                violation_error_message=_("The dose must be more than 0."),
            ),
            models.CheckConstraint(
                condition=Q(stop_on__isnull=True) | Q(stop_on__gte=F("start_on")),
                name="treatments_medication_stops_after_start",
                violation_error_message=_("A medication cannot stop before it starts."),
            ),
            entered_in_error_constraint("treatments_medication"),
            form_token_unique("treatments_medication"),
        ]

    def __str__(self):
        return (
            f"{self.drug} {self.dose.normalize():f} {self.dose_unit} {self.frequency}"
        )

    def clean(self):
        refuse_before_birth(
            self.course.case.patient if self.course_id else None,
            start_on=self.start_on,
            stop_on=self.stop_on,
        )
        if self.course_id and self.course.kind != CourseKind.MEDICATION:
            raise ValidationError(
                {"course": _("Medication orders belong to a medication course.")}
            )
        errors = entered_in_error_errors(self)
        if self.start_on and self.stop_on and self.stop_on < self.start_on:
            errors["stop_on"] = _("A medication cannot stop before it starts.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_steroid(self) -> bool:
        drug = self.drug.lower()
        return any(name in drug for name in STEROIDS)

    def steroid_delay_after_bells_onset(self) -> datetime.timedelta | None:
        """For a steroid in a Bell's palsy case, how long after the onset it
        starts; None for anything else. Only the start date is kept, so this
        counts from the start of that day: the least the delay can be."""
        case = self.course.case
        if not (
            self.is_steroid
            and case.condition == Condition.BELLS_PALSY
            and case.onset_at
            and self.start_on
        ):
            return None
        starts = timezone.make_aware(
            datetime.datetime.combine(self.start_on, datetime.time.min)
        )
        return starts - case.onset_at

    def warnings(self) -> list[str]:
        """What the prescriber is shown before saving, and the chart keeps
        showing: a steroid started past the Bell's palsy window."""
        if self.entered_in_error:
            return []
        delay = self.steroid_delay_after_bells_onset()
        if delay is None or delay <= BELLS_STEROID_WINDOW:
            return []
        hours = int(delay.total_seconds() // 3600)
        onset = timezone.localtime(self.course.case.onset_at)
        return [
            gettext(
                "%(drug)s starts on %(start)s, at least %(hours)s hours after the "
                "onset of Bell's palsy (%(onset)s): the guideline gives oral steroids "
                "within 72 hours of onset, when they help most."
            )
            % {
                "drug": self.drug,
                "start": date_format(self.start_on, "d M Y"),
                "hours": hours,
                "onset": date_format(onset, "d M Y H:i"),
            }
        ]
