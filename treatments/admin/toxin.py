"""Toxin sessions and what is charted with them (vials, injections, adverse
effects, safety flags).

The admin cannot show a session's safety warnings and overrides: these records are
charted on the clinician pages only, and shown here read-only with a link (but for
marking a session entered in error).
"""

from decimal import Decimal

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from clinic.admin_exports import ExportsListedRows
from clinic.admin_records import ENTERED_IN_ERROR, KeptRowsInline, WrittenElsewhere
from clinic.models import CLINICAL_ROLES, INJECTING_ROLES
from patients.admin import ClinicalRecordAdmin
from treatments import dosing
from treatments.admin.session_import import import_urls
from treatments.dosing import format_units
from treatments.models import (
    AdverseEffect,
    Injection,
    Product,
    SafetyFlag,
    Side,
    ToxinSession,
    Vial,
)
from treatments.session_forms import VialForm

# What an injection records, in the columns of the session page and the list.
INJECTED = ("muscle", "side", "units", "points", "route")


@admin.display(description=_("Clinician page"))
def clinician_page_link(model_admin, obj):
    if obj.pk is None:
        return "-"
    return format_html(
        '<a href="{}">Open, chart or change it on the clinician page</a>',
        obj.get_absolute_url(),
    )


# Not sortable: sorting by a sum reads every session's injections (millions of
# rows); the list is summed for the rows shown only.
@admin.display(description=_("Total units"))
def total_units_column(model_admin, obj):
    """A session's units, from the with_row_total_units() annotation."""
    return format_units(obj.total_units) if obj.total_units is not None else "-"


@admin.display(description=_("Volume (mL)"))
def injection_volume_column(model_admin, obj):
    if obj.pk is None:
        return "-"
    return obj.volume_ml()


class VialInline(WrittenElsewhere, KeptRowsInline):
    model = Vial
    # What the clinician page charts, and the concentration it makes.
    fields = (*VialForm.Meta.fields, "concentration")
    readonly_fields = ("concentration",)

    def get_queryset(self, request):
        # The concentration reads the session's product.
        return super().get_queryset(request).select_related("session")

    @admin.display(description=_("Concentration"))
    def concentration(self, obj):
        if obj.pk is None:
            return "-"
        per_ml = obj.units_per_ml(obj.session.product)
        return f"{format_units(per_ml / 10)} U per 0.1 mL ({format_units(per_ml)} U/mL)"


class InjectionInline(WrittenElsewhere, KeptRowsInline):
    model = Injection
    fields = (*INJECTED, "vial", "volume")
    readonly_fields = ("volume",)

    volume = injection_volume_column

    def get_queryset(self, request):
        # volume_ml() reads the session's product and the vial's dilution.
        return super().get_queryset(request).select_related("session", "vial")


class AdverseEffectInline(WrittenElsewhere, KeptRowsInline):
    model = AdverseEffect
    fields = ("kind", "severity", "onset_on", "resolved_on", "notes")
    show_change_link = True


@admin.register(ToxinSession)
class ToxinSessionAdmin(ExportsListedRows, ClinicalRecordAdmin):
    """Read-only but for "entered in error": sessions are charted, changed and
    overridden on the clinician pages, where the safety rules are checked."""

    patient_path = "course__case__patient"
    list_display = (
        "performed_at",
        "patient",
        "product",
        "injector",
        "total_units",
    )
    # A date filter, not date_hierarchy: the year links would read the date of
    # every session (SELECT DISTINCT date_trunc) on each visit.
    list_filter = (
        ("performed_at", admin.DateFieldListFilter),
        "product",
        "guidance",
        "entered_in_error",
    )
    list_select_related = ("injector",)
    # Asked through Exists, not joined (clinic.admin_records.CheapChangelist).
    search_fields = ("vials__lot_number",)
    search_help_text = _("Patient name or MRN, or a vial's lot number.")
    autocomplete_fields = ("course", "injector", "assistant")
    user_roles = {"injector": INJECTING_ROLES, "assistant": CLINICAL_ROLES}
    readonly_fields = (
        "clinician_page",
        "units_by_product",
        "units_by_side",
        "benefit_days",
        "overridden_warnings_list",
        "not_recorded_list",
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
        (_("Product"), {"fields": ("product",)}),
        (
            _("Consent"),
            {
                "fields": (
                    "consent_obtained",
                    "consent_information_version",
                    "distant_spread_risk_discussed",
                )
            },
        ),
        (_("Totals"), {"fields": ("units_by_product", "units_by_side")}),
        (
            _("Follow-up"),
            {
                "fields": (
                    ("onset_day", "peak_day"),
                    ("wore_off_on", "benefit_days"),
                    "benefit",
                )
            },
        ),
        (
            _("Safety override"),
            {
                "description": _(
                    "Warnings shown before saving and overridden by a "
                    "neurologist in the clinician UI; kept as recorded."
                ),
                "fields": (
                    "overridden_warnings_list",
                    "override_reason",
                    ("overridden_by", "overridden_at"),
                ),
            },
        ),
        (
            _("Historical record"),
            {
                "description": _(
                    "Imported from an earlier record, not charted when given."
                ),
                "fields": ("is_historical", "not_recorded_list"),
            },
        ),
        (_("Notes"), {"fields": ("notes",)}),
        ENTERED_IN_ERROR,
    )
    inlines = (VialInline, InjectionInline, AdverseEffectInline)
    change_list_template = "admin/treatments/toxinsession/change_list.html"

    clinician_page = clinician_page_link
    total_units = total_units_column

    export_headings = (
        "Performed at",
        "Family name",
        "Given name",
        "MRN",
        "Product",
        "Total units",
        "Injector",
        "Guidance",
        "Entered in error",
    )

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        return [*import_urls(self), *super().get_urls()]

    @admin.display(description=_("Not in the earlier record"))
    def not_recorded_list(self, obj):
        return ", ".join(obj.not_recorded_labels) or "-"

    def export_queryset(self, queryset):
        return queryset.select_related("course__case__patient")

    def export_patient_id(self, obj):
        return obj.course.case.patient_id

    def export_row(self, obj):
        patient = obj.course.case.patient
        return [
            obj.performed_at,
            patient.family_name,
            patient.given_name,
            patient.mrn,
            obj.get_product_display(),
            obj.total_units,
            str(obj.injector),
            obj.get_guidance_display(),
            "Yes" if obj.entered_in_error else "No",
        ]

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
        return super().get_queryset(request).with_row_total_units()

    @admin.display(description=_("Warnings overridden"))
    def overridden_warnings_list(self, obj):
        if not obj.overridden_warnings:
            return "-"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", "<li>{}</li>", ((warning,) for warning in obj.overridden_warnings)
            ),
        )

    @admin.display(description=_("Units by product"))
    def units_by_product(self, obj):
        if obj.pk is None:
            return "-"
        totals = dosing.totals_by_product(
            (obj.product, units)
            for units in obj.injections.values_list("units", flat=True)
        )
        labels = dict(Product.choices)
        return _join_totals(totals, labels)

    @admin.display(description=_("Units by side"))
    def units_by_side(self, obj):
        if obj.pk is None:
            return "-"
        totals = dosing.totals_by_side(obj.injections.values_list("side", "units"))
        return _join_totals(totals, dict(Side.choices))

    @admin.display(description=_("Benefit (days)"))
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
class InjectionAdmin(WrittenElsewhere, ClinicalRecordAdmin):
    patient_path = "session__course__case__patient"
    list_display = ("session", "patient", *INJECTED, "volume")
    list_filter = ("muscle", "side", "route")
    list_select_related = ("vial",)
    # By its own columns, newest session first, which treatments_injection_admin
    # serves; the default ("session") would sort by the session's date, a join.
    ordering = ("-session_id", "-id")
    search_fields = ("vial__lot_number",)
    autocomplete_fields = ("session",)
    readonly_fields = ("volume",)
    fields = ("session", "vial", *INJECTED, "volume")

    volume = injection_volume_column


@admin.register(Vial)
class VialAdmin(WrittenElsewhere, ClinicalRecordAdmin):
    """Vials are charted with their session on the clinician page; listed here
    to find a lot."""

    patient_path = "session__course__case__patient"
    list_display = (
        "lot_number",
        "expiry_date",
        "size_units",
        "session",
        "patient",
        "units_discarded",
    )
    # As the injections: by its own columns, served by treatments_vial_admin.
    ordering = ("-session_id", "-id")
    search_fields = ("lot_number",)
    # A vial a session: a filter, not year links over every vial.
    list_filter = (("expiry_date", admin.DateFieldListFilter),)
    fields = (
        "session",
        "size_units",
        ("lot_number", "expiry_date"),
        ("diluent", "diluent_volume_ml"),
        "reconstituted_at",
        ("units_discarded", "waste_reason"),
    )


@admin.register(SafetyFlag)
class SafetyFlagAdmin(WrittenElsewhere, ClinicalRecordAdmin):
    """Flags are raised by charting a session already given and acknowledged by a
    neurologist on the session's page."""

    patient_path = "session__course__case__patient"
    list_display = ("message", "session", "patient", "raised_at", "acknowledged_at")
    list_filter = ("code",)
    fields = (
        "session",
        "code",
        "message",
        ("raised_by", "raised_at"),
        ("acknowledged_by", "acknowledged_at"),
        "acknowledgement_note",
    )


@admin.register(AdverseEffect)
class AdverseEffectAdmin(WrittenElsewhere, ClinicalRecordAdmin):
    patient_path = "session__course__case__patient"
    list_display = (
        "kind",
        "severity",
        "urgent",
        "onset_on",
        "resolved_on",
        "patient",
        "session",
    )
    list_filter = (("onset_on", admin.DateFieldListFilter), "kind", "severity")
    search_fields = ("notes",)
    autocomplete_fields = ("session",)
    # Newest first, served by treatments_adverse_newest (the model's ascending
    # order with Django's -pk tiebreak would mix directions no index serves).
    ordering = ("-onset_on", "-id")

    @admin.display(description=_("Urgent"), boolean=True)
    def urgent(self, obj):
        return obj.is_urgent
