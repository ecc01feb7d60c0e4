"""Going ahead past warnings: the digest of the warnings a page showed, so that an
override covers exactly those and no warning that appeared since."""

import hashlib
from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

# The hidden input that posts the digest of the warnings shown back.
DIGEST_FIELD = "warnings_digest"


def digest_of(messages: Iterable[str]) -> str:
    """A fingerprint of these warning messages, in their order."""
    return hashlib.sha256("\n".join(messages).encode()).hexdigest()


class OverrideForm(forms.Form):
    """Going ahead past the warnings a page shows: the reason, and the digest of
    those warnings, which the page posts back in DIGEST_FIELD, so that an override
    covers exactly the warnings the user saw. Toxin sessions and bookings use it;
    a page adds its own choices in a subclass."""

    DIGEST_FIELD = DIGEST_FIELD
    reason_label = _("Reason for overriding")

    override_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args, warnings: Iterable, may_override: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings = list(warnings)
        self.may_override = may_override
        self.digest = digest_of(self.message_of(warning) for warning in self.warnings)
        self.fields["override_reason"].label = self.reason_label
        if not may_override:
            self.fields["override_reason"].disabled = True

    @staticmethod
    def message_of(warning) -> str:
        """The text of one warning, as the digest counts it."""
        return str(warning)

    @property
    def shown_digest(self) -> str:
        """The digest posted back: of the warnings on the page the user saw."""
        return self.data.get(DIGEST_FIELD, "")

    def confirms_shown(self) -> bool:
        """The user saw exactly these warnings."""
        return self.shown_digest == self.digest


class WarningsNotSeen(Exception):
    """A record raises warnings its author was not shown (or was shown others):
    nothing was saved. The page shows `warnings` and asks again."""

    def __init__(self, warnings: list[str]):
        super().__init__("; ".join(warnings))
        self.warnings = warnings


class ConfirmsWarnings(forms.Form):
    """A record form whose warnings are shown before saving: a valid form with
    warnings its author has not seen gets them as errors, with the digest of
    those warnings filled in, so that saving again keeps the record with them.
    A subclass says which warnings (`warnings_to_confirm`, on the cleaned
    instance); the write service checks the same digest (every door)."""

    warnings_digest = forms.CharField(required=False, widget=forms.HiddenInput)
    confirm_hint = _("Save again to keep it with this warning.")

    def warnings_to_confirm(self) -> list[str]:
        raise NotImplementedError

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        unseen = self.warnings_to_confirm()
        digest = digest_of(unseen)
        if unseen and self.cleaned_data.get("warnings_digest") != digest:
            self.data = self.data.copy()
            self.data[self.add_prefix("warnings_digest")] = digest
            for warning in unseen:
                self.add_error(None, f"{warning} {self.confirm_hint}")
