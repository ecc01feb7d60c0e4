from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinic.models import Role
from clinic.submissions import FormTokenField
from patients import coding
from patients.duplicates import likely_duplicates
from patients.models import (
    ALL_FINDING_FIELDS,
    FINDING_FIELDS,
    SIGNED_STUDY_FIELDS,
    Case,
    Condition,
    DiagnosticStudy,
    Guardian,
    Laterality,
    Patient,
    StudyAmendment,
    StudyStatus,
)
from patients.models.cases import ACKNOWLEDGEMENT_NOTE_MESSAGE

User = get_user_model()
# Rendered ISO (clinic/formats): the only value a date input shows.
DATE_INPUT = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}


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
            "language",
            "weight_kg",
            "weight_measured_on",
            "toxin_precautions",
            "referring_clinician",
            "responsible_neurologist",
            "is_archived",
            "date_of_death",
        ]
        widgets = {
            "date_of_birth": forms.DateInput(**DATE_INPUT),
            "weight_measured_on": forms.DateInput(**DATE_INPUT),
            "date_of_death": forms.DateInput(**DATE_INPUT),
        }

    not_a_duplicate = forms.BooleanField(
        label=_("This is a different person: save the new record"),
        required=False,
        help_text=_("Asked when the patient looks like one already on record."),
    )

    def __init__(self, *args, clinical: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # A post or an import row without it keeps the record's (the clinic's
        # default for a new patient).
        self.fields["language"].required = False
        if not clinical:
            # Contraindications are clinical: not for who books appointments.
            del self.fields["toxin_precautions"]
        self.fields["responsible_neurologist"].queryset = neurologists(
            also=self.instance.responsible_neurologist_id
        )
        self.duplicates = []
        if self.instance.pk is not None:
            del self.fields["not_a_duplicate"]  # only a new record is checked

    def clean_mrn(self):
        return self.cleaned_data["mrn"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        if self.instance.merged_into_id is not None and not cleaned.get("is_archived"):
            self.add_error(
                "is_archived",
                gettext(
                    "A record merged into another stays archived: its records are "
                    "there."
                ),
            )
        if "not_a_duplicate" in self.fields and not self.errors:
            self.duplicates = likely_duplicates(
                Patient.objects.filter(merged_into__isnull=True),
                given_name=cleaned.get("given_name", ""),
                family_name=cleaned.get("family_name", ""),
                date_of_birth=cleaned.get("date_of_birth"),
                phone=cleaned.get("phone", ""),
                email=cleaned.get("email", ""),
            )
            if self.duplicates and not cleaned.get("not_a_duplicate"):
                self.add_error("not_a_duplicate", duplicate_message(self.duplicates))
        return cleaned


def duplicate_message(duplicates) -> str:
    listed = "; ".join(
        gettext("%(family_name)s, %(given_name)s, born %(born)s, MRN %(mrn)s")
        % {
            "family_name": patient.family_name.upper(),
            "given_name": patient.given_name,
            "born": date_format(patient.date_of_birth, "d M Y"),
            "mrn": patient.mrn,
        }
        for patient in duplicates
    )
    return gettext(
        "This may be a patient already on record: %(patients)s. Open that record "
        "instead, or tick this box if this is a different person."
    ) % {"patients": listed}


class PatientSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Name, MRN, or date of birth (1968-05-17 or 17/05/1968)."),
    )
    archived = forms.BooleanField(label=_("Include archived"), required=False)


class BaseGuardianFormSet(forms.BaseInlineFormSet):
    """A patient's guardians, checked with the patient: the clinician page and the
    admin's inline both use it, so neither saves a minor nobody may consent for."""

    def clean(self):
        super().clean()
        patient = self.instance
        if patient.date_of_birth is None or any(self.errors):
            return  # the patient form or a guardian row already says what is wrong
        consenting = sum(
            1
            for form in self.forms
            if form.cleaned_data and form.cleaned_data.get("holds_consent")
        )
        if patient.needs_guardian(consenting):
            raise forms.ValidationError(
                gettext(
                    "This patient is under %(age)s: add at least one guardian who "
                    "holds consent before saving."
                ),
                code="minor_without_guardian",
                params={"age": settings.CLINIC_ADULT_AGE_YEARS},
            )


GuardianFormSet = forms.inlineformset_factory(
    Patient,
    Guardian,
    formset=BaseGuardianFormSet,
    fields=["full_name", "relationship", "phone", "email", "holds_consent"],
    extra=1,
    can_delete=False,  # guardians are corrected, never deleted
)


def neurologists(*, also: int | None = None):
    """Active users in the Neurologist role, and the one a record already names."""
    return User.objects.in_roles(Role.NEUROLOGIST, also=also)


def _code_label(condition: str, code: str, unconfirmed: frozenset[str]) -> str:
    if condition == Condition.HEMIFACIAL_SPASM:
        for side, side_code in coding.HEMIFACIAL_SPASM_CODE_BY_SIDE.items():
            if side_code == code:
                return f"{code} ({Laterality(side).label.lower()})"
    if code in unconfirmed:
        return gettext("%(code)s (not confirmed)") % {"code": code}
    return code


def icd10_code_choices(current: str = "") -> list:
    """The leaf codes grouped by condition, for a select that works without script.

    A code the record already holds that is no longer offered stays visible, so the
    model can say why it is refused instead of it silently vanishing.
    """
    configured = settings.CLINIC_UNCONFIRMED_CONDITION_CODES
    choices: list = [("", "---------")]
    offered = set()
    for condition, label in Condition.choices:
        codes = coding.codes_for(condition, configured)
        if not codes:
            continue
        unconfirmed = frozenset(configured.get(condition, ()))
        choices.append(
            (
                label,
                [(code, _code_label(condition, code, unconfirmed)) for code in codes],
            )
        )
        offered.update(codes)
    if current and current not in offered:
        label = gettext("%(code)s (current code)") % {"code": current}
        choices.append((gettext("Current"), [(current, label)]))
    return choices


def suggested_code(condition: str, laterality: str) -> str:
    """The code a case of this condition and side takes when there is only one."""
    if condition == Condition.HEMIFACIAL_SPASM:
        return coding.HEMIFACIAL_SPASM_CODE_BY_SIDE.get(laterality, "")
    codes = coding.codes_for(condition, settings.CLINIC_UNCONFIRMED_CONDITION_CODES)
    return codes[0] if len(codes) == 1 else ""


class CaseForm(forms.ModelForm):
    # Any text reaches the model, so that a refused code (a category header such as
    # G51.3) is explained next to the field rather than as "not a valid choice".
    icd10_code = forms.CharField(
        label=_("ICD-10-CM code"),
        required=False,
        max_length=10,
        help_text=_(
            "A billable leaf code for the condition. Left empty, hemifacial "
            "spasm takes the code for its side, and a condition with one code takes it."
        ),
    )
    responsible_neurologist = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Responsible neurologist"),
    )
    form_token = FormTokenField()

    class Meta:
        model = Case
        fields = [
            "condition",
            "laterality",
            "icd10_code",
            "onset_date",
            "onset_at",
            "onset_site",
            "spread_sites",
            "triggers",
            "findings",
            "red_flags",
            "status",
            "opened_on",
            "closed_on",
            "responsible_neurologist",
            "notes",
        ]
        widgets = {
            "onset_date": forms.DateInput(**DATE_INPUT),
            "onset_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "opened_on": forms.DateInput(**DATE_INPUT),
            "closed_on": forms.DateInput(**DATE_INPUT),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "onset_at": _(
                "Required for Bell's palsy: steroids are timed from onset. Clinic time."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.icd10_code if self.instance.pk else ""
        self.fields["icd10_code"].widget = forms.Select(
            choices=icd10_code_choices(current)
        )
        if self.instance.pk:
            del self.fields["form_token"]  # only a create form can be double-saved
        # An edit keeps the neurologist already named, even one who left the role.
        self.fields["responsible_neurologist"].queryset = neurologists(
            also=self.instance.responsible_neurologist_id if self.instance.pk else None
        )

    def clean_icd10_code(self):
        return coding.normalise_code(self.cleaned_data["icd10_code"])

    def clean(self):
        cleaned = super().clean()
        condition = cleaned.get("condition")
        if condition and "icd10_code" in cleaned and not cleaned["icd10_code"]:
            code = suggested_code(condition, cleaned.get("laterality", ""))
            if code:
                cleaned["icd10_code"] = code
            else:
                self.add_error("icd10_code", gettext("Choose the ICD-10-CM code."))
        return cleaned


class RedFlagAcknowledgementForm(forms.Form):
    """Which of the case's waiting flags a neurologist acknowledges, and the note
    that says what was reviewed or decided (required)."""

    flag = forms.ChoiceField(label=_("Red flag"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_(
            'What was reviewed, ordered or decided, e.g. "MRI ordered; '
            'reviewed with the patient".'
        ),
        error_messages={"required": ACKNOWLEDGEMENT_NOTE_MESSAGE},
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["flag"].choices = [
            (entry.flag, entry.label) for entry in case.red_flags_waiting()
        ]
        self.fields["flag"].error_messages["required"] = gettext("Choose the red flag.")

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError(ACKNOWLEDGEMENT_NOTE_MESSAGE)
        return note


class StudyOrderForm(forms.ModelForm):
    form_token = FormTokenField()

    class Meta:
        model = DiagnosticStudy
        fields = ["modality", "description", "ordered_on"]
        widgets = {"ordered_on": forms.DateInput(**DATE_INPUT)}


# The result form never sets "reviewed": sign-off is its own step, by a neurologist.
RESULT_STATUS_CHOICES = [
    (value, label)
    for value, label in StudyStatus.choices
    if value != StudyStatus.REVIEWED
]


class StudyResultForm(forms.ModelForm):
    """Result entry, showing the structured findings of the study's modality only."""

    status = forms.ChoiceField(choices=RESULT_STATUS_CHOICES, label=_("Status"))

    class Meta:
        model = DiagnosticStudy
        fields = [
            "status",
            "performed_on",
            "performed_externally",
            "resulted_on",
            *ALL_FINDING_FIELDS,
            "impression",
            "report",
        ]
        widgets = {
            "performed_on": forms.DateInput(**DATE_INPUT),
            "resulted_on": forms.DateInput(**DATE_INPUT),
            "mri_lesion_description": forms.Textarea(attrs={"rows": 2}),
            "impression": forms.Textarea(attrs={"rows": 4}),
            # Not the clearable input: it links the file's storage URL, and reports
            # are only served by the permission-checked report view.
            "report": forms.FileInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        shown = FINDING_FIELDS.get(self.instance.modality, ())
        for name in ALL_FINDING_FIELDS:
            if name not in shown:
                del self.fields[name]
        if self.instance.pk and self.instance.status == StudyStatus.REVIEWED:
            self.fields["status"].choices = StudyStatus.choices  # shown, as signed
        lock_signed_fields(self)

    def clean(self):
        cleaned = super().clean()
        # A result left at "ordered" or "performed" would never reach the review list.
        status = cleaned.get("status")
        if status in (StudyStatus.ORDERED, StudyStatus.PERFORMED) and cleaned.get(
            "resulted_on"
        ):
            self.add_error(
                "status",
                gettext(
                    "A result date is recorded: set the status to resulted, or clear "
                    "the result date."
                ),
            )
        elif status == StudyStatus.ORDERED and cleaned.get("performed_on"):
            self.add_error(
                "status",
                gettext(
                    "A performed date is recorded: set the status to performed, or "
                    "clear the date."
                ),
            )
        return cleaned


def lock_signed_fields(form: forms.ModelForm) -> None:
    """On a signed-off study, what the sign-off locks is shown and never taken from
    the submitted data (a crafted POST changes nothing)."""
    if form.instance.pk is None or form.instance.status != StudyStatus.REVIEWED:
        return
    for name, field in form.fields.items():
        if name in SIGNED_STUDY_FIELDS:
            field.disabled = True


class StudyAmendmentForm(forms.ModelForm):
    class Meta:
        model = StudyAmendment
        fields = ["text", "reason"]
        labels = {"text": _("Amendment"), "reason": _("Reason for the amendment")}
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "reason": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "text": {"required": _("Write the amendment.")},
            "reason": {"required": _("Say why the signed result is amended.")},
        }
