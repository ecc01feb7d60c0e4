"""The case: one condition episode of a patient."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clinic.records import (
    MultipleChoiceField,
    entered_in_error_constraint,
    form_token_field,
    valid_choice,
)
from clinic.text import NoteField
from patients import coding
from patients.models.choices import (
    CLOSED_CASE_STATUSES,
    CaseStatus,
    Condition,
    FaceRegion,
    Laterality,
    RedFlag,
    Trigger,
)
from patients.models.patient import Patient, refuse_before_birth

# Hemifacial spasm is charted on a side: any laterality but "not applicable".
SIDED_LATERALITIES = [Laterality.RIGHT, Laterality.LEFT, Laterality.BILATERAL]


class CaseQuerySet(models.QuerySet):
    def open(self):
        """Cases still being looked after: not closed, not entered in error."""
        return self.exclude(status__in=CLOSED_CASE_STATUSES).filter(
            entered_in_error=False
        )

    def with_red_flags(self):
        return self.exclude(red_flags=[])


class Case(models.Model):
    """One condition episode of a patient."""

    patient = models.ForeignKey(Patient, models.PROTECT, related_name="cases")
    condition = models.CharField(max_length=30, choices=Condition)
    icd10_code = models.CharField(
        "ICD-10-CM code",
        max_length=10,
        help_text="A billable leaf code, e.g. G51.31 for right hemifacial spasm.",
    )
    code_system_version = models.CharField(
        max_length=30, default=coding.CODE_SYSTEM_VERSION
    )
    laterality = models.CharField(
        max_length=10, choices=Laterality, default=Laterality.NOT_APPLICABLE
    )
    onset_date = models.DateField(null=True, blank=True)
    onset_at = models.DateTimeField(
        "onset date and time",
        null=True,
        blank=True,
        help_text="Required for Bell's palsy: steroids are timed from onset.",
    )
    onset_site = models.CharField(max_length=20, choices=FaceRegion, blank=True)
    spread_sites = MultipleChoiceField(options=FaceRegion.choices)
    triggers = MultipleChoiceField(options=Trigger.choices)
    red_flags = MultipleChoiceField(
        options=RedFlag.choices, help_text="Any red flag escalates the case."
    )
    status = models.CharField(
        max_length=12, choices=CaseStatus, default=CaseStatus.ASSESSMENT
    )
    opened_on = models.DateField(default=timezone.localdate)
    closed_on = models.DateField(null=True, blank=True)
    responsible_neurologist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="neurology_cases",
    )
    notes = NoteField(blank=True)
    entered_in_error = models.BooleanField(default=False)
    entered_in_error_reason = NoteField(blank=True)
    form_token = form_token_field(
        "The one-time token of the form that created the case: a double "
        "submit of that form finds this case instead of saving a second one."
    )
    history = HistoricalRecords()

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on"]
        constraints = [
            valid_choice("condition", Condition, "patients_case"),
            valid_choice("laterality", Laterality, "patients_case"),
            valid_choice("status", CaseStatus, "patients_case"),
            valid_choice("onset_site", FaceRegion, "patients_case", blank=True),
            models.CheckConstraint(
                condition=~Q(condition=Condition.HEMIFACIAL_SPASM)
                | Q(laterality__in=SIDED_LATERALITIES),
                name="patients_case_hfs_has_side",
                violation_error_message="Hemifacial spasm needs a side: right, left or "
                "bilateral.",
            ),
            models.CheckConstraint(
                condition=~Q(condition=Condition.BELLS_PALSY)
                | Q(onset_at__isnull=False),
                name="patients_case_bells_has_onset_time",
                violation_error_message="Bell's palsy needs the onset date and time.",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="patients_case_closed_after_opened",
                violation_error_message="A case cannot close before it was opened.",
            ),
            models.CheckConstraint(
                condition=Q(onset_date__isnull=True)
                | Q(onset_date__lte=F("opened_on")),
                name="patients_case_onset_before_opened",
                violation_error_message="The onset cannot be after the case opened.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CLOSED_CASE_STATUSES, closed_on__isnull=False)
                | (~Q(status__in=CLOSED_CASE_STATUSES) & Q(closed_on__isnull=True)),
                name="patients_case_closed_date_matches_status",
                violation_error_message="A resolved or discharged case needs a closing "
                "date; an open case has none.",
            ),
            entered_in_error_constraint("patients_case"),
            models.UniqueConstraint(
                fields=["form_token"], name="patients_case_form_token_unique"
            ),
        ]
        indexes = [
            # The admin's list order (newest first, then Django's -pk tiebreak).
            models.Index(fields=["-opened_on", "-id"], name="patients_case_newest"),
            models.Index(fields=["status"], name="patients_case_status"),
            # The dashboard's open red flags: few cases among many, oldest first.
            models.Index(
                fields=["opened_on", "id"],
                name="patients_case_red_flags",
                condition=~Q(red_flags=[]) & Q(entered_in_error=False),
            ),
        ]

    def __str__(self):
        return f"{self.get_condition_display()} ({self.icd10_code})"

    def clean(self):
        refuse_before_birth(
            self.patient if self.patient_id else None,
            onset_date=self.onset_date,
            onset_at=self.onset_at,
            opened_on=self.opened_on,
            closed_on=self.closed_on,
        )
        errors = {}
        self.icd10_code = coding.normalise_code(self.icd10_code or "")
        if self.condition and self.icd10_code:
            problem = coding.code_problem(
                self.condition,
                self.icd10_code,
                self.laterality,
                settings.CLINIC_UNCONFIRMED_CONDITION_CODES,
            )
            if problem:
                errors["icd10_code"] = problem
        if self.onset_at and not self.onset_date:
            self.onset_date = timezone.localtime(self.onset_at).date()
        if (
            self.onset_at
            and timezone.localtime(self.onset_at).date() != self.onset_date
        ):
            errors["onset_at"] = "The onset time must fall on the onset date."
        # The checks below repeat Meta.constraints so that a form shows each message
        # next to its field; the constraint on a field with an error is then skipped.
        if (
            self.condition == Condition.HEMIFACIAL_SPASM
            and self.laterality not in SIDED_LATERALITIES
        ):
            errors["laterality"] = (
                "Hemifacial spasm needs a side: right, left or bilateral."
            )
        if self.condition == Condition.BELLS_PALSY and not self.onset_at:
            errors["onset_at"] = "Bell's palsy needs the onset date and time."
        if self.onset_date and self.opened_on and self.onset_date > self.opened_on:
            errors["onset_date"] = "The onset cannot be after the case opened."
        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            errors["closed_on"] = "A case cannot close before it was opened."
        elif self.status in CLOSED_CASE_STATUSES and not self.closed_on:
            errors["closed_on"] = "A resolved or discharged case needs a closing date."
        elif self.status in CaseStatus.values and self.is_open and self.closed_on:
            errors["closed_on"] = (
                "Clear the closing date or choose resolved or discharged: an open "
                "case has none."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def has_red_flag(self) -> bool:
        return bool(self.red_flags)

    def derived_red_flags(self) -> list[str]:
        """The red flags the record itself shows (DOMAIN.md 5.1), raised when
        the case is saved: a hemifacial spasm that began in childhood (by the
        onset, else the opening) may be a cerebellar or cerebellopontine-angle
        tumour, and an MRI is suggested."""
        flags = []
        began = self.onset_date or self.opened_on
        if (
            self.condition == Condition.HEMIFACIAL_SPASM
            and self.patient_id
            and began
            and self.patient.age_on(began) < settings.CLINIC_ADULT_AGE_YEARS
        ):
            flags.append(RedFlag.CHILD_HEMIFACIAL_SPASM.value)
        return flags

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_CASE_STATUSES

    @property
    def is_bells_palsy(self) -> bool:
        return self.condition == Condition.BELLS_PALSY

    def red_flag_labels(self) -> list[str]:
        return self._meta.get_field("red_flags").labels(self.red_flags)
