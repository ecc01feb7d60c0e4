"""Scored assessments (rating scales) of a case."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic.records import entered_in_error_constraint, form_token_field, valid_choice
from clinic.text import NoteField
from patients import scales
from patients.models.cases import Case
from patients.models.choices import Laterality
from patients.models.patient import refuse_after_death, refuse_before_birth


class Assessment(models.Model):
    """A scored instrument; scoring itself lives in patients/scales.py.

    Its form, pages, admin and write path (treatments.services.save_assessment)
    live in treatments: saving one stamps the days since the patient's last toxin
    session, and patients never imports treatments."""

    case = models.ForeignKey(
        Case, models.PROTECT, related_name="assessments", verbose_name=_("case")
    )
    instrument = models.CharField(
        max_length=20, choices=scales.INSTRUMENT_CHOICES, verbose_name=_("instrument")
    )
    version = models.CharField(
        max_length=40, choices=scales.version_choices(), verbose_name=_("version")
    )
    answers = models.JSONField(
        default=dict,
        help_text=_("Item answers keyed by item code."),
        verbose_name=_("answers"),
    )
    totals = models.JSONField(
        default=dict,
        encoder=DjangoJSONEncoder,
        editable=False,
        verbose_name=_("totals"),
    )
    score = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        editable=False,
        help_text=_("The instrument's headline score, for trends."),
        verbose_name=_("score"),
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("rater"),
    )
    assessed_on = models.DateField(
        default=timezone.localdate, verbose_name=_("assessed on")
    )
    side = models.CharField(
        max_length=10, choices=Laterality, blank=True, verbose_name=_("side")
    )
    days_since_last_toxin = models.PositiveIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Days since the patient's last toxin session at the time of rating."
        ),
        verbose_name=_("days since last toxin"),
    )
    notes = NoteField(blank=True, verbose_name=_("notes"))
    entered_in_error = models.BooleanField(
        default=False, verbose_name=_("entered in error")
    )
    entered_in_error_reason = NoteField(
        blank=True, verbose_name=_("entered in error reason")
    )
    form_token = form_token_field(
        _(
            "The one-time token of the form that recorded the score: a double "
            "submit of that form finds this assessment instead of saving a second one."
        )
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-assessed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    instrument__in=[code for code, _ in scales.INSTRUMENT_CHOICES]
                ),
                name="patients_assessment_instrument_valid",
            ),
            valid_choice("side", Laterality, "patients_assessment", blank=True),
            entered_in_error_constraint("patients_assessment"),
            models.UniqueConstraint(
                fields=["form_token"], name="patients_assessment_form_token_unique"
            ),
        ]
        indexes = [
            # The admin's list order (newest first, then Django's -pk tiebreak).
            models.Index(
                fields=["-assessed_on", "-id"], name="patients_assessment_newest"
            ),
            # Trend charts: one instrument's scores for a case over time.
            models.Index(
                fields=["case", "instrument", "assessed_on"],
                name="patients_assessment_trend",
            ),
        ]

    def __str__(self):
        return gettext("%(instrument)s %(score)s on %(day)s") % {
            "instrument": self.get_instrument_display(),
            "score": self.score,
            "day": self.assessed_on,
        }

    def clean(self):
        patient = self.case.patient if self.case_id else None
        refuse_before_birth(patient, assessed_on=self.assessed_on)
        refuse_after_death(patient, assessed_on=self.assessed_on)
        try:
            definition = scales.get_definition(self.instrument, self.version)
        except scales.ScaleError as error:
            raise ValidationError({"version": str(error)}) from None
        if definition.per_side and self.side not in (Laterality.RIGHT, Laterality.LEFT):
            raise ValidationError(
                {
                    "side": gettext("%(scale)s is graded per side.")
                    % {"scale": definition.name}
                }
            )
        self.apply_scoring()

    def apply_scoring(self) -> None:
        """Compute the totals from the answers, as stored; refuse bad answers."""
        try:
            result = scales.score(self.instrument, self.version, self.answers or {})
        except scales.ScaleError as error:
            raise ValidationError({"answers": str(error)}) from None
        self.totals = result.totals
        self.score = result.primary
