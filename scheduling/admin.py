from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinic.admin_records import ReadOnlyAdmin, WrittenElsewhere
from clinic.models import CLINICAL_ROLES
from patients.admin import ClinicalRecordAdmin, ReachesPatient
from scheduling import calendars
from scheduling.models import (
    Appointment,
    CalendarFeed,
    RecallContact,
    Reminder,
    WaitlistEntry,
)


@admin.register(Appointment)
class AppointmentAdmin(WrittenElsewhere, ClinicalRecordAdmin):
    """Booked, moved and cancelled on the scheduling pages, where clashes and the
    earliest safe date (with a neurologist's override) are checked."""

    patient_path = "patient"
    list_display = ("patient", "clinician", "kind", "starts_at", "ends_at", "status")
    # A date filter, not date_hierarchy: its year links read every row's date.
    list_filter = (
        ("starts_at", admin.DateFieldListFilter),
        "status",
        "kind",
        ("clinician", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("clinician",)
    autocomplete_fields = ("patient", "clinician", "course")
    user_roles = {"clinician": CLINICAL_ROLES}
    fields = (
        "scheduling_page",
        "patient",
        "clinician",
        "kind",
        ("starts_at", "ends_at"),
        "status",
        "cancel_reason",
        "course",
        "notes",
        "series",
        "override_reason",
        "overridden_by",
        "overridden_at",
    )
    readonly_fields = ("series", "override_reason", "overridden_by", "overridden_at")

    @admin.display(description=_("Scheduling page"))
    def scheduling_page(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("scheduling:appointment_detail", args=[obj.pk]),
            gettext("Move, cancel or mark it on the scheduling page"),
        )


@admin.register(RecallContact)
class RecallContactAdmin(ClinicalRecordAdmin):
    patient_path = "course__case__patient"
    list_display = ("contacted_at", "patient", "method", "contacted_by")
    # A date filter, not date_hierarchy: its year links read every row's date.
    list_filter = (
        ("contacted_at", admin.DateFieldListFilter),
        "method",
    )
    list_select_related = ("contacted_by",)
    autocomplete_fields = ("course", "contacted_by")


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ClinicalRecordAdmin):
    patient_path = "patient"
    list_display = ("patient", "kind", "clinician", "wanted_from", "is_active")
    list_filter = ("is_active", "kind")
    list_select_related = ("clinician",)
    autocomplete_fields = ("patient", "course", "clinician")


@admin.register(Reminder)
class ReminderAdmin(ReachesPatient, ReadOnlyAdmin):
    """Written by send_reminders; read here to see what went out and what failed."""

    patient_path = "appointment__patient"
    list_display = ("created_at", "patient", "status", "attempts", "sent_at")
    list_filter = ("status",)
    fields = (
        "appointment",
        "for_starts_at",
        "recipient",
        "status",
        "attempts",
        "last_error",
        "sent_at",
        "created_at",
    )
    readonly_fields = fields


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin):
    """Feeds are revoked, not deleted, so a leaked address stays traceable, and
    revoked through the action only: the form could clear revoked_at. The token is
    the feed's password: never shown, searched or filtered on here."""

    list_display = ("clinician", "created_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    list_select_related = ("clinician",)
    search_fields = ("clinician__username", "clinician__last_name")
    fields = ("clinician", "created_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected feeds"), permissions=["revoke"])
    def revoke(self, request, queryset):
        revoked = 0
        for feed in queryset.select_related("clinician"):
            if calendars.revoke_this_feed(feed=feed):
                self.log_change(request, feed, "Revoked the feed.")
                revoked += 1
        self.message_user(
            request, gettext("Feeds revoked: %(count)s.") % {"count": revoked}
        )

    def has_revoke_permission(self, request):
        return request.user.has_perm("scheduling.change_calendarfeed")

    def lookup_allowed(self, lookup, value, request):
        # A filter on the token would reveal it a character at a time.
        return not lookup.startswith("token") and super().lookup_allowed(
            lookup, value, request
        )
