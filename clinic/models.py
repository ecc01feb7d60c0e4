from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    credentials = models.CharField(
        max_length=40,
        blank=True,
        help_text="Professional credentials shown on charted records, e.g. MD, RN.",
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self):
        name = self.get_full_name() or self.username
        return f"{name}, {self.credentials}" if self.credentials else name


class AccessAction(models.TextChoices):
    VIEW = "view", "Opened the chart"
    PRINT = "print", "Printed"
    EXPORT = "export", "Exported"


class AccessLog(models.Model):
    """Who opened, printed or exported which patient's record: append-only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="access_logs"
    )
    patient = models.ForeignKey(
        "patients.Patient", models.PROTECT, related_name="access_logs"
    )
    action = models.CharField(max_length=10, choices=AccessAction)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        indexes = [
            # "Who opened this chart", newest first.
            models.Index(fields=["patient", "-at"], name="clinic_accesslog_patient_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=AccessAction.values),
                name="clinic_accesslog_action_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.get_action_display().lower()} #{self.patient_id}"
