"""Physical therapy sessions."""

from django.contrib import admin

from clinic.admin_records import ENTERED_IN_ERROR
from clinic.models import Role
from patients.admin import ClinicalRecordAdmin, patient_column, patient_search_fields
from treatments import services
from treatments.models import TherapySession


@admin.register(TherapySession)
class TherapySessionAdmin(ClinicalRecordAdmin):
    list_display = (
        "session_on",
        "patient",
        "focus",
        "duration_minutes",
        "progress",
        "therapist",
    )
    list_filter = ("focus", "progress", "entered_in_error")
    list_select_related = ("course__case__patient", "therapist")
    search_fields = patient_search_fields("course__case__patient")
    autocomplete_fields = ("course", "therapist")
    user_roles = {"therapist": (Role.THERAPIST, Role.NEUROLOGIST)}
    date_hierarchy = "session_on"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "course",
                    ("session_on", "duration_minutes"),
                    "therapist",
                    "focus",
                    "exercises",
                    "home_programme",
                    "progress",
                    "notes",
                )
            },
        ),
        ENTERED_IN_ERROR,
    )

    patient = patient_column("course__case__patient")

    def write(self, obj, *, by):
        services.save_therapy_session(session=obj, by=by)
