from decimal import Decimal

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from clinic.models import CLINICAL_ROLES, INJECTING_ROLES, Role
from patients import scales
from patients.admin import ClinicalRecordAdmin, patient_column, patient_search_fields
from patients.models import Assessment
from treatments import dosing, services
from treatments.dosing import format_units
from treatments.models import (
    AdverseEffect,
    CourseKind,
    Injection,
    MedicationOrder,
    Product,
    Referral,
    ReferralFollowUp,
    SafetyFlag,
    Side,
    TherapySession,
    ToxinSession,
    TreatmentCourse,
    Vial,
)

ENTERED_IN_ERROR = (
    "Entered in error",
    {
        "classes": ("collapse",),
        "fields": ("entered_in_error", "entered_in_error_reason"),
    },
)


# Assessment is a patients model, but it is registered here: saving one stamps the
# days since the patient's last toxin session (treatments.services), and patients
# must never import treatments.
@admin.register(Assessment)
class AssessmentAdmin(ClinicalRecordAdmin):
    list_display = (
        "assessed_on",
        "patient",
        "instrument",
        "version",
        "score",
        "side",
        "days_since_last_toxin",
        "rater",
    )
    list_filter = ("instrument", "entered_in_error")
    list_select_related = ("case__patient", "rater")
    search_fields = patient_search_fields("case__patient")
    autocomplete_fields = ("case", "rater")
    user_roles = {"rater": CLINICAL_ROLES}
    date_hierarchy = "assessed_on"
    readonly_fields = (
        "scale_items",
        "score",
        "totals_display",
        "days_since_last_toxin",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "case",
                    ("instrument", "version"),
                    "side",
                    ("rater", "assessed_on"),
                )
            },
        ),
        ("Answers", {"fields": ("scale_items", "answers")}),
        (
            "Computed",
            {"fields": ("score", "totals_display", "days_since_last_toxin")},
        ),
        ("Notes", {"fields": ("notes",)}),
        ENTERED_IN_ERROR,
    )

    patient = patient_column("case__patient")

    @admin.display(description="Totals")
    def totals_display(self, obj):
        if not obj.totals:
            return "-"
        return ", ".join(f"{key}: {value}" for key, value in obj.totals.items())

    @admin.display(description="Items to answer")
    def scale_items(self, obj):
        """What to type in answers: the chosen scale's items, or every scale's."""
        try:
            definitions = [scales.get_definition(obj.instrument, obj.version)]
        except scales.ScaleError:
            definitions = list(scales.DEFINITIONS.values())
        return format_html_join(
            "",
            "<div><p><strong>{}</strong> ({} / {}), e.g. <code>{}</code></p>"
            "<ul>{}</ul></div>",
            (
                (
                    definition.name,
                    definition.instrument,
                    definition.version,
                    _example_answers(definition),
                    format_html_join(
                        "",
                        "<li><code>{}</code> {}: {}{}</li>",
                        (
                            (
                                item.code,
                                item.label,
                                _allowed_text(item),
                                _anchors_text(item),
                            )
                            for item in definition.items
                        ),
                    ),
                )
                for definition in definitions
            ),
        )

    def write(self, obj, *, by):
        services.save_assessment(assessment=obj, by=by)


def _allowed_text(item: scales.Item) -> str:
    values = ", ".join(str(value) for value in item.allowed)
    if item.allows_not_applicable:
        values += f' or "{scales.NOT_APPLICABLE}"'
    return values


def _anchors_text(item: scales.Item) -> str:
    if not item.anchors:
        return ""
    return " (" + "; ".join(f"{value} {text}" for value, text in item.anchors) + ")"


def _example_answers(definition: scales.ScaleDefinition) -> str:
    pairs = ", ".join(f'"{item.code}": {item.allowed[0]}' for item in definition.items)
    return "{" + pairs + "}"


class SummaryInline(admin.TabularInline):
    """A course's records at a glance, each edited on its own page.

    Read-only, so the course page costs the same queries however many rows it
    lists (an editable row with a user autocomplete queries once per row).
    """

    extra = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ToxinSessionSummaryInline(SummaryInline):
    model = ToxinSession
    fields = (
        "performed_at",
        "product",
        "injector",
        "total_units",
        "entered_in_error",
    )

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("injector").with_total_units()
        )

    @admin.display(description="Total units")
    def total_units(self, obj):
        return format_units(obj.total_units) if obj.total_units is not None else "-"


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

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("therapist")


class MedicationOrderSummaryInline(SummaryInline):
    model = MedicationOrder
    fields = (
        "drug",
        "dose",
        "dose_unit",
        "route",
        "frequency",
        "start_on",
        "stop_on",
        "prescriber",
        "entered_in_error",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("prescriber")


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
    list_display = (
        "patient",
        "kind",
        "status",
        "started_on",
        "ended_on",
        "responsible_clinician",
        "planned_interval_days",
    )
    list_filter = ("kind", "status")
    list_select_related = ("case__patient", "responsible_clinician")
    search_fields = ("goal", *patient_search_fields("case__patient"))
    autocomplete_fields = ("case", "responsible_clinician")
    user_roles = {"responsible_clinician": CLINICAL_ROLES}
    date_hierarchy = "started_on"
    fields = (
        "case",
        ("kind", "status"),
        ("started_on", "ended_on"),
        "responsible_clinician",
        "planned_interval_days",
        "goal",
        "stop_reason",
    )

    patient = patient_column("case__patient")

    def get_inlines(self, request, obj):
        if obj is None:
            return []
        return INLINES_BY_KIND.get(obj.kind, [])

    def write(self, obj, *, by):
        services.save_course(course=obj, by=by)


class ChartedInTheClinicianPages:
    """A record whose safety warnings and overrides the admin cannot show: it is
    charted on the clinician pages only, and shown here read-only with a link."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.display(description="Clinician page")
def clinician_page_link(model_admin, obj):
    if obj.pk is None:
        return "-"
    return format_html(
        '<a href="{}">Open, chart or change it on the clinician page</a>',
        obj.get_absolute_url(),
    )


class VialInline(ChartedInTheClinicianPages, admin.TabularInline):
    model = Vial
    fields = (
        "size_units",
        "lot_number",
        "expiry_date",
        "diluent",
        "diluent_volume_ml",
        "reconstituted_at",
        "units_discarded",
        "waste_reason",
        "concentration",
    )
    readonly_fields = ("concentration",)
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        # The concentration reads the session's product.
        return super().get_queryset(request).select_related("session")

    @admin.display(description="Concentration")
    def concentration(self, obj):
        if obj.pk is None:
            return "-"
        per_ml = obj.units_per_ml(obj.session.product)
        return f"{format_units(per_ml / 10)} U per 0.1 mL ({format_units(per_ml)} U/mL)"


class InjectionInline(ChartedInTheClinicianPages, admin.TabularInline):
    model = Injection
    fields = ("muscle", "side", "units", "points", "route", "vial", "volume")
    readonly_fields = ("volume",)
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        # volume_ml() reads the session's product and the vial's dilution.
        return super().get_queryset(request).select_related("session", "vial")

    @admin.display(description="Volume (mL)")
    def volume(self, obj):
        if obj.pk is None:
            return "-"
        return obj.volume_ml()


class AdverseEffectInline(ChartedInTheClinicianPages, admin.TabularInline):
    model = AdverseEffect
    fields = ("kind", "severity", "onset_on", "resolved_on", "notes")
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(ToxinSession)
class ToxinSessionAdmin(ClinicalRecordAdmin):
    """Read-only but for "entered in error": sessions are charted, changed and
    overridden on the clinician pages, where the safety rules are checked."""

    list_display = (
        "performed_at",
        "patient",
        "product",
        "injector",
        "total_units",
    )
    list_filter = ("product", "guidance", "entered_in_error")
    list_select_related = ("course__case__patient", "injector")
    search_fields = (
        "vials__lot_number",
        *patient_search_fields("course__case__patient"),
    )
    autocomplete_fields = ("course", "injector", "assistant")
    user_roles = {"injector": INJECTING_ROLES, "assistant": CLINICAL_ROLES}
    date_hierarchy = "performed_at"
    readonly_fields = (
        "clinician_page",
        "units_by_product",
        "units_by_side",
        "benefit_days",
        "overridden_warnings_list",
        "override_reason",
        "overridden_by",
        "overridden_at",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "clinician_page",
                    "course",
                    "performed_at",
                    ("injector", "assistant"),
                    "guidance",
                )
            },
        ),
        ("Product", {"fields": ("product",)}),
        (
            "Consent",
            {
                "fields": (
                    "consent_obtained",
                    "consent_information_version",
                    "distant_spread_risk_discussed",
                )
            },
        ),
        ("Totals", {"fields": ("units_by_product", "units_by_side")}),
        (
            "Follow-up",
            {
                "fields": (
                    ("onset_day", "peak_day"),
                    ("wore_off_on", "benefit_days"),
                    "benefit",
                )
            },
        ),
        (
            "Safety override",
            {
                "description": "Warnings shown before saving and overridden by a "
                "neurologist in the clinician UI; kept as recorded.",
                "fields": (
                    "overridden_warnings_list",
                    "override_reason",
                    ("overridden_by", "overridden_at"),
                ),
            },
        ),
        ("Notes", {"fields": ("notes",)}),
        ENTERED_IN_ERROR,
    )
    inlines = (VialInline, InjectionInline, AdverseEffectInline)

    patient = patient_column("course__case__patient")
    clinician_page = clinician_page_link

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        editable = {"entered_in_error", "entered_in_error_reason"}
        shown = [
            name
            for fieldset in self.fieldsets
            for line in fieldset[1]["fields"]
            for name in (line if isinstance(line, tuple) else (line,))
        ]
        return [name for name in shown if name not in editable]

    def get_queryset(self, request):
        return super().get_queryset(request).with_total_units()

    @admin.display(description="Warnings overridden")
    def overridden_warnings_list(self, obj):
        if not obj.overridden_warnings:
            return "-"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", "<li>{}</li>", ((warning,) for warning in obj.overridden_warnings)
            ),
        )

    @admin.display(description="Total units", ordering="total_units")
    def total_units(self, obj):
        return format_units(obj.total_units) if obj.total_units is not None else "-"

    @admin.display(description="Units by product")
    def units_by_product(self, obj):
        if obj.pk is None:
            return "-"
        totals = dosing.totals_by_product(
            (obj.product, units)
            for units in obj.injections.values_list("units", flat=True)
        )
        labels = dict(Product.choices)
        return _join_totals(totals, labels)

    @admin.display(description="Units by side")
    def units_by_side(self, obj):
        if obj.pk is None:
            return "-"
        totals = dosing.totals_by_side(obj.injections.values_list("side", "units"))
        return _join_totals(totals, dict(Side.choices))

    @admin.display(description="Benefit (days)")
    def benefit_days(self, obj):
        return obj.benefit_days


def _join_totals(totals: dict[str, Decimal], labels: dict[str, str]) -> str:
    if not totals:
        return "-"
    # In the order of the choices (right before left), whatever the rows' order.
    return ", ".join(
        f"{label}: {format_units(totals[key])} U"
        for key, label in labels.items()
        if key in totals
    )


@admin.register(Injection)
class InjectionAdmin(ChartedInTheClinicianPages, ClinicalRecordAdmin):
    list_display = (
        "session",
        "patient",
        "muscle",
        "side",
        "units",
        "points",
        "route",
        "volume",
    )
    list_filter = ("muscle", "side", "route")
    list_select_related = ("session__course__case__patient", "vial")
    search_fields = (
        "vial__lot_number",
        *patient_search_fields("session__course__case__patient"),
    )
    autocomplete_fields = ("session",)
    readonly_fields = ("volume",)
    fields = (
        "session",
        "vial",
        "muscle",
        "side",
        "units",
        "points",
        "route",
        "volume",
    )

    patient = patient_column("session__course__case__patient")

    @admin.display(description="Volume (mL)")
    def volume(self, obj):
        if obj.pk is None:
            return "-"
        return obj.volume_ml()


@admin.register(Vial)
class VialAdmin(ChartedInTheClinicianPages, ClinicalRecordAdmin):
    """Vials are charted with their session on the clinician page; listed here
    to find a lot."""

    list_display = (
        "lot_number",
        "expiry_date",
        "size_units",
        "session",
        "patient",
        "units_discarded",
    )
    list_select_related = ("session__course__case__patient",)
    search_fields = (
        "lot_number",
        *patient_search_fields("session__course__case__patient"),
    )
    date_hierarchy = "expiry_date"
    fields = (
        "session",
        "size_units",
        ("lot_number", "expiry_date"),
        ("diluent", "diluent_volume_ml"),
        "reconstituted_at",
        ("units_discarded", "waste_reason"),
    )

    patient = patient_column("session__course__case__patient")


@admin.register(SafetyFlag)
class SafetyFlagAdmin(ChartedInTheClinicianPages, ClinicalRecordAdmin):
    """Flags are raised by charting a session already given and acknowledged by a
    neurologist on the session's page."""

    list_display = ("message", "session", "patient", "raised_at", "acknowledged_at")
    list_filter = ("code",)
    list_select_related = ("session__course__case__patient",)
    search_fields = patient_search_fields("session__course__case__patient")
    fields = (
        "session",
        "code",
        "message",
        ("raised_by", "raised_at"),
        ("acknowledged_by", "acknowledged_at"),
        "acknowledgement_note",
    )

    patient = patient_column("session__course__case__patient")


@admin.register(AdverseEffect)
class AdverseEffectAdmin(ChartedInTheClinicianPages, ClinicalRecordAdmin):
    list_display = (
        "kind",
        "severity",
        "urgent",
        "onset_on",
        "resolved_on",
        "patient",
        "session",
    )
    list_filter = ("kind", "severity")
    list_select_related = ("session__course__case__patient",)
    search_fields = ("notes", *patient_search_fields("session__course__case__patient"))
    autocomplete_fields = ("session",)
    date_hierarchy = "onset_on"

    patient = patient_column("session__course__case__patient")

    @admin.display(description="Urgent", boolean=True)
    def urgent(self, obj):
        return obj.is_urgent


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


@admin.register(MedicationOrder)
class MedicationOrderAdmin(ClinicalRecordAdmin):
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
    list_filter = ("route", "dose_unit", "entered_in_error")
    list_select_related = ("course__case__patient", "prescriber")
    search_fields = (
        "drug",
        "indication",
        *patient_search_fields("course__case__patient"),
    )
    autocomplete_fields = ("course", "prescriber")
    user_roles = {"prescriber": (Role.NEUROLOGIST,)}
    date_hierarchy = "start_on"
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
                )
            },
        ),
        ENTERED_IN_ERROR,
    )

    patient = patient_column("course__case__patient")

    def write(self, obj, *, by):
        services.save_medication_order(order=obj, by=by)


class ReferralFollowUpInline(admin.TabularInline):
    model = ReferralFollowUp
    fields = ("timepoint", "seen_on", "spasm_status", "complications", "notes")
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Referral)
class ReferralAdmin(ClinicalRecordAdmin):
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
    list_filter = ("specialty", "urgency", "status", "outcome", "entered_in_error")
    list_select_related = ("course__case__patient",)
    search_fields = ("to_name", *patient_search_fields("course__case__patient"))
    autocomplete_fields = ("course",)
    date_hierarchy = "sent_on"
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
        ("Outcome", {"fields": ("outcome", "complications", "notes")}),
        ENTERED_IN_ERROR,
    )
    inlines = (ReferralFollowUpInline,)

    patient = patient_column("course__case__patient")

    def write(self, obj, *, by):
        services.save_referral(referral=obj, by=by)

    def save_formset(self, request, form, formset, change):
        # The follow-ups inline: each through its write service too.
        for follow_up in formset.save(commit=False):
            services.save_referral_follow_up(follow_up=follow_up, by=request.user)


@admin.register(ReferralFollowUp)
class ReferralFollowUpAdmin(ClinicalRecordAdmin):
    list_display = ("timepoint", "seen_on", "spasm_status", "patient", "referral")
    list_filter = ("timepoint", "spasm_status")
    list_select_related = ("referral__course__case__patient",)
    search_fields = (
        "referral__to_name",
        *patient_search_fields("referral__course__case__patient"),
    )
    autocomplete_fields = ("referral",)
    date_hierarchy = "seen_on"

    patient = patient_column("referral__course__case__patient")

    def write(self, obj, *, by):
        services.save_referral_follow_up(follow_up=obj, by=by)
