"""The surgical referral and MVD follow-up forms."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinic.submissions import FormTokenField
from treatments.forms import (
    DATE_INPUT,
    TEXTAREA,
    drop_token_when_editing,
    offer_entered_in_error,
)
from treatments.models import (
    Referral,
    ReferralFollowUp,
)


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
            "sent_on": _("Sent on"),
            "replied_on": _("Replied on"),
            "surgery_on": _("Surgery on"),
        }
        help_texts = {
            "status": _(
                "Sent, acknowledged, seen, surgery scheduled, operated, "
                "outcome recorded; or declined or cancelled."
            ),
            "surgery_on": _("Required once operated."),
            "outcome": _(
                "Required when the outcome is recorded. Before 12 months "
                "after surgery, no change yet is not a failure: cure is often delayed."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        drop_token_when_editing(self)
        offer_entered_in_error(self)
        if self.instance.pk is None:
            for name in ("status", "replied_on", "surgery_on", "outcome"):
                del self.fields[name]
            del self.fields["complications"]
        else:
            self.fields["complications"].label = gettext("Complications of surgery")


class ReferralFollowUpForm(forms.ModelForm):
    form_token = FormTokenField()

    class Meta:
        model = ReferralFollowUp
        fields = ["timepoint", "seen_on", "spasm_status", "complications", "notes"]
        widgets = {"seen_on": DATE_INPUT, "notes": forms.Textarea(**TEXTAREA)}
        labels = {
            "seen_on": _("Seen on"),
            "spasm_status": _("Spasm status"),
            # Given here: the field's own label is worked out when the form class
            # is made, before any user's language is active.
            "complications": _("Complications"),
        }
        help_texts = {
            "timepoint": _("After surgery; one review per timepoint."),
            "spasm_status": _(
                "Before 12 months, no change yet is not a failure: "
                "spasm often stops weeks or months after decompression (delayed cure)."
            ),
        }
