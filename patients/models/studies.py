"""Diagnostic studies with their findings, their sign-off, and the amendments of
a signed study."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
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
from patients.models.cases import Case
from patients.models.choices import (
    FieldStrength,
    Laterality,
    Modality,
    StudyStatus,
    Vessel,
)
from patients.models.patient import refuse_before_birth
from patients.reports import report_upload_path, validate_report_file
from patients.signing import (
    SIGN_OFF_ONLY_MESSAGE,
    SIGNED_MESSAGE,
    SignedStudyError,
    changed_fields,
    refuse_changes_trigger,
    refuse_signed_update_trigger,
)

# Which fields hold which modality's structured findings.
FINDING_FIELDS = {
    Modality.MRI: (
        "mri_field_strength",
        "mri_sequences",
        "mri_neurovascular_compression",
        "mri_compression_side",
        "mri_offending_vessels",
        "mri_lesion_found",
        "mri_lesion_description",
    ),
    Modality.EMG: (
        "emg_lateral_spread_response",
        "emg_lsr_latency_ms",
        "emg_high_frequency_bursts",
        "emg_myokymic_discharges",
        "emg_blink_reflex_synkinesis",
    ),
    Modality.EEG: (
        "eeg_abnormal",
        "eeg_epileptiform_activity",
        "eeg_ictal_correlate",
    ),
}

ALL_FINDING_FIELDS = tuple(name for names in FINDING_FIELDS.values() for name in names)

# What a sign-off locks: the result, its dates and who signed it when. The case is
# not locked (a merge of duplicate patients moves the study with its case), nor is
# "entered in error" (a signed record found wrong is marked so, in its history).
# The trigger, the model's save(), the QuerySet's update() and the forms read this.
SIGN_OFF_FIELDS = ("status", "reviewed_by", "reviewed_at")
SIGNED_STUDY_FIELDS = (
    "modality",
    "description",
    "ordered_on",
    "ordered_by",
    "performed_on",
    "performed_externally",
    "resulted_on",
    *ALL_FINDING_FIELDS,
    "impression",
    "report",
    *SIGN_OFF_FIELDS,
)

PERFORMED_BEFORE_ORDERED = _(
    "A study cannot be performed before it was ordered. If it was performed at "
    'another centre, mark it "performed externally".'
)

STATUSES_AFTER_PERFORMED = [
    StudyStatus.PERFORMED,
    StudyStatus.RESULTED,
    StudyStatus.REVIEWED,
]
STATUSES_AFTER_RESULTED = [StudyStatus.RESULTED, StudyStatus.REVIEWED]


class DiagnosticStudyQuerySet(models.QuerySet):
    def awaiting_review(self):
        return self.filter(status=StudyStatus.RESULTED, entered_in_error=False)

    def update(self, **kwargs):
        """Refuse what a sign-off locks: update() writes no history, and a signed
        study's result is corrected by an amendment. Sign-off is sign_off_study's
        (patients/services.py), which saves the row instead."""
        names = {f.attname: f.name for f in self.model._meta.concrete_fields}
        touched = {names.get(key, key) for key in kwargs} & set(SIGNED_STUDY_FIELDS)
        if touched & set(SIGN_OFF_FIELDS):
            raise SignedStudyError(SIGN_OFF_ONLY_MESSAGE)
        if touched and self.filter(status=StudyStatus.REVIEWED).exists():
            raise SignedStudyError(gettext(SIGNED_MESSAGE))
        return super().update(**kwargs)


class DiagnosticStudy(models.Model):
    case = models.ForeignKey(
        Case, models.PROTECT, related_name="studies", verbose_name=_("case")
    )
    modality = models.CharField(
        max_length=10, choices=Modality, verbose_name=_("modality")
    )
    description = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("E.g. 3D T2 CISS + MRA of the brainstem."),
        verbose_name=_("description"),
    )
    status = models.CharField(
        max_length=10,
        choices=StudyStatus,
        default=StudyStatus.ORDERED,
        verbose_name=_("status"),
    )
    ordered_on = models.DateField(
        default=timezone.localdate, verbose_name=_("ordered on")
    )
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("ordered by"),
    )
    performed_on = models.DateField(
        null=True, blank=True, verbose_name=_("performed on")
    )
    performed_externally = models.BooleanField(
        default=False,
        help_text=_(
            "Performed at another centre, possibly before it was ordered here."
        ),
        verbose_name=_("performed externally"),
    )
    resulted_on = models.DateField(null=True, blank=True, verbose_name=_("resulted on"))
    reviewed_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("reviewed at")
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )

    mri_field_strength = models.CharField(
        _("MRI field strength"), max_length=5, choices=FieldStrength, blank=True
    )
    mri_sequences = models.CharField(_("MRI sequences"), max_length=200, blank=True)
    mri_neurovascular_compression = models.BooleanField(
        _("neurovascular compression"), null=True, blank=True
    )
    mri_compression_side = models.CharField(
        _("compression side"), max_length=10, choices=Laterality, blank=True
    )
    mri_offending_vessels = MultipleChoiceField(
        _("offending vessels"), options=Vessel.choices
    )
    mri_lesion_found = models.BooleanField(_("lesion found"), null=True, blank=True)
    mri_lesion_description = NoteField(_("lesion"), blank=True)

    emg_lateral_spread_response = models.BooleanField(
        _("lateral spread response"), null=True, blank=True
    )
    emg_lsr_latency_ms = models.DecimalField(
        _("LSR latency (ms)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal("0.1"), _("The latency must be positive."))
        ],
    )
    emg_high_frequency_bursts = models.BooleanField(
        _("high-frequency bursts (150-400 Hz)"), null=True, blank=True
    )
    emg_myokymic_discharges = models.BooleanField(
        _("myokymic discharges"), null=True, blank=True
    )
    emg_blink_reflex_synkinesis = models.BooleanField(
        _("blink-reflex synkinesis"), null=True, blank=True
    )

    eeg_abnormal = models.BooleanField(_("EEG abnormal"), null=True, blank=True)
    eeg_epileptiform_activity = models.BooleanField(
        _("epileptiform activity"), null=True, blank=True
    )
    eeg_ictal_correlate = models.BooleanField(
        _("ictal correlate"), null=True, blank=True
    )

    impression = NoteField(blank=True, verbose_name=_("impression"))
    report = models.FileField(
        upload_to=report_upload_path,
        blank=True,
        validators=[validate_report_file],
        help_text=_("PDF, PNG or JPEG."),
        verbose_name=_("report"),
    )
    entered_in_error = models.BooleanField(
        default=False, verbose_name=_("entered in error")
    )
    entered_in_error_reason = NoteField(
        blank=True, verbose_name=_("entered in error reason")
    )
    form_token = form_token_field(
        _(
            "The one-time token of the form that ordered the study: a double "
            "submit of that form finds this study instead of saving a second one."
        )
    )
    history = HistoricalRecords()

    objects = DiagnosticStudyQuerySet.as_manager()

    class Meta:
        verbose_name = _("diagnostic study")
        verbose_name_plural = _("diagnostic studies")
        ordering = ["-ordered_on"]
        # Related managers and save() use the guarded QuerySet too.
        base_manager_name = "objects"
        permissions = [("review_diagnosticstudy", "Can sign off study results")]
        triggers = [
            refuse_signed_update_trigger(
                name="patients_study_signed_unchanged",
                signed_status=StudyStatus.REVIEWED,
                fields=SIGNED_STUDY_FIELDS,
            )
        ]
        constraints = [
            valid_choice("modality", Modality, "patients_study"),
            valid_choice("status", StudyStatus, "patients_study"),
            models.CheckConstraint(
                condition=Q(mri_field_strength__in=[*FieldStrength.values, ""]),
                name="patients_study_field_strength_valid",
            ),
            models.CheckConstraint(
                condition=Q(mri_compression_side__in=[*Laterality.values, ""]),
                name="patients_study_compression_side_valid",
            ),
            models.CheckConstraint(
                condition=Q(performed_on__isnull=True)
                | Q(performed_externally=True)
                | Q(performed_on__gte=F("ordered_on")),
                name="patients_study_performed_after_ordered",
                violation_error_message=PERFORMED_BEFORE_ORDERED,
            ),
            models.CheckConstraint(
                condition=Q(resulted_on__isnull=True)
                | Q(performed_on__isnull=False, resulted_on__gte=F("performed_on")),
                name="patients_study_resulted_after_performed",
                violation_error_message=_(
                    "A result needs a performed date on or before it."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=STATUSES_AFTER_PERFORMED)
                | Q(performed_on__isnull=False),
                name="patients_study_performed_has_date",
                violation_error_message=_("Record the date the study was performed."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=STATUSES_AFTER_RESULTED)
                | Q(resulted_on__isnull=False),
                name="patients_study_resulted_has_date",
                violation_error_message=_("Record the date the result arrived."),
            ),
            models.CheckConstraint(
                condition=~Q(status=StudyStatus.REVIEWED)
                | Q(reviewed_at__isnull=False, reviewed_by__isnull=False),
                name="patients_study_reviewed_has_reviewer",
                violation_error_message=_(
                    "A reviewed study needs who reviewed it and when."
                ),
            ),
            models.CheckConstraint(
                condition=Q(emg_lsr_latency_ms__isnull=True)
                | Q(emg_lsr_latency_ms__gt=0),
                name="patients_study_lsr_latency_positive",
            ),
            entered_in_error_constraint("patients_study"),
            models.UniqueConstraint(
                fields=["form_token"], name="patients_study_form_token_unique"
            ),
        ]
        indexes = [
            # The admin's list order (newest first, then Django's -pk tiebreak).
            models.Index(fields=["-ordered_on", "-id"], name="patients_study_newest"),
            # Dashboard: results awaiting review, oldest first (its order).
            models.Index(
                fields=["resulted_on", "id"],
                condition=Q(status=StudyStatus.RESULTED, entered_in_error=False),
                name="patients_study_awaiting_review",
            ),
        ]

    def __str__(self):
        return gettext("%(modality)s ordered %(day)s") % {
            "modality": self.get_modality_display(),
            "day": date_format(self.ordered_on, "d M Y"),
        }

    def save(self, *args, _signing_off: bool = False, **kwargs):
        # A guard, not logic: a signed study's locked columns stay as signed, and
        # only sign_off_study (patients/services.py) passes _signing_off.
        if self.pk is not None:
            self._refuse_signed_changes(
                update_fields=kwargs.get("update_fields"), signing_off=_signing_off
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("patients:study_detail", args=[self.pk])

    def clean(self):
        refuse_before_birth(
            self.case.patient if self.case_id else None,
            ordered_on=self.ordered_on,
            performed_on=self.performed_on,
            resulted_on=self.resulted_on,
        )
        errors = {}
        for modality, fields in FINDING_FIELDS.items():
            if modality == self.modality:
                continue
            for name in fields:
                value = getattr(self, name)
                if value not in (None, "", []):
                    label = Modality(modality).label
                    errors[name] = gettext(
                        "%(modality)s findings belong on an %(modality)s study."
                    ) % {"modality": label}
        if (
            self.reviewed_at
            and self.resulted_on
            and timezone.localtime(self.reviewed_at).date() < self.resulted_on
        ):
            errors["reviewed_at"] = gettext(
                "A result cannot be reviewed before it arrived."
            )
        # The checks below repeat Meta.constraints so that a form shows each message
        # next to its field; the constraint on a field with an error is then skipped.
        if (
            self.performed_on
            and self.ordered_on
            and self.performed_on < self.ordered_on
            and not self.performed_externally
        ):
            errors["performed_on"] = PERFORMED_BEFORE_ORDERED
        elif self.status in STATUSES_AFTER_PERFORMED and not self.performed_on:
            errors["performed_on"] = gettext("Record the date the study was performed.")
        elif self.resulted_on and not self.performed_on:
            errors["performed_on"] = gettext(
                "A result needs a performed date on or before it."
            )
        if (
            self.resulted_on
            and self.performed_on
            and self.resulted_on < self.performed_on
        ):
            errors["resulted_on"] = gettext(
                "A result needs a performed date on or before it."
            )
        elif self.status in STATUSES_AFTER_RESULTED and not self.resulted_on:
            errors["resulted_on"] = gettext("Record the date the result arrived.")
        if errors:
            raise ValidationError(errors)

    def _refuse_signed_changes(self, *, update_fields, signing_off: bool) -> None:
        names = [
            name
            for name in SIGNED_STUDY_FIELDS
            if update_fields is None
            or name in update_fields
            or self._meta.get_field(name).attname in update_fields
        ]
        attnames = [self._meta.get_field(name).attname for name in names]
        stored = (
            type(self)
            ._base_manager.filter(pk=self.pk)
            .values("status", *attnames)
            .first()
        )
        if stored is None:
            return  # a new row with a chosen primary key
        changed = changed_fields(self, stored, names)
        if stored["status"] == StudyStatus.REVIEWED and changed:
            raise SignedStudyError(gettext(SIGNED_MESSAGE))
        signs = self.status == StudyStatus.REVIEWED and "status" in changed
        if not signing_off and (signs or changed & {"reviewed_by", "reviewed_at"}):
            raise SignedStudyError(SIGN_OFF_ONLY_MESSAGE)

    @property
    def is_signed(self) -> bool:
        return self.status == StudyStatus.REVIEWED

    @property
    def awaits_sign_off(self) -> bool:
        """Resulted and valid: what a neurologist signs off (awaiting_review())."""
        return self.status == StudyStatus.RESULTED and not self.entered_in_error

    def get_report_url(self) -> str:
        return reverse("patients:study_report", args=[self.pk])


class StudyAmendment(models.Model):
    """A correction of a signed-off study, shown beside the original, which stays.

    Written once by amend_study (patients/services.py); never edited or deleted
    (on PostgreSQL a trigger refuses both).
    """

    study = models.ForeignKey(
        DiagnosticStudy,
        models.PROTECT,
        related_name="amendments",
        verbose_name=_("study"),
    )
    text = NoteField(
        help_text=_("The corrected or added finding or impression."),
        verbose_name=_("text"),
    )
    reason = NoteField(
        help_text=_("Why the signed result needed correcting."),
        verbose_name=_("reason"),
    )
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("amended by"),
    )
    amended_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("amended at")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("study amendment")
        verbose_name_plural = _("study amendments")
        ordering = ["amended_at", "pk"]
        # The admin's list order.
        indexes = [
            models.Index(fields=["amended_at", "id"], name="patients_amendment_order")
        ]
        # Nobody is granted add, change or delete: amend_study checks the sign-off
        # permission, and an amendment is never changed.
        default_permissions = ("view",)
        triggers = [refuse_changes_trigger(name="patients_amendment_write_once")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""),
                name="patients_amendment_has_text",
                violation_error_message=_("Write the amendment."),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="patients_amendment_has_reason",
                violation_error_message=_("Say why the signed result is amended."),
            ),
        ]

    def __str__(self):
        return gettext("Amendment of %(study)s on %(day)s") % {
            "study": self.study,
            "day": date_format(self.amended_at, "d M Y"),
        }

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise SignedStudyError(
                gettext("An amendment is never changed: add another.")
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.study.get_absolute_url()
