from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
    first_name = NameField(_("first name"), max_length=150, blank=True)
    last_name = NameField(_("last name"), max_length=150, blank=True)
    credentials = NameField(
        max_length=40,
        blank=True,
        help_text=_("Professional credentials shown on charted records, e.g. MD, RN."),
        verbose_name=_("credentials"),
    )
    language = models.CharField(
        _("interface language"),
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
    VIEW = "view", _("Opened")
    PRINT = "print", _("Printed")
    EXPORT = "export", _("Exported")
    DOWNLOAD = "download", _("Downloaded")


class AccessLog(models.Model):
    """Who opened, printed, downloaded or exported which patient's record, what
    record it was, when and from where: append-only, written by
    clinic.access.record_access only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="access_logs",
        verbose_name=_("user"),
    )
    patient = models.ForeignKey(
        "patients.Patient",
        models.PROTECT,
        related_name="access_logs",
        verbose_name=_("patient"),
    )
    action = models.CharField(
        max_length=10, choices=AccessAction, verbose_name=_("action")
    )
    # The record shown, by model label ("treatments.toxinsession") and id; no id
    # for a page of a record not yet saved (a blank form under the patient).
    # Blank: the patient's chart.
    record_type = models.CharField(
        max_length=100, blank=True, verbose_name=_("record type")
    )
    record_id = models.PositiveBigIntegerField(
        null=True, blank=True, verbose_name=_("record id")
    )
    address = models.GenericIPAddressField(
        null=True,
        blank=True,
        help_text=_("The address the request came from."),
        verbose_name=_("address"),
    )
    request_id = models.CharField(
        max_length=64,
        blank=True,
        help_text=_("The request's id in the server's log."),
        verbose_name=_("request id"),
    )
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("at"))

    class Meta:
        verbose_name = _("access log")
        verbose_name_plural = _("access logs")
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
        return gettext("%(user)s %(action)s %(record)s of patient #%(patient)s") % {
            "user": self.user,
            "action": self.get_action_display().lower(),
            "record": self.record_label,
            "patient": self.patient_id,
        }

    @property
    def record_label(self) -> str:
        """What was shown, in words: "toxin session #12", "the chart"."""
        if not self.record_type:
            return gettext("the chart")
        if self.record_type == self._meta.label_lower:
            return gettext("the access log")
        try:
            name = apps.get_model(self.record_type)._meta.verbose_name
        except (LookupError, ValueError):
            name = self.record_type
        if self.record_id is None:
            return gettext("a new %(record)s") % {"record": name}
        return gettext("%(record)s #%(id)s") % {"record": name, "id": self.record_id}


class RoleChangeKind(models.TextChoices):
    ADDED = "added", _("Given")
    REMOVED = "removed", _("Taken away")


class RoleChange(models.Model):
    """Who gave or took which role from whom, and when: append-only, written by
    clinic.accounts.change_roles only.

    The role is kept by name, so the record outlives a renamed or removed group.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="role_changes_made",
        verbose_name=_("actor"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="role_changes",
        verbose_name=_("user"),
    )
    role = models.CharField(max_length=150, verbose_name=_("role"))
    change = models.CharField(
        max_length=10, choices=RoleChangeKind, verbose_name=_("change")
    )
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("at"))

    class Meta:
        verbose_name = _("role change")
        verbose_name_plural = _("role changes")
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
        if self.change == RoleChangeKind.ADDED:
            sentence = gettext("%(actor)s gave %(role)s (%(user)s)")
        else:
            sentence = gettext("%(actor)s took away %(role)s (%(user)s)")
        return sentence % {"actor": self.actor, "role": self.role, "user": self.user}


class LetterKind(models.TextChoices):
    POST_SESSION = "post_session", _("Letter to the referrer after a toxin session")
    MVD_REFERRAL = "mvd_referral", _("MVD referral letter")
    APPOINTMENT = "appointment", _("Appointment letter")


def letter_upload_path(letter, filename: str) -> str:
    return f"letters/{letter.patient_id}/{filename}"


class Letter(models.Model):
    """A letter as produced: the PDF kept on the chart, who produced it and when.
    Never changed once made (clinic.letters.service.produce_letter writes it);
    a new letter is produced instead."""

    kind = models.CharField(max_length=20, choices=LetterKind, verbose_name=_("kind"))
    patient = models.ForeignKey(
        "patients.Patient",
        models.PROTECT,
        related_name="letters",
        verbose_name=_("patient"),
    )
    # The record the letter is about: the one its kind names.
    toxin_session = models.ForeignKey(
        "treatments.ToxinSession",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("toxin session"),
    )
    referral = models.ForeignKey(
        "treatments.Referral",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referral"),
    )
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("appointment"),
    )
    recipient = models.CharField(max_length=200, verbose_name=_("recipient"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The clinician who signs it; none for a letter from the clinic."),
        verbose_name=_("signed by"),
    )
    pdf = models.FileField(upload_to=letter_upload_path, verbose_name=_("pdf"))
    produced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("produced by"),
    )
    produced_at = models.DateTimeField(auto_now_add=True, verbose_name=_("produced at"))

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
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
        return gettext("%(kind)s to %(recipient)s") % {
            "kind": self.get_kind_display(),
            "recipient": self.recipient,
        }


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def job_file_path(job, filename: str) -> str:
    return f"jobs/{job.requested_by_id}/{filename}"


class BackgroundJob(models.Model):
    """A long export or import run by the task worker (clinic.jobs): who asked,
    what, how far it got, and the file it made. Only the requester sees it.

    The file is removed after CLINIC_JOB_FILE_DAYS (manage.py
    remove_old_job_files); the row stays, as the record of what was made."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="background_jobs"
    )
    # What the job is, in words ("Patients, CSV"); never patient data.
    title = models.CharField(max_length=200)
    # The dotted name of the function the worker runs, and its keyword arguments.
    runner = models.CharField(max_length=200)
    parameters = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=JobStatus, default=JobStatus.QUEUED
    )
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to=job_file_path, blank=True)
    file_removed_at = models.DateTimeField(null=True, blank=True)
    # Where a job whose result is a page, not a download, shows it (an import's
    # report): the job page and My exports link there.
    result_page = models.CharField(max_length=200, blank=True)
    # What the file needs its reader to hold: each download checks them again.
    permissions = models.JSONField(default=list, blank=True)
    # The patients whose records the file holds: each download is logged for them.
    patient_ids = models.JSONField(default=list, blank=True)
    # Shown to the requester when the job failed: written by clinic.jobs, never
    # an exception's text (it may quote patient data).
    error = models.CharField(max_length=300, blank=True)
    # The request that queued it, so the rows it logs say where it came from.
    address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # "My exports", newest first.
            models.Index(
                fields=["requested_by", "-created_at"], name="clinic_job_mine"
            ),
            # The admin's list: newest first, with the -pk tiebreak Django adds.
            models.Index(fields=["-created_at", "-id"], name="clinic_job_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=JobStatus.values),
                name="clinic_backgroundjob_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(rows_total__isnull=True)
                | models.Q(rows_done__lte=models.F("rows_total")),
                name="clinic_backgroundjob_done_within_total",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.get_status_display().lower()})"
