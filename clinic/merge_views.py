"""The merge page: a duplicate patient, found by MRN, merged into the record
whose chart the page was opened from (clinic.merging)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from clinic.access import record_access
from clinic.merging import MergeRefused, merge_patients, moved_relations
from clinic.query_params import allow_query_params
from patients.models import Patient

PERMISSION = "patients.merge_patient"


class MergeForm(forms.Form):
    duplicate = forms.CharField(
        label=_("MRN of the duplicate"),
        max_length=40,
        help_text=_("The record to merge into this one; it is archived as merged."),
    )
    reason = forms.CharField(
        label=_("Why these are the same person"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, kept: Patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = kept
        self.merged = None

    def clean_duplicate(self):
        mrn = self.cleaned_data["duplicate"].strip().upper()
        self.merged = Patient.objects.filter(mrn=mrn).first()
        if self.merged is None:
            raise forms.ValidationError(
                gettext("No patient has MRN %(mrn)s.") % {"mrn": mrn}
            )
        if self.merged.pk == self.kept.pk:
            raise forms.ValidationError(gettext("This is the record being kept."))
        return mrn


def records_to_move(merged: Patient) -> list[tuple[str, int]]:
    """What a merge would move: each kind of record and how many."""
    counts = []
    for field in moved_relations():
        count = field.model._default_manager.filter(**{field.name: merged}).count()
        if count:
            meta = field.model._meta
            name = meta.verbose_name if count == 1 else meta.verbose_name_plural
            counts.append((str(name), count))
    return counts


@require_http_methods(["GET", "POST"])
@permission_required(PERMISSION, raise_exception=True)
@allow_query_params("duplicate")
def patient_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """GET ?duplicate=MRN shows both records and what would move; POST merges."""
    kept = get_object_or_404(Patient, pk=pk)
    data = request.POST if request.method == "POST" else request.GET or None
    form = MergeForm(data, kept=kept)
    refusals = []
    if form.is_valid() and request.method == "POST":
        try:
            moved = merge_patients(
                merged=form.merged,
                kept=kept,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except MergeRefused as refused:
            refusals = refused.reasons
        else:
            messages.success(
                request,
                ngettext(
                    "MRN %(mrn)s merged into this record: %(count)d record moved.",
                    "MRN %(mrn)s merged into this record: %(count)d records moved.",
                    moved,
                )
                % {"mrn": form.merged.mrn, "count": moved},
            )
            return redirect(kept)
    merged = None if form.errors.get("duplicate") else form.merged
    if request.method == "GET":
        record_access(request, kept)
        if merged is not None:
            record_access(request, merged)
    return render(
        request,
        "clinic/patient_merge.html",
        {
            "kept": kept,
            "form": form,
            "merged": form.merged
            if form.is_bound and not form.errors.get("duplicate")
            else None,
            "to_move": records_to_move(form.merged) if form.merged else [],
            "refusals": refusals,
        },
    )
