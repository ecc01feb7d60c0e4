"""The medication order form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clinic.overrides import ConfirmsWarnings
from clinic.submissions import FormTokenField
from treatments import services
from treatments.forms import (
    DATE_INPUT,
    drop_token_when_editing,
    offer_entered_in_error,
)
from treatments.models import (
    MedicationOrder,
)

# What an order prescribes: charted on this form, listed on its course's page.
PRESCRIPTION_FIELDS = (
    "drug",
    "dose",
    "dose_unit",
    "route",
    "frequency",
    "start_on",
    "stop_on",
)


class MedicationOrderWarningsForm(ConfirmsWarnings, forms.ModelForm):
    """Shows a medication order's warnings before it is saved (the clinician
    page and the admin)."""

    confirm_hint = _("Save again to keep the order with this warning.")

    def warnings_to_confirm(self) -> list[str]:
        return services.medication_warnings_to_confirm(self.instance)


class MedicationOrderForm(MedicationOrderWarningsForm):
    form_token = FormTokenField()

    class Meta:
        model = MedicationOrder
        fields = [
            *PRESCRIPTION_FIELDS,
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
            "dose_unit": _("Dose unit"),
            "start_on": _("Start on"),
            "stop_on": _("Stop on"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        drop_token_when_editing(self)
        offer_entered_in_error(self)

    def clean_drug(self):
        return self.cleaned_data["drug"].strip()
