"""Physical therapy sessions."""

from django.contrib import admin

from clinic.admin_records import ENTERED_IN_ERROR
from clinic.models import Role
from patients.admin import ClinicalRecordAdmin
from treatments import services
from treatments.models import TherapySession


@admin.register(TherapySession)
class TherapySessionAdmin(ClinicalRecordAdmin):
    patient_path = "course__case__patient"
    list_display = (
        "session_on",
        "patient",
        "focus",
        "duration_minutes",
        "progress",
        "therapist",
    )
    # A date filter, not date_hierarchy: its year links read every row's date.
    list_filter = (
        ("session_on", admin.DateFieldListFilter),
        "focus",
        "progress",
        "entered_in_error",
    )
    list_select_related = ("therapist",)
    autocomplete_fields = ("course", "therapist")
    user_roles = {"therapist": (Role.THERAPIST, Role.NEUROLOGIST)}
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

    def write(self, obj, *, by):
        services.save_therapy_session(session=obj, by=by)
