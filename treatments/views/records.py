import copy
import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patients import scales
from patients.models import Assessment, Case, Laterality
from patients.submissions import save_once, saved_by_token
from treatments import billing, charting, dosing, face_map, labels, services
from treatments.forms import (
    AdverseEffectFormSet,
    AssessmentForm,
    CourseForm,
    MedicationOrderForm,
    ReferralFollowUpForm,
    ReferralForm,
    TherapySessionForm,
    ToxinFollowUpForm,
)
from treatments.models import (
    BELLS_STEROID_WINDOW,
    URGENT_ADVERSE_EFFECTS,
    CourseKind,
    FollowUpTimepoint,
    MedicationOrder,
    Muscle,
    MvdOutcome,
    Referral,
    ReferralFollowUp,
    SafetyFlag,
    Side,
    TherapySession,
    ToxinSession,
    TreatmentCourse,
)
from treatments.safety import format_units, product_name
from treatments.session_forms import (
    InjectionFormSet,
    SafetyOverrideForm,
    ToxinSessionForm,
    VialFormSet,
)

INJECTIONS_PREFIX = "injections"
VIALS_PREFIX = "vials"
EFFECTS_PREFIX = "effects"


def _toxin_course(pk: int) -> TreatmentCourse:
    """A botulinum-toxin course; any other kind answers 404 like a missing one."""
    return get_object_or_404(
        TreatmentCourse.objects.select_related("case__patient"),
        pk=pk,
        kind=CourseKind.BOTULINUM_TOXIN,
    )


def _concentration(product, size, diluent) -> Decimal | None:
    """U/mL of a vial as entered so far, or None while it cannot be worked out."""
    try:
        return dosing.vial_units_per_ml(product, size, diluent)
    except (TypeError, ValueError, ArithmeticError):
        return None


def _concentration_text(per_ml: Decimal | None) -> str:
    if per_ml is None:
        return ""
    return f"{format_units(per_ml / 10)} U per 0.1 mL ({format_units(per_ml)} U/mL)"


def _volume_text(units, per_ml: Decimal) -> str:
    """The volume to draw for a site, in mL, without trailing zeros."""
    volume = (Decimal(units) / per_ml).quantize(dosing.VOLUME_STEP_ML)
    return f"{volume.normalize():f}"


def _side_totals(totals: dict[str, Decimal]) -> list[tuple[str, str]]:
    return [(side.label, format_units(totals[side])) for side in Side if side in totals]


def _vial_rows(form, vials) -> tuple[list[dict], dict[int, Decimal | None]]:
    """Each vial row with its concentration, and the concentration by vial
    number, from the values entered so far."""
    product = form["product"].value()
    rows, per_ml = [], {}
    for number, vial_form in enumerate(vials.forms, start=1):
        per_ml[number] = _concentration(
            product,
            vial_form["size_units"].value(),
            vial_form["diluent_volume_ml"].value() or None,
        )
        rows.append(
            {
                "number": number,
                "form": vial_form,
                "concentration": _concentration_text(per_ml[number]),
            }
        )
    return rows, per_ml


def _charting_context(form, vials, injections, previous) -> dict:
    """What the charting page shows from the values entered so far: each vial's
    concentration, volume per site, totals, the face diagram and the changes
    from last time."""
    vial_rows, per_ml = _vial_rows(form, vials)
    sites = injections.sites()
    previous_sites = (
        [(i.muscle, i.side, i.units) for i in previous.injections.all()]
        if previous
        else []
    )
    changes = services.compare_injections(sites, previous_sites)
    show_changes = previous is not None and any(site for site in sites)
    rows = []
    for index, (row_form, site) in enumerate(zip(injections, sites, strict=True)):
        concentration = per_ml.get(row_form.chosen_vial())
        before = changes.previous_units.get(site[:2]) if site else None
        rows.append(
            {
                "number": index + 1,
                "form": row_form,
                "volume_ml": _volume_text(site[2], concentration)
                if site is not None and concentration
                else "",
                "change": changes.rows[index] if show_changes else "",
                "previous_units": format_units(before) if before is not None else "",
            }
        )
    charted = [site for site in sites if site is not None]
    product = form["product"].value()
    try:
        by_product = dosing.totals_by_product(
            (product, units) for _, _, units in charted
        )
    except ValueError:
        by_product = {}
    return {
        "vial_rows": vial_rows,
        "rows": rows,
        "missing": [
            (Muscle(muscle).label, Side(side).label, format_units(units))
            for muscle, side, units in changes.missing
        ]
        if show_changes
        else [],
        "previous": previous,
        "totals_by_side": _side_totals(
            dosing.totals_by_side((side, units) for _, side, units in charted)
        ),
        "totals_by_product": [
            (product_name(code), format_units(total))
            for code, total in by_product.items()
        ],
        "markers": face_map.markers(charted),
    }


def _charted_records(vials, injections) -> tuple[list, list]:
    """The vials and sites as the validated formsets hold them; each site's
    vial is the vial of its number."""
    charted_vials = [vial_form.instance for _, vial_form in vials.charted()]
    sites = []
    for row_form in injections.forms:
        if row_form.site() is None:
            continue
        site = row_form.instance
        site.vial = vials.forms[row_form.chosen_vial() - 1].instance
        sites.append(site)
    return charted_vials, sites


def _fresh_override_form(request, warnings, may_override: bool):
    return SafetyOverrideForm(
        initial={"override_reason": request.POST.get("override_reason", "")},
        warnings=warnings,
        may_override=may_override,
    )


def _repeat_initial(previous: ToxinSession) -> tuple[dict, list[dict], list[dict]]:
    """The product, vial sizes and sites of the last session, to start from."""
    vial_rows = [
        {
            "size_units": vial.size_units,
            "diluent": vial.diluent,
            "diluent_volume_ml": vial.diluent_volume_ml,
        }
        for vial in previous.vials.all()
    ]
    vial_numbers = {
        vial.pk: number for number, vial in enumerate(previous.vials.all(), 1)
    }
    injection_rows = [
        {
            "muscle": injection.muscle,
            "side": injection.side,
            "units": injection.units,
            "points": injection.points,
            "route": injection.route,
            "vial_number": vial_numbers.get(injection.vial_id, 1),
        }
        for injection in previous.injections.all()
    ]
    return {"product": previous.product}, vial_rows, injection_rows


def _save_charted(request, form, vials, injections, session, creating):
    """Hand the validated page to the write path: (response, None) when it saved,
    (None, override box) while warnings stand in the way, (None, None) after a
    preview with no warnings."""
    previewing = "preview" in request.POST
    charted_vials, sites = _charted_records(vials, injections)
    if creating:
        session.form_token = form.cleaned_data.get("form_token")
    warnings = charting.new_warnings(
        session,
        charting.session_warnings(session=session, vials=charted_vials, sites=sites),
    )
    may_override = charting.may_override(request.user, warnings)
    reason, given_already = "", False
    if warnings:
        if previewing or SafetyOverrideForm.DIGEST_FIELD not in request.POST:
            return None, _fresh_override_form(request, warnings, may_override)
        override_form = SafetyOverrideForm(
            request.POST, warnings=warnings, may_override=may_override
        )
        if not override_form.is_valid():
            return None, override_form
        reason = override_form.cleaned_data["override_reason"]
        given_already = override_form.cleaned_data["given_already"]
    if previewing:
        return None, None
    try:
        saved = charting.chart_toxin_session(
            session=session,
            vials=charted_vials,
            sites=sites,
            by=request.user,
            override_reason=reason,
            confirmed_warnings=[warning.message for warning in warnings],
            given_already=given_already,
        )
    except charting.OverrideRequired as error:
        # The warnings changed between the check and the save: show them.
        return None, _fresh_override_form(request, error.warnings, may_override)
    except IntegrityError:
        # Two submits of one form at the same moment: the first won.
        existing = (
            creating
            and ToxinSession.objects.filter(form_token=session.form_token).first()
        )
        if not existing:
            raise
        messages.info(request, "This session was already saved.")
        return redirect(existing), None
    if given_already:
        messages.warning(
            request,
            "Toxin session saved as already given: its warnings are flagged for a "
            "neurologist to acknowledge.",
        )
    else:
        messages.success(request, "Toxin session saved.")
    return redirect(saved), None


def _chart_session(
    request: HttpRequest, course: TreatmentCourse, session: ToxinSession
) -> HttpResponse:
    """The create and edit pages: the session, its vials and its sites are checked
    against the safety rules, then saved together or not at all."""
    creating = session.pk is None
    patient = course.case.patient
    previous = services.previous_toxin_session(
        patient,
        before=None if creating else session.performed_at,
        exclude_pk=session.pk,
    )
    override_form = None
    if request.method == "POST":
        form = ToxinSessionForm(request.POST, instance=session)
        vials = VialFormSet(request.POST, instance=session, prefix=VIALS_PREFIX)
        injections = InjectionFormSet(
            request.POST, instance=session, prefix=INJECTIONS_PREFIX, vials=vials
        )
        # In this order: the sites are checked against the vials' values.
        if form.is_valid() and vials.is_valid() and injections.is_valid():
            response, override_form = _save_charted(
                request, form, vials, injections, session, creating
            )
            if response is not None:
                return response
    else:
        initial, vial_rows, injection_rows = {}, [], []
        if creating:
            initial["form_token"] = uuid.uuid4()
            if request.GET.get("repeat"):
                if previous is None:
                    messages.info(request, "There is no earlier session to repeat.")
                else:
                    repeat, vial_rows, injection_rows = _repeat_initial(previous)
                    initial.update(repeat)
        form = ToxinSessionForm(instance=session, initial=initial)
        vials = VialFormSet(instance=session, prefix=VIALS_PREFIX, initial=vial_rows)
        injections = InjectionFormSet(
            instance=session,
            prefix=INJECTIONS_PREFIX,
            initial=injection_rows,
            vials=vials,
        )
    return render(
        request,
        "treatments/toxinsession_form.html",
        {
            "form": form,
            "vials": vials,
            "injections": injections,
            "override_form": override_form,
            "course": course,
            "patient": patient,
            "session": None if creating else session,
            "clinic_time_zone": settings.TIME_ZONE,
            **_charting_context(form, vials, injections, previous),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("treatments.add_toxinsession", raise_exception=True)
def toxinsession_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _toxin_course(course_pk)
    if request.method == "POST":
        # A second submit of the same form finds the session the first one saved.
        existing = saved_by_token(ToxinSession.objects.all(), request.POST)
        if existing is not None:
            if existing.course_id != course.pk:
                messages.error(request, "That form was already used; start again.")
                return redirect("treatments:toxinsession_create", course_pk=course.pk)
            messages.info(request, "This session was already saved.")
            return redirect(existing)
    return _chart_session(
        request, course, ToxinSession(course=course, injector=request.user)
    )


@require_http_methods(["GET", "POST"])
@permission_required("treatments.change_toxinsession", raise_exception=True)
def toxinsession_update(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(
        ToxinSession.objects.select_related("course__case__patient"), pk=pk
    )
    return _chart_session(request, session.course, session)


def _vial_and_site_rows(session, vials, injections) -> dict:
    """Each vial with its concentration, and each site with its vial's number and
    the volume drawn from it."""
    per_ml = {vial.pk: vial.units_per_ml(session.product) for vial in vials}
    numbers = {vial.pk: number for number, vial in enumerate(vials, start=1)}
    return {
        "vials": [
            (
                numbers[vial.pk],
                vial,
                _concentration_text(per_ml[vial.pk]),
                format_units(vial.units_discarded),
            )
            for vial in vials
        ],
        "rows": [
            (
                injection,
                format_units(injection.units),
                _volume_text(injection.units, per_ml[injection.vial_id]),
                numbers[injection.vial_id],
            )
            for injection in injections
        ],
    }


def _billing_lines(session, vials, injections) -> list:
    return [
        (line, format_units(line.quantity))
        for line in billing.session_summary(
            product=session.product,
            guidance=session.guidance,
            vials=vials,
            injections=injections,
        )
    ]


@require_GET
@permission_required("treatments.view_toxinsession", raise_exception=True)
def toxinsession_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Queries: the session with its course, case, patient and people; its vials;
    # its injections; its adverse effects; its safety flags with their people;
    # the days since the patient's last session.
    session = get_object_or_404(
        ToxinSession.objects.select_related(
            "course__case__patient", "injector", "assistant", "overridden_by"
        ).prefetch_related(
            "vials",
            "injections",
            "adverse_effects",
            Prefetch(
                "safety_flags",
                queryset=SafetyFlag.objects.select_related(
                    "raised_by", "acknowledged_by"
                ),
            ),
        ),
        pk=pk,
    )
    patient = session.course.case.patient
    vials = list(session.vials.all())
    injections = list(session.injections.all())
    sites = [(i.muscle, i.side, i.units) for i in injections]
    total = sum((units for _, _, units in sites), Decimal("0"))
    return render(
        request,
        "treatments/toxinsession_detail.html",
        {
            "session": session,
            "patient": patient,
            "course": session.course,
            **_vial_and_site_rows(session, vials, injections),
            # Codes are the US ones (DOMAIN.md 6.4).
            "billing": _billing_lines(session, vials, injections)
            if settings.CLINIC_JURISDICTION == labels.US
            else None,
            "total_units": format_units(total),
            "totals_by_side": _side_totals(
                dosing.totals_by_side((side, units) for _, side, units in sites)
            ),
            "totals_by_product": [
                (product_name(code), format_units(units))
                for code, units in dosing.totals_by_product(
                    (session.product, units) for _, _, units in sites
                ).items()
            ],
            "markers": face_map.markers(sites),
            "adverse_effects": list(session.adverse_effects.all()),
            "safety_flags": list(session.safety_flags.all()),
            "may_acknowledge": request.user.has_perm(charting.ACKNOWLEDGE_PERMISSION),
            "days_since_previous": services.days_since_last_toxin(
                patient, session.performed_on
            ),
        },
    )


@require_POST
@permission_required("treatments.acknowledge_safetyflag", raise_exception=True)
def safetyflag_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """A neurologist acknowledges a flagged warning of a session already given."""
    flag = get_object_or_404(SafetyFlag.objects.select_related("session"), pk=pk)
    try:
        charting.acknowledge_flag(
            flag=flag, by=request.user, note=request.POST.get("note", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Safety flag acknowledged.")
    return redirect(flag.session)


@require_http_methods(["GET", "POST"])
@permission_required("treatments.change_toxinsession", raise_exception=True)
def toxinsession_followup(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow-up reported later: onset, peak, wear-off, benefit, adverse effects."""
    session = get_object_or_404(
        ToxinSession.objects.select_related("course__case__patient"), pk=pk
    )
    if request.method == "POST":
        form = ToxinFollowUpForm(request.POST, instance=session)
        effects = AdverseEffectFormSet(
            request.POST, instance=session, prefix=EFFECTS_PREFIX
        )
        if form.is_valid() and effects.is_valid():
            saved = services.record_toxin_follow_up(
                session=form.instance,
                adverse_effects=[
                    effect_form.instance
                    for effect_form in effects.forms
                    if effect_form.has_changed()
                ],
                by=request.user,
            )
            messages.success(request, "Follow-up saved.")
            if any(
                effect_form.cleaned_data.get("kind") in URGENT_ADVERSE_EFFECTS
                for effect_form in effects.forms
                if effect_form.has_changed()
            ):
                messages.warning(
                    request,
                    "Possible distant spread of toxin (swallowing, speech or "
                    "breathing problems): escalate urgently to a neurologist.",
                )
            return redirect(saved)
    else:
        form = ToxinFollowUpForm(instance=session)
        effects = AdverseEffectFormSet(instance=session, prefix=EFFECTS_PREFIX)
    return render(
        request,
        "treatments/toxinsession_followup.html",
        {
            "form": form,
            "effects": effects,
            "session": session,
            "patient": session.course.case.patient,
        },
    )


# Assessments. They are a patients model, entered here because saving one stamps
# the days since the last toxin session (patients never imports treatments).


def _chosen_scale(query) -> scales.ScaleDefinition | None:
    """The scale named by ?instrument= (and ?version=, else the default one)."""
    instrument = query.get("instrument", "")
    version = query.get("version") or scales.LATEST_VERSION.get(instrument, "")
    try:
        return scales.get_definition(instrument, version)
    except scales.ScaleError:
        return None


def _scale_links(case: Case) -> list[dict]:
    """Every instrument with a link per version, the default version first."""
    url = reverse("treatments:assessment_create", args=[case.pk])
    links = []
    for instrument, default in scales.LATEST_VERSION.items():
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
    parts = []
    for key, value in assessment.totals.items():
        name = key.replace("_", " ")
        parts.append(f"{name} {value}")
    return ", ".join(parts)


def _assessment_saved(request: HttpRequest, assessment: Assessment) -> None:
    name = scales.get_definition(assessment.instrument, assessment.version).name
    totals = _totals_text(assessment)
    messages.success(request, f"{name} saved: {totals}.")


def _assessment_page(request, form, case, assessment) -> HttpResponse:
    definition = form.definition
    # A new assessment may switch to another version of the same instrument.
    other_versions = []
    if assessment is None:
        other_versions = [
            link
            for scale in _scale_links(case)
            for link in scale["versions"]
            if scale["name"] == definition.name
            and link["version"] != definition.version
        ]
    return render(
        request,
        "treatments/assessment_form.html",
        {
            "form": form,
            "case": case,
            "patient": case.patient,
            "assessment": assessment,
            "definition": definition,
            "other_versions": other_versions,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("patients.add_assessment", raise_exception=True)
def assessment_create(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_object_or_404(Case.objects.select_related("patient"), pk=case_pk)
    definition = _chosen_scale(request.GET)
    if definition is None:
        # Without script: first choose the scale, then its items are shown.
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
    if request.method == "POST":
        assessments = Assessment.objects.select_related("case__patient")
        earlier = saved_by_token(assessments, request.POST)
        if earlier is not None:
            messages.info(request, "This assessment was already saved.")
            return redirect(earlier.case.patient)
        form = AssessmentForm(request.POST, instance=assessment)
        if form.is_valid():
            saved, created = save_once(
                form,
                assessments,
                save=lambda: services.save_assessment(
                    assessment=form.instance, by=request.user
                ),
            )
            if created:
                _assessment_saved(request, saved)
            else:
                messages.info(request, "This assessment was already saved.")
            return redirect(case.patient)
    else:
        if definition.per_side and case.laterality in (
            Laterality.RIGHT,
            Laterality.LEFT,
        ):
            assessment.side = case.laterality
        form = AssessmentForm(instance=assessment)
    return _assessment_page(request, form, case, None)


@require_http_methods(["GET", "POST"])
@permission_required("patients.change_assessment", raise_exception=True)
def assessment_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct the answers (the totals are computed again) or mark the assessment
    entered in error."""
    assessment = get_object_or_404(
        Assessment.objects.select_related("case__patient", "rater"), pk=pk
    )
    case = assessment.case
    if request.method == "POST":
        # The form fills a copy, so the heading shows the assessment as saved.
        form = AssessmentForm(request.POST, instance=copy.copy(assessment))
        if form.is_valid():
            saved = services.save_assessment(assessment=form.instance, by=request.user)
            _assessment_saved(request, saved)
            return redirect(case.patient)
    else:
        form = AssessmentForm(instance=assessment)
    return _assessment_page(request, form, case, assessment)


# Treatment courses and the records charted under them.


def _course_of_kind(pk: int, kind: str) -> TreatmentCourse:
    """A course of one kind; any other kind answers 404 like a missing one."""
    return get_object_or_404(
        TreatmentCourse.objects.select_related("case__patient"), pk=pk, kind=kind
    )


def _warn_short_interval(request: HttpRequest, course: TreatmentCourse) -> None:
    minimum = settings.CLINIC_MIN_REINJECTION_DAYS
    days = course.planned_interval_days
    if course.is_toxin and days is not None and days < minimum:
        messages.warning(
            request,
            f"The planned interval of {days} days is under the minimum safe "
            f"interval of {minimum} days between toxin sessions: injecting more "
            "often risks loss of response.",
        )


def _course_page(request, form, case, course) -> HttpResponse:
    return render(
        request,
        "treatments/course_form.html",
        {"form": form, "case": case, "patient": case.patient, "course": course},
    )


@require_http_methods(["GET", "POST"])
@permission_required("treatments.add_treatmentcourse", raise_exception=True)
def course_create(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_object_or_404(Case.objects.select_related("patient"), pk=case_pk)
    courses = TreatmentCourse.objects.select_related("case__patient")
    if request.method == "POST":
        earlier = saved_by_token(courses, request.POST)
        if earlier is not None:
            messages.info(request, "This course was already saved.")
            return redirect(earlier.case.patient)
        form = CourseForm(request.POST, instance=TreatmentCourse(case=case))
        if form.is_valid():
            course, created = save_once(
                form,
                courses,
                save=lambda: services.save_course(
                    course=form.instance, by=request.user
                ),
            )
            if created:
                kind = course.get_kind_display()
                messages.success(request, f"{kind} course saved.")
                _warn_short_interval(request, course)
            else:
                messages.info(request, "This course was already saved.")
            return redirect(case.patient)
    else:
        form = CourseForm(
            instance=TreatmentCourse(case=case, responsible_clinician=request.user)
        )
    return _course_page(request, form, case, None)


@require_http_methods(["GET", "POST"])
@permission_required("treatments.change_treatmentcourse", raise_exception=True)
def course_update(request: HttpRequest, pk: int) -> HttpResponse:
    course = get_object_or_404(
        TreatmentCourse.objects.select_related("case__patient"), pk=pk
    )
    kind_fixed = course.has_records()
    if request.method == "POST":
        form = CourseForm(
            request.POST, instance=copy.copy(course), kind_fixed=kind_fixed
        )
        if form.is_valid():
            saved = services.save_course(course=form.instance, by=request.user)
            kind = saved.get_kind_display()
            messages.success(request, f"{kind} course saved.")
            _warn_short_interval(request, saved)
            return redirect(course.case.patient)
    else:
        form = CourseForm(instance=course, kind_fixed=kind_fixed)
    return _course_page(request, form, course.case, course)


def _therapy_page(request, form, course, session) -> HttpResponse:
    return render(
        request,
        "treatments/therapysession_form.html",
        {
            "form": form,
            "course": course,
            "patient": course.case.patient,
            "session": session,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("treatments.add_therapysession", raise_exception=True)
def therapysession_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _course_of_kind(course_pk, CourseKind.PHYSICAL_THERAPY)
    sessions = TherapySession.objects.select_related("course__case__patient")
    if request.method == "POST":
        earlier = saved_by_token(sessions, request.POST)
        if earlier is not None:
            messages.info(request, "This therapy session was already saved.")
            return redirect(earlier.course.case.patient)
        form = TherapySessionForm(
            request.POST,
            instance=TherapySession(course=course, therapist=request.user),
        )
        if form.is_valid():
            _, created = save_once(
                form,
                sessions,
                save=lambda: services.save_therapy_session(
                    session=form.instance, by=request.user
                ),
            )
            messages.success(
                request,
                "Therapy session saved."
                if created
                else "This therapy session was already saved.",
            )
            return redirect(course.case.patient)
    else:
        form = TherapySessionForm(instance=TherapySession(course=course))
    return _therapy_page(request, form, course, None)


@require_http_methods(["GET", "POST"])
@permission_required("treatments.change_therapysession", raise_exception=True)
def therapysession_update(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(
        TherapySession.objects.select_related("course__case__patient", "therapist"),
        pk=pk,
    )
    if request.method == "POST":
        form = TherapySessionForm(request.POST, instance=copy.copy(session))
        if form.is_valid():
            services.save_therapy_session(session=form.instance, by=request.user)
            messages.success(request, "Therapy session saved.")
            return redirect(session.course.case.patient)
    else:
        form = TherapySessionForm(instance=session)
    return _therapy_page(request, form, session.course, session)


def _warn_late_bells_steroid(request: HttpRequest, order: MedicationOrder) -> None:
    """DOMAIN.md 4.2: in Bell's palsy, oral steroids within 72 hours of onset."""
    delay = order.steroid_delay_after_bells_onset()
    if delay is None or delay <= BELLS_STEROID_WINDOW:
        return
    hours = int(delay.total_seconds() // 3600)
    onset = timezone.localtime(order.course.case.onset_at)
    drug = order.drug
    messages.warning(
        request,
        f"{drug} starts on {order.start_on:%d %b %Y}, at least {hours} hours after "
        f"the onset of Bell's palsy ({onset:%d %b %Y %H:%M}): the guideline gives "
        "oral steroids within 72 hours of onset, when they help most.",
    )


def _medication_page(request, form, course, order) -> HttpResponse:
    return render(
        request,
        "treatments/medication_form.html",
        {
            "form": form,
            "course": course,
            "case": course.case,
            "patient": course.case.patient,
            "order": order,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("treatments.add_medicationorder", raise_exception=True)
def medication_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _course_of_kind(course_pk, CourseKind.MEDICATION)
    orders = MedicationOrder.objects.select_related("course__case__patient")
    if request.method == "POST":
        earlier = saved_by_token(orders, request.POST)
        if earlier is not None:
            messages.info(request, "This medication order was already saved.")
            return redirect(earlier.course.case.patient)
        form = MedicationOrderForm(
            request.POST,
            instance=MedicationOrder(course=course, prescriber=request.user),
        )
        if form.is_valid():
            order, created = save_once(
                form,
                orders,
                save=lambda: services.save_medication_order(
                    order=form.instance, by=request.user
                ),
            )
            if created:
                messages.success(request, "Medication order saved.")
                _warn_late_bells_steroid(request, order)
            else:
                messages.info(request, "This medication order was already saved.")
            return redirect(course.case.patient)
    else:
        form = MedicationOrderForm(instance=MedicationOrder(course=course))
    return _medication_page(request, form, course, None)


@require_http_methods(["GET", "POST"])
@permission_required("treatments.change_medicationorder", raise_exception=True)
def medication_update(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(
        MedicationOrder.objects.select_related("course__case__patient", "prescriber"),
        pk=pk,
    )
    if request.method == "POST":
        form = MedicationOrderForm(request.POST, instance=copy.copy(order))
        if form.is_valid():
            saved = services.save_medication_order(order=form.instance, by=request.user)
            messages.success(request, "Medication order saved.")
            _warn_late_bells_steroid(request, saved)
            return redirect(order.course.case.patient)
    else:
        form = MedicationOrderForm(instance=order)
    return _medication_page(request, form, order.course, order)


def _referral_page(request, form, course, referral, follow_ups) -> HttpResponse:
    return render(
        request,
        "treatments/referral_form.html",
        {
            "form": form,
            "course": course,
            "patient": course.case.patient,
            "referral": referral,
            "follow_ups": follow_ups,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("treatments.add_referral", raise_exception=True)
def referral_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _course_of_kind(course_pk, CourseKind.SURGICAL_REFERRAL)
    referrals = Referral.objects.select_related("course__case__patient")
    if request.method == "POST":
        earlier = saved_by_token(referrals, request.POST)
        if earlier is not None:
            messages.info(request, "This referral was already saved.")
            return redirect(earlier.course.case.patient)
        form = ReferralForm(request.POST, instance=Referral(course=course))
        if form.is_valid():
            _, created = save_once(
                form,
                referrals,
                save=lambda: services.save_referral(
                    referral=form.instance, by=request.user
                ),
            )
            messages.success(
                request,
                "Referral saved." if created else "This referral was already saved.",
            )
            return redirect(course.case.patient)
    else:
        form = ReferralForm(instance=Referral(course=course))
    return _referral_page(request, form, course, None, [])


@require_http_methods(["GET", "POST"])
@permission_required("treatments.change_referral", raise_exception=True)
def referral_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Status updates, from sent to the outcome, and the surgery's complications."""
    referral = get_object_or_404(
        Referral.objects.select_related("course__case__patient"), pk=pk
    )
    if request.method == "POST":
        form = ReferralForm(request.POST, instance=copy.copy(referral))
        if form.is_valid():
            saved = services.save_referral(referral=form.instance, by=request.user)
            status = saved.get_status_display().lower()
            messages.success(request, f"Referral saved: {status}.")
            return redirect(referral.course.case.patient)
    else:
        form = ReferralForm(instance=referral)
    return _referral_page(
        request, form, referral.course, referral, list(referral.follow_ups.all())
    )


# Reviews before 12 months at which "no change" is not yet a failure (DOMAIN.md 3).
EARLY_TIMEPOINTS = [
    FollowUpTimepoint.WEEK_1,
    FollowUpTimepoint.MONTH_1,
    FollowUpTimepoint.MONTH_3,
    FollowUpTimepoint.MONTH_6,
]


@require_http_methods(["GET", "POST"])
@permission_required("treatments.add_referralfollowup", raise_exception=True)
def referral_followup_create(request: HttpRequest, referral_pk: int) -> HttpResponse:
    """An MVD follow-up at one of the standard timepoints, one per timepoint."""
    referral = get_object_or_404(
        Referral.objects.select_related("course__case__patient"), pk=referral_pk
    )
    patient = referral.course.case.patient
    follow_ups = ReferralFollowUp.objects.select_related(
        "referral__course__case__patient"
    )
    recorded = list(referral.follow_ups.all())
    if request.method == "POST":
        earlier = saved_by_token(follow_ups, request.POST)
        if earlier is not None:
            messages.info(request, "This follow-up was already saved.")
            return redirect(earlier.referral.course.case.patient)
        form = ReferralFollowUpForm(
            request.POST, instance=ReferralFollowUp(referral=referral)
        )
        if form.is_valid():
            try:
                follow_up, created = save_once(
                    form,
                    follow_ups,
                    save=lambda: services.save_referral_follow_up(
                        follow_up=form.instance, by=request.user
                    ),
                )
            except IntegrityError:
                # Another user recorded this timepoint at the same moment.
                form.add_error("timepoint", "This timepoint is already recorded.")
            else:
                if created:
                    timepoint = follow_up.get_timepoint_display()
                    messages.success(request, f"{timepoint} follow-up saved.")
                    if (
                        follow_up.spasm_status == MvdOutcome.NO_CHANGE
                        and follow_up.timepoint in EARLY_TIMEPOINTS
                    ):
                        messages.info(
                            request,
                            f"No change at {timepoint.lower()} is not a failure: "
                            "spasm often stops months after decompression (delayed "
                            "cure). Judge the result at 12 months.",
                        )
                else:
                    messages.info(request, "This follow-up was already saved.")
                return redirect(patient)
    else:
        # Offer the first timepoint not yet recorded.
        done = {follow_up.timepoint for follow_up in recorded}
        next_timepoint = next(
            (value for value in FollowUpTimepoint.values if value not in done), ""
        )
        form = ReferralFollowUpForm(
            instance=ReferralFollowUp(referral=referral, timepoint=next_timepoint)
        )
    return render(
        request,
        "treatments/referralfollowup_form.html",
        {
            "form": form,
            "referral": referral,
            "course": referral.course,
            "patient": patient,
            "recorded": recorded,
        },
    )
