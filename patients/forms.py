from django import forms

from patients.models import Patient


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = [
            "mrn",
            "given_name",
            "family_name",
            "date_of_birth",
            "sex",
            "email",
            "phone",
            "address",
            "reminder_consent",
            "reminder_channel",
            "weight_kg",
            "weight_measured_on",
            "referring_clinician",
            "responsible_neurologist",
            "is_archived",
        ]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}),
            "weight_measured_on": forms.DateInput(attrs={"type": "date"}),
        }

    def clean_mrn(self):
        return self.cleaned_data["mrn"].strip().upper()
