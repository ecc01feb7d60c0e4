import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clinic.records import MultipleChoiceField, entered_in_error_constraint
from patients import coding, scales
from patients.reports import report_upload_path, validate_report_file
from patients.search import parse_search_date, search_key
from patients.signing import (
    SIGN_OFF_ONLY_MESSAGE,
    SIGNED_MESSAGE,
    SignedStudyError,
    changed_fields,
    refuse_changes_trigger,
    refuse_signed_update_trigger,
)

# Choice enums live at module level so that Meta.constraints can reference them.


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not known"


class ReminderChannel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "Text message"
    PHONE = "phone", "Phone call"
    LETTER = "letter", "Letter"


class GuardianRelationship(models.TextChoices):
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    LEGAL_GUARDIAN = "legal_guardian", "Legal guardian"
    OTHER = "other", "Other"


class Condition(models.TextChoices):
    HEMIFACIAL_SPASM = "hemifacial_spasm", "Hemifacial spasm"
    BLEPHAROSPASM = "blepharospasm", "Blepharospasm"
    FACIAL_MYOKYMIA = "facial_myokymia", "Facial myokymia"
    BELLS_PALSY = "bells_palsy", "Bell's palsy"
    POST_PARALYTIC_SYNKINESIS = (
        "post_paralytic_synkinesis",
        "Synkinesis / twitching after Bell's palsy",
    )
    TIC_DISORDER = "tic_disorder", "Tic disorder (incl. Tourette syndrome)"
    MULTIPLE_SCLEROSIS = "multiple_sclerosis", "Twitching in multiple sclerosis"
    DYSTONIA = "dystonia", "Twitching in dystonia"
    PARKINSONS = "parkinsons", "Twitching in Parkinson's disease"
    BENIGN_TWITCHING = "benign_twitching", "Benign stress / fatigue twitching"


class Laterality(models.TextChoices):
    RIGHT = "right", "Right"
    LEFT = "left", "Left"
    BILATERAL = "bilateral", "Bilateral"
    NOT_APPLICABLE = "n/a", "Not applicable"


class FaceRegion(models.TextChoices):
    UPPER_EYELID = "upper_eyelid", "Upper eyelid"
    LOWER_EYELID = "lower_eyelid", "Lower eyelid"
    BROW = "brow", "Brow / forehead"
    CHEEK = "cheek", "Cheek"
    NOSE = "nose", "Nose"
    MOUTH = "mouth", "Mouth / perioral"
    CHIN = "chin", "Chin"
    NECK = "neck", "Neck / platysma"


class Trigger(models.TextChoices):
    STRESS = "stress", "Stress"
    FATIGUE = "fatigue", "Fatigue / lack of sleep"
    CAFFEINE = "caffeine", "Caffeine"
    BRIGHT_LIGHT = "bright_light", "Bright light / wind"
    READING_SCREENS = "reading_screens", "Reading / screens"
    TALKING_EATING = "talking_eating", "Talking / eating"
    FACIAL_MOVEMENT = "facial_movement", "Voluntary facial movement"
    LYING_DOWN = "lying_down", "Lying down"


class RedFlag(models.TextChoices):
    """DOMAIN.md 5.1: any one of these escalates the case to a neurologist."""

    FACIAL_WEAKNESS = "facial_weakness", "Twitching with facial weakness"
    CRANIAL_NERVE_SIGNS = (
        "cranial_nerve_signs",
        "Hearing loss, facial numbness or other cranial-nerve signs",
    )
    LONG_TRACT_SIGNS = "long_tract_signs", "Long-tract signs"
    SPASM_BEFORE_WEAKNESS = "spasm_before_weakness", "Spasm preceded facial weakness"
    ATYPICAL_BELLS = (
        "atypical_bells",
        "Atypical Bell's palsy (bilateral, progressive, no recovery by 4 months)",
    )
    FOREHEAD_SPARING = "forehead_sparing", "Forehead-sparing weakness"
    UNILATERAL_PERIORAL_MYOKYMIA = (
        "unilateral_perioral_myokymia",
        "Unilateral myokymia involving the lower face",
    )
    CHILD_HEMIFACIAL_SPASM = "child_hemifacial_spasm", "Child with hemifacial spasm"
    POST_TOXIN_DISTANT_SPREAD = (
        "post_toxin_distant_spread",
        "Swallowing, speech, breathing or vision problems after toxin",
    )
    EYE_PAIN_VISION = "eye_pain_vision", "Eye pain, red eye or visual change"
    ATYPICAL_SPREAD = (
        "atypical_spread",
        "Atypical spread (lower face upwards) or bilateral spasm",
    )


class ToxinPrecaution(models.TextChoices):
    """What the botulinum-toxin labels contraindicate or warn about, recorded on
    the patient; which products each applies to is treatments/labels.py's."""

    TOXIN_HYPERSENSITIVITY = (
        "toxin_hypersensitivity",
        "Hypersensitivity to a botulinum toxin product or an excipient",
    )
    COWS_MILK_ALLERGY = "cows_milk_allergy", "Allergy to cow's-milk protein"
    INJECTION_SITE_INFECTION = (
        "injection_site_infection",
        "Infection at a planned injection site",
    )
    NEUROMUSCULAR_DISORDER = (
        "neuromuscular_disorder",
        "Neuromuscular junction disorder (myasthenia gravis, Lambert-Eaton "
        "syndrome) or ALS",
    )
    AMINOGLYCOSIDE = (
        "aminoglycoside",
        "Taking an aminoglycoside antibiotic (prescribed elsewhere)",
    )
    PREGNANT = "pregnant", "Pregnant"
    BREASTFEEDING = "breastfeeding", "Breastfeeding"


class CaseStatus(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment"
    ACTIVE = "active", "Active treatment"
    OBSERVATION = "observation", "Observation"
    RESOLVED = "resolved", "Resolved"
    DISCHARGED = "discharged", "Discharged"


CLOSED_CASE_STATUSES = [CaseStatus.RESOLVED, CaseStatus.DISCHARGED]


class Modality(models.TextChoices):
    MRI = "mri", "MRI"
    EEG = "eeg", "EEG"
    EMG = "emg", "EMG"
    BLOOD = "blood", "Blood test"
    OTHER = "other", "Other"


class StudyStatus(models.TextChoices):
    ORDERED = "ordered", "Ordered"
    PERFORMED = "performed", "Performed"
    RESULTED = "resulted", "Resulted"
    REVIEWED = "reviewed", "Reviewed"
    CANCELLED = "cancelled", "Cancelled"


class FieldStrength(models.TextChoices):
    T1_5 = "1.5T", "1.5 T"
    T3 = "3T", "3 T"
    OTHER = "other", "Other"


class Vessel(models.TextChoices):
    AICA = "aica", "AICA"
    PICA = "pica", "PICA"
    VERTEBRAL = "vertebral", "Vertebral artery"
    VEIN = "vein", "Vein"
    OTHER = "other", "Other vessel"
    NONE = "none", "None identified"


def adult_birth_cutoff(day: datetime.date) -> datetime.date:
    """The latest date of birth of a patient who is an adult on `day`.

    A birthday on 29 February counts from 1 March in other years, as `age_on` does.
    """
    years = settings.CLINIC_ADULT_AGE_YEARS
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February, and the cutoff year is not a leap year
        return day.replace(year=day.year - years, day=28)


def refuse_before_birth(patient, **moments) -> None:
    """Refuse, next to its field, any clinical date or time before the patient's
    birth: such a record cannot be true, and no override makes it so."""
    if patient is None or patient.date_of_birth is None:
        return
    errors = {}
    for field, moment in moments.items():
        if moment is None:
            continue
        day = (
            timezone.localtime(moment).date()
            if isinstance(moment, datetime.datetime)
            else moment
        )
        if day < patient.date_of_birth:
            errors[field] = (
                f"This is before the patient's birth on "
                f"{patient.date_of_birth:%d %b %Y}."
            )
    if errors:
        raise ValidationError(errors)


class PatientQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_archived=False)

    def search(self, term: str):
        """Patients matching an MRN, a date of birth, or every word of a name."""
        term = term.strip()
        if not term:
            return self
        born = parse_search_date(term)
        if born is not None:
            return self.filter(date_of_birth=born)
        by_name = self
        for word in search_key(term).split():
            by_name = by_name.filter(search_name__contains=word)
        return by_name | self.filter(mrn__startswith=term.upper())

    def for_list_page(self):
        return self.select_related("responsible_neurologist").annotate(
            consenting_guardian_count=models.Count(
                "guardians", filter=Q(guardians__holds_consent=True)
            )
        )

    def minors_on(self, day: datetime.date):
        """Patients under the adult age on `day` (born after the adult-birth cutoff)."""
        return self.filter(date_of_birth__gt=adult_birth_cutoff(day))

    def without_consenting_guardian(self):
        """Nobody on record may consent to treatment for these patients."""
        return self.exclude(
            models.Exists(
                Guardian.objects.filter(
                    patient=models.OuterRef("pk"), holds_consent=True
                )
            )
        )


class Patient(models.Model):
    mrn = models.CharField(
        "MRN",
        max_length=20,
        validators=[
            RegexValidator(
                r"^[A-Z0-9-]{3,20}$",
                "An MRN is 3 to 20 capital letters, digits or hyphens.",
            )
        ],
        help_text="Medical record number, unique in the clinic.",
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex, default=Sex.UNKNOWN)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    address = models.TextField(blank=True)
    reminder_consent = models.BooleanField(
        default=False, help_text="The patient (or guardian) agreed to reminders."
    )
    reminder_channel = models.CharField(
        max_length=10, choices=ReminderChannel, blank=True
    )
    weight_kg = models.DecimalField(
        "weight (kg)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="Required for children's toxin dosing (units per kg).",
    )
    weight_measured_on = models.DateField(null=True, blank=True)
    toxin_precautions = MultipleChoiceField(
        "toxin precautions",
        options=ToxinPrecaution.choices,
        help_text="Checked before every toxin session against the product's label.",
    )
    referring_clinician = models.CharField(max_length=200, blank=True)
    responsible_neurologist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="neurology_patients",
    )
    search_name = models.CharField(
        max_length=201,
        editable=False,
        help_text="Given and family name without accents or case, for search.",
    )
    is_archived = models.BooleanField(
        default=False, help_text="Archived patients are kept, never deleted."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["mrn"],
                name="patients_patient_mrn_unique",
                violation_error_message="Another patient already has this MRN.",
                # "unique" files the message under the MRN field, next to the input.
                violation_error_code="unique",
            ),
            models.CheckConstraint(
                condition=Q(sex__in=Sex.values), name="patients_patient_sex_valid"
            ),
            models.CheckConstraint(
                condition=Q(reminder_channel__in=[*ReminderChannel.values, ""]),
                name="patients_patient_channel_valid",
            ),
            models.CheckConstraint(
                condition=Q(reminder_consent=False) | ~Q(reminder_channel=""),
                name="patients_patient_consent_has_channel",
                violation_error_message="Choose how reminders are sent.",
            ),
            models.CheckConstraint(
                condition=Q(weight_kg__isnull=True)
                | Q(weight_kg__gt=0, weight_kg__lt=400),
                name="patients_patient_weight_plausible",
                violation_error_message="Weight must be between 0 and 400 kg.",
            ),
            models.CheckConstraint(
                condition=Q(weight_kg__isnull=True, weight_measured_on__isnull=True)
                | Q(weight_kg__isnull=False, weight_measured_on__isnull=False),
                name="patients_patient_weight_has_date",
                violation_error_message="Record the date the weight was measured.",
            ),
            models.CheckConstraint(
                condition=Q(weight_measured_on__isnull=True)
                | Q(weight_measured_on__gte=F("date_of_birth")),
                name="patients_patient_weighed_after_birth",
                violation_error_message="The weight cannot be measured before birth.",
            ),
        ]
        indexes = [
            # Patient search by name and by date of birth.
            models.Index(
                fields=["family_name", "given_name"], name="patients_patient_name"
            ),
            models.Index(fields=["date_of_birth"], name="patients_patient_dob"),
        ]

    def __str__(self):
        return f"{self.family_name.upper()}, {self.given_name} ({self.mrn})"

    def save(self, *args, **kwargs):
        # Kept in step with the names on every save, so that name search ignores
        # accents and case the same way on PostgreSQL and SQLite.
        self.search_name = search_key(f"{self.given_name} {self.family_name}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("patient_chart", args=[self.pk])

    def toxin_precaution_labels(self) -> list[str]:
        return self._meta.get_field("toxin_precautions").labels(self.toxin_precautions)

    def clean(self):
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            raise ValidationError(
                {"date_of_birth": "The date of birth cannot be in the future."}
            )

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def age_on(self, day: datetime.date) -> int:
        born = self.date_of_birth
        had_birthday = (day.month, day.day) >= (born.month, born.day)
        return day.year - born.year - (0 if had_birthday else 1)

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    def is_minor_on(self, day: datetime.date) -> bool:
        return self.age_on(day) < settings.CLINIC_ADULT_AGE_YEARS

    @property
    def is_minor(self) -> bool:
        return self.is_minor_on(timezone.localdate())

    def needs_guardian(self, consenting_guardian_count: int) -> bool:
        """A child with no guardian who holds consent: nobody can consent for them."""
        return self.is_minor and consenting_guardian_count == 0


class Guardian(models.Model):
    patient = models.ForeignKey(Patient, models.PROTECT, related_name="guardians")
    full_name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=20, choices=GuardianRelationship)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    holds_consent = models.BooleanField(
        default=True, help_text="May consent to treatment for the patient."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(relationship__in=GuardianRelationship.values),
                name="patients_guardian_relationship_valid",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.get_relationship_display().lower()})"


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
    notes = models.TextField(blank=True)
    entered_in_error = models.BooleanField(default=False)
    entered_in_error_reason = models.TextField(blank=True)
    form_token = models.UUIDField(
        null=True,
        blank=True,
        editable=False,
        help_text="The one-time token of the form that created the case: a double "
        "submit of that form finds this case instead of saving a second one.",
    )
    history = HistoricalRecords()

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(condition__in=Condition.values),
                name="patients_case_condition_valid",
            ),
            models.CheckConstraint(
                condition=Q(laterality__in=Laterality.values),
                name="patients_case_laterality_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CaseStatus.values),
                name="patients_case_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(onset_site__in=[*FaceRegion.values, ""]),
                name="patients_case_onset_site_valid",
            ),
            models.CheckConstraint(
                condition=~Q(condition=Condition.HEMIFACIAL_SPASM)
                | Q(
                    laterality__in=[
                        Laterality.RIGHT,
                        Laterality.LEFT,
                        Laterality.BILATERAL,
                    ]
                ),
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
            models.Index(fields=["status"], name="patients_case_status"),
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
        if self.condition == Condition.HEMIFACIAL_SPASM and self.laterality not in (
            Laterality.RIGHT,
            Laterality.LEFT,
            Laterality.BILATERAL,
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

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_CASE_STATUSES

    @property
    def is_bells_palsy(self) -> bool:
        return self.condition == Condition.BELLS_PALSY

    def red_flag_labels(self) -> list[str]:
        return self._meta.get_field("red_flags").labels(self.red_flags)


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

PERFORMED_BEFORE_ORDERED = (
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
            raise SignedStudyError(SIGNED_MESSAGE)
        return super().update(**kwargs)


class DiagnosticStudy(models.Model):
    case = models.ForeignKey(Case, models.PROTECT, related_name="studies")
    modality = models.CharField(max_length=10, choices=Modality)
    description = models.CharField(
        max_length=200, blank=True, help_text="E.g. 3D T2 CISS + MRA of the brainstem."
    )
    status = models.CharField(
        max_length=10, choices=StudyStatus, default=StudyStatus.ORDERED
    )
    ordered_on = models.DateField(default=timezone.localdate)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+"
    )
    performed_on = models.DateField(null=True, blank=True)
    performed_externally = models.BooleanField(
        default=False,
        help_text="Performed at another centre, possibly before it was ordered here.",
    )
    resulted_on = models.DateField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    mri_field_strength = models.CharField(
        "MRI field strength", max_length=5, choices=FieldStrength, blank=True
    )
    mri_sequences = models.CharField("MRI sequences", max_length=200, blank=True)
    mri_neurovascular_compression = models.BooleanField(
        "neurovascular compression", null=True, blank=True
    )
    mri_compression_side = models.CharField(
        "compression side", max_length=10, choices=Laterality, blank=True
    )
    mri_offending_vessels = MultipleChoiceField(
        "offending vessels", options=Vessel.choices
    )
    mri_lesion_found = models.BooleanField("lesion found", null=True, blank=True)
    mri_lesion_description = models.TextField("lesion", blank=True)

    emg_lateral_spread_response = models.BooleanField(
        "lateral spread response", null=True, blank=True
    )
    emg_lsr_latency_ms = models.DecimalField(
        "LSR latency (ms)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"), "The latency must be positive.")],
    )
    emg_high_frequency_bursts = models.BooleanField(
        "high-frequency bursts (150-400 Hz)", null=True, blank=True
    )
    emg_myokymic_discharges = models.BooleanField(
        "myokymic discharges", null=True, blank=True
    )
    emg_blink_reflex_synkinesis = models.BooleanField(
        "blink-reflex synkinesis", null=True, blank=True
    )

    eeg_abnormal = models.BooleanField("EEG abnormal", null=True, blank=True)
    eeg_epileptiform_activity = models.BooleanField(
        "epileptiform activity", null=True, blank=True
    )
    eeg_ictal_correlate = models.BooleanField("ictal correlate", null=True, blank=True)

    impression = models.TextField(blank=True)
    report = models.FileField(
        upload_to=report_upload_path,
        blank=True,
        validators=[validate_report_file],
        help_text="PDF, PNG or JPEG.",
    )
    entered_in_error = models.BooleanField(default=False)
    entered_in_error_reason = models.TextField(blank=True)
    form_token = models.UUIDField(
        null=True,
        blank=True,
        editable=False,
        help_text="The one-time token of the form that ordered the study: a double "
        "submit of that form finds this study instead of saving a second one.",
    )
    history = HistoricalRecords()

    objects = DiagnosticStudyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "diagnostic studies"
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
            models.CheckConstraint(
                condition=Q(modality__in=Modality.values),
                name="patients_study_modality_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=StudyStatus.values),
                name="patients_study_status_valid",
            ),
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
                violation_error_message="A result needs a performed date on or before "
                "it.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=STATUSES_AFTER_PERFORMED)
                | Q(performed_on__isnull=False),
                name="patients_study_performed_has_date",
                violation_error_message="Record the date the study was performed.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=STATUSES_AFTER_RESULTED)
                | Q(resulted_on__isnull=False),
                name="patients_study_resulted_has_date",
                violation_error_message="Record the date the result arrived.",
            ),
            models.CheckConstraint(
                condition=~Q(status=StudyStatus.REVIEWED)
                | Q(reviewed_at__isnull=False, reviewed_by__isnull=False),
                name="patients_study_reviewed_has_reviewer",
                violation_error_message="A reviewed study needs who reviewed it and "
                "when.",
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
            # Dashboard: results awaiting review.
            models.Index(fields=["status"], name="patients_study_status"),
        ]

    def __str__(self):
        return f"{self.get_modality_display()} ordered {self.ordered_on:%d %b %Y}"

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
                    errors[name] = f"{label} findings belong on an {label} study."
        if (
            self.reviewed_at
            and self.resulted_on
            and timezone.localtime(self.reviewed_at).date() < self.resulted_on
        ):
            errors["reviewed_at"] = "A result cannot be reviewed before it arrived."
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
            errors["performed_on"] = "Record the date the study was performed."
        elif self.resulted_on and not self.performed_on:
            errors["performed_on"] = "A result needs a performed date on or before it."
        if (
            self.resulted_on
            and self.performed_on
            and self.resulted_on < self.performed_on
        ):
            errors["resulted_on"] = "A result needs a performed date on or before it."
        elif self.status in STATUSES_AFTER_RESULTED and not self.resulted_on:
            errors["resulted_on"] = "Record the date the result arrived."
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
            raise SignedStudyError(SIGNED_MESSAGE)
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
        DiagnosticStudy, models.PROTECT, related_name="amendments"
    )
    text = models.TextField(help_text="The corrected or added finding or impression.")
    reason = models.TextField(help_text="Why the signed result needed correcting.")
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+"
    )
    amended_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["amended_at", "pk"]
        # Nobody is granted add, change or delete: amend_study checks the sign-off
        # permission, and an amendment is never changed.
        default_permissions = ("view",)
        triggers = [refuse_changes_trigger(name="patients_amendment_write_once")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""),
                name="patients_amendment_has_text",
                violation_error_message="Write the amendment.",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="patients_amendment_has_reason",
                violation_error_message="Say why the signed result is amended.",
            ),
        ]

    def __str__(self):
        return f"Amendment of {self.study} on {self.amended_at:%d %b %Y}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise SignedStudyError("An amendment is never changed: add another.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.study.get_absolute_url()


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
    notes = models.TextField(blank=True)
    entered_in_error = models.BooleanField(default=False)
    entered_in_error_reason = models.TextField(blank=True)
    form_token = models.UUIDField(
        null=True,
        blank=True,
        editable=False,
        help_text="The one-time token of the form that recorded the score: a double "
        "submit of that form finds this assessment instead of saving a second one.",
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
            models.CheckConstraint(
                condition=Q(side__in=[*Laterality.values, ""]),
                name="patients_assessment_side_valid",
            ),
            entered_in_error_constraint("patients_assessment"),
            models.UniqueConstraint(
                fields=["form_token"], name="patients_assessment_form_token_unique"
            ),
        ]
        indexes = [
            # Trend charts: one instrument's scores for a case over time.
            models.Index(
                fields=["case", "instrument", "assessed_on"],
                name="patients_assessment_trend",
            ),
        ]

    def __str__(self):
        return f"{self.get_instrument_display()} {self.score} on {self.assessed_on}"

    def clean(self):
        refuse_before_birth(
            self.case.patient if self.case_id else None, assessed_on=self.assessed_on
        )
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
