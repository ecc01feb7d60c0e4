"""The scored-scale form: one field per item of the chosen scale."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinic.records import ENTERED_IN_ERROR_MESSAGE
from clinic.submissions import FormTokenField
from patients import scales
from patients.models import Assessment, Laterality
from treatments.forms import (
    DATE_INPUT,
    TEXTAREA,
    drop_token_when_editing,
    offer_entered_in_error,
)


def _item_field_name(code: str) -> str:
    return f"item_{code}"


def _item_choices(item: scales.Item) -> list[tuple[str, str]]:
    """Each allowed value with what it means where the scale says ("2: Mild:
    noticeable, not disabling"), else the bare value."""
    anchors = dict(item.anchors)
    choices = [("", "---------")]
    choices += [
        (str(value), f"{value}: {anchors[value]}" if value in anchors else str(value))
        for value in item.allowed
    ]
    if item.allows_not_applicable:
        choices.append((scales.NOT_APPLICABLE, gettext("N/A (not applicable)")))
    return choices


def _item_help_text(item: scales.Item) -> str:
    """The range, where the choices do not all say what they mean."""
    if {value for value, _ in item.anchors} >= set(item.allowed):
        return ""
    return gettext("From %(low)s to %(high)s.") % {
        "low": min(item.allowed),
        "high": max(item.allowed),
    }


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
        labels = {"assessed_on": _("Assessed on"), "side": _("Side graded")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = scales.get_definition(
            self.instance.instrument, self.instance.version
        )
        drop_token_when_editing(self)
        offer_entered_in_error(self)
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
            self.fields["side"].help_text = gettext(
                "%(scale)s is graded per side: the affected side."
            ) % {"scale": self.definition.name}
        else:
            del self.fields["side"]
        answers = self.instance.answers or {}
        for item in self.definition.items:
            stored = answers.get(item.code)
            self.fields[_item_field_name(item.code)] = forms.CharField(
                label=item.label,
                widget=forms.Select(choices=_item_choices(item)),
                help_text=_item_help_text(item),
                initial="" if stored is None else str(stored),
                error_messages={
                    "required": gettext("Answer %(item)s.") % {"item": item.label}
                },
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
