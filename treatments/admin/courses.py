"""Treatment courses, each listing its records (of the course's kind) read-only."""

from django.contrib import admin

from clinic.admin_records import KeptRowsInline, WrittenElsewhere
from clinic.models import CLINICAL_ROLES
from patients.admin import ClinicalRecordAdmin
from treatments import services
from treatments.admin.toxin import total_units_column
from treatments.medication_forms import PRESCRIPTION_FIELDS
from treatments.models import (
    CourseKind,
    MedicationOrder,
    Referral,
    TherapySession,
    ToxinSession,
    TreatmentCourse,
)


class SummaryInline(WrittenElsewhere, KeptRowsInline):
    """A course's records at a glance, each edited on its own page.

    Read-only, so the course page costs the same queries however many rows it
    lists (an editable row with a user autocomplete queries once per row).
    """

    show_change_link = True
    # The row's clinician, fetched with the rows rather than once a row.
    clinician_field = ""

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if not self.clinician_field:
            return rows
        return rows.select_related(self.clinician_field)


class ToxinSessionSummaryInline(SummaryInline):
    model = ToxinSession
    fields = ("performed_at", "product", "injector", "total_units", "entered_in_error")
    clinician_field = "injector"

    total_units = total_units_column

    def get_queryset(self, request):
        return super().get_queryset(request).with_row_total_units()


class TherapySessionSummaryInline(SummaryInline):
    model = TherapySession
    fields = (
        "session_on",
        "therapist",
        "duration_minutes",
        "focus",
        "progress",
        "entered_in_error",
    )
    clinician_field = "therapist"


class MedicationOrderSummaryInline(SummaryInline):
    model = MedicationOrder
    fields = (*PRESCRIPTION_FIELDS, "prescriber", "entered_in_error")
    clinician_field = "prescriber"


class ReferralSummaryInline(SummaryInline):
    model = Referral
    fields = (
        "to_name",
        "specialty",
        "urgency",
        "status",
        "sent_on",
        "outcome",
        "entered_in_error",
    )


# A course holds the records of its kind only (the models' clean() enforces it).
INLINES_BY_KIND = {
    CourseKind.BOTULINUM_TOXIN: [ToxinSessionSummaryInline],
    CourseKind.PHYSICAL_THERAPY: [TherapySessionSummaryInline],
    CourseKind.MEDICATION: [MedicationOrderSummaryInline],
    CourseKind.SURGICAL_REFERRAL: [ReferralSummaryInline],
}


@admin.register(TreatmentCourse)
class TreatmentCourseAdmin(ClinicalRecordAdmin):
    patient_path = "case__patient"
    list_display = (
        "patient",
        "kind",
        "status",
        "started_on",
        "ended_on",
        "responsible_clinician",
        "planned_interval_days",
    )
    # A date filter, not date_hierarchy: its year links read every row's date.
    list_filter = (("started_on", admin.DateFieldListFilter), "kind", "status")
    list_select_related = ("responsible_clinician",)
    search_fields = ("goal",)
    autocomplete_fields = ("case", "responsible_clinician")
    user_roles = {"responsible_clinician": CLINICAL_ROLES}
    fields = (
        "case",
        ("kind", "status"),
        ("started_on", "ended_on"),
        "responsible_clinician",
        "planned_interval_days",
        "goal",
        "stop_reason",
    )

    def get_inlines(self, request, obj):
        if obj is None:
            return []
        return INLINES_BY_KIND.get(obj.kind, [])

    def write(self, obj, *, by):
        services.save_course(course=obj, by=by)
