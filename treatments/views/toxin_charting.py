"""Charting a toxin session: the session, its vials and its sites on one page,
checked against the safety rules and saved through chart_toxin_session.

As the injector types, the page's script posts the form with preview=live and
swaps in the parts this view works out from it (treatments/_charting_live.html):
the arithmetic and the rules stay here, in one place."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from clinic.access import record_access
from clinic.query_params import allow_query_params
from clinic.submissions import saved_by_token
from treatments import charting, dosing, face_map, services
from treatments.dosing import format_units, product_name
from treatments.models import (
    CourseKind,
    Muscle,
    Side,
    ToxinSession,
    TreatmentCourse,
)
from treatments.session_forms import (
    InjectionFormSet,
    SafetyOverrideForm,
    ToxinSessionForm,
    VialFormSet,
)

INJECTIONS_PREFIX = "injections"
VIALS_PREFIX = "vials"
EFFECTS_PREFIX = "effects"
# The value of "preview" with which the page's script asks for the live parts.
LIVE_PREVIEW = "live"


# How a site row differing from the last session stands out.
CHANGE_ROW_CLASSES = {"changed": "table-warning", "added": "table-info"}


def _toxin_course(pk: int) -> TreatmentCourse:
    """A botulinum-toxin course; any other kind answers 404 like a missing one."""
    return get_object_or_404(
        TreatmentCourse.objects.select_related("case__patient"),
        pk=pk,
        kind=CourseKind.BOTULINUM_TOXIN,
    )


def _typed(form, name: str):
    """A field's value as typed so far, as its field reads it; None while that
    is not a valid value (the form, validated or not, says why when saving)."""
    try:
        return form.fields[name].clean(form[name].value())
    except ValidationError:
        return None


def _concentration(product, size, diluent) -> Decimal | None:
    """U/mL of a vial as entered so far, or None while it cannot be worked out."""
    try:
        return dosing.vial_units_per_ml(product, size, diluent)
    except (TypeError, ValueError, ArithmeticError):
        return None


def concentration_text(per_ml: Decimal | None) -> str:
    if per_ml is None:
        return ""
    return gettext("%(per_tenth)s U per 0.1 mL (%(per_ml)s U/mL)") % {
        "per_tenth": format_units(per_ml / 10),
        "per_ml": format_units(per_ml),
    }


def volume_text(units, per_ml: Decimal) -> str:
    """The volume to draw for a site, in mL, without trailing zeros."""
    volume = (Decimal(units) / per_ml).quantize(dosing.VOLUME_STEP_ML)
    return f"{volume.normalize():f}"


def side_totals(totals: dict[str, Decimal]) -> list[tuple[str, str]]:
    return [(side.label, format_units(totals[side])) for side in Side if side in totals]


def _vial_rows(form, vials) -> tuple[list[dict], dict[int, Decimal | None]]:
    """Each vial row with its concentration, and the concentration by vial
    number, from the values entered so far."""
    product = form["product"].value()
    rows, per_ml = [], {}
    for number, vial_form in enumerate(vials.forms, start=1):
        per_ml[number] = _concentration(
            product,
            _typed(vial_form, "size_units"),
            _typed(vial_form, "diluent_volume_ml"),
        )
        rows.append(
            {
                "number": number,
                "form": vial_form,
                "concentration": concentration_text(per_ml[number]),
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
        change = changes.rows[index] if show_changes else ""
        rows.append(
            {
                "number": index + 1,
                "form": row_form,
                "volume_ml": volume_text(site[2], concentration)
                if site is not None and concentration
                else "",
                "change": change,
                "row_class": CHANGE_ROW_CLASSES.get(change, ""),
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
        "totals_by_side": side_totals(
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


def _override_form(request, warnings, may_override: bool) -> SafetyOverrideForm:
    """The warnings the write path would not go past, with the override box; once
    the page has shown them, what is missing from the posted box is its error."""
    if SafetyOverrideForm.DIGEST_FIELD not in request.POST or "preview" in request.POST:
        return SafetyOverrideForm(
            initial={"override_reason": request.POST.get("override_reason", "")},
            warnings=warnings,
            may_override=may_override,
        )
    form = SafetyOverrideForm(
        request.POST, warnings=warnings, may_override=may_override
    )
    form.is_valid()
    return form


def _posted_override(request) -> dict:
    """The override as posted, in the write path's terms: a reason only when the
    override box is ticked, and nothing when both choices are (the box says why)."""
    override = request.POST.get("override") == "on"
    given_already = request.POST.get("given_already") == "on"
    if override and given_already:
        return {}
    return {
        "override_reason": request.POST.get("override_reason", "") if override else "",
        "shown_warnings_digest": request.POST.get(SafetyOverrideForm.DIGEST_FIELD),
        "given_already": given_already,
    }


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
    charted_vials, sites = _charted_records(vials, injections)
    if creating:
        session.form_token = form.cleaned_data.get("form_token")
    if "preview" in request.POST:
        warnings = charting.pending_warnings(
            session=session, vials=charted_vials, sites=sites
        )
        if not warnings:
            return None, None
        may_override = charting.may_override(request.user, warnings)
        return None, _override_form(request, warnings, may_override)
    overriding = _posted_override(request)
    try:
        saved = charting.chart_toxin_session(
            session=session,
            vials=charted_vials,
            sites=sites,
            by=request.user,
            **overriding,
        )
    except charting.OverrideRequired as error:
        return None, _override_form(request, error.warnings, error.may_override)
    except IntegrityError:
        # Two submits of one form at the same moment: the first won.
        existing = (
            creating
            and ToxinSession.objects.filter(form_token=session.form_token).first()
        )
        if not existing:
            raise
        messages.info(request, gettext("This session was already saved."))
        return redirect(existing), None
    if overriding.get("given_already") and saved.safety_flags.unacknowledged():
        messages.warning(
            request,
            gettext(
                "Toxin session saved as already given: its warnings are flagged for a "
                "neurologist to acknowledge."
            ),
        )
    else:
        messages.success(request, gettext("Toxin session saved."))
    return redirect(saved), None


def _bound_forms(request, session: ToxinSession) -> tuple:
    form = ToxinSessionForm(request.POST, instance=session)
    vials = VialFormSet(request.POST, instance=session, prefix=VIALS_PREFIX)
    injections = InjectionFormSet(
        request.POST, instance=session, prefix=INJECTIONS_PREFIX, vials=vials
    )
    return form, vials, injections


def _opening_forms(request, session: ToxinSession, previous) -> tuple:
    """The forms as the page opens: a new session (repeating the last one when
    asked) or the saved one."""
    initial, vial_rows, injection_rows = {}, [], []
    if session.pk is None:
        initial["form_token"] = uuid.uuid4()
        if request.GET.get("repeat"):
            if previous is None:
                messages.info(
                    request, gettext("There is no earlier session to repeat.")
                )
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
    return form, vials, injections


def _is_live_preview(request) -> bool:
    return request.method == "POST" and request.POST.get("preview") == LIVE_PREVIEW


def _live_override_form(request, warnings, may_override: bool) -> SafetyOverrideForm:
    """The override box as it now stands: the reason typed stays, the ticks only
    while the warnings are the very ones they were given for."""
    initial = {"override_reason": request.POST.get("override_reason", "")}
    shown = request.POST.get(SafetyOverrideForm.DIGEST_FIELD)
    if shown == charting.warnings_digest(warnings):
        initial["override"] = request.POST.get("override") == "on"
        initial["given_already"] = request.POST.get("given_already") == "on"
    return SafetyOverrideForm(
        initial=initial, warnings=warnings, may_override=may_override
    )


def _live_preview(request, session, form, vials, injections, previous):
    """The parts of the page worked out from the values typed so far, for the
    page's script to swap in. Nothing is saved. The warnings are those a save
    would raise, so they wait until the whole page is valid; until then the
    page keeps the ones it shows."""
    if not (vials.management_form.is_valid() and injections.management_form.is_valid()):
        return HttpResponseBadRequest("The form's rows are missing or malformed.")
    # Each part on its own, so that a site typed in full counts while another
    # part of the page is still unfinished; the sites are checked against the
    # vials, which are checked first.
    parts_valid = [form.is_valid(), vials.is_valid(), injections.is_valid()]
    if any(
        error.code == "too_many_forms"
        for formset in (vials, injections)
        for error in formset.non_form_errors().as_data()
    ):
        return HttpResponseBadRequest("Too many rows.")
    live = {
        "problems": [*vials.non_form_errors(), *injections.non_form_errors()],
        "warning_count": None,
    }
    override_form = None
    if all(parts_valid):
        charted_vials, sites = _charted_records(vials, injections)
        warnings = charting.pending_warnings(
            session=session, vials=charted_vials, sites=sites
        )
        live["warning_count"] = len(warnings)
        if warnings:
            may_override = charting.may_override(request.user, warnings)
            override_form = _live_override_form(request, warnings, may_override)
    return render(
        request,
        "treatments/_charting_live.html",
        {
            "live": live,
            "override_form": override_form,
            **_charting_context(form, vials, injections, previous),
        },
    )


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
        form, vials, injections = _bound_forms(request, session)
        if _is_live_preview(request):
            return _live_preview(request, session, form, vials, injections, previous)
        # In this order: the sites are checked against the vials' values.
        if form.is_valid() and vials.is_valid() and injections.is_valid():
            response, override_form = _save_charted(
                request, form, vials, injections, session, creating
            )
            if response is not None:
                return response
    else:
        form, vials, injections = _opening_forms(request, session, previous)
        record_access(request, patient, session)
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
            "blank_row": {"form": injections.empty_form, "number": ""},
            "face_spots": face_map.spots(),
            **_charting_context(form, vials, injections, previous),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("treatments.add_toxinsession", raise_exception=True)
@allow_query_params(repeat=frozenset({"1"}))
def toxinsession_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _toxin_course(course_pk)
    if request.method == "POST" and not _is_live_preview(request):
        # A second submit of the same form finds the session the first one saved.
        existing = saved_by_token(ToxinSession.objects.all(), request.POST)
        if existing is not None:
            if existing.course_id != course.pk:
                messages.error(
                    request, gettext("That form was already used; start again.")
                )
                return redirect("treatments:toxinsession_create", course_pk=course.pk)
            messages.info(request, gettext("This session was already saved."))
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
    if session.is_historical and not session.vials.exists():
        # The charting page charts vials; this record has none to correct.
        messages.error(
            request,
            gettext(
                "A historical session imported without vial data is not charted "
                "again here: mark it entered in error and import it corrected."
            ),
        )
        return redirect(session)
    return _chart_session(request, session.course, session)
