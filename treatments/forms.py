from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from clinic.models import CLINICAL_ROLES
from clinic.records import ENTERED_IN_ERROR_MESSAGE
from clinic.submissions import FormTokenField
from patients import scales
from patients.models import Assessment, Laterality
from treatments.booking import MAX_SERIES
from treatments.clinic_time import ClinicDateTimeField
from treatments.models import (
    AdverseEffect,
    AppointmentKind,
    CourseKind,
    CourseStatus,
    MedicationOrder,
    Product,
    RecallContact,
    Referral,
    ReferralFollowUp,
    TherapySession,
    ToxinSession,
    TreatmentCourse,
    WaitlistEntry,
)

User = get_user_model()

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(
    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
)


def clinic_time_help(text: str) -> str:
    return f"{text} Clinic time ({settings.TIME_ZONE})."


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class ToxinFollowUpForm(forms.ModelForm):
    class Meta:
        model = ToxinSession
        fields = ["onset_day", "peak_day", "wore_off_on", "benefit"]
        widgets = {"wore_off_on": DATE_INPUT}
        help_texts = {
            "onset_day": "Days after the injection the patient noticed an effect.",
            "peak_day": "Days after the injection the effect was greatest.",
            "wore_off_on": "The date the benefit wore off.",
        }


class AdverseEffectForm(forms.ModelForm):
    class Meta:
        model = AdverseEffect
        fields = ["kind", "onset_on", "severity", "resolved_on", "notes"]
        widgets = {
            "onset_on": DATE_INPUT,
            "resolved_on": DATE_INPUT,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"kind": "Adverse effect", "onset_on": "Began on"}


AdverseEffectFormSet = forms.inlineformset_factory(
    ToxinSession,
    AdverseEffect,
    form=AdverseEffectForm,
    extra=2,
    can_delete=False,  # clinical records are corrected, never deleted
)


class LotLookupForm(forms.Form):
    lot = forms.CharField(
        label="Lot number", max_length=40, help_text="Not case-sensitive."
    )

    def clean_lot(self):
        return self.cleaned_data["lot"].strip()


# Record forms: assessments, courses, therapy, medication, referrals, follow-ups.

ENTERED_IN_ERROR_HELP = (
    "Records are never deleted: a record entered in error stays in the chart, "
    "struck through, with the reason."
)
TEXTAREA = {"attrs": {"rows": 3}}


def _offer_entered_in_error(form) -> None:
    """Only a saved record can be marked entered in error."""
    if form.instance.pk is None:
        for name in ("entered_in_error", "entered_in_error_reason"):
            form.fields.pop(name, None)
        return
    form.fields["entered_in_error"].help_text = ENTERED_IN_ERROR_HELP
    form.fields["entered_in_error_reason"].label = "Reason entered in error"


def _drop_token_when_editing(form) -> None:
    if form.instance.pk is not None:
        del form.fields["form_token"]  # only a create form can be double-saved


def _item_field_name(code: str) -> str:
    return f"item_{code}"


def _item_help_text(item: scales.Item) -> str:
    """The item's anchors, or its allowed values when the scale gives none."""
    if item.anchors:
        return "; ".join(f"{value} = {text}" for value, text in item.anchors)
    return f"From {min(item.allowed)} to {max(item.allowed)}."


class AssessmentForm(forms.ModelForm):
    """One input per item of the assessment's scale (its instrument and version are
    set on the instance by the view); the totals are computed as stored."""

    form_token = FormTokenField()

    class Meta:
        model = Assessment
        fields = [
            "answers",
            "side",
            "assessed_on",
            "notes",
            "entered_in_error",
            "entered_in_error_reason",
        ]
        widgets = {
            "assessed_on": DATE_INPUT,
            "notes": forms.Textarea(**TEXTAREA),
            "entered_in_error_reason": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"assessed_on": "Assessed on", "side": "Side graded"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = scales.get_definition(
            self.instance.instrument, self.instance.version
        )
        _drop_token_when_editing(self)
        _offer_entered_in_error(self)
        # Filled from the item inputs in clean(). It is kept as a field, never
        # shown or read from the request, so that the model's own check of the
        # answers has a place to report to; clean() has already put each problem
        # next to its item.
        self.fields["answers"].disabled = True
        self.fields["answers"].required = False
        self.fields["answers"].widget = forms.HiddenInput()
        if self.definition.per_side:
            # Left optional here: the model says why a side is needed.
            self.fields["side"].choices = [
                ("", "---------"),
                (Laterality.RIGHT, Laterality.RIGHT.label),
                (Laterality.LEFT, Laterality.LEFT.label),
            ]
            self.fields[
                "side"
            ].help_text = (
                f"{self.definition.name} is graded per side: the affected side."
            )
        else:
            del self.fields["side"]
        answers = self.instance.answers or {}
        for item in self.definition.items:
            choices = [("", "---------")]
            choices += [(str(value), str(value)) for value in item.allowed]
            if item.allows_not_applicable:
                choices.append((scales.NOT_APPLICABLE, "N/A (not applicable)"))
            stored = answers.get(item.code)
            self.fields[_item_field_name(item.code)] = forms.CharField(
                label=item.label,
                widget=forms.Select(choices=choices),
                help_text=_item_help_text(item),
                initial="" if stored is None else str(stored),
                error_messages={"required": f"Answer {item.label}."},
            )
        self.order_fields(
            [
                "form_token",
                "assessed_on",
                "side",
                *[_item_field_name(item.code) for item in self.definition.items],
            ]
        )

    def clean(self):
        cleaned = super().clean()
        answers = {}
        for item in self.definition.items:
            value = cleaned.get(_item_field_name(item.code))
            if value is not None:
                answers[item.code] = (
                    value if value == scales.NOT_APPLICABLE else value.strip()
                )
        self._check_answers(answers)
        cleaned["answers"] = {
            code: int(value) if value.lstrip("-").isdigit() else value
            for code, value in answers.items()
        }
        if (
            cleaned.get("entered_in_error")
            and not (cleaned.get("entered_in_error_reason") or "").strip()
        ):
            # Assessment (patients) has no clean() for this rule; it is the
            # database constraint's message, next to the reason.
            self.add_error("entered_in_error_reason", ENTERED_IN_ERROR_MESSAGE)
        return cleaned

    def _check_answers(self, answers: dict[str, str]) -> None:
        """Score the answers and put each problem next to its item.

        The scale reports one problem at a time; an item found wrong (or left
        blank, which its own field reports as required) is stood in for by a
        valid value, so that every wrong item is reported in one go.
        """
        instrument, version = self.instance.instrument, self.instance.version
        valid = {item.code: item.allowed[0] for item in self.definition.items}
        trial = {code: answers.get(code, value) for code, value in valid.items()}
        reported = set()
        while True:
            try:
                scales.score(instrument, version, trial)
            except scales.ScaleError as error:
                if error.item is None or error.item in reported:
                    # About the answers as a whole (every BSDI item N/A): only
                    # once every item is answered and none is wrong.
                    if len(answers) == len(trial) and not reported:
                        self.add_error(None, str(error))
                    return
                reported.add(error.item)
                self.add_error(_item_field_name(error.item), str(error))
                trial[error.item] = valid[error.item]
            else:
                return


def responsible_clinicians(*, also: int | None = None):
    """Active users in a clinical role, and the one a course already names."""
    return User.objects.in_roles(*CLINICAL_ROLES, also=also)


class CourseForm(forms.ModelForm):
    form_token = FormTokenField()

    class Meta:
        model = TreatmentCourse
        fields = [
            "kind",
            "status",
            "started_on",
            "ended_on",
            "goal",
            "responsible_clinician",
            "planned_interval_days",
            "stop_reason",
        ]
        field_classes = {"responsible_clinician": UserChoiceField}
        widgets = {
            "started_on": DATE_INPUT,
            "ended_on": DATE_INPUT,
            "goal": forms.Textarea(**TEXTAREA),
            "stop_reason": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "started_on": "Started on",
            "ended_on": "Ended on",
            "planned_interval_days": "Planned interval (days)",
        }
        help_texts = {"stop_reason": "Required when the course is stopped."}

    def __init__(self, *args, kind_fixed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        _drop_token_when_editing(self)
        self.fields["responsible_clinician"].queryset = responsible_clinicians(
            also=self.instance.responsible_clinician_id if self.instance.pk else None
        )
        minimum = settings.CLINIC_MIN_REINJECTION_DAYS
        self.fields["planned_interval_days"].help_text = (
            f"Required for a botulinum-toxin course: the planned days between "
            f"sessions. {minimum} days is the minimum safe interval."
        )
        self.fields["planned_interval_days"].widget.attrs["min"] = "1"
        if kind_fixed:
            self.fields["kind"].disabled = True
            self.fields["kind"].help_text = (
                "Fixed: records are charted under this course. Start a new course "
                "for another kind of treatment."
            )


class TherapySessionForm(forms.ModelForm):
    form_token = FormTokenField()

    class Meta:
        model = TherapySession
        fields = [
            "session_on",
            "duration_minutes",
            "focus",
            "exercises",
            "home_programme",
            "progress",
            "notes",
            "entered_in_error",
            "entered_in_error_reason",
        ]
        widgets = {
            "session_on": DATE_INPUT,
            "exercises": forms.Textarea(**TEXTAREA),
            "home_programme": forms.Textarea(**TEXTAREA),
            "notes": forms.Textarea(**TEXTAREA),
            "entered_in_error_reason": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "session_on": "Session on",
            "duration_minutes": "Duration (minutes)",
            "home_programme": "Home programme",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _drop_token_when_editing(self)
        _offer_entered_in_error(self)
        self.fields["duration_minutes"].widget.attrs["min"] = "1"


class MedicationOrderForm(forms.ModelForm):
    form_token = FormTokenField()

    class Meta:
        model = MedicationOrder
        fields = [
            "drug",
            "dose",
            "dose_unit",
            "route",
            "frequency",
            "start_on",
            "stop_on",
            "indication",
            "stop_reason",
            "entered_in_error",
            "entered_in_error_reason",
        ]
        widgets = {
            "start_on": DATE_INPUT,
            "stop_on": DATE_INPUT,
            "entered_in_error_reason": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "dose_unit": "Dose unit",
            "start_on": "Start on",
            "stop_on": "Stop on",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _drop_token_when_editing(self)
        _offer_entered_in_error(self)

    def clean_drug(self):
        return self.cleaned_data["drug"].strip()


class ReferralForm(forms.ModelForm):
    """A new referral is sent; its status and the reply, surgery and outcome are
    updated on the saved referral."""

    form_token = FormTokenField()

    class Meta:
        model = Referral
        fields = [
            "to_name",
            "specialty",
            "urgency",
            "reason",
            "sent_on",
            "status",
            "replied_on",
            "surgery_on",
            "outcome",
            "complications",
            "notes",
            "entered_in_error",
            "entered_in_error_reason",
        ]
        widgets = {
            "reason": forms.Textarea(**TEXTAREA),
            "sent_on": DATE_INPUT,
            "replied_on": DATE_INPUT,
            "surgery_on": DATE_INPUT,
            "notes": forms.Textarea(**TEXTAREA),
            "entered_in_error_reason": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "sent_on": "Sent on",
            "replied_on": "Replied on",
            "surgery_on": "Surgery on",
        }
        help_texts = {
            "status": "Sent, acknowledged, seen, surgery scheduled, operated, "
            "outcome recorded; or declined or cancelled.",
            "surgery_on": "Required once operated.",
            "outcome": "Required when the outcome is recorded. Before 12 months "
            "after surgery, no change yet is not a failure: cure is often delayed.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _drop_token_when_editing(self)
        _offer_entered_in_error(self)
        if self.instance.pk is None:
            for name in ("status", "replied_on", "surgery_on", "outcome"):
                del self.fields[name]
            del self.fields["complications"]
        else:
            self.fields["complications"].label = "Complications of surgery"


class ReferralFollowUpForm(forms.ModelForm):
    form_token = FormTokenField()

    class Meta:
        model = ReferralFollowUp
        fields = ["timepoint", "seen_on", "spasm_status", "complications", "notes"]
        widgets = {"seen_on": DATE_INPUT, "notes": forms.Textarea(**TEXTAREA)}
        labels = {"seen_on": "Seen on", "spasm_status": "Spasm status"}
        help_texts = {
            "timepoint": "After surgery; one review per timepoint.",
            "spasm_status": "Before 12 months, no change yet is not a failure: "
            "spasm often stops weeks or months after decompression (delayed cure).",
        }


# Recall (who is due)

MAX_RECALL_HORIZON_WEEKS = 52


class RecallFilterForm(forms.Form):
    """The recall list's horizon and filters, read from the query string."""

    weeks = forms.IntegerField(
        label="Due within (weeks)",
        min_value=0,
        max_value=MAX_RECALL_HORIZON_WEEKS,
        required=False,
        help_text="Overdue patients are always listed.",
    )
    clinician = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="Any clinician",
        help_text="The clinician responsible for the course.",
    )
    product = forms.ChoiceField(
        choices=[("", "Any product"), *Product.choices],
        required=False,
        help_text="The product of the last session.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only clinicians who are responsible for an active toxin course.
        self.fields["clinician"].queryset = User.objects.filter(
            pk__in=TreatmentCourse.objects.filter(
                kind=CourseKind.BOTULINUM_TOXIN, status=CourseStatus.ACTIVE
            ).values("responsible_clinician")
        ).order_by("last_name", "first_name", "username")


class RecallContactForm(forms.ModelForm):
    """An attempt to reach a patient who is due; who and when are set by the view."""

    class Meta:
        model = RecallContact
        fields = ["method", "note"]
        labels = {"method": "How"}


# Booking and the waitlist

BOOKABLE_COURSE_STATUSES = [CourseStatus.PLANNED, CourseStatus.ACTIVE]
OVERRIDE_REASON_LABEL = "Reason for booking before the earliest safe date"


def _bookable_courses(patient):
    return TreatmentCourse.objects.filter(
        case__patient=patient, status__in=BOOKABLE_COURSE_STATUSES
    ).order_by("-started_on", "pk")


class BookableCourseField(forms.ModelChoiceField):
    def label_from_instance(self, course):
        if course.planned_interval_days:
            return f"{course} (every {course.planned_interval_days} days)"
        return str(course)


def _usual_minutes_help() -> str:
    usual = ", ".join(
        f"{AppointmentKind(kind).label.lower()} {minutes}"
        for kind, minutes in settings.CLINIC_APPOINTMENT_MINUTES.items()
    )
    return f"Leave blank for the usual length in minutes: {usual}."


def _minutes_field(**kwargs):
    return forms.IntegerField(
        label="Duration (minutes)", min_value=5, max_value=8 * 60, **kwargs
    )


def _override_reason_field():
    return forms.CharField(
        label=OVERRIDE_REASON_LABEL,
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AppointmentBookForm(forms.Form):
    """Book one appointment for a patient, or a series at the course's planned
    interval; the booking service checks clashes and the earliest safe date."""

    clinician = UserChoiceField(queryset=User.objects.none())
    kind = forms.ChoiceField(label="Appointment", choices=AppointmentKind.choices)
    starts_at = ClinicDateTimeField(label="Starts at")
    minutes = _minutes_field(required=False)
    course = BookableCourseField(
        queryset=TreatmentCourse.objects.none(),
        required=False,
        help_text="The treatment course the visit belongs to, if any.",
    )
    notes = forms.CharField(
        max_length=200, required=False, help_text="Administrative notes only."
    )
    series_count = forms.IntegerField(
        label="Sessions to book",
        min_value=1,
        max_value=MAX_SERIES,
        initial=1,
        help_text="1 books this appointment only. More books this one and the next "
        "ones at the course's planned interval, at the same clock time.",
    )
    override_reason = _override_reason_field()
    # The waitlist entry the booking comes from, if any (the view looks it up).
    waitlist = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clinician"].queryset = responsible_clinicians()
        self.fields["course"].queryset = _bookable_courses(patient)
        self.fields["minutes"].help_text = _usual_minutes_help()
        self.fields["starts_at"].help_text = clinic_time_help(
            "When the appointment starts."
        )

    def clean_starts_at(self):
        return _not_before_today(self.cleaned_data["starts_at"])

    def clean(self):
        cleaned = super().clean()
        course = cleaned.get("course")
        kind = cleaned.get("kind")
        if kind == AppointmentKind.TOXIN_SESSION and course and not course.is_toxin:
            self.add_error(
                "course", "A toxin session belongs to a botulinum-toxin course."
            )
        count = cleaned.get("series_count") or 1
        if count > 1 and not (course and course.planned_interval_days):
            self.add_error(
                "series_count",
                "To book a series, choose a course with a planned interval.",
            )
        return cleaned


def _not_before_today(starts_at):
    if starts_at and timezone.localtime(starts_at).date() < timezone.localdate():
        raise forms.ValidationError(
            "Choose today or a later day: a past appointment cannot be booked."
        )
    return starts_at


def _this_and_following_field(count: int) -> forms.BooleanField:
    return forms.BooleanField(
        required=False,
        label=f"Also the {count} later appointment{'s' * (count != 1)} of this series",
    )


class AppointmentRescheduleForm(forms.Form):
    starts_at = ClinicDateTimeField(label="New start")
    minutes = _minutes_field()
    this_and_following = forms.BooleanField(required=False)
    override_reason = _override_reason_field()

    def __init__(self, *args, following: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].help_text = clinic_time_help(
            "When the appointment now starts."
        )
        if following:
            self.fields["this_and_following"] = _this_and_following_field(following)
            self.fields["this_and_following"].help_text = (
                "They move by as many days and hours as this one; each keeps its "
                "length unless you change it here."
            )
        else:
            del self.fields["this_and_following"]

    def clean_starts_at(self):
        return _not_before_today(self.cleaned_data["starts_at"])


class AppointmentCancelForm(forms.Form):
    reason = forms.CharField(
        max_length=200,
        error_messages={"required": "Say why the appointment is cancelled."},
        help_text="Administrative reason only, e.g. patient unwell, clinic closed.",
    )
    this_and_following = forms.BooleanField(required=False)

    def __init__(self, *args, following: int, **kwargs):
        super().__init__(*args, **kwargs)
        if following:
            self.fields["this_and_following"] = _this_and_following_field(following)
        else:
            del self.fields["this_and_following"]


class WaitlistEntryForm(forms.ModelForm):
    class Meta:
        model = WaitlistEntry
        fields = ["kind", "course", "clinician", "wanted_from", "wanted_until", "note"]
        field_classes = {"clinician": UserChoiceField, "course": BookableCourseField}
        widgets = {"wanted_from": DATE_INPUT, "wanted_until": DATE_INPUT}
        labels = {
            "kind": "Appointment",
            "clinician": "Preferred clinician",
            "wanted_from": "Wanted from",
            "wanted_until": "Wanted until",
        }
        help_texts = {
            "clinician": "Leave blank for any clinician.",
            "wanted_until": "Leave blank if any later date will do.",
            "note": "Administrative notes only, e.g. can come at short notice.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = _bookable_courses(self.instance.patient)
        self.fields["clinician"].queryset = responsible_clinicians()

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("wanted_from"), cleaned.get("wanted_until")
        if starts and ends and ends < starts:
            self.add_error(
                "wanted_until",
                "The end of the wanted period cannot be before its start.",
            )
        return cleaned
