"""The toxin charting page's forms: the session, the vials it drew from, the
injected sites (each from one of those vials) and the safety override."""

from collections import defaultdict
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinic.models import CLINICAL_ROLES, INJECTING_ROLES
from clinic.overrides import OverrideForm
from treatments import safety
from treatments.forms import DATETIME_INPUT, UserChoiceField, clinic_time_help
from treatments.models import Injection, ToxinSession, Vial

# Blank injection rows offered below the charted ones: enough for a bilateral
# blepharospasm pattern (about 11 sites). Editing a saved session offers more.
BLANK_INJECTION_ROWS = 12
# A blank vial row below the charted ones, for a visit that opens another vial.
BLANK_VIAL_ROWS = 1

SMALL_INPUT = {"class": "form-control form-control-sm"}
SMALL_SELECT = {"class": "form-select form-select-sm"}


def _mark_invalid(form) -> None:
    """Bootstrap marks a table cell's input only when told to."""
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid"
            widget.attrs["aria-invalid"] = "true"


class ToxinSessionForm(forms.ModelForm):
    """What the injector charts for a session; its vials and sites are formsets,
    the course, who overrode warnings and the follow-up are set elsewhere."""

    form_token = forms.UUIDField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = ToxinSession
        fields = [
            "product",
            "performed_at",
            "consent_obtained",
            "consent_information_version",
            "distant_spread_risk_discussed",
            "guidance",
            "injector",
            "assistant",
            "notes",
        ]
        field_classes = {"injector": UserChoiceField, "assistant": UserChoiceField}
        widgets = {
            "performed_at": DATETIME_INPUT,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "performed_at": _("Performed at"),
            "consent_obtained": _("Consent obtained"),
            "distant_spread_risk_discussed": _("Risk of distant spread discussed"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            del self.fields["form_token"]  # only a new session needs one
        users = get_user_model().objects
        self.fields["injector"].queryset = users.in_roles(
            *INJECTING_ROLES, also=self.instance.injector_id
        )
        self.fields["assistant"].queryset = users.in_roles(
            *CLINICAL_ROLES, also=self.instance.assistant_id
        )
        self.fields["performed_at"].help_text = clinic_time_help(
            gettext("When injected.")
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        token = ["form_token"] if "form_token" in self.fields else []
        self.helper.layout = Layout(
            *token,
            Fieldset(
                gettext("Product"), Row(Column("product"), Column("performed_at"))
            ),
            Fieldset(
                gettext("Consent and guidance"),
                Row(
                    Column("consent_obtained"),
                    Column("distant_spread_risk_discussed"),
                ),
                Row(Column("consent_information_version"), Column("guidance")),
            ),
            Fieldset(gettext("Who"), Row(Column("injector"), Column("assistant"))),
            Fieldset(gettext("Notes"), "notes"),
        )


class VialForm(forms.ModelForm):
    class Meta:
        model = Vial
        fields = [
            "size_units",
            "lot_number",
            "expiry_date",
            "diluent",
            "diluent_volume_ml",
            "reconstituted_at",
            "units_discarded",
            "waste_reason",
        ]
        widgets = {
            "size_units": forms.NumberInput(attrs=SMALL_INPUT),
            "lot_number": forms.TextInput(attrs=SMALL_INPUT),
            "expiry_date": forms.DateInput(
                attrs={"type": "date", **SMALL_INPUT}, format="%Y-%m-%d"
            ),
            "diluent": forms.TextInput(attrs=SMALL_INPUT),
            "diluent_volume_ml": forms.NumberInput(
                attrs={"step": "0.01", **SMALL_INPUT}
            ),
            "reconstituted_at": forms.DateTimeInput(
                attrs={"type": "datetime-local", **SMALL_INPUT},
                format="%Y-%m-%dT%H:%M",
            ),
            "units_discarded": forms.NumberInput(attrs={"step": "0.01", **SMALL_INPUT}),
            "waste_reason": forms.TextInput(attrs=SMALL_INPUT),
        }
        labels = {
            "size_units": _("Size (U)"),
            "reconstituted_at": _("Reconstituted at"),
        }

    # A blank extra vial row is left out even though its diluent has a default.
    def has_changed(self):
        return any(name != "diluent" for name in self.changed_data)

    def full_clean(self):
        super().full_clean()
        _mark_invalid(self)

    def clean_lot_number(self):
        return self.cleaned_data["lot_number"].strip()

    @property
    def is_charted(self) -> bool:
        """Saved before, or filled in now: a vial the sites may come from."""
        return self.instance.pk is not None or (self.is_bound and self.has_changed())


class BaseVialFormSet(forms.BaseInlineFormSet):
    """Vials are corrected, never removed: the sites drawn from them stay."""

    def charted(self) -> list[tuple[int, VialForm]]:
        """(vial number, form) of each vial charted, numbered from 1."""
        return [
            (number, form)
            for number, form in enumerate(self.forms, start=1)
            if form.is_charted
        ]


VialFormSet = forms.inlineformset_factory(
    ToxinSession,
    Vial,
    form=VialForm,
    formset=BaseVialFormSet,
    extra=BLANK_VIAL_ROWS,
    min_num=1,
    validate_min=True,
    can_delete=False,
)


class InjectionForm(forms.ModelForm):
    vial_number = forms.TypedChoiceField(
        coerce=int,
        label=_("Vial"),
        widget=forms.Select(attrs=SMALL_SELECT),
    )

    class Meta:
        model = Injection
        fields = ["muscle", "side", "units", "points", "route"]
        widgets = {
            "muscle": forms.Select(attrs=SMALL_SELECT),
            "side": forms.Select(attrs=SMALL_SELECT),
            "units": forms.NumberInput(attrs={"step": "0.01", **SMALL_INPUT}),
            "points": forms.NumberInput(attrs=SMALL_INPUT),
            "route": forms.Select(attrs=SMALL_SELECT),
        }

    KEY_FIELDS = ("muscle", "side", "units")

    def __init__(self, *args, vial_numbers=(1,), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["points"].widget.attrs["min"] = "1"
        self.fields["vial_number"].choices = [(n, str(n)) for n in vial_numbers]

    # The vial field alone does not make a blank row a charted one.
    def has_changed(self):
        return any(name != "vial_number" for name in self.changed_data) or (
            self.instance.pk is not None and bool(self.changed_data)
        )

    def full_clean(self):
        super().full_clean()
        _mark_invalid(self)

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

    def chosen_vial(self) -> int:
        value = self["vial_number"].value() if not self.is_bound else None
        if self.is_bound:
            value = (getattr(self, "cleaned_data", None) or {}).get("vial_number")
        try:
            return int(value)
        except (TypeError, ValueError):
            return 1

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
    removed (e.g. a site copied from the last session that is not injected now).
    Each site names the vial it was drawn from, by its number on the page."""

    def __init__(self, *args, vials: BaseVialFormSet, **kwargs):
        self.vials = vials
        super().__init__(*args, **kwargs)
        self.extra = len(self.initial_extra or []) + BLANK_INJECTION_ROWS

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["vial_numbers"] = range(1, len(self.vials.forms) + 1)
        return kwargs

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        vial_pks = [vial_form.instance.pk for vial_form in self.vials.forms]
        if form.instance.vial_id in vial_pks:
            form.initial["vial_number"] = vial_pks.index(form.instance.vial_id) + 1
        return form

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if form.instance.pk is not None:
            form.fields.pop("DELETE", None)
        elif "DELETE" in form.fields:
            form.fields["DELETE"].label = gettext("Remove")

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        charted_vials = dict(self.vials.charted())
        drawn = defaultdict(Decimal)
        for form in self.forms:
            site = form.site()
            if site is None:
                continue
            number = form.chosen_vial()
            if number not in charted_vials:
                form.add_error(
                    "vial_number",
                    gettext("Vial %(number)s is not charted above.")
                    % {"number": number},
                )
                continue
            drawn[number] += site[2]
        if any(self.errors):
            return
        if not drawn:
            raise forms.ValidationError(gettext("Chart at least one injected site."))
        # The vial formset was cleaned first, so its instances hold their values.
        overdraws = [
            charted_vials[number].instance.overdraw(units)
            for number, units in sorted(drawn.items())
        ]
        if any(overdraws):
            raise forms.ValidationError(
                [text for text in overdraws if text], code="vial_overdraw"
            )

    def sites(self) -> list[tuple[str, str, Decimal] | None]:
        return [form.site() for form in self.forms]

    def _vial_for(self, form) -> Vial:
        return self.vials.forms[form.chosen_vial() - 1].instance

    def save_new(self, form, commit=True):
        form.instance.vial = self._vial_for(form)
        return super().save_new(form, commit=commit)

    def save_existing(self, form, obj, commit=True):
        obj.vial = self._vial_for(form)
        return super().save_existing(form, obj, commit=commit)


InjectionFormSet = forms.inlineformset_factory(
    ToxinSession,
    Injection,
    form=InjectionForm,
    formset=BaseInjectionFormSet,
    extra=BLANK_INJECTION_ROWS,
    can_delete=True,  # for unsaved rows only, see BaseInjectionFormSet
    can_delete_extra=True,
)


class SafetyOverrideForm(OverrideForm):
    """Proceeding past safety warnings: before injecting, an explicit override
    with a reason by a user allowed to override; for a session already given, a
    save that flags them for a neurologist. Either way, of exactly the warnings
    that were shown (the digest of OverrideForm)."""

    override = forms.BooleanField(
        required=False,
        label=_("I have reviewed these warnings and override them"),
    )
    given_already = forms.BooleanField(
        required=False,
        label=_(
            "This session was already given as charted: save it and flag these "
            "warnings for a neurologist to acknowledge"
        ),
    )

    def __init__(self, *args, warnings, may_override: bool, **kwargs):
        super().__init__(*args, warnings=warnings, may_override=may_override, **kwargs)
        self.consent_missing = any(
            warning.code == safety.CONSENT_MISSING for warning in self.warnings
        )
        if not may_override:
            self.fields["override"].disabled = True

    @staticmethod
    def message_of(warning) -> str:
        return warning.message

    @property
    def refusal(self) -> str:
        if self.consent_missing:
            return gettext(
                "Consent must be obtained and recorded before injecting: no "
                "override replaces it."
            )
        return gettext(
            "A neurologist must override these warnings before the session can be "
            "saved."
        )

    def clean(self):
        cleaned = super().clean()
        if not self.confirms_shown():
            # The warnings differ from the ones on the page the user confirmed.
            self.add_error(
                "override" if self.may_override else None,
                gettext("The warnings have changed: review them and confirm again."),
            )
            return cleaned
        if cleaned.get("given_already"):
            if cleaned.get("override"):
                self.add_error(
                    "given_already",
                    gettext(
                        "Override before injecting, or save a session already given: "
                        "not both."
                    ),
                )
            return cleaned
        if not self.may_override:
            raise forms.ValidationError(self.refusal, code="not_allowed")
        if not cleaned.get("override"):
            self.add_error(
                "override",
                gettext("Tick to override the warnings, or change the session."),
            )
        if not (cleaned.get("override_reason") or "").strip():
            self.add_error(
                "override_reason", gettext("Give the reason for overriding.")
            )
        return cleaned
