import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clinic.records import (
    MultipleChoiceField,
    entered_in_error_constraint,
    entered_in_error_errors,
)
from patients.models import (
    Case,
    Condition,
    Patient,
    refuse_before_birth,
)
from treatments import dosing
from treatments.dosing import format_units, product_name

# Choice enums live at module level so that Meta.constraints can reference them.


class CourseKind(models.TextChoices):
    BOTULINUM_TOXIN = "botulinum_toxin", "Botulinum toxin"
    PHYSICAL_THERAPY = "physical_therapy", "Physical therapy"
    MEDICATION = "medication", "Medication"
    SURGICAL_REFERRAL = "surgical_referral", "Surgical referral (MVD)"
    OBSERVATION = "observation", "Observation with lifestyle advice"


class CourseStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    COMPLETED = "completed", "Completed"
    STOPPED = "stopped", "Stopped"


class Product(models.TextChoices):
    ONABOTULINUMTOXINA = "onabotulinumtoxina", "onabotulinumtoxinA (Botox)"
    ABOBOTULINUMTOXINA = "abobotulinumtoxina", "abobotulinumtoxinA (Dysport)"
    INCOBOTULINUMTOXINA = "incobotulinumtoxina", "incobotulinumtoxinA (Xeomin)"
    RIMABOTULINUMTOXINB = "rimabotulinumtoxinb", "rimabotulinumtoxinB (Myobloc)"


class Guidance(models.TextChoices):
    NONE = "none", "None (anatomical landmarks)"
    EMG = "emg", "EMG"
    E_STIM = "e_stim", "Electrical stimulation"
    ULTRASOUND = "ultrasound", "Ultrasound"


class BenefitRating(models.TextChoices):
    NONE = "none", "No benefit"
    SLIGHT = "slight", "Slight"
    MODERATE = "moderate", "Moderate"
    MARKED = "marked", "Marked"


class Muscle(models.TextChoices):
    """The injection map of DOMAIN.md 2.3."""

    OO_PRETARSAL_UPPER_MEDIAL = (
        "oo_pretarsal_upper_medial",
        "Orbicularis oculi, pretarsal upper lid, medial",
    )
    OO_PRETARSAL_UPPER_LATERAL = (
        "oo_pretarsal_upper_lateral",
        "Orbicularis oculi, pretarsal upper lid, lateral",
    )
    OO_PRETARSAL_LOWER_LATERAL = (
        "oo_pretarsal_lower_lateral",
        "Orbicularis oculi, pretarsal lower lid, lateral",
    )
    OO_PRESEPTAL = "oo_preseptal", "Orbicularis oculi, preseptal"
    OO_ORBITAL = "oo_orbital", "Orbicularis oculi, orbital / lateral canthus"
    CORRUGATOR = "corrugator", "Corrugator"
    PROCERUS = "procerus", "Procerus"
    FRONTALIS = "frontalis", "Frontalis"
    NASALIS = "nasalis", "Nasalis"
    LEVATOR_LABII = (
        "levator_labii",
        "Levator labii superioris (alaeque nasi)",
    )
    ZYGOMATICUS_MAJOR = "zygomaticus_major", "Zygomaticus major"
    ZYGOMATICUS_MINOR = "zygomaticus_minor", "Zygomaticus minor"
    RISORIUS = "risorius", "Risorius"
    BUCCINATOR = "buccinator", "Buccinator"
    ORBICULARIS_ORIS = "orbicularis_oris", "Orbicularis oris"
    DEPRESSOR_ANGULI_ORIS = "depressor_anguli_oris", "Depressor anguli oris"
    DEPRESSOR_LABII_INFERIORIS = (
        "depressor_labii_inferioris",
        "Depressor labii inferioris",
    )
    MENTALIS = "mentalis", "Mentalis"
    PLATYSMA = "platysma", "Platysma"


class Side(models.TextChoices):
    RIGHT = "right", "Right"
    LEFT = "left", "Left"
    MIDLINE = "midline", "Midline"


# Only these muscles cross the midline; every other site is charted on one side.
MIDLINE_MUSCLES = [Muscle.PROCERUS]


class Route(models.TextChoices):
    INTRAMUSCULAR = "im", "Intramuscular"
    SUBCUTANEOUS = "sc", "Subcutaneous"


class AdverseEffectKind(models.TextChoices):
    """DOMAIN.md 2.7 picklist."""

    PTOSIS = "ptosis", "Ptosis"
    LAGOPHTHALMOS = "lagophthalmos", "Lagophthalmos / incomplete eye closure"
    KERATITIS_DRY_EYE = "keratitis_dry_eye", "Exposure keratitis / dry eye"
    EPIPHORA = "epiphora", "Epiphora"
    DIPLOPIA = "diplopia", "Diplopia"
    PHOTOPHOBIA = "photophobia", "Photophobia"
    ECTROPION_ENTROPION = "ectropion_entropion", "Ectropion / entropion"
    FACIAL_WEAKNESS = "facial_weakness", "Lower-face weakness / mouth asymmetry"
    DROOLING = "drooling", "Drooling"
    DYSPHAGIA = "dysphagia", "Dysphagia"
    DYSPHONIA = "dysphonia", "Dysphonia"
    BREATHING_DIFFICULTY = "breathing_difficulty", "Breathing difficulty"
    BRUISING = "bruising", "Bruising / ecchymosis"
    INJECTION_SITE_PAIN = "injection_site_pain", "Injection-site pain"
    HEADACHE = "headache", "Headache"
    DISTANT_SPREAD = "distant_spread", "Distant spread of toxin"


# Signs of distant spread (boxed warning): escalate urgently.
URGENT_ADVERSE_EFFECTS = [
    AdverseEffectKind.DYSPHAGIA,
    AdverseEffectKind.DYSPHONIA,
    AdverseEffectKind.BREATHING_DIFFICULTY,
    AdverseEffectKind.DISTANT_SPREAD,
]


class Severity(models.TextChoices):
    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    SEVERE = "severe", "Severe"


class TherapyFocus(models.TextChoices):
    FACIAL_RETRAINING = "facial_retraining", "Facial retraining"
    BIOFEEDBACK = "biofeedback", "Mirror / EMG biofeedback"
    SOFT_TISSUE = "soft_tissue", "Massage and stretching"
    EYE_CARE = "eye_care", "Eye-protection teaching"
    RELAXATION = "relaxation", "Relaxation / habit reversal"


class TherapyProgress(models.TextChoices):
    IMPROVED = "improved", "Improved"
    UNCHANGED = "unchanged", "Unchanged"
    WORSE = "worse", "Worse"


class DrugRoute(models.TextChoices):
    ORAL = "oral", "Oral"
    INTRAVENOUS = "iv", "Intravenous"
    INTRAMUSCULAR = "im", "Intramuscular"
    TOPICAL = "topical", "Topical"
    OPHTHALMIC = "ophthalmic", "Eye drops / ointment"


class DoseUnit(models.TextChoices):
    MG = "mg", "mg"
    MICROGRAM = "mcg", "microgram"
    ML = "ml", "mL"
    DROP = "drop", "drop"


class Specialty(models.TextChoices):
    NEUROSURGERY = "neurosurgery", "Neurosurgery"
    OPHTHALMOLOGY = "ophthalmology", "Ophthalmology"
    ENT = "ent", "ENT / otology"
    PLASTIC_SURGERY = "plastic_surgery", "Facial plastic surgery"
    OTHER = "other", "Other"


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    SOON = "soon", "Soon"
    URGENT = "urgent", "Urgent"


class ReferralStatus(models.TextChoices):
    SENT = "sent", "Sent"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    SEEN = "seen", "Seen by specialist"
    SURGERY_SCHEDULED = "surgery_scheduled", "Surgery scheduled"
    OPERATED = "operated", "Operated"
    OUTCOME_RECORDED = "outcome_recorded", "Outcome recorded"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"


AWAITING_REPLY_STATUSES = [ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED]


class MvdOutcome(models.TextChoices):
    """DOMAIN.md 3: delayed cure is common, so 'not yet' is not 'failed'."""

    COMPLETE_RESOLUTION = "complete_resolution", "Complete resolution"
    PARTIAL = "partial", "Partial improvement"
    AWAITING_DELAYED_CURE = "awaiting_delayed_cure", "No change yet (delayed cure)"
    NO_CHANGE = "no_change", "No change"
    RECURRENCE = "recurrence", "Recurrence"


class MvdComplication(models.TextChoices):
    TRANSIENT_FACIAL_PALSY = "transient_facial_palsy", "Transient facial palsy"
    TRANSIENT_HEARING_LOSS = "transient_hearing_loss", "Transient hearing loss"
    CSF_LEAK = "csf_leak", "CSF leak"
    PERMANENT_HEARING_LOSS = "permanent_hearing_loss", "Permanent hearing loss"
    PERMANENT_FACIAL_PALSY = "permanent_facial_palsy", "Permanent facial palsy"
    OTHER = "other", "Other"


class FollowUpTimepoint(models.TextChoices):
    """MVD follow-up at about 1 week, 1, 3, 6, 12 and 24 months (DOMAIN.md 3)."""

    WEEK_1 = "1w", "1 week"
    MONTH_1 = "1m", "1 month"
    MONTH_3 = "3m", "3 months"
    MONTH_6 = "6m", "6 months"
    MONTH_12 = "12m", "12 months"
    MONTH_24 = "24m", "24 months"


FORM_TOKEN_HELP = (
    "The one-time token of the form that created the record: a double submit of "
    "that form finds this record instead of saving a second one."
)

# DOMAIN.md 4.1-4.2: oral steroids within 72 hours of the onset of Bell's palsy.
STEROIDS = ("prednisolone", "prednisone")
BELLS_STEROID_WINDOW = datetime.timedelta(hours=72)
# A session is charted when it is given; a clock a few minutes fast is not a future
# session.
FUTURE_TOLERANCE = datetime.timedelta(minutes=10)
DEFAULT_DILUENT = "0.9% sodium chloride, preservative-free"


def _form_token():
    return models.UUIDField(
        null=True, blank=True, editable=False, help_text=FORM_TOKEN_HELP
    )


def _form_token_unique(prefix: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["form_token"],
        name=f"{prefix}_form_token_unique",
        violation_error_message="This form was already saved.",
    )


def valid_choice(field: str, choices, prefix: str, *, blank=False):
    values = [*choices.values, ""] if blank else choices.values
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": values}), name=f"{prefix}_{field}_valid"
    )


def override_complete_constraint(prefix: str) -> models.CheckConstraint:
    """Either no override at all, or who, when and why together."""
    return models.CheckConstraint(
        condition=Q(
            overridden_by__isnull=True,
            overridden_at__isnull=True,
            override_reason="",
        )
        | (
            Q(overridden_by__isnull=False, overridden_at__isnull=False)
            & ~Q(override_reason="")
        ),
        name=f"{prefix}_override_complete",
        violation_error_message="An override needs who overrode, when and why.",
    )


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
    form_token = _form_token()
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
            _form_token_unique("treatments_course"),
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


class ToxinSessionQuerySet(models.QuerySet):
    def for_patient(self, patient: Patient):
        return self.filter(course__case__patient=patient)

    def valid(self):
        """Sessions that count clinically: not entered in error."""
        return self.filter(entered_in_error=False)

    def with_total_units(self):
        return self.annotate(total_units=models.Sum("injections__units"))


class ToxinSession(models.Model):
    """One botulinum-toxin session (DOMAIN.md 2.10)."""

    course = models.ForeignKey(
        TreatmentCourse, models.PROTECT, related_name="toxin_sessions"
    )
    performed_at = models.DateTimeField(default=timezone.now)
    injector = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+"
    )
    assistant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    product = models.CharField(max_length=20, choices=Product)
    consent_obtained = models.BooleanField(default=False)
    consent_information_version = models.CharField(
        "information sheet version", max_length=40, blank=True
    )
    distant_spread_risk_discussed = models.BooleanField(default=False)
    guidance = models.CharField(max_length=12, choices=Guidance, default=Guidance.NONE)
    # Follow-up reported by the patient later.
    onset_day = models.PositiveSmallIntegerField(
        "onset (days after injection)", null=True, blank=True
    )
    peak_day = models.PositiveSmallIntegerField(
        "peak (days after injection)", null=True, blank=True
    )
    wore_off_on = models.DateField("wore off on", null=True, blank=True)
    benefit = models.CharField(max_length=10, choices=BenefitRating, blank=True)
    notes = models.TextField(blank=True)
    entered_in_error = models.BooleanField(default=False)
    entered_in_error_reason = models.TextField(blank=True)
    # A one-time token from the charting form: a second POST of the same form
    # finds this session instead of charting it twice.
    form_token = models.UUIDField(null=True, blank=True, editable=False)
    # Safety warnings shown before saving and explicitly overridden (DESIGN.md 5).
    overridden_warnings = models.JSONField(
        "warnings overridden",
        default=list,
        blank=True,
        editable=False,
        help_text="The safety warnings shown when the session was saved.",
    )
    override_reason = models.TextField(blank=True, editable=False)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    overridden_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    objects = ToxinSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-performed_at"]
        constraints = [
            valid_choice("product", Product, "treatments_session"),
            valid_choice("guidance", Guidance, "treatments_session"),
            valid_choice("benefit", BenefitRating, "treatments_session", blank=True),
            models.CheckConstraint(
                condition=Q(peak_day__isnull=True)
                | Q(onset_day__isnull=True)
                | Q(peak_day__gte=F("onset_day")),
                name="treatments_session_peak_after_onset",
                violation_error_message="The peak cannot come before the onset.",
            ),
            entered_in_error_constraint("treatments_session"),
            models.UniqueConstraint(
                fields=["form_token"],
                name="treatments_session_form_token_unique",
                violation_error_message="This form was already saved.",
            ),
            override_complete_constraint("treatments_session"),
        ]
        indexes = [
            # Last session per patient / course.
            models.Index(
                fields=["course", "-performed_at"], name="treatments_session_course"
            ),
        ]
        permissions = [
            ("override_safety_warnings", "Can override toxin safety warnings"),
        ]

    def __str__(self):
        when = timezone.localtime(self.performed_at)
        return f"{self.get_product_display()} on {when:%d %b %Y}"

    def get_absolute_url(self):
        return reverse("treatments:toxinsession_detail", args=[self.pk])

    def clean(self):
        refuse_before_birth(
            self.course.case.patient if self.course_id else None,
            performed_at=self.performed_at,
        )
        if self.performed_at and self.performed_at > timezone.now() + FUTURE_TOLERANCE:
            raise ValidationError(
                {
                    "performed_at": "A session is charted once it is given: this "
                    "time is in the future."
                }
            )
        # The constraints hold these rules; here they get a message next to the
        # field the user has to change.
        errors = {}
        if self.course_id and not self.course.is_toxin:
            errors["course"] = "Toxin sessions belong to a botulinum-toxin course."
        if self.wore_off_on and self.performed_at:
            if self.wore_off_on < timezone.localtime(self.performed_at).date():
                errors["wore_off_on"] = "The effect cannot wear off before the session."
        if (
            self.onset_day is not None
            and self.peak_day is not None
            and self.peak_day < self.onset_day
        ):
            errors["peak_day"] = "The peak cannot come before the onset."
        if errors:
            raise ValidationError(errors)

    def record_override(self, *, warnings: list[str], reason: str, by, at) -> None:
        """Keep the overridden warnings with who overrode them, when and why; the
        caller saves."""
        reason = (reason or "").strip()
        if not warnings:
            raise ValidationError("There are no warnings to override.")
        if not reason:
            raise ValidationError({"override_reason": "Say why you override."})
        self.overridden_warnings = list(warnings)
        self.override_reason = reason
        self.overridden_by = by
        self.overridden_at = at

    @property
    def is_overridden(self) -> bool:
        return self.overridden_by_id is not None

    @property
    def performed_on(self):
        return timezone.localtime(self.performed_at).date()

    @property
    def benefit_days(self) -> int | None:
        """How long the effect lasted: wear-off date minus session date."""
        if self.wore_off_on is None:
            return None
        return (self.wore_off_on - self.performed_on).days


class Vial(models.Model):
    """A vial drawn from in a toxin session. The products are single-patient vials,
    so a vial belongs to one session; a session uses one or more (DOMAIN.md 2.4).
    The product is the session's: one visit gives one product."""

    session = models.ForeignKey(ToxinSession, models.PROTECT, related_name="vials")
    size_units = models.PositiveIntegerField("vial size (U)")
    lot_number = models.CharField(max_length=40)
    expiry_date = models.DateField()
    diluent = models.CharField(max_length=60, blank=True, default=DEFAULT_DILUENT)
    # Empty for a ready-made solution, which is not reconstituted.
    diluent_volume_ml = models.DecimalField(
        "diluent volume (mL)",
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(
                Decimal("0.01"), "The diluent volume must be more than 0 mL."
            )
        ],
    )
    reconstituted_at = models.DateTimeField(null=True, blank=True)
    units_discarded = models.DecimalField(
        "units discarded",
        max_digits=7,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"), "Units cannot be negative.")],
    )
    waste_reason = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["session", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(size_units__gt=0),
                name="treatments_vial_size_positive",
                violation_error_message="The vial size must be more than 0 units.",
            ),
            models.CheckConstraint(
                condition=Q(diluent_volume_ml__isnull=True)
                | Q(diluent_volume_ml__gt=0),
                name="treatments_vial_diluent_positive",
                violation_error_message="The diluent volume must be more than 0 mL.",
            ),
            models.CheckConstraint(
                condition=Q(
                    diluent_volume_ml__isnull=True, reconstituted_at__isnull=True
                )
                | Q(diluent_volume_ml__isnull=False, reconstituted_at__isnull=False),
                name="treatments_vial_reconstitution_complete",
                violation_error_message="A reconstituted vial needs both its diluent "
                "volume and the time it was reconstituted.",
            ),
            models.CheckConstraint(
                condition=Q(units_discarded__gte=0)
                & Q(units_discarded__lte=F("size_units")),
                name="treatments_vial_discard_in_vial",
                violation_error_message="Units discarded must be between 0 and the "
                "vial size.",
            ),
        ]
        indexes = [
            # Lot look-up is case-insensitive (lot_number__iexact uses UPPER()).
            models.Index(Upper("lot_number"), name="treatments_vial_lot_upper"),
        ]

    def __str__(self):
        return f"{self.size_units} U vial, lot {self.lot_number}"

    def clean(self):
        errors = {}
        session = self._session_or_none()
        product = session.product if session else ""
        ready_made = dosing.ready_made_units_per_ml(product)
        if ready_made is not None:
            for name in ("diluent_volume_ml", "reconstituted_at"):
                if getattr(self, name) is not None:
                    errors[name] = (
                        f"{product_name(product)} is a ready-made solution "
                        f"({ready_made:,} U/mL): it is not reconstituted."
                    )
        elif product:
            if self.diluent_volume_ml is None:
                errors["diluent_volume_ml"] = "Enter the diluent volume."
            if self.reconstituted_at is None:
                errors["reconstituted_at"] = "Enter when the vial was reconstituted."
        if (
            session
            and session.performed_at
            and self.reconstituted_at
            and self.reconstituted_at > session.performed_at
        ):
            errors["reconstituted_at"] = (
                "The vial must be reconstituted before the session."
            )
        sizes = vial_sizes_sold(product)
        if self.size_units and sizes and self.size_units not in sizes:
            errors["size_units"] = (
                f"{product_name(product)} is sold in "
                f"{', '.join(f'{size:,}' for size in sizes)} U vials."
            )
        if (
            self.units_discarded is not None
            and self.size_units is not None
            and self.units_discarded > self.size_units
        ):
            errors["units_discarded"] = (
                "Units discarded must be between 0 and the vial size."
            )
        if errors:
            raise ValidationError(errors)

    def _session_or_none(self) -> ToxinSession | None:
        """The session, also one not saved yet (charted together with it)."""
        try:
            return self.session
        except ToxinSession.DoesNotExist:
            return None

    def overdraw(self, charted_units: Decimal) -> str:
        """Why the units charted from this vial and discarded from it cannot have
        come from it, or "" when they can."""
        if self.size_units is None or self.units_discarded is None:
            return ""
        if charted_units + self.units_discarded <= self.size_units:
            return ""
        return (
            f"{format_units(charted_units)} U charted and "
            f"{format_units(self.units_discarded)} U discarded come to more than "
            f"the {self.size_units:,} U vial (lot {self.lot_number}) holds."
        )

    def units_per_ml(self, product: str) -> Decimal:
        return dosing.vial_units_per_ml(
            product, self.size_units, self.diluent_volume_ml
        )


def vial_sizes_sold(product: str) -> tuple[int, ...]:
    """The vial sizes of the product: the clinic's, else the table's."""
    if product not in dosing.PRODUCTS:
        return ()
    return (
        settings.CLINIC_VIAL_SIZES.get(product) or dosing.PRODUCTS[product].vial_sizes
    )


class SafetyFlagQuerySet(models.QuerySet):
    def unacknowledged(self):
        return self.filter(acknowledged_at__isnull=True)


class SafetyFlag(models.Model):
    """A safety warning of a session saved as already given, without an override
    before the injection: kept with the session until a neurologist acknowledges
    it with a note (DESIGN.md 5)."""

    session = models.ForeignKey(
        ToxinSession, models.PROTECT, related_name="safety_flags"
    )
    code = models.CharField(max_length=40)
    message = models.TextField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_note = models.TextField(blank=True)
    history = HistoricalRecords()

    objects = SafetyFlagQuerySet.as_manager()

    class Meta:
        ordering = ["raised_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    acknowledged_by__isnull=True,
                    acknowledged_at__isnull=True,
                    acknowledgement_note="",
                )
                | (
                    Q(acknowledged_by__isnull=False, acknowledged_at__isnull=False)
                    & ~Q(acknowledgement_note="")
                ),
                name="treatments_safetyflag_acknowledgement_complete",
                violation_error_message="An acknowledgement needs who, when and a "
                "note.",
            ),
        ]
        indexes = [
            # Dashboard: flags still to acknowledge, oldest first.
            models.Index(
                fields=["raised_at"],
                condition=Q(acknowledged_at__isnull=True),
                name="treatments_flag_open",
            ),
        ]
        permissions = [
            ("acknowledge_safetyflag", "Can acknowledge safety flags of sessions"),
        ]

    def __str__(self):
        return self.message

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class Injection(models.Model):
    """One injected site of a toxin session."""

    session = models.ForeignKey(ToxinSession, models.PROTECT, related_name="injections")
    vial = models.ForeignKey("Vial", models.PROTECT, related_name="injections")
    muscle = models.CharField(max_length=30, choices=Muscle)
    side = models.CharField(max_length=10, choices=Side)
    units = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"), "Units must be more than 0.")],
    )
    points = models.PositiveSmallIntegerField(default=1)
    route = models.CharField(max_length=2, choices=Route, default=Route.INTRAMUSCULAR)
    history = HistoricalRecords()

    class Meta:
        ordering = ["session", "muscle", "side"]
        constraints = [
            valid_choice("muscle", Muscle, "treatments_injection"),
            valid_choice("side", Side, "treatments_injection"),
            valid_choice("route", Route, "treatments_injection"),
            models.CheckConstraint(
                condition=Q(units__gt=0),
                name="treatments_injection_units_positive",
                violation_error_message="Units must be more than 0.",
            ),
            models.CheckConstraint(
                condition=Q(points__gte=1),
                name="treatments_injection_points_positive",
                violation_error_message="A site has at least one injection point.",
            ),
            models.CheckConstraint(
                condition=~Q(side=Side.MIDLINE) | Q(muscle__in=MIDLINE_MUSCLES),
                name="treatments_injection_midline_muscle",
                violation_error_message="Only the procerus is injected in the midline; "
                "choose right or left.",
            ),
        ]

    def __str__(self):
        return f"{self.get_muscle_display()} ({self.side}): {self.units} U"

    def clean(self):
        errors = {}
        if self.vial_id and self.session_id and self.vial.session_id != self.session_id:
            errors["vial"] = "The vial belongs to another session."
        if (
            self.side == Side.MIDLINE
            and self.muscle
            and self.muscle not in MIDLINE_MUSCLES
        ):
            errors["side"] = (
                "Only the procerus is injected in the midline; choose right or left."
            )
        if self.points is not None and self.points < 1:
            errors["points"] = "A site has at least one injection point."
        if errors:
            raise ValidationError(errors)

    def volume_ml(self) -> Decimal:
        """Volume to draw, derived from the dilution of the vial it came from."""
        vial = self.vial
        return dosing.vial_volume_ml(
            self.session.product, self.units, vial.size_units, vial.diluent_volume_ml
        )


class AdverseEffect(models.Model):
    session = models.ForeignKey(
        ToxinSession, models.PROTECT, related_name="adverse_effects"
    )
    kind = models.CharField(max_length=30, choices=AdverseEffectKind)
    onset_on = models.DateField()
    severity = models.CharField(max_length=10, choices=Severity)
    resolved_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["onset_on"]
        constraints = [
            valid_choice("kind", AdverseEffectKind, "treatments_adverse"),
            valid_choice("severity", Severity, "treatments_adverse"),
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True)
                | Q(resolved_on__gte=F("onset_on")),
                name="treatments_adverse_resolved_after_onset",
                violation_error_message="An effect cannot resolve before it began.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.severity})"

    def clean(self):
        if self.session_id and self.onset_on and self.session.performed_at:
            if self.onset_on < self.session.performed_on:
                raise ValidationError(
                    {"onset_on": "An adverse effect cannot begin before the session."}
                )
        if self.onset_on and self.resolved_on and self.resolved_on < self.onset_on:
            raise ValidationError(
                {"resolved_on": "An effect cannot resolve before it began."}
            )

    @property
    def is_urgent(self) -> bool:
        return self.kind in URGENT_ADVERSE_EFFECTS


class TherapySession(models.Model):
    course = models.ForeignKey(
        TreatmentCourse, models.PROTECT, related_name="therapy_sessions"
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+"
    )
    session_on = models.DateField(default=timezone.localdate)
    duration_minutes = models.PositiveSmallIntegerField(default=45)
    focus = models.CharField(max_length=20, choices=TherapyFocus)
    exercises = models.TextField(blank=True)
    home_programme = models.TextField(blank=True)
    progress = models.CharField(max_length=10, choices=TherapyProgress, blank=True)
    notes = models.TextField(blank=True)
    entered_in_error = models.BooleanField(default=False)
    entered_in_error_reason = models.TextField(blank=True)
    form_token = _form_token()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-session_on"]
        constraints = [
            valid_choice("focus", TherapyFocus, "treatments_therapy"),
            valid_choice("progress", TherapyProgress, "treatments_therapy", blank=True),
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0),
                name="treatments_therapy_duration_positive",
                violation_error_message="The session must last at least a minute.",
            ),
            entered_in_error_constraint("treatments_therapy"),
            _form_token_unique("treatments_therapy"),
        ]

    def __str__(self):
        return f"{self.get_focus_display()} on {self.session_on:%d %b %Y}"

    def clean(self):
        refuse_before_birth(
            self.course.case.patient if self.course_id else None,
            session_on=self.session_on,
        )
        if self.course_id and self.course.kind != CourseKind.PHYSICAL_THERAPY:
            raise ValidationError(
                {"course": "Therapy sessions belong to a physical-therapy course."}
            )
        errors = entered_in_error_errors(self)
        if self.duration_minutes is not None and self.duration_minutes < 1:
            errors["duration_minutes"] = "The session must last at least a minute."
        if errors:
            raise ValidationError(errors)


class MedicationOrder(models.Model):
    course = models.ForeignKey(
        TreatmentCourse, models.PROTECT, related_name="medication_orders"
    )
    drug = models.CharField(max_length=100, help_text="Generic name, e.g. clonazepam.")
    dose = models.DecimalField(
        max_digits=8,
        decimal_places=3,
        validators=[
            MinValueValidator(Decimal("0.001"), "The dose must be more than 0.")
        ],
    )
    dose_unit = models.CharField(max_length=5, choices=DoseUnit, default=DoseUnit.MG)
    route = models.CharField(max_length=10, choices=DrugRoute, default=DrugRoute.ORAL)
    frequency = models.CharField(max_length=60, help_text="E.g. twice daily.")
    start_on = models.DateField(default=timezone.localdate)
    stop_on = models.DateField(null=True, blank=True)
    prescriber = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+"
    )
    indication = models.CharField(max_length=200, blank=True)
    stop_reason = models.CharField(max_length=200, blank=True)
    entered_in_error = models.BooleanField(default=False)
    entered_in_error_reason = models.TextField(blank=True)
    form_token = _form_token()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_on"]
        constraints = [
            valid_choice("dose_unit", DoseUnit, "treatments_medication"),
            valid_choice("route", DrugRoute, "treatments_medication"),
            models.CheckConstraint(
                condition=Q(dose__gt=0),
                name="treatments_medication_dose_positive",
                violation_error_message="The dose must be more than 0.",
            ),
            models.CheckConstraint(
                condition=Q(stop_on__isnull=True) | Q(stop_on__gte=F("start_on")),
                name="treatments_medication_stops_after_start",
                violation_error_message="A medication cannot stop before it starts.",
            ),
            entered_in_error_constraint("treatments_medication"),
            _form_token_unique("treatments_medication"),
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
                {"course": "Medication orders belong to a medication course."}
            )
        errors = entered_in_error_errors(self)
        if self.start_on and self.stop_on and self.stop_on < self.start_on:
            errors["stop_on"] = "A medication cannot stop before it starts."
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


class ReferralQuerySet(models.QuerySet):
    def awaiting_reply(self):
        """Sent or acknowledged, with no reply yet; not entered in error."""
        return self.filter(status__in=AWAITING_REPLY_STATUSES, entered_in_error=False)


class Referral(models.Model):
    course = models.ForeignKey(
        TreatmentCourse, models.PROTECT, related_name="referrals"
    )
    to_name = models.CharField("referred to", max_length=200)
    specialty = models.CharField(max_length=20, choices=Specialty)
    reason = models.TextField()
    urgency = models.CharField(max_length=10, choices=Urgency, default=Urgency.ROUTINE)
    status = models.CharField(
        max_length=20, choices=ReferralStatus, default=ReferralStatus.SENT
    )
    sent_on = models.DateField(default=timezone.localdate)
    replied_on = models.DateField(null=True, blank=True)
    surgery_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=25, choices=MvdOutcome, blank=True)
    complications = MultipleChoiceField(options=MvdComplication.choices)
    notes = models.TextField(blank=True)
    entered_in_error = models.BooleanField(default=False)
    entered_in_error_reason = models.TextField(blank=True)
    form_token = _form_token()
    history = HistoricalRecords()

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_on"]
        constraints = [
            valid_choice("specialty", Specialty, "treatments_referral"),
            valid_choice("urgency", Urgency, "treatments_referral"),
            valid_choice("status", ReferralStatus, "treatments_referral"),
            valid_choice("outcome", MvdOutcome, "treatments_referral", blank=True),
            models.CheckConstraint(
                condition=Q(replied_on__isnull=True) | Q(replied_on__gte=F("sent_on")),
                name="treatments_referral_reply_after_sent",
                violation_error_message="A reply cannot come before the referral "
                "was sent.",
            ),
            models.CheckConstraint(
                condition=Q(surgery_on__isnull=True) | Q(surgery_on__gte=F("sent_on")),
                name="treatments_referral_surgery_after_sent",
                violation_error_message="Surgery cannot be before the referral.",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReferralStatus.OPERATED)
                | Q(surgery_on__isnull=False),
                name="treatments_referral_operated_has_date",
                violation_error_message="Record the date of surgery.",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReferralStatus.OUTCOME_RECORDED) | ~Q(outcome=""),
                name="treatments_referral_outcome_recorded",
                violation_error_message="Record the outcome.",
            ),
            entered_in_error_constraint("treatments_referral"),
            _form_token_unique("treatments_referral"),
        ]
        indexes = [
            # Dashboard: referrals awaiting a reply.
            models.Index(fields=["status"], name="treatments_referral_status"),
        ]

    def __str__(self):
        return f"{self.get_specialty_display()} referral to {self.to_name}"

    def clean(self):
        refuse_before_birth(
            self.course.case.patient if self.course_id else None,
            sent_on=self.sent_on,
            replied_on=self.replied_on,
            surgery_on=self.surgery_on,
        )
        if self.course_id and self.course.kind != CourseKind.SURGICAL_REFERRAL:
            raise ValidationError(
                {"course": "Referrals belong to a surgical-referral course."}
            )
        # These repeat Meta.constraints so that a form shows each message next to
        # its field; the constraint on a field with an error is then skipped.
        errors = entered_in_error_errors(self)
        if self.sent_on and self.replied_on and self.replied_on < self.sent_on:
            errors["replied_on"] = "A reply cannot come before the referral was sent."
        if self.sent_on and self.surgery_on and self.surgery_on < self.sent_on:
            errors["surgery_on"] = "Surgery cannot be before the referral."
        elif self.status == ReferralStatus.OPERATED and not self.surgery_on:
            errors["surgery_on"] = "Record the date of surgery."
        if self.status == ReferralStatus.OUTCOME_RECORDED and not self.outcome:
            errors["outcome"] = "Record the outcome."
        if errors:
            raise ValidationError(errors)


class ReferralFollowUp(models.Model):
    """A post-MVD review at one of the standard timepoints."""

    referral = models.ForeignKey(Referral, models.PROTECT, related_name="follow_ups")
    timepoint = models.CharField(max_length=3, choices=FollowUpTimepoint)
    seen_on = models.DateField()
    spasm_status = models.CharField(max_length=25, choices=MvdOutcome)
    complications = MultipleChoiceField(options=MvdComplication.choices)
    notes = models.TextField(blank=True)
    form_token = _form_token()
    history = HistoricalRecords()

    class Meta:
        ordering = ["seen_on"]
        constraints = [
            valid_choice("timepoint", FollowUpTimepoint, "treatments_followup"),
            valid_choice("spasm_status", MvdOutcome, "treatments_followup"),
            models.UniqueConstraint(
                fields=["referral", "timepoint"],
                name="treatments_followup_one_per_timepoint",
                violation_error_message="This timepoint is already recorded.",
            ),
            _form_token_unique("treatments_followup"),
        ]

    def __str__(self):
        return f"{self.get_timepoint_display()} follow-up"

    def clean(self):
        refuse_before_birth(
            self.referral.course.case.patient if self.referral_id else None,
            seen_on=self.seen_on,
        )
        # The unique constraint's message next to the timepoint: a form that does
        # not edit the referral would otherwise skip the constraint.
        if (
            self.referral_id
            and self.timepoint
            and ReferralFollowUp.objects.filter(
                referral_id=self.referral_id, timepoint=self.timepoint
            )
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError({"timepoint": "This timepoint is already recorded."})
