"""Medication orders."""

from django.contrib import admin

from clinic.admin_records import ENTERED_IN_ERROR
from clinic.models import Role
from patients.admin import ClinicalRecordAdmin
from treatments import services
from treatments.medication_forms import MedicationOrderWarningsForm
from treatments.models import MedicationOrder


@admin.register(MedicationOrder)
class MedicationOrderAdmin(ClinicalRecordAdmin):
    form = MedicationOrderWarningsForm  # shows the warnings before saving
    patient_path = "course__case__patient"
    list_display = (
        "drug",
        "dose",
        "dose_unit",
        "route",
        "frequency",
        "patient",
        "start_on",
        "stop_on",
        "prescriber",
    )
    # A date filter, not date_hierarchy: its year links read every row's date.
    list_filter = (
        ("start_on", admin.DateFieldListFilter),
        "route",
        "dose_unit",
        "entered_in_error",
    )
    list_select_related = ("prescriber",)
    search_fields = ("drug", "indication")
    autocomplete_fields = ("course", "prescriber")
    user_roles = {"prescriber": (Role.NEUROLOGIST,)}
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "course",
                    "drug",
                    ("dose", "dose_unit", "route"),
                    "frequency",
                    ("start_on", "stop_on"),
                    "prescriber",
                    "indication",
                    "stop_reason",
                    "warnings_digest",
                )
            },
        ),
        ENTERED_IN_ERROR,
    )

    def save_model(self, request, obj, form, change):
        services.save_medication_order(
            order=obj,
            by=request.user,
            shown_warnings_digest=form.cleaned_data.get("warnings_digest"),
        )
