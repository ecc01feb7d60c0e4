"""Adverse effects reported after a toxin session."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic.records import valid_choice
from clinic.text import NoteField
from treatments.models.choices import (
    URGENT_ADVERSE_EFFECTS,
    AdverseEffectKind,
    Severity,
)
from treatments.models.toxin import ToxinSession


class AdverseEffect(models.Model):
    session = models.ForeignKey(
        ToxinSession,
        models.PROTECT,
        related_name="adverse_effects",
        verbose_name=_("session"),
    )
    kind = models.CharField(
        max_length=30, choices=AdverseEffectKind, verbose_name=_("kind")
    )
    onset_on = models.DateField(verbose_name=_("onset on"))
    severity = models.CharField(
        max_length=10, choices=Severity, verbose_name=_("severity")
    )
    resolved_on = models.DateField(null=True, blank=True, verbose_name=_("resolved on"))
    notes = NoteField(blank=True, verbose_name=_("notes"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("adverse effect")
        verbose_name_plural = _("adverse effects")
        ordering = ["onset_on"]
        indexes = [
            # The admin's list: newest first.
            models.Index(fields=["-onset_on", "-id"], name="treatments_adverse_newest"),
        ]
        constraints = [
            valid_choice("kind", AdverseEffectKind, "treatments_adverse"),
            valid_choice("severity", Severity, "treatments_adverse"),
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True)
                | Q(resolved_on__gte=F("onset_on")),
                name="treatments_adverse_resolved_after_onset",
                violation_error_message=_("An effect cannot resolve before it began."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.severity})"

    def clean(self):
        if self.session_id and self.onset_on and self.session.performed_at:
            if self.onset_on < self.session.performed_on:
                raise ValidationError(
                    {
                        "onset_on": gettext(
                            "An adverse effect cannot begin before the session."
                        )
                    }
                )
        if self.onset_on and self.resolved_on and self.resolved_on < self.onset_on:
            raise ValidationError(
                {"resolved_on": gettext("An effect cannot resolve before it began.")}
            )

    @property
    def is_urgent(self) -> bool:
        return self.kind in URGENT_ADVERSE_EFFECTS
