"""The forms of the historical-session import page: the upload, and the
overrides chosen on a dry run's report."""

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from treatments import session_imports

MAX_FILE_BYTES = 2 * 1024 * 1024
# The dry run's report is good for an hour; then it is run again.
SIGNED_FOR_SECONDS = 3600
SIGNING_SALT = "treatments.session_import"


class UploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 2 MB: split it into smaller files.")
            )
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("The file is not UTF-8 text: save it as “CSV UTF-8”.")
            ) from None


class OverrideForm(forms.Form):
    """The overrides chosen on a dry run's report: sessions ticked, or the whole
    file, with one reason."""

    whole_file = forms.BooleanField(
        label=_("Override the warnings of every session listed"), required=False
    )
    override_reason = forms.CharField(
        label=_("Reason for overriding"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, warned_lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lines"] = forms.TypedMultipleChoiceField(
            choices=[(line, line) for line in warned_lines],
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )

    def clean(self):
        data = super().clean()
        chosen = data.get("whole_file") or data.get("lines")
        if chosen and not (data.get("override_reason") or "").strip():
            self.add_error("override_reason", _("Say why you override."))
        return data

    def chosen(self) -> dict:
        data = self.cleaned_data
        return {
            "reason": data["override_reason"],
            "whole_file": data["whole_file"],
            "lines": sorted(data["lines"]),
        }


class ImportForm(OverrideForm):
    """The import of a file checked in the request: its text and the warnings its
    dry run showed travel signed."""

    checked = forms.CharField(widget=forms.HiddenInput)

    def clean_checked(self):
        try:
            return signing.loads(
                self.cleaned_data["checked"],
                salt=SIGNING_SALT,
                max_age=SIGNED_FOR_SECONDS,
            )
        except signing.BadSignature:
            raise forms.ValidationError(
                _(
                    "The dry run is more than an hour old or was altered: upload the "
                    "file again."
                )
            ) from None

    def override(self) -> session_imports.Override:
        chosen = self.chosen()
        shown = self.cleaned_data["checked"]["shown"]
        return session_imports.Override(
            reason=chosen["reason"],
            whole_file=chosen["whole_file"],
            lines=frozenset(chosen["lines"]),
            shown={int(line): digest for line, digest in shown.items()},
        )


class JobImportForm(OverrideForm):
    """The import of a file a background dry run checked: the job holds its text
    and the warnings its report showed."""

    job = forms.IntegerField(widget=forms.HiddenInput)
