"""What every clinical record model shares, in every app: the field that holds a
set of picks from a fixed list, the constraints that keep a choice on its list and
an override complete, the one-time form token, and the entered-in-error rule (a
constraint, and its message next to the field for a form)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.functional import keep_lazy_text
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ENTERED_IN_ERROR_MESSAGE = _("Say why the record was entered in error.")
# Help text, not a secret (ruff's S105 reads "TOKEN" as one).
FORM_TOKEN_HELP = _(
    "The one-time token of the form that created the record: a double submit of "  # noqa: S105
    "that form finds this record instead of saving a second one."
)


# As str.capitalize, kept lazy so that a form made at import time shows the
# label in the language of each request.
@keep_lazy_text
def capitalized(text) -> str:
    return str(text).capitalize()


class MultipleChoiceField(models.JSONField):
    """A list of choice values stored as JSON, edited as checkboxes.

    Used where a finding is a set of picks from a fixed list (spread sites, red flags,
    offending vessels): a JSON list works the same on SQLite and PostgreSQL.
    """

    def __init__(self, *args, options=(), **kwargs):
        self.options = list(options)
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["options"] = self.options
        if kwargs.get("default") is list:
            del kwargs["default"]
        if kwargs.get("blank") is True:
            del kwargs["blank"]
        return name, path, args, kwargs

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if not isinstance(value, list):
            raise ValidationError(
                gettext("Choose from the list."), code="invalid_choice"
            )
        allowed = {option for option, _ in self.options}
        unknown = [item for item in value if item not in allowed]
        if unknown:
            raise ValidationError(
                gettext("Not a choice on this list: %(values)s."),
                code="invalid_choice",
                params={"values": ", ".join(map(str, unknown))},
            )

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            choices=self.options,
            required=not self.blank,
            label=kwargs.get("label") or capitalized(self.verbose_name),
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )

    def labels(self, value) -> list[str]:
        names = dict(self.options)
        return [str(names.get(item, item)) for item in value or []]


def entered_in_error_constraint(prefix: str) -> models.CheckConstraint:
    """A record marked entered in error says why."""
    return models.CheckConstraint(
        condition=Q(entered_in_error=False) | ~Q(entered_in_error_reason=""),
        name=f"{prefix}_error_has_reason",
        violation_error_message=ENTERED_IN_ERROR_MESSAGE,
    )


def entered_in_error_errors(record) -> dict[str, str]:
    """The constraint's message, next to the reason, for a form."""
    if record.entered_in_error and not record.entered_in_error_reason.strip():
        return {"entered_in_error_reason": ENTERED_IN_ERROR_MESSAGE}
    return {}


def valid_choice(field: str, choices, prefix: str, *, blank=False):
    """The field holds one of its choices (or nothing, if `blank`): choices alone
    do not constrain the column."""
    values = [*choices.values, ""] if blank else choices.values
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": values}), name=f"{prefix}_{field}_valid"
    )


def override_complete_constraint(prefix: str) -> models.CheckConstraint:
    """Either no override at all, or who, when and why together."""
    return models.CheckConstraint(
        condition=Q(
            overridden_by__isnull=True,
            overridden_at__isnull=True,
            override_reason="",
        )
        | (
            Q(overridden_by__isnull=False, overridden_at__isnull=False)
            & ~Q(override_reason="")
        ),
        name=f"{prefix}_override_complete",
        violation_error_message=_("An override needs who overrode, when and why."),
    )


def form_token_field(help_text: str = FORM_TOKEN_HELP) -> models.UUIDField:
    """The one-time token of the form that created the record, kept so that a
    double submit finds the record instead of saving it twice."""
    return models.UUIDField(null=True, blank=True, editable=False, help_text=help_text)


def form_token_unique(prefix: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["form_token"],
        name=f"{prefix}_form_token_unique",
        violation_error_message=_("This form was already saved."),
    )
