"""Surgical referrals and their follow-ups."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from clinic.admin_records import ENTERED_IN_ERROR, KeptRowsInline
from patients.admin import ClinicalRecordAdmin
from treatments import services
from treatments.models import Referral, ReferralFollowUp


class ReferralFollowUpInline(KeptRowsInline):
    model = ReferralFollowUp
    fields = ("timepoint", "seen_on", "spasm_status", "complications", "notes")
    show_change_link = True


@admin.register(Referral)
class ReferralAdmin(ClinicalRecordAdmin):
    patient_path = "course__case__patient"
    list_display = (
        "to_name",
        "specialty",
        "urgency",
        "status",
        "patient",
        "sent_on",
        "surgery_on",
        "outcome",
    )
    # A date filter, not date_hierarchy: its year links read every row's date.
    list_filter = (
        ("sent_on", admin.DateFieldListFilter),
        "specialty",
        "urgency",
        "status",
        "outcome",
        "entered_in_error",
    )
    search_fields = ("to_name",)
    autocomplete_fields = ("course",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "course",
                    ("to_name", "specialty"),
                    "reason",
                    ("urgency", "status"),
                    ("sent_on", "replied_on", "surgery_on"),
                )
            },
        ),
        (_("Outcome"), {"fields": ("outcome", "complications", "notes")}),
        ENTERED_IN_ERROR,
    )
    inlines = (ReferralFollowUpInline,)

    def write(self, obj, *, by):
        services.save_referral(referral=obj, by=by)

    def save_formset(self, request, form, formset, change):
        # The follow-ups inline: each through its write service too.
        for follow_up in formset.save(commit=False):
            services.save_referral_follow_up(follow_up=follow_up, by=request.user)


@admin.register(ReferralFollowUp)
class ReferralFollowUpAdmin(ClinicalRecordAdmin):
    patient_path = "referral__course__case__patient"
    list_display = ("timepoint", "seen_on", "spasm_status", "patient", "referral")
    # A date filter, not date_hierarchy: its year links read every row's date.
    list_filter = (("seen_on", admin.DateFieldListFilter), "timepoint", "spasm_status")
    search_fields = ("referral__to_name",)
    autocomplete_fields = ("referral",)

    def write(self, obj, *, by):
        services.save_referral_follow_up(follow_up=obj, by=by)
