"""Assessments: the scale's items to answer, and the score computed on saving."""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from clinic.admin_records import ENTERED_IN_ERROR
from clinic.models import CLINICAL_ROLES
from patients import scales
from patients.admin import ClinicalRecordAdmin
from patients.models import Assessment
from treatments import services


# Assessment is a patients model, but it is registered here: saving one stamps the
# days since the patient's last toxin session (treatments.services), and patients
# must never import treatments.
@admin.register(Assessment)
class AssessmentAdmin(ClinicalRecordAdmin):
    patient_path = "case__patient"
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
    # A date filter, not date_hierarchy: its year links read every row's date.
    list_filter = (
        ("assessed_on", admin.DateFieldListFilter),
        "instrument",
        "entered_in_error",
    )
    list_select_related = ("rater",)
    autocomplete_fields = ("case", "rater")
    user_roles = {"rater": CLINICAL_ROLES}
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
        (_("Answers"), {"fields": ("scale_items", "answers")}),
        (
            _("Computed"),
            {"fields": ("score", "totals_display", "days_since_last_toxin")},
        ),
        (_("Notes"), {"fields": ("notes",)}),
        ENTERED_IN_ERROR,
    )

    @admin.display(description=_("Totals"))
    def totals_display(self, obj):
        if not obj.totals:
            return "-"
        return ", ".join(f"{key}: {value}" for key, value in obj.totals.items())

    @admin.display(description=_("Items to answer"))
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
