from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinic.models import CLINICAL_ROLES
from treatments.models import (
    AdverseEffect,
    ToxinSession,
)

User = get_user_model()

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(
    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
)


def clinic_time_help(text: str) -> str:
    return gettext("%(text)s Clinic time (%(zone)s).") % {
        "text": text,
        "zone": settings.TIME_ZONE,
    }


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.display_name


def responsible_clinicians(*, also: int | None = None):
    """Active users in a clinical role, and the one a course already names."""
    return User.objects.in_roles(*CLINICAL_ROLES, also=also)


class ToxinFollowUpForm(forms.ModelForm):
    class Meta:
        model = ToxinSession
        fields = ["onset_day", "peak_day", "wore_off_on", "benefit"]
        widgets = {"wore_off_on": DATE_INPUT}
        help_texts = {
            "onset_day": _("Days after the injection the patient noticed an effect."),
            "peak_day": _("Days after the injection the effect was greatest."),
            "wore_off_on": _("The date the benefit wore off."),
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
        labels = {"kind": _("Adverse effect"), "onset_on": _("Began on")}


AdverseEffectFormSet = forms.inlineformset_factory(
    ToxinSession,
    AdverseEffect,
    form=AdverseEffectForm,
    extra=2,
    can_delete=False,  # clinical records are corrected, never deleted
)


class LotLookupForm(forms.Form):
    lot = forms.CharField(
        label=_("Lot number"), max_length=40, help_text=_("Not case-sensitive.")
    )

    def clean_lot(self):
        return self.cleaned_data["lot"].strip()


# Record forms: assessments, courses, therapy, medication, referrals, follow-ups.

ENTERED_IN_ERROR_HELP = _(
    "Records are never deleted: a record entered in error stays in the chart, "
    "struck through, with the reason."
)
TEXTAREA = {"attrs": {"rows": 3}}


def offer_entered_in_error(form) -> None:
    """Only a saved record can be marked entered in error."""
    if form.instance.pk is None:
        for name in ("entered_in_error", "entered_in_error_reason"):
            form.fields.pop(name, None)
        return
    form.fields["entered_in_error"].help_text = ENTERED_IN_ERROR_HELP
    form.fields["entered_in_error_reason"].label = gettext("Reason entered in error")


def drop_token_when_editing(form) -> None:
    if form.instance.pk is not None:
        del form.fields["form_token"]  # only a create form can be double-saved
