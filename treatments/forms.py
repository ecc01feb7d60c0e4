from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model

from clinic.models import CLINICAL_ROLES
from clinic.records import ENTERED_IN_ERROR_MESSAGE
from clinic.submissions import FormTokenField
from patients import scales
from patients.models import Assessment, Laterality
from treatments.models import (
    AdverseEffect,
    MedicationOrder,
    Referral,
    ReferralFollowUp,
    TherapySession,
    ToxinSession,
    TreatmentCourse,
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
