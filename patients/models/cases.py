"""The case: one condition episode of a patient."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic.records import (
    MultipleChoiceField,
    entered_in_error_constraint,
    form_token_field,
    valid_choice,
)
from clinic.text import NoteField
from patients import coding
from patients import red_flags as flag_rules
from patients.models.choices import (
    CLOSED_CASE_STATUSES,
    CaseStatus,
    Condition,
    ExamFinding,
    FaceRegion,
    Laterality,
    RedFlag,
    Trigger,
)
from patients.models.patient import Patient, refuse_before_birth

ACKNOWLEDGEMENT_NOTE_MESSAGE = _("Say what was reviewed or decided.")

# Hemifacial spasm is charted on a side: any laterality but "not applicable".
SIDED_LATERALITIES = [Laterality.RIGHT, Laterality.LEFT, Laterality.BILATERAL]


class CaseQuerySet(models.QuerySet):
    def open(self):
        """Cases still being looked after: not closed, not entered in error."""
        return self.exclude(status__in=CLOSED_CASE_STATUSES).filter(
            entered_in_error=False
        )

    def with_red_flags(self):
        """Cases with a flag, ticked by hand or raised from the record."""
        return self.exclude(red_flags=[], raised_red_flags={})

    def with_red_flags_to_review(self):
        """Cases with a flag no neurologist's acknowledgement covers yet."""
        return self.exclude(red_flags_to_review=[])


class Case(models.Model):
    """One condition episode of a patient."""

    patient = models.ForeignKey(
        Patient, models.PROTECT, related_name="cases", verbose_name=_("patient")
    )
    condition = models.CharField(
        max_length=30, choices=Condition, verbose_name=_("condition")
    )
    icd10_code = models.CharField(
        _("ICD-10-CM code"),
        max_length=10,
        help_text=_("A billable leaf code, e.g. G51.31 for right hemifacial spasm."),
    )
    code_system_version = models.CharField(
        max_length=30,
        default=coding.CODE_SYSTEM_VERSION,
        verbose_name=_("code system version"),
    )
    laterality = models.CharField(
        max_length=10,
        choices=Laterality,
        default=Laterality.NOT_APPLICABLE,
        verbose_name=_("laterality"),
    )
    onset_date = models.DateField(null=True, blank=True, verbose_name=_("onset date"))
    onset_at = models.DateTimeField(
        _("onset date and time"),
        null=True,
        blank=True,
        help_text=_("Required for Bell's palsy: steroids are timed from onset."),
    )
    onset_site = models.CharField(
        max_length=20, choices=FaceRegion, blank=True, verbose_name=_("onset site")
    )
    spread_sites = MultipleChoiceField(
        options=FaceRegion.choices, verbose_name=_("spread sites")
    )
    triggers = MultipleChoiceField(options=Trigger.choices, verbose_name=_("triggers"))
    findings = MultipleChoiceField(
        _("examination findings"),
        options=ExamFinding.choices,
        help_text=_(
            "The red-flag checklist: each finding ticked raises its red flag "
            "when the case is saved."
        ),
    )
    red_flags = MultipleChoiceField(
        _("red flags ticked by hand"),
        options=RedFlag.choices,
        help_text=_(
            "Any red flag escalates the case. The flags the record shows are "
            "raised without a tick."
        ),
    )
    raised_red_flags = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text=_(
            "The red flags the record raises, by the source of their facts: "
            "each with why, the next steps and its evidence (patients/flagging.py)."
        ),
        verbose_name=_("raised red flags"),
    )
    red_flags_to_review = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text=_(
            "The flags, ticked or raised, that no neurologist's "
            "acknowledgement covers yet."
        ),
        verbose_name=_("red flags to review"),
    )
    status = models.CharField(
        max_length=12,
        choices=CaseStatus,
        default=CaseStatus.ASSESSMENT,
        verbose_name=_("status"),
    )
    opened_on = models.DateField(
        default=timezone.localdate, verbose_name=_("opened on")
    )
    closed_on = models.DateField(null=True, blank=True, verbose_name=_("closed on"))
    responsible_neurologist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="neurology_cases",
        verbose_name=_("responsible neurologist"),
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
            "The one-time token of the form that created the case: a double "
            "submit of that form finds this case instead of saving a second one."
        )
    )
    # What waits for review follows from the flags and the acknowledgements,
    # each with its own history.
    history = HistoricalRecords(excluded_fields=["red_flags_to_review"])

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
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
                violation_error_message=_(
                    "Hemifacial spasm needs a side: right, left or bilateral."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(condition=Condition.BELLS_PALSY)
                | Q(onset_at__isnull=False),
                name="patients_case_bells_has_onset_time",
                violation_error_message=_(
                    "Bell's palsy needs the onset date and time."
                ),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="patients_case_closed_after_opened",
                violation_error_message=_("A case cannot close before it was opened."),
            ),
            models.CheckConstraint(
                condition=Q(onset_date__isnull=True)
                | Q(onset_date__lte=F("opened_on")),
                name="patients_case_onset_before_opened",
                violation_error_message=_("The onset cannot be after the case opened."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=CLOSED_CASE_STATUSES, closed_on__isnull=False)
                | (~Q(status__in=CLOSED_CASE_STATUSES) & Q(closed_on__isnull=True)),
                name="patients_case_closed_date_matches_status",
                violation_error_message=_(
                    "A resolved or discharged case needs a closing "
                    "date; an open case has none."
                ),
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
            # The dashboard's red flags to review: few cases among many, oldest
            # first.
            models.Index(
                fields=["opened_on", "id"],
                name="patients_case_flags_to_review",
                condition=~Q(red_flags_to_review=[]) & Q(entered_in_error=False),
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
            errors["onset_at"] = gettext("The onset time must fall on the onset date.")
        # The checks below repeat Meta.constraints so that a form shows each message
        # next to its field; the constraint on a field with an error is then skipped.
        if (
            self.condition == Condition.HEMIFACIAL_SPASM
            and self.laterality not in SIDED_LATERALITIES
        ):
            errors["laterality"] = gettext(
                "Hemifacial spasm needs a side: right, left or bilateral."
            )
        if self.condition == Condition.BELLS_PALSY and not self.onset_at:
            errors["onset_at"] = gettext("Bell's palsy needs the onset date and time.")
        if self.onset_date and self.opened_on and self.onset_date > self.opened_on:
            errors["onset_date"] = gettext("The onset cannot be after the case opened.")
        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            errors["closed_on"] = gettext("A case cannot close before it was opened.")
        elif self.status in CLOSED_CASE_STATUSES and not self.closed_on:
            errors["closed_on"] = gettext(
                "A resolved or discharged case needs a closing date."
            )
        elif self.status in CaseStatus.values and self.is_open and self.closed_on:
            errors["closed_on"] = gettext(
                "Clear the closing date or choose resolved or discharged: an open "
                "case has none."
            )
        if errors:
            raise ValidationError(errors)

    def red_flag_entries(self) -> list[flag_rules.RaisedFlag]:
        """Every flag of the case, ticked or raised, with why and the next steps."""
        return flag_rules.merged(self.red_flags, self.raised_red_flags or {})

    def red_flags_waiting(self) -> list[flag_rules.RaisedFlag]:
        """The flags no acknowledgement covers yet."""
        waiting = set(self.red_flags_to_review or ())
        return [entry for entry in self.red_flag_entries() if entry.flag in waiting]

    @property
    def has_red_flag(self) -> bool:
        return bool(self.red_flags or self.raised_red_flags)

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_CASE_STATUSES

    @property
    def is_bells_palsy(self) -> bool:
        return self.condition == Condition.BELLS_PALSY

    def red_flag_labels(self) -> list[str]:
        return [entry.label for entry in self.red_flag_entries()]

    def red_flag_labels_waiting(self) -> list[str]:
        return [entry.label for entry in self.red_flags_waiting()]

    def finding_labels(self) -> list[str]:
        return self._meta.get_field("findings").labels(self.findings)


class RedFlagAcknowledgement(models.Model):
    """A neurologist has reviewed one of a case's red flags, and says what was
    done or decided: the flag no longer warns at every toxin session nor waits on
    the dashboard, until new evidence raises it again (patients/red_flags.py).

    Written by patients.services.acknowledge_red_flag alone; never changed or
    deleted. Only "view" and "acknowledge" exist as permissions.
    """

    case = models.ForeignKey(
        Case,
        models.PROTECT,
        related_name="red_flag_acknowledgements",
        verbose_name=_("case"),
    )
    flag = models.CharField(max_length=40, choices=RedFlag, verbose_name=_("flag"))
    evidence = models.JSONField(
        default=list,
        help_text=_("The facts that raised the flag when it was acknowledged."),
        verbose_name=_("evidence"),
    )
    note = NoteField(verbose_name=_("note"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("acknowledged at")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("red flag acknowledgement")
        verbose_name_plural = _("red flag acknowledgements")
        ordering = ["acknowledged_at", "pk"]
        default_permissions = ("view",)
        permissions = [
            ("acknowledge_red_flag", "Can acknowledge a case's red flags"),
        ]
        constraints = [
            valid_choice("flag", RedFlag, "patients_redflagack"),
            models.CheckConstraint(
                condition=~Q(note=""),
                name="patients_redflagack_has_note",
                violation_error_message=ACKNOWLEDGEMENT_NOTE_MESSAGE,
            ),
        ]
        indexes = [
            # The admin's list order (newest first, then Django's -pk tiebreak).
            models.Index(
                fields=["-acknowledged_at", "-id"], name="patients_redflagack_newest"
            ),
        ]

    def __str__(self):
        return gettext("%(flag)s acknowledged") % {"flag": self.get_flag_display()}
