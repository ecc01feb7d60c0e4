"""The patient, their guardians, and the rules every record checks against the
patient: adulthood and the date of birth."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q, functions
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic.records import MultipleChoiceField, valid_choice
from clinic.text import NameField, NoteField
from patients.models.choices import (
    GuardianRelationship,
    ReminderChannel,
    Sex,
    ToxinPrecaution,
)
from patients.search import parse_search_date, search_key


def adult_birth_cutoff(day: datetime.date) -> datetime.date:
    """The latest date of birth of a patient who is an adult on `day`.

    A birthday on 29 February counts from 1 March in other years, as `age_on` does.
    """
    years = settings.CLINIC_ADULT_AGE_YEARS
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February, and the cutoff year is not a leap year
        return day.replace(year=day.year - years, day=28)


MAX_AGE_YEARS = 120


def oldest_birth_date(day: datetime.date) -> datetime.date:
    """The earliest date of birth taken on `day`: MAX_AGE_YEARS back."""
    try:
        return day.replace(year=day.year - MAX_AGE_YEARS)
    except ValueError:  # 29 February, and that year is not a leap year
        return day.replace(year=day.year - MAX_AGE_YEARS, day=28)


def _days(moments: dict) -> list[tuple[str, datetime.date]]:
    """Each given moment as its clinic day, by field name."""
    return [
        (
            field,
            timezone.localtime(moment).date()
            if isinstance(moment, datetime.datetime)
            else moment,
        )
        for field, moment in moments.items()
        if moment is not None
    ]


def refuse_after_death(patient, **moments) -> None:
    """Refuse, next to its field, care given (or booked) after the patient's
    death. Only for moments of care: a report or a course's end may be
    recorded later."""
    died = getattr(patient, "date_of_death", None)
    if died is None:
        return
    errors = {
        field: gettext("This is after the patient's death on %(date)s.")
        % {"date": date_format(died, "d M Y")}
        for field, day in _days(moments)
        if day > died
    }
    if errors:
        raise ValidationError(errors)


def refuse_before_birth(patient, **moments) -> None:
    """Refuse, next to its field, any clinical date or time before the patient's
    birth: such a record cannot be true, and no override makes it so."""
    if patient is None or patient.date_of_birth is None:
        return
    born = patient.date_of_birth
    errors = {
        field: gettext("This is before the patient's birth on %(date)s.")
        % {"date": date_format(born, "d M Y")}
        for field, day in _days(moments)
        if day < born
    }
    if errors:
        raise ValidationError(errors)


class PatientQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_archived=False)

    def bookable(self):
        """Who may be booked or wait-listed: not archived, and alive."""
        return self.active().filter(date_of_death__isnull=True)

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
        by_mrn = self.filter(mrn__startswith=term.upper())
        # One set of ids, each half found through its own index: asked as an OR,
        # the planner may walk the name order of every patient testing both.
        either = by_name.order_by().values("pk").union(by_mrn.order_by().values("pk"))
        return self.filter(pk__in=either)

    def for_list_page(self):
        # A subquery per row shown, not a count grouped over every patient.
        consenting = (
            Guardian.objects.filter(patient=models.OuterRef("pk"), holds_consent=True)
            .order_by()
            .values("patient")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return self.select_related("responsible_neurologist").annotate(
            consenting_guardian_count=functions.Coalesce(models.Subquery(consenting), 0)
        )

    def minors_on(self, day: datetime.date):
        """Patients under the adult age on `day` (born after the adult-birth cutoff)."""
        return self.filter(date_of_birth__gt=adult_birth_cutoff(day))

    def minors_without_guardian(self, day: datetime.date):
        """Minors on `day` whom nobody on record may consent for: the flag Patient
        and Guardian saves keep, and the age checked again, since the flag may
        still be set on a patient who has grown up since."""
        return self.minors_on(day).filter(is_minor_without_guardian=True)

    def store_minor_without_guardian(self) -> int:
        """Set the flag from the age today and the guardians, in one statement."""
        consenting = Guardian.objects.filter(
            patient=models.OuterRef("pk"), holds_consent=True
        )
        minor = Q(date_of_birth__gt=adult_birth_cutoff(timezone.localdate()))
        return self.update(
            is_minor_without_guardian=models.ExpressionWrapper(
                minor & ~models.Exists(consenting),
                output_field=models.BooleanField(),
            )
        )


class Patient(models.Model):
    mrn = NameField(
        _("MRN"),
        max_length=20,
        validators=[
            RegexValidator(
                r"^[A-Z0-9-]{3,20}$",
                _("An MRN is 3 to 20 capital letters, digits or hyphens."),
            )
        ],
        help_text=_("Medical record number, unique in the clinic."),
    )
    given_name = NameField(max_length=100, verbose_name=_("given name"))
    family_name = NameField(max_length=100, verbose_name=_("family name"))
    date_of_birth = models.DateField(verbose_name=_("date of birth"))
    sex = models.CharField(
        max_length=10, choices=Sex, default=Sex.UNKNOWN, verbose_name=_("sex")
    )
    email = models.EmailField(blank=True, verbose_name=_("email"))
    phone = models.CharField(max_length=30, blank=True, verbose_name=_("phone"))
    address = NoteField(blank=True, verbose_name=_("address"))
    reminder_consent = models.BooleanField(
        default=False,
        help_text=_("The patient (or guardian) agreed to reminders."),
        verbose_name=_("reminder consent"),
    )
    reminder_channel = models.CharField(
        max_length=10,
        choices=ReminderChannel,
        blank=True,
        verbose_name=_("reminder channel"),
    )
    language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the reminders and letters the patient receives."),
        verbose_name=_("language"),
    )
    weight_kg = models.DecimalField(
        _("weight (kg)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Required for children's toxin dosing (units per kg)."),
    )
    weight_measured_on = models.DateField(
        null=True, blank=True, verbose_name=_("weight measured on")
    )
    toxin_precautions = MultipleChoiceField(
        _("toxin precautions"),
        options=ToxinPrecaution.choices,
        help_text=_("Checked before every toxin session against the product's label."),
    )
    referring_clinician = NameField(
        max_length=200, blank=True, verbose_name=_("referring clinician")
    )
    responsible_neurologist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="neurology_patients",
        verbose_name=_("responsible neurologist"),
    )
    search_name = models.CharField(
        max_length=201,
        editable=False,
        help_text=_("Given and family name without accents or case, for search."),
        verbose_name=_("search name"),
    )
    is_archived = models.BooleanField(
        default=False,
        help_text=_("Archived patients are kept, never deleted."),
        verbose_name=_("is archived"),
    )
    date_of_death = models.DateField(
        null=True,
        blank=True,
        help_text=_(
            "Once recorded, the patient leaves the recall list, gets no "
            "reminders and cannot be booked."
        ),
        verbose_name=_("date of death"),
    )
    # A minor, when last saved, with no guardian who holds consent (kept by
    # Patient and Guardian saves): derived, so not part of the history.
    is_minor_without_guardian = models.BooleanField(
        default=False, editable=False, verbose_name=_("is minor without guardian")
    )
    # A duplicate merged into another record (clinic.merging.merge_patients):
    # archived, its records moved to that one.
    merged_into = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_records",
        verbose_name=_("merged into"),
    )
    merged_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("merged at")
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("merged by"),
    )
    merge_reason = NoteField(blank=True, editable=False, verbose_name=_("merge reason"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    history = HistoricalRecords(excluded_fields=["is_minor_without_guardian"])

    objects = PatientQuerySet.as_manager()

    class Meta:
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        ordering = ["family_name", "given_name"]
        permissions = [
            ("export_patient_lists", "Can export lists of patients (CSV, Excel)"),
            (
                "export_patient_record",
                "Can export a patient's whole record (right of access)",
            ),
            ("merge_patient", "Can merge a duplicate patient into another"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["mrn"],
                name="patients_patient_mrn_unique",
                violation_error_message=_("Another patient already has this MRN."),
                # "unique" files the message under the MRN field, next to the input.
                violation_error_code="unique",
            ),
            valid_choice("sex", Sex, "patients_patient"),
            models.CheckConstraint(
                condition=Q(reminder_channel__in=[*ReminderChannel.values, ""]),
                name="patients_patient_channel_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    merged_into__isnull=True,
                    merged_at__isnull=True,
                    merged_by__isnull=True,
                )
                | (
                    Q(
                        merged_into__isnull=False,
                        merged_at__isnull=False,
                        merged_by__isnull=False,
                        is_archived=True,
                    )
                    & ~Q(merged_into=F("pk"))
                    & ~Q(merge_reason="")
                ),
                name="patients_patient_merge_complete",
                violation_error_message=_(
                    "A merged record names the record it was "
                    "merged into, who merged it, when and why, and is archived."
                ),
            ),
            models.CheckConstraint(
                condition=Q(reminder_consent=False) | ~Q(reminder_channel=""),
                name="patients_patient_consent_has_channel",
                violation_error_message=_("Choose how reminders are sent."),
            ),
            models.CheckConstraint(
                condition=Q(weight_kg__isnull=True)
                | Q(weight_kg__gt=0, weight_kg__lt=400),
                name="patients_patient_weight_plausible",
                violation_error_message=_("Weight must be between 0 and 400 kg."),
            ),
            models.CheckConstraint(
                condition=Q(weight_kg__isnull=True, weight_measured_on__isnull=True)
                | Q(weight_kg__isnull=False, weight_measured_on__isnull=False),
                name="patients_patient_weight_has_date",
                violation_error_message=_("Record the date the weight was measured."),
            ),
            models.CheckConstraint(
                condition=Q(weight_measured_on__isnull=True)
                | Q(weight_measured_on__gte=F("date_of_birth")),
                name="patients_patient_weighed_after_birth",
                violation_error_message=_(
                    "The weight cannot be measured before birth."
                ),
            ),
            models.CheckConstraint(
                condition=Q(date_of_death__isnull=True)
                | Q(date_of_death__gte=F("date_of_birth")),
                name="patients_patient_died_after_birth",
                violation_error_message=_(
                    "The date of death is before the date of birth."
                ),
            ),
        ]
        indexes = [
            # Patient search by name and by date of birth.
            models.Index(
                fields=["family_name", "given_name"], name="patients_patient_name"
            ),
            models.Index(fields=["date_of_birth"], name="patients_patient_dob"),
            # The dashboard's minors with nobody to consent: few, in name order.
            models.Index(
                fields=["family_name", "given_name", "id"],
                name="patients_patient_no_guardian",
                condition=Q(is_minor_without_guardian=True, is_archived=False),
            ),
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
        # From the age and guardians as stored: a stale copy cannot undo it.
        Patient.objects.filter(pk=self.pk).store_minor_without_guardian()

    def get_absolute_url(self):
        return reverse("patient_chart", args=[self.pk])

    def toxin_precaution_labels(self) -> list[str]:
        return self._meta.get_field("toxin_precautions").labels(self.toxin_precautions)

    def clean(self):
        born, today = self.date_of_birth, timezone.localdate()
        if self.date_of_death and self.date_of_death > today:
            raise ValidationError(
                {"date_of_death": gettext("The date of death cannot be in the future.")}
            )
        if born and born > today:
            raise ValidationError(
                {"date_of_birth": gettext("The date of birth cannot be in the future.")}
            )
        # Nobody alive was born earlier: such a date is a typing slip (1850 for
        # 1950), and a CheckConstraint cannot know today's date.
        if born and born < oldest_birth_date(today):
            raise ValidationError(
                {
                    "date_of_birth": gettext(
                        "The date of birth is more than %(years)s years ago: "
                        "check the year."
                    )
                    % {"years": MAX_AGE_YEARS}
                }
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
        """Years today, or at death."""
        return self.age_on(self.date_of_death or timezone.localdate())

    @property
    def is_deceased(self) -> bool:
        return self.date_of_death is not None

    def is_minor_on(self, day: datetime.date) -> bool:
        return self.age_on(day) < settings.CLINIC_ADULT_AGE_YEARS

    @property
    def is_minor(self) -> bool:
        return self.is_minor_on(timezone.localdate())

    def needs_guardian(self, consenting_guardian_count: int) -> bool:
        """A child with no guardian who holds consent: nobody can consent for them."""
        return self.is_minor and consenting_guardian_count == 0


class Guardian(models.Model):
    patient = models.ForeignKey(
        Patient, models.PROTECT, related_name="guardians", verbose_name=_("patient")
    )
    full_name = NameField(max_length=200, verbose_name=_("full name"))
    relationship = models.CharField(
        max_length=20, choices=GuardianRelationship, verbose_name=_("relationship")
    )
    phone = models.CharField(max_length=30, blank=True, verbose_name=_("phone"))
    email = models.EmailField(blank=True, verbose_name=_("email"))
    holds_consent = models.BooleanField(
        default=True,
        help_text=_("May consent to treatment for the patient."),
        verbose_name=_("holds consent"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        ordering = ["full_name"]
        constraints = [
            valid_choice("relationship", GuardianRelationship, "patients_guardian"),
        ]
        indexes = [
            # The admin's list order (by name, then Django's -pk tiebreak).
            models.Index(fields=["full_name", "-id"], name="patients_guardian_order"),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.get_relationship_display().lower()})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Every door that writes a guardian (the patient page, the admin's
        # inline) keeps the patient's flag current.
        Patient.objects.filter(pk=self.patient_id).store_minor_without_guardian()
