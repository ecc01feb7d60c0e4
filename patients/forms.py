from django import forms

from patients.models import Guardian, Patient


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


class PatientSearchForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        help_text="Name, MRN, or date of birth (1968-05-17 or 17/05/1968).",
    )
    archived = forms.BooleanField(label="Include archived", required=False)


GuardianFormSet = forms.inlineformset_factory(
    Patient,
    Guardian,
    fields=["full_name", "relationship", "phone", "email", "holds_consent"],
    extra=1,
    can_delete=False,  # guardians are corrected, never deleted
)
