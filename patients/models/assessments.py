"""Scored assessments (rating scales) of a case."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
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

    case = models.ForeignKey(Case, models.PROTECT, related_name="assessments")
    instrument = models.CharField(max_length=20, choices=scales.INSTRUMENT_CHOICES)
    version = models.CharField(max_length=40, choices=scales.version_choices())
    answers = models.JSONField(
        default=dict, help_text="Item answers keyed by item code."
    )
    totals = models.JSONField(default=dict, encoder=DjangoJSONEncoder, editable=False)
    score = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        editable=False,
        help_text="The instrument's headline score, for trends.",
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+"
    )
    assessed_on = models.DateField(default=timezone.localdate)
    side = models.CharField(max_length=10, choices=Laterality, blank=True)
    days_since_last_toxin = models.PositiveIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="Days since the patient's last toxin session at the time of rating.",
    )
    notes = NoteField(blank=True)
    entered_in_error = models.BooleanField(default=False)
    entered_in_error_reason = NoteField(blank=True)
    form_token = form_token_field(
        "The one-time token of the form that recorded the score: a double "
        "submit of that form finds this assessment instead of saving a second one."
    )
    history = HistoricalRecords()

    class Meta:
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
        return f"{self.get_instrument_display()} {self.score} on {self.assessed_on}"

    def clean(self):
        patient = self.case.patient if self.case_id else None
        refuse_before_birth(patient, assessed_on=self.assessed_on)
        refuse_after_death(patient, assessed_on=self.assessed_on)
        try:
            definition = scales.get_definition(self.instrument, self.version)
        except scales.ScaleError as error:
            raise ValidationError({"version": str(error)}) from None
        if definition.per_side and self.side not in (Laterality.RIGHT, Laterality.LEFT):
            raise ValidationError({"side": f"{definition.name} is graded per side."})
        self.apply_scoring()

    def apply_scoring(self) -> None:
        """Compute the totals from the answers, as stored; refuse bad answers."""
        try:
            result = scales.score(self.instrument, self.version, self.answers or {})
        except scales.ScaleError as error:
            raise ValidationError({"answers": str(error)}) from None
        self.totals = result.totals
        self.score = result.primary
