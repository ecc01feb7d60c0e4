"""Botulinum-toxin sessions with their vials, injections, adverse effects and
safety flags."""

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
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic.records import (
    entered_in_error_constraint,
    form_token_unique,
    override_complete_constraint,
    valid_choice,
)
from clinic.text import LotNumberField, NoteField
from patients.models import Patient, refuse_after_death, refuse_before_birth
from treatments import dosing
from treatments.dosing import format_units, product_name
from treatments.models.choices import (
    MIDLINE_MUSCLES,
    BenefitRating,
    Guidance,
    Muscle,
    Product,
    Route,
    Side,
)
from treatments.models.courses import TreatmentCourse

# A session is charted when it is given; a clock a few minutes fast is not a future
# session.
FUTURE_TOLERANCE = datetime.timedelta(minutes=10)
DEFAULT_DILUENT = "0.9% sodium chloride, preservative-free"
# What an imported historical session's record may not hold (not_recorded).
NOT_RECORDED = {
    "time": _("time of day"),
    "vial": _("vial (lot, expiry, dilution)"),
    "consent": _("consent"),
}


class ToxinSessionQuerySet(models.QuerySet):
    def for_patient(self, patient: Patient):
        return self.filter(course__case__patient=patient)

    def valid(self):
        """Sessions that count clinically: not entered in error."""
        return self.filter(entered_in_error=False)

    def with_total_units(self):
        return self.annotate(total_units=models.Sum("injections__units"))

    def with_row_total_units(self):
        """The same total_units, summed per session by a correlated subquery: a
        page of rows costs a page of sums, where with_total_units() joins and
        groups every session before the LIMIT."""
        per_session = (
            Injection.objects.filter(session=models.OuterRef("pk"))
            .order_by()
            .values("session")
            .annotate(total=models.Sum("units"))
            .values("total")
        )
        return self.annotate(total_units=models.Subquery(per_session))


class ToxinSession(models.Model):
    """One botulinum-toxin session (DOMAIN.md 2.10)."""

    course = models.ForeignKey(
        TreatmentCourse,
        models.PROTECT,
        related_name="toxin_sessions",
        verbose_name=_("course"),
    )
    performed_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("performed at")
    )
    injector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("injector"),
    )
    assistant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assistant"),
    )
    product = models.CharField(
        max_length=20, choices=Product, verbose_name=_("product")
    )
    consent_obtained = models.BooleanField(
        default=False, verbose_name=_("consent obtained")
    )
    consent_information_version = models.CharField(
        _("information sheet version"), max_length=40, blank=True
    )
    distant_spread_risk_discussed = models.BooleanField(
        default=False, verbose_name=_("distant spread risk discussed")
    )
    guidance = models.CharField(
        max_length=12,
        choices=Guidance,
        default=Guidance.NONE,
        verbose_name=_("guidance"),
    )
    # Follow-up reported by the patient later.
    onset_day = models.PositiveSmallIntegerField(
        _("onset (days after injection)"), null=True, blank=True
    )
    peak_day = models.PositiveSmallIntegerField(
        _("peak (days after injection)"), null=True, blank=True
    )
    wore_off_on = models.DateField(_("wore off on"), null=True, blank=True)
    benefit = models.CharField(
        max_length=10, choices=BenefitRating, blank=True, verbose_name=_("benefit")
    )
    notes = NoteField(blank=True, verbose_name=_("notes"))
    entered_in_error = models.BooleanField(
        default=False, verbose_name=_("entered in error")
    )
    entered_in_error_reason = NoteField(
        blank=True, verbose_name=_("entered in error reason")
    )
    # Transcribed from an earlier record by the historical import
    # (treatments.session_imports), not charted when given: what that record did
    # not hold is listed, and a session without vial data has no vial checks.
    is_historical = models.BooleanField(
        _("historical record"), default=False, editable=False
    )
    not_recorded = models.JSONField(
        _("not in the earlier record"),
        default=list,
        blank=True,
        editable=False,
        help_text=_("What the record the session was imported from did not hold."),
    )
    # A one-time token from the charting form: a second POST of the same form
    # finds this session instead of charting it twice.
    form_token = models.UUIDField(
        null=True, blank=True, editable=False, verbose_name=_("form token")
    )
    # Safety warnings shown before saving and explicitly overridden (DESIGN.md 5).
    overridden_warnings = models.JSONField(
        _("warnings overridden"),
        default=list,
        blank=True,
        editable=False,
        help_text=_("The safety warnings shown when the session was saved."),
    )
    override_reason = NoteField(
        blank=True, editable=False, verbose_name=_("override reason")
    )
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("overridden by"),
    )
    overridden_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("overridden at")
    )
    history = HistoricalRecords()

    objects = ToxinSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("toxin session")
        verbose_name_plural = _("toxin sessions")
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
                violation_error_message=_("The peak cannot come before the onset."),
            ),
            entered_in_error_constraint("treatments_session"),
            form_token_unique("treatments_session"),
            override_complete_constraint("treatments_session"),
        ]
        indexes = [
            # Last session per patient / course.
            models.Index(
                fields=["course", "-performed_at"], name="treatments_session_course"
            ),
            # The admin's list: newest first, with the -pk tiebreak Django adds.
            models.Index(
                fields=["-performed_at", "-id"], name="treatments_session_newest"
            ),
        ]
        permissions = [
            ("override_safety_warnings", "Can override toxin safety warnings"),
        ]

    def __str__(self):
        when = timezone.localtime(self.performed_at)
        return f"{self.get_product_display()} on {when:%d %b %Y}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Through every door (charting, follow-up, the admin's entered in error).
        self.course.refresh_recall_facts()

    def get_absolute_url(self):
        return reverse("treatments:toxinsession_detail", args=[self.pk])

    def clean(self):
        patient = self.course.case.patient if self.course_id else None
        refuse_before_birth(patient, performed_at=self.performed_at)
        refuse_after_death(patient, performed_at=self.performed_at)
        if self.performed_at and self.performed_at > timezone.now() + FUTURE_TOLERANCE:
            raise ValidationError(
                {
                    "performed_at": gettext(
                        "A session is charted once it is given: this "
                        "time is in the future."
                    )
                }
            )
        # The constraints hold these rules; here they get a message next to the
        # field the user has to change.
        errors = {}
        if self.course_id and not self.course.is_toxin:
            errors["course"] = gettext(
                "Toxin sessions belong to a botulinum-toxin course."
            )
        if self.wore_off_on and self.performed_at:
            if self.wore_off_on < timezone.localtime(self.performed_at).date():
                errors["wore_off_on"] = gettext(
                    "The effect cannot wear off before the session."
                )
        if (
            self.onset_day is not None
            and self.peak_day is not None
            and self.peak_day < self.onset_day
        ):
            errors["peak_day"] = gettext("The peak cannot come before the onset.")
        if errors:
            raise ValidationError(errors)

    def record_override(self, *, warnings: list[str], reason: str, by, at) -> None:
        """Keep the overridden warnings with who overrode them, when and why; the
        caller saves."""
        reason = (reason or "").strip()
        if not warnings:
            raise ValidationError(gettext("There are no warnings to override."))
        if not reason:
            raise ValidationError({"override_reason": gettext("Say why you override.")})
        self.overridden_warnings = list(warnings)
        self.override_reason = reason
        self.overridden_by = by
        self.overridden_at = at

    @property
    def not_recorded_labels(self) -> list[str]:
        return [str(NOT_RECORDED.get(key, key)) for key in self.not_recorded]

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

    session = models.ForeignKey(
        ToxinSession, models.PROTECT, related_name="vials", verbose_name=_("session")
    )
    size_units = models.PositiveIntegerField(_("vial size (U)"))
    lot_number = LotNumberField(max_length=40, verbose_name=_("lot number"))
    expiry_date = models.DateField(verbose_name=_("expiry date"))
    diluent = models.CharField(
        max_length=60, blank=True, default=DEFAULT_DILUENT, verbose_name=_("diluent")
    )
    # Empty for a ready-made solution, which is not reconstituted.
    diluent_volume_ml = models.DecimalField(
        _("diluent volume (mL)"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(
                Decimal("0.01"), _("The diluent volume must be more than 0 mL.")
            )
        ],
    )
    reconstituted_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("reconstituted at")
    )
    units_discarded = models.DecimalField(
        _("units discarded"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"), _("Units cannot be negative."))],
    )
    waste_reason = models.CharField(
        max_length=200, blank=True, verbose_name=_("waste reason")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vial")
        verbose_name_plural = _("vials")
        ordering = ["session", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(size_units__gt=0),
                name="treatments_vial_size_positive",
                violation_error_message=_("The vial size must be more than 0 units."),
            ),
            models.CheckConstraint(
                condition=Q(diluent_volume_ml__isnull=True)
                | Q(diluent_volume_ml__gt=0),
                name="treatments_vial_diluent_positive",
                violation_error_message=_("The diluent volume must be more than 0 mL."),
            ),
            models.CheckConstraint(
                condition=Q(
                    diluent_volume_ml__isnull=True, reconstituted_at__isnull=True
                )
                | Q(diluent_volume_ml__isnull=False, reconstituted_at__isnull=False),
                name="treatments_vial_reconstitution_complete",
                violation_error_message=_(
                    "A reconstituted vial needs both its diluent "
                    "volume and the time it was reconstituted."
                ),
            ),
            models.CheckConstraint(
                condition=Q(units_discarded__gte=0)
                & Q(units_discarded__lte=F("size_units")),
                name="treatments_vial_discard_in_vial",
                violation_error_message=_(
                    "Units discarded must be between 0 and the vial size."
                ),
            ),
        ]
        indexes = [
            # Lot look-up is case-insensitive (lot_number__iexact uses UPPER()).
            models.Index(Upper("lot_number"), name="treatments_vial_lot_upper"),
            # The admin's list, by its own columns (not the session's date).
            models.Index(fields=["-session", "-id"], name="treatments_vial_admin"),
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
                    errors[name] = gettext(
                        "%(product)s is a ready-made solution (%(per_ml)s U/mL): it "
                        "is not reconstituted."
                    ) % {"product": product_name(product), "per_ml": f"{ready_made:,}"}
        elif product:
            if self.diluent_volume_ml is None:
                errors["diluent_volume_ml"] = gettext("Enter the diluent volume.")
            if self.reconstituted_at is None:
                errors["reconstituted_at"] = gettext(
                    "Enter when the vial was reconstituted."
                )
        if (
            session
            and session.performed_at
            and self.reconstituted_at
            and self.reconstituted_at > session.performed_at
        ):
            errors["reconstituted_at"] = gettext(
                "The vial must be reconstituted before the session."
            )
        sizes = vial_sizes_sold(product)
        if self.size_units and sizes and self.size_units not in sizes:
            errors["size_units"] = gettext(
                "%(product)s is sold in %(sizes)s U vials."
            ) % {
                "product": product_name(product),
                "sizes": ", ".join(f"{size:,}" for size in sizes),
            }
        if (
            self.units_discarded is not None
            and self.size_units is not None
            and self.units_discarded > self.size_units
        ):
            errors["units_discarded"] = gettext(
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


class Injection(models.Model):
    """One injected site of a toxin session."""

    session = models.ForeignKey(
        ToxinSession,
        models.PROTECT,
        related_name="injections",
        verbose_name=_("session"),
    )
    # Empty only on a historical session imported without vial data.
    vial = models.ForeignKey(
        "Vial",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="injections",
        verbose_name=_("vial"),
    )
    muscle = models.CharField(max_length=30, choices=Muscle, verbose_name=_("muscle"))
    side = models.CharField(max_length=10, choices=Side, verbose_name=_("side"))
    units = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0.01"), _("Units must be more than 0."))
        ],
        verbose_name=_("units"),
    )
    points = models.PositiveSmallIntegerField(default=1, verbose_name=_("points"))
    route = models.CharField(
        max_length=2,
        choices=Route,
        default=Route.INTRAMUSCULAR,
        verbose_name=_("route"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("injection")
        verbose_name_plural = _("injections")
        ordering = ["session", "muscle", "side"]
        indexes = [
            # The admin's list, by its own columns (not the session's date).
            models.Index(fields=["-session", "-id"], name="treatments_injection_admin"),
        ]
        constraints = [
            valid_choice("muscle", Muscle, "treatments_injection"),
            valid_choice("side", Side, "treatments_injection"),
            valid_choice("route", Route, "treatments_injection"),
            models.CheckConstraint(
                condition=Q(units__gt=0),
                name="treatments_injection_units_positive",
                violation_error_message=_("Units must be more than 0."),
            ),
            models.CheckConstraint(
                condition=Q(points__gte=1),
                name="treatments_injection_points_positive",
                violation_error_message=_("A site has at least one injection point."),
            ),
            models.CheckConstraint(
                condition=~Q(side=Side.MIDLINE) | Q(muscle__in=MIDLINE_MUSCLES),
                name="treatments_injection_midline_muscle",
                violation_error_message=_(
                    "Only the procerus is injected in the midline; "
                    "choose right or left."
                ),
            ),
        ]

    # What the constraints above refuse, the fields' choices and validators and
    # clean() refuse first, with the same messages.
    CHECKED_BEFORE_CONSTRAINTS = frozenset(
        {"muscle", "side", "route", "units", "points"}
    )

    def __str__(self):
        return f"{self.get_muscle_display()} ({self.side}): {self.units} U"

    def validate_constraints(self, exclude=None):
        """Only the constraints not restated in Python: asking the database
        about the others again would cost a query each for every site charted."""
        super().validate_constraints(
            exclude={*(exclude or ()), *self.CHECKED_BEFORE_CONSTRAINTS}
        )

    def clean(self):
        errors = {}
        if self.vial_id and self.session_id and self.vial.session_id != self.session_id:
            errors["vial"] = gettext("The vial belongs to another session.")
        if (
            self.side == Side.MIDLINE
            and self.muscle
            and self.muscle not in MIDLINE_MUSCLES
        ):
            errors["side"] = gettext(
                "Only the procerus is injected in the midline; choose right or left."
            )
        if self.points is not None and self.points < 1:
            errors["points"] = gettext("A site has at least one injection point.")
        if errors:
            raise ValidationError(errors)

    def volume_ml(self) -> Decimal | None:
        """Volume to draw, derived from the dilution of the vial it came from (none
        known for a historical site without one)."""
        vial = self.vial
        if vial is None:
            return None
        return dosing.vial_volume_ml(
            self.session.product, self.units, vial.size_units, vial.diluent_volume_ml
        )
