import hashlib
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q

from treatments.models import AdverseEffect, Injection, ToxinSession

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(
    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
)

# Blank injection rows offered below the charted ones: enough for a bilateral
# blepharospasm pattern (about 11 sites). Editing a saved session offers more.
BLANK_INJECTION_ROWS = 12


def _clinic_time(text: str) -> str:
    return f"{text} Clinic time ({settings.TIME_ZONE})."


def _users_who_may(app_label: str, codename: str):
    """Active users holding a permission through a group, directly or as superuser."""
    permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(groups__permissions__in=permission)
            | Q(user_permissions__in=permission)
            | Q(is_superuser=True)
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class ToxinSessionForm(forms.ModelForm):
    """What the injector charts for a session; the course, who overrode warnings
    and the follow-up are set elsewhere."""

    form_token = forms.UUIDField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = ToxinSession
        fields = [
            "product",
            "vial_size_units",
            "lot_number",
            "expiry_date",
            "diluent",
            "diluent_volume_ml",
            "reconstituted_at",
            "performed_at",
            "consent_obtained",
            "consent_information_version",
            "distant_spread_risk_discussed",
            "guidance",
            "injector",
            "assistant",
            "units_discarded",
            "waste_reason",
            "notes",
        ]
        field_classes = {"injector": UserChoiceField, "assistant": UserChoiceField}
        widgets = {
            "expiry_date": DATE_INPUT,
            "reconstituted_at": DATETIME_INPUT,
            "performed_at": DATETIME_INPUT,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "performed_at": "Performed at",
            "reconstituted_at": "Reconstituted at",
            "consent_obtained": "Consent obtained",
            "distant_spread_risk_discussed": "Risk of distant spread discussed",
        }
        help_texts = {
            "lot_number": "As printed on the vial.",
            "expiry_date": "As printed on the vial.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            del self.fields["form_token"]  # only a new session needs one
        self.fields["injector"].queryset = _users_who_may(
            "treatments", "add_toxinsession"
        )
        self.fields["assistant"].queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .order_by("last_name", "first_name", "username")
        )
        self.fields["performed_at"].help_text = _clinic_time("When injected.")
        self.fields["reconstituted_at"].help_text = _clinic_time(
            "When the diluent was added."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        token = ["form_token"] if "form_token" in self.fields else []
        self.helper.layout = Layout(
            *token,
            Fieldset(
                "Product and vial",
                Row(Column("product"), Column("vial_size_units")),
                Row(Column("lot_number"), Column("expiry_date")),
            ),
            Fieldset(
                "Reconstitution",
                Row(Column("diluent"), Column("diluent_volume_ml")),
                Row(Column("reconstituted_at"), Column("performed_at")),
            ),
            Fieldset(
                "Consent and guidance",
                Row(
                    Column("consent_obtained"),
                    Column("distant_spread_risk_discussed"),
                ),
                Row(Column("consent_information_version"), Column("guidance")),
            ),
            Fieldset("Who", Row(Column("injector"), Column("assistant"))),
            Fieldset(
                "Waste and notes",
                Row(Column("units_discarded"), Column("waste_reason")),
                "notes",
            ),
        )

    def clean_lot_number(self):
        return self.cleaned_data["lot_number"].strip()


class InjectionForm(forms.ModelForm):
    class Meta:
        model = Injection
        fields = ["muscle", "side", "units", "points", "route"]
        widgets = {
            "muscle": forms.Select(attrs={"class": "form-select form-select-sm"}),
            "side": forms.Select(attrs={"class": "form-select form-select-sm"}),
            "units": forms.NumberInput(
                attrs={"class": "form-control form-control-sm", "step": "0.01"}
            ),
            "points": forms.NumberInput(
                attrs={"class": "form-control form-control-sm"}
            ),
            "route": forms.Select(attrs={"class": "form-select form-select-sm"}),
        }

    KEY_FIELDS = ("muscle", "side", "units")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["points"].widget.attrs["min"] = "1"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid"
                widget.attrs["aria-invalid"] = "true"

    def site(self) -> tuple[str, str, Decimal] | None:
        """(muscle, side, units) as charted, or None for a blank, removed or
        unreadable row. A bound form must have been validated first."""
        if self.is_bound:
            data = getattr(self, "cleaned_data", None) or {}
            if data.get("DELETE"):
                return None
            values = [data.get(name) for name in self.KEY_FIELDS]
        else:
            values = [self[name].value() for name in self.KEY_FIELDS]
        if any(value in (None, "") for value in values):
            return None
        return str(values[0]), str(values[1]), Decimal(values[2])

    @property
    def is_removable(self) -> bool:
        """An unsaved row with something in it may be removed before saving."""
        if "DELETE" not in self.fields:
            return False
        if self.is_bound:
            return self.has_changed()
        return any(self.initial.get(name) for name in self.KEY_FIELDS)


class BaseInjectionFormSet(forms.BaseInlineFormSet):
    """Charted sites are corrected, never deleted: only rows not yet saved may be
    removed (e.g. a site copied from the last session that is not injected now)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.extra = len(self.initial_extra or []) + BLANK_INJECTION_ROWS

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if form.instance.pk is not None:
            form.fields.pop("DELETE", None)
        elif "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove"

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not [form for form in self.forms if form.site() is not None]:
            raise forms.ValidationError("Chart at least one injected site.")

    def sites(self) -> list[tuple[str, str, Decimal] | None]:
        return [form.site() for form in self.forms]


InjectionFormSet = forms.inlineformset_factory(
    ToxinSession,
    Injection,
    form=InjectionForm,
    formset=BaseInjectionFormSet,
    extra=BLANK_INJECTION_ROWS,
    can_delete=True,  # for unsaved rows only, see BaseInjectionFormSet
    can_delete_extra=True,
)


class SafetyOverrideForm(forms.Form):
    """Proceeding past safety warnings: an explicit override with a reason, by a
    user allowed to override, of exactly the warnings that were shown."""

    override = forms.BooleanField(
        required=False,
        label="I have reviewed these warnings and override them",
    )
    override_reason = forms.CharField(
        required=False,
        label="Reason for overriding",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    DIGEST_FIELD = "warnings_digest"

    def __init__(self, *args, warnings, may_override: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings = list(warnings)
        self.may_override = may_override
        self.digest = self.digest_of(self.warnings)
        if not may_override:
            self.fields["override"].disabled = True
            self.fields["override_reason"].disabled = True

    @staticmethod
    def digest_of(warnings) -> str:
        text = "\n".join(warning.message for warning in warnings)
        return hashlib.sha256(text.encode()).hexdigest()

    def clean(self):
        cleaned = super().clean()
        if not self.may_override:
            raise forms.ValidationError(
                "A neurologist must override these warnings before the session can "
                "be saved.",
                code="not_allowed",
            )
        if self.data.get(self.DIGEST_FIELD) != self.digest:
            # The warnings differ from the ones on the page the user confirmed.
            self.add_error(
                "override",
                "The warnings have changed: review them and confirm again.",
            )
            return cleaned
        if not cleaned.get("override"):
            self.add_error(
                "override", "Tick to override the warnings, or change the session."
            )
        if not (cleaned.get("override_reason") or "").strip():
            self.add_error("override_reason", "Give the reason for overriding.")
        return cleaned


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
