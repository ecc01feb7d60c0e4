"""Safety flags: the warnings of a toxin session saved as already given, kept
until a neurologist acknowledges them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic.text import NoteField
from treatments.models.toxin import ToxinSession


class SafetyFlagQuerySet(models.QuerySet):
    def unacknowledged(self):
        return self.filter(acknowledged_at__isnull=True)


class SafetyFlag(models.Model):
    """A safety warning of a session saved as already given, without an override
    before the injection: kept with the session until a neurologist acknowledges
    it with a note (DESIGN.md 5)."""

    session = models.ForeignKey(
        ToxinSession,
        models.PROTECT,
        related_name="safety_flags",
        verbose_name=_("session"),
    )
    code = models.CharField(max_length=40, verbose_name=_("code"))
    message = NoteField(verbose_name=_("message"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("raised by"),
    )
    raised_at = models.DateTimeField(default=timezone.now, verbose_name=_("raised at"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("acknowledged at")
    )
    acknowledgement_note = NoteField(blank=True, verbose_name=_("acknowledgement note"))
    history = HistoricalRecords()

    objects = SafetyFlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("safety flag")
        verbose_name_plural = _("safety flags")
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
            # Dashboard: flags still to acknowledge, oldest first (its order).
            models.Index(
                fields=["raised_at", "id"],
                condition=Q(acknowledged_at__isnull=True),
                name="treatments_flag_open",
            ),
            # The admin's list order, every flag.
            models.Index(fields=["raised_at", "id"], name="treatments_flag_order"),
        ]
        permissions = [
            ("acknowledge_safetyflag", "Can acknowledge safety flags of sessions"),
        ]

    def __str__(self):
        return self.message

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None
