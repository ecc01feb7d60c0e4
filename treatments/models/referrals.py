"""Surgical referrals (MVD) and their post-operative follow-ups."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic.records import (
    MultipleChoiceField,
    entered_in_error_constraint,
    entered_in_error_errors,
    form_token_field,
    form_token_unique,
    valid_choice,
)
from clinic.text import NoteField
from patients.models import refuse_before_birth
from treatments.models.choices import (
    AWAITING_REPLY_STATUSES,
    CourseKind,
    FollowUpTimepoint,
    MvdComplication,
    MvdOutcome,
    ReferralStatus,
    Specialty,
    Urgency,
)
from treatments.models.courses import TreatmentCourse


class ReferralQuerySet(models.QuerySet):
    def awaiting_reply(self):
        """Sent or acknowledged, with no reply yet; not entered in error."""
        return self.filter(status__in=AWAITING_REPLY_STATUSES, entered_in_error=False)


class Referral(models.Model):
    course = models.ForeignKey(
        TreatmentCourse,
        models.PROTECT,
        related_name="referrals",
        verbose_name=_("course"),
    )
    to_name = models.CharField(_("referred to"), max_length=200)
    specialty = models.CharField(
        max_length=20, choices=Specialty, verbose_name=_("specialty")
    )
    reason = NoteField(verbose_name=_("reason"))
    urgency = models.CharField(
        max_length=10,
        choices=Urgency,
        default=Urgency.ROUTINE,
        verbose_name=_("urgency"),
    )
    status = models.CharField(
        max_length=20,
        choices=ReferralStatus,
        default=ReferralStatus.SENT,
        verbose_name=_("status"),
    )
    sent_on = models.DateField(default=timezone.localdate, verbose_name=_("sent on"))
    replied_on = models.DateField(null=True, blank=True, verbose_name=_("replied on"))
    surgery_on = models.DateField(null=True, blank=True, verbose_name=_("surgery on"))
    outcome = models.CharField(
        max_length=25, choices=MvdOutcome, blank=True, verbose_name=_("outcome")
    )
    complications = MultipleChoiceField(
        options=MvdComplication.choices, verbose_name=_("complications")
    )
    notes = NoteField(blank=True, verbose_name=_("notes"))
    entered_in_error = models.BooleanField(
        default=False, verbose_name=_("entered in error")
    )
    entered_in_error_reason = NoteField(
        blank=True, verbose_name=_("entered in error reason")
    )
    form_token = form_token_field()
    history = HistoricalRecords()

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_on"]
        constraints = [
            valid_choice("specialty", Specialty, "treatments_referral"),
            valid_choice("urgency", Urgency, "treatments_referral"),
            valid_choice("status", ReferralStatus, "treatments_referral"),
            valid_choice("outcome", MvdOutcome, "treatments_referral", blank=True),
            models.CheckConstraint(
                condition=Q(replied_on__isnull=True) | Q(replied_on__gte=F("sent_on")),
                name="treatments_referral_reply_after_sent",
                violation_error_message=_(
                    "A reply cannot come before the referral was sent."
                ),
            ),
            models.CheckConstraint(
                condition=Q(surgery_on__isnull=True) | Q(surgery_on__gte=F("sent_on")),
                name="treatments_referral_surgery_after_sent",
                violation_error_message=_("Surgery cannot be before the referral."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ReferralStatus.OPERATED)
                | Q(surgery_on__isnull=False),
                name="treatments_referral_operated_has_date",
                violation_error_message=_("Record the date of surgery."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ReferralStatus.OUTCOME_RECORDED) | ~Q(outcome=""),
                name="treatments_referral_outcome_recorded",
                violation_error_message=_("Record the outcome."),
            ),
            entered_in_error_constraint("treatments_referral"),
            form_token_unique("treatments_referral"),
        ]
        indexes = [
            # Dashboard: referrals awaiting a reply, oldest first (its order).
            models.Index(
                fields=["sent_on", "id"],
                condition=Q(status__in=AWAITING_REPLY_STATUSES, entered_in_error=False),
                name="treatments_referral_awaiting",
            ),
            # The admin's list: newest first, with the -pk tiebreak Django adds.
            models.Index(fields=["-sent_on", "-id"], name="treatments_referral_newest"),
        ]

    def __str__(self):
        return gettext("%(specialty)s referral to %(to)s") % {
            "specialty": self.get_specialty_display(),
            "to": self.to_name,
        }

    def clean(self):
        refuse_before_birth(
            self.course.case.patient if self.course_id else None,
            sent_on=self.sent_on,
            replied_on=self.replied_on,
            surgery_on=self.surgery_on,
        )
        if self.course_id and self.course.kind != CourseKind.SURGICAL_REFERRAL:
            raise ValidationError(
                {"course": _("Referrals belong to a surgical-referral course.")}
            )
        # These repeat Meta.constraints so that a form shows each message next to
        # its field; the constraint on a field with an error is then skipped.
        errors = entered_in_error_errors(self)
        if self.sent_on and self.replied_on and self.replied_on < self.sent_on:
            errors["replied_on"] = _(
                "A reply cannot come before the referral was sent."
            )
        if self.sent_on and self.surgery_on and self.surgery_on < self.sent_on:
            errors["surgery_on"] = _("Surgery cannot be before the referral.")
        elif self.status == ReferralStatus.OPERATED and not self.surgery_on:
            errors["surgery_on"] = _("Record the date of surgery.")
        if self.status == ReferralStatus.OUTCOME_RECORDED and not self.outcome:
            errors["outcome"] = _("Record the outcome.")
        if errors:
            raise ValidationError(errors)


class ReferralFollowUp(models.Model):
    """A post-MVD review at one of the standard timepoints."""

    referral = models.ForeignKey(
        Referral, models.PROTECT, related_name="follow_ups", verbose_name=_("referral")
    )
    timepoint = models.CharField(
        max_length=3, choices=FollowUpTimepoint, verbose_name=_("timepoint")
    )
    seen_on = models.DateField(verbose_name=_("seen on"))
    spasm_status = models.CharField(
        max_length=25, choices=MvdOutcome, verbose_name=_("spasm status")
    )
    complications = MultipleChoiceField(
        options=MvdComplication.choices, verbose_name=_("complications")
    )
    notes = NoteField(blank=True, verbose_name=_("notes"))
    form_token = form_token_field()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("referral follow up")
        verbose_name_plural = _("referral follow ups")
        ordering = ["seen_on"]
        indexes = [
            # The admin's list order (then Django's -pk tiebreak).
            models.Index(fields=["seen_on", "-id"], name="treatments_followup_order"),
        ]
        constraints = [
            valid_choice("timepoint", FollowUpTimepoint, "treatments_followup"),
            valid_choice("spasm_status", MvdOutcome, "treatments_followup"),
            models.UniqueConstraint(
                fields=["referral", "timepoint"],
                name="treatments_followup_one_per_timepoint",
                violation_error_message=_("This timepoint is already recorded."),
            ),
            form_token_unique("treatments_followup"),
        ]

    def __str__(self):
        return gettext("%(timepoint)s follow-up") % {
            "timepoint": self.get_timepoint_display()
        }

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
            raise ValidationError(
                {"timepoint": _("This timepoint is already recorded.")}
            )
