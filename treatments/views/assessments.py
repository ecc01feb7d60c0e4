"""Assessments (scored scales). The model is a patients one, entered here because
saving one stamps the days since the last toxin session, and patients never
imports treatments."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from clinic.access import record_access
from clinic.query_params import allow_query_params
from clinic.submissions import record_page
from patients import scales
from patients.models import Assessment, Case, Laterality
from treatments import services
from treatments.assessment_forms import AssessmentForm


def _chosen_scale(query, case: Case) -> scales.ScaleDefinition | None:
    """The scale named by ?instrument= (and ?version=, else the default one for
    the case's condition)."""
    instrument = query.get("instrument", "")
    version = query.get("version") or scales.default_version(instrument, case.condition)
    try:
        return scales.get_definition(instrument, version)
    except scales.ScaleError:
        return None


def _scale_links(case: Case) -> list[dict]:
    """Every instrument with a link per version, the default version first."""
    url = reverse("treatments:assessment_create", args=[case.pk])
    links = []
    for instrument in scales.LATEST_VERSION:
        default = scales.default_version(instrument, case.condition)
        versions = [
            definition.version
            for definition in scales.DEFINITIONS.values()
            if definition.instrument == instrument and definition.version != default
        ]
        links.append(
            {
                "name": scales.DEFINITIONS[instrument, default].name,
                "per_side": scales.DEFINITIONS[instrument, default].per_side,
                "versions": [
                    {
                        "version": version,
                        "default": version == default,
                        "url": f"{url}?"
                        + urlencode({"instrument": instrument, "version": version}),
                    }
                    for version in [default, *versions]
                ],
            }
        )
    return links


def _totals_text(assessment: Assessment) -> str:
    """The computed totals as stored: "total 5", "mean 1.50, sum 6, ..."."""
    grades = scales.ROMAN_GRADES.get(assessment.instrument, {})
    parts = []
    for key, value in assessment.totals.items():
        name = key.replace("_", " ")
        parts.append(f"{name} {grades.get(value, value)}")
    return ", ".join(parts)


def _assessment_saved(request: HttpRequest, assessment: Assessment) -> None:
    name = scales.get_definition(assessment.instrument, assessment.version).name
    totals = _totals_text(assessment)
    messages.success(
        request,
        gettext("%(scale)s saved: %(totals)s.") % {"scale": name, "totals": totals},
    )


def _other_versions(case: Case, definition: scales.ScaleDefinition) -> list[dict]:
    """Links to the instrument's other versions, for a new assessment to switch."""
    return [
        link
        for scale in _scale_links(case)
        for link in scale["versions"]
        if scale["name"] == definition.name and link["version"] != definition.version
    ]


def _assessment_page(request, assessment: Assessment) -> HttpResponse:
    """The create page of an assessment, or its edit page: correct the answers
    (the totals are computed again) or mark it entered in error."""
    case = assessment.case
    definition = scales.get_definition(assessment.instrument, assessment.version)
    return record_page(
        request,
        form_class=AssessmentForm,
        instance=assessment,
        queryset=Assessment.objects.select_related("case__patient"),
        write=lambda scored: services.save_assessment(
            assessment=scored, by=request.user
        ),
        noun=gettext("assessment"),
        then=lambda scored: redirect(scored.case.patient),
        on_saved=lambda scored: _assessment_saved(request, scored),
        template="treatments/assessment_form.html",
        context={
            "case": case,
            "patient": case.patient,
            "assessment": assessment if assessment.pk else None,
            "definition": definition,
            "other_versions": []
            if assessment.pk
            else _other_versions(case, definition),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("patients.add_assessment", raise_exception=True)
@allow_query_params("instrument", "version")
def assessment_create(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_object_or_404(Case.objects.select_related("patient"), pk=case_pk)
    definition = _chosen_scale(request.GET, case)
    if definition is None:
        # Without script: first choose the scale, then its items are shown.
        record_access(request, case.patient, Assessment(case=case))
        return render(
            request,
            "treatments/assessment_choose.html",
            {
                "case": case,
                "patient": case.patient,
                "scales": _scale_links(case),
                "unknown": "instrument" in request.GET,
            },
        )
    assessment = Assessment(
        case=case,
        instrument=definition.instrument,
        version=definition.version,
        rater=request.user,
    )
    if definition.per_side and case.laterality in (Laterality.RIGHT, Laterality.LEFT):
        # The affected side, to start from; the form's posted side wins.
        assessment.side = case.laterality
    return _assessment_page(request, assessment)


@require_http_methods(["GET", "POST"])
@permission_required("patients.change_assessment", raise_exception=True)
def assessment_update(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(
        Assessment.objects.select_related("case__patient", "rater"), pk=pk
    )
    return _assessment_page(request, assessment)
