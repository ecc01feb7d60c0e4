from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from clinic.text import NameField


class Role(models.TextChoices):
    """The role groups (clinic/migrations/0003_roles.py); a group's name is its
    value."""

    NEUROLOGIST = "Neurologist"
    INJECTOR = "Injector"
    THERAPIST = "Therapist"
    SCHEDULER = "Scheduler"
    CLINIC_ADMIN = "Clinic admin"


# Who may be picked for which part in a record.
INJECTING_ROLES = (Role.NEUROLOGIST, Role.INJECTOR)
CLINICAL_ROLES = (Role.NEUROLOGIST, Role.INJECTOR, Role.THERAPIST)


class UserQuerySet(models.QuerySet):
    def in_roles(self, *roles: str, also: int | None = None):
        """Active users holding one of `roles`, and the user a record already names
        (so that an edit keeps a pick that no longer fits), by name."""
        chosen = models.Q(
            pk__in=self.model.objects.filter(
                is_active=True, groups__name__in=roles
            ).values("pk")
        )
        if also is not None:
            chosen |= models.Q(pk=also)
        return self.filter(chosen).order_by("last_name", "first_name", "username")


class ClinicUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    # The names as AbstractUser has them, checked like every other person's name.
    first_name = NameField("first name", max_length=150, blank=True)
    last_name = NameField("last name", max_length=150, blank=True)
    credentials = NameField(
        max_length=40,
        blank=True,
        help_text="Professional credentials shown on charted records, e.g. MD, RN.",
    )
    language = models.CharField(
        "interface language",
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    objects = ClinicUserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self):
        name = self.display_name
        return f"{name}, {self.credentials}" if self.credentials else name

    @property
    def display_name(self) -> str:
        """How the clinic names the user on pages and in messages: the full name,
        or the username of a user without one. No credentials (see __str__)."""
        return self.get_full_name() or self.get_username()


class AccessAction(models.TextChoices):
    VIEW = "view", "Opened"
    PRINT = "print", "Printed"
    EXPORT = "export", "Exported"
    DOWNLOAD = "download", "Downloaded"


class AccessLog(models.Model):
    """Who opened, printed, downloaded or exported which patient's record, what
    record it was, when and from where: append-only, written by
    clinic.access.record_access only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="access_logs"
    )
    patient = models.ForeignKey(
        "patients.Patient", models.PROTECT, related_name="access_logs"
    )
    action = models.CharField(max_length=10, choices=AccessAction)
    # The record shown, by model label ("treatments.toxinsession") and id; no id
    # for a page of a record not yet saved (a blank form under the patient).
    # Blank: the patient's chart.
    record_type = models.CharField(max_length=100, blank=True)
    record_id = models.PositiveBigIntegerField(null=True, blank=True)
    address = models.GenericIPAddressField(
        null=True, blank=True, help_text="The address the request came from."
    )
    request_id = models.CharField(
        max_length=64, blank=True, help_text="The request's id in the server's log."
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        permissions = [("export_accesslog", "Can export the access log")]
        indexes = [
            # "Who opened this chart", newest first.
            models.Index(fields=["patient", "-at"], name="clinic_accesslog_patient_at"),
            # The admin's list: newest first, with the -pk tiebreak Django adds.
            models.Index(fields=["-at", "-id"], name="clinic_accesslog_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=AccessAction.values),
                name="clinic_accesslog_action_valid",
            ),
        ]

    def __str__(self):
        return (
            f"{self.user} {self.get_action_display().lower()} {self.record_label} "
            f"of patient #{self.patient_id}"
        )

    @property
    def record_label(self) -> str:
        """What was shown, in words: "toxin session #12", "the chart"."""
        if not self.record_type:
            return "the chart"
        if self.record_type == self._meta.label_lower:
            return "the access log"
        try:
            name = apps.get_model(self.record_type)._meta.verbose_name
        except (LookupError, ValueError):
            name = self.record_type
        if self.record_id is None:
            return f"a new {name}"
        return f"{name} #{self.record_id}"


class RoleChangeKind(models.TextChoices):
    ADDED = "added", "Given"
    REMOVED = "removed", "Taken away"


class RoleChange(models.Model):
    """Who gave or took which role from whom, and when: append-only, written by
    clinic.accounts.change_roles only.

    The role is kept by name, so the record outlives a renamed or removed group.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="role_changes_made"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="role_changes"
    )
    role = models.CharField(max_length=150)
    change = models.CharField(max_length=10, choices=RoleChangeKind)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            # "Whose roles changed, and when", newest first.
            models.Index(fields=["user", "-at"], name="clinic_rolechange_user_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(change__in=RoleChangeKind.values),
                name="clinic_rolechange_change_valid",
            ),
        ]

    def __str__(self):
        verb = "gave" if self.change == RoleChangeKind.ADDED else "took away"
        return f"{self.actor} {verb} {self.role} ({self.user})"


class LetterKind(models.TextChoices):
    POST_SESSION = "post_session", "Letter to the referrer after a toxin session"
    MVD_REFERRAL = "mvd_referral", "MVD referral letter"
    APPOINTMENT = "appointment", "Appointment letter"


def letter_upload_path(letter, filename: str) -> str:
    return f"letters/{letter.patient_id}/{filename}"


class Letter(models.Model):
    """A letter as produced: the PDF kept on the chart, who produced it and when.
    Never changed once made (clinic.letters.service.produce_letter writes it);
    a new letter is produced instead."""

    kind = models.CharField(max_length=20, choices=LetterKind)
    patient = models.ForeignKey(
        "patients.Patient", models.PROTECT, related_name="letters"
    )
    # The record the letter is about: the one its kind names.
    toxin_session = models.ForeignKey(
        "treatments.ToxinSession",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    referral = models.ForeignKey(
        "treatments.Referral", models.PROTECT, null=True, blank=True, related_name="+"
    )
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recipient = models.CharField(max_length=200)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The clinician who signs it; none for a letter from the clinic.",
    )
    pdf = models.FileField(upload_to=letter_upload_path)
    produced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+"
    )
    produced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-produced_at", "-id"]
        indexes = [
            models.Index(
                fields=["patient", "-produced_at"], name="clinic_letter_chart"
            ),
            # The admin's list: newest first, with the -pk tiebreak Django adds.
            models.Index(fields=["-produced_at", "-id"], name="clinic_letter_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind=LetterKind.POST_SESSION,
                        toxin_session__isnull=False,
                        referral__isnull=True,
                        appointment__isnull=True,
                    )
                    | models.Q(
                        kind=LetterKind.MVD_REFERRAL,
                        toxin_session__isnull=True,
                        referral__isnull=False,
                        appointment__isnull=True,
                    )
                    | models.Q(
                        kind=LetterKind.APPOINTMENT,
                        toxin_session__isnull=True,
                        referral__isnull=True,
                        appointment__isnull=False,
                    )
                ),
                name="clinic_letter_names_the_record_of_its_kind",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient}"
