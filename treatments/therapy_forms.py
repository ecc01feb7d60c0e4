"""The physical-therapy session form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clinic.submissions import FormTokenField
from treatments.forms import (
    DATE_INPUT,
    TEXTAREA,
    drop_token_when_editing,
    offer_entered_in_error,
)
from treatments.models import (
    TherapySession,
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
            "session_on": _("Session on"),
            "duration_minutes": _("Duration (minutes)"),
            "home_programme": _("Home programme"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        drop_token_when_editing(self)
        offer_entered_in_error(self)
        self.fields["duration_minutes"].widget.attrs["min"] = "1"
