"""The treatment course: the plan under a case that every treatment record
belongs to."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic.records import form_token_field, form_token_unique, valid_choice
from clinic.text import NoteField
from patients.models import Case, refuse_before_birth
from treatments import intervals
from treatments.models.choices import CourseKind, CourseStatus, Product

# Kept on the course by refresh_recall_facts, so that lists of courses due (the
# recall list, the dashboard) filter, sort and paginate in SQL.
RECALL_FACTS = (
    "last_session_at",
    "last_session_product",
    "earliest_next_on",
    "suggested_next_on",
)


class TreatmentCourseQuerySet(models.QuerySet):
    def active_toxin(self):
        return self.filter(kind=CourseKind.BOTULINUM_TOXIN, status=CourseStatus.ACTIVE)

    def suggested_by(self, day):
        """Courses whose next session is suggested by `day` (overdue ones too)."""
        return self.filter(suggested_next_on__lte=day)


class TreatmentCourse(models.Model):
    """A plan under a case: toxin, therapy, medication, referral or observation."""

    case = models.ForeignKey(
        Case, models.PROTECT, related_name="courses", verbose_name=_("case")
    )
    kind = models.CharField(max_length=20, choices=CourseKind, verbose_name=_("kind"))
    status = models.CharField(
        max_length=10,
        choices=CourseStatus,
        default=CourseStatus.ACTIVE,
        verbose_name=_("status"),
    )
    started_on = models.DateField(
        default=timezone.localdate, verbose_name=_("started on")
    )
    ended_on = models.DateField(null=True, blank=True, verbose_name=_("ended on"))
    goal = NoteField(blank=True, verbose_name=_("goal"))
    responsible_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("responsible clinician"),
    )
    planned_interval_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_(
            "Toxin courses: planned days between sessions (at least 84 is safe)."
        ),
        verbose_name=_("planned interval days"),
    )
    stop_reason = NoteField(blank=True, verbose_name=_("stop reason"))
    form_token = form_token_field()
    # The recall facts (refresh_recall_facts): derived from the sessions, so not
    # part of the course's history.
    last_session_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("last session at")
    )
    last_session_product = models.CharField(
        max_length=20,
        choices=Product,
        blank=True,
        editable=False,
        verbose_name=_("last session product"),
    )
    earliest_next_on = models.DateField(
        null=True, blank=True, editable=False, verbose_name=_("earliest next on")
    )
    suggested_next_on = models.DateField(
        null=True, blank=True, editable=False, verbose_name=_("suggested next on")
    )
    history = HistoricalRecords(excluded_fields=RECALL_FACTS)

    objects = TreatmentCourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("treatment course")
        verbose_name_plural = _("treatment courses")
        ordering = ["-started_on"]
        permissions = [("view_recall", "Can see the toxin recall list")]
        constraints = [
            valid_choice("kind", CourseKind, "treatments_course"),
            valid_choice("status", CourseStatus, "treatments_course"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="treatments_course_ends_after_start",
                violation_error_message=_("A course cannot end before it starts."),
            ),
            models.CheckConstraint(
                # isnull=False: a NULL would pass a bare comparison in SQL.
                condition=~Q(kind=CourseKind.BOTULINUM_TOXIN)
                | Q(planned_interval_days__isnull=False, planned_interval_days__gt=0),
                name="treatments_course_toxin_has_interval",
                violation_error_message=_(
                    "A toxin course needs its planned interval in days."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status=CourseStatus.STOPPED) | ~Q(stop_reason=""),
                name="treatments_course_stop_has_reason",
                violation_error_message=_("Say why the course was stopped."),
            ),
            form_token_unique("treatments_course"),
        ]
        indexes = [
            models.Index(fields=["kind", "status"], name="treatments_course_kind"),
            # The admin's list: newest first, with the -pk tiebreak Django adds.
            models.Index(
                fields=["-started_on", "-id"], name="treatments_course_newest"
            ),
            # The recall list: active toxin courses in order of the suggested date.
            models.Index(
                fields=["suggested_next_on", "id"],
                name="treatments_course_recall",
                condition=Q(
                    kind=CourseKind.BOTULINUM_TOXIN, status=CourseStatus.ACTIVE
                ),
            ),
            # The recall list's clinician choices: who has an active toxin course.
            models.Index(
                fields=["responsible_clinician"],
                name="treatments_course_toxin_by",
                condition=Q(
                    kind=CourseKind.BOTULINUM_TOXIN, status=CourseStatus.ACTIVE
                ),
            ),
        ]

    def __str__(self):
        return gettext("%(kind)s from %(day)s") % {
            "kind": self.get_kind_display(),
            "day": f"{self.started_on:%d %b %Y}",
        }

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The planned interval is part of the suggested date.
        self.refresh_recall_facts()

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
            errors["ended_on"] = _("A course cannot end before it starts.")
        if self.kind == CourseKind.BOTULINUM_TOXIN and not self.planned_interval_days:
            errors["planned_interval_days"] = _(
                "A toxin course needs its planned interval in days."
            )
        if self.status == CourseStatus.STOPPED and not self.stop_reason.strip():
            errors["stop_reason"] = _("Say why the course was stopped.")
        if self._kind_changed() and self.has_records():
            errors["kind"] = _(
                "This course has records of its kind: its kind cannot change. Start "
                "a new course instead."
            )
        if errors:
            raise ValidationError(errors)

    def recall_facts(self, minimum_days: int | None = None) -> dict:
        """From the valid sessions: the last one's time and product, the earliest
        safe date and the suggested date of the next (treatments.intervals)."""
        if minimum_days is None:
            minimum_days = settings.CLINIC_MIN_REINJECTION_DAYS
        sessions = self.toxin_sessions.valid().order_by("-performed_at", "-pk")
        last = sessions.only("performed_at", "product").first()
        if last is None:
            return dict.fromkeys(RECALL_FACTS) | {"last_session_product": ""}
        history = sessions.filter(wore_off_on__isnull=False).only(
            "performed_at", "wore_off_on"
        )[: intervals.HISTORY_SESSIONS]
        last_on = last.performed_on
        return {
            "last_session_at": last.performed_at,
            "last_session_product": last.product,
            "earliest_next_on": intervals.earliest_safe_date(last_on, minimum_days),
            "suggested_next_on": intervals.suggested_date(
                last_on,
                [session.benefit_days for session in history],
                self.planned_interval_days,
                minimum_days,
            ),
        }

    def refresh_recall_facts(self, minimum_days: int | None = None) -> None:
        """Store the recall facts as the sessions now stand: called whenever a
        session of the course or the course itself is saved."""
        facts = self.recall_facts(minimum_days)
        if any(getattr(self, name) != value for name, value in facts.items()):
            TreatmentCourse.objects.filter(pk=self.pk).update(**facts)
            for name, value in facts.items():
                setattr(self, name, value)

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
