import uuid
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from treatments import dosing, face_map, services
from treatments.forms import (
    AdverseEffectFormSet,
    InjectionFormSet,
    LotLookupForm,
    SafetyOverrideForm,
    ToxinFollowUpForm,
    ToxinSessionForm,
)
from treatments.models import (
    URGENT_ADVERSE_EFFECTS,
    CourseKind,
    Muscle,
    Side,
    ToxinSession,
    TreatmentCourse,
)
from treatments.safety import format_units, product_name

INJECTIONS_PREFIX = "injections"
EFFECTS_PREFIX = "effects"
OVERRIDE_PERMISSION = "treatments.override_safety_warnings"


def _toxin_course(pk: int) -> TreatmentCourse:
    """A botulinum-toxin course; any other kind answers 404 like a missing one."""
    return get_object_or_404(
        TreatmentCourse.objects.select_related("case__patient"),
        pk=pk,
        kind=CourseKind.BOTULINUM_TOXIN,
    )


def _session_for_token(value) -> ToxinSession | None:
    try:
        token = uuid.UUID(str(value))
    except ValueError:
        return None
    return ToxinSession.objects.filter(form_token=token).first()


def _decimal_or_none(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (ArithmeticError, ValueError, TypeError):
        return None


def _volume_text(units, vial, diluent) -> str:
    """The volume to draw for a site, in mL, without trailing zeros."""
    return f"{dosing.volume_ml(units, vial, diluent).normalize():f}"


def _side_totals(totals: dict[str, Decimal]) -> list[tuple[str, str]]:
    return [(side.label, format_units(totals[side])) for side in Side if side in totals]


def _charting_context(form, injections, previous: ToxinSession | None) -> dict:
    """What the charting page shows from the values entered so far: concentration,
    volume per site, totals, the face diagram and the changes from last time."""
    vial = form["vial_size_units"].value()
    diluent = form["diluent_volume_ml"].value()
    try:
        per_0_1_ml = dosing.units_per_0_1_ml(vial, diluent)
        per_ml = dosing.units_per_ml(vial, diluent)
    except (TypeError, ValueError):
        per_0_1_ml = per_ml = None
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
        volume = ""
        if site is not None and per_ml is not None:
            volume = _volume_text(site[2], vial, diluent)
        before = changes.previous_units.get(site[:2]) if site else None
        rows.append(
            {
                "number": index + 1,
                "form": row_form,
                "volume_ml": volume,
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
        "concentration": (
            {
                "per_0_1_ml": format_units(per_0_1_ml),
                "per_ml": format_units(per_ml),
            }
            if per_0_1_ml is not None
            else None
        ),
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


def _chart_session(
    request: HttpRequest, course: TreatmentCourse, session: ToxinSession
) -> HttpResponse:
    """The create and edit pages: the session and its sites are checked against
    the safety rules, then saved together or not at all."""
    creating = session.pk is None
    patient = course.case.patient
    previous = services.previous_toxin_session(
        patient,
        before=None if creating else session.performed_at,
        exclude_pk=session.pk,
    )
    override_form = None
    if request.method == "POST":
        previewing = "preview" in request.POST
        form = ToxinSessionForm(request.POST, instance=session)
        injections = InjectionFormSet(
            request.POST, instance=session, prefix=INJECTIONS_PREFIX
        )
        if form.is_valid() and injections.is_valid():
            warnings = services.toxin_safety_warnings(
                course=course,
                product=session.product,
                performed_at=session.performed_at,
                reconstituted_at=session.reconstituted_at,
                expiry_date=session.expiry_date,
                units=[site[2] for site in injections.sites() if site],
                exclude_pk=session.pk,
            )
            # Warnings overridden before (on an earlier save) need no new override;
            # one whose numbers changed is a new warning.
            new = [w for w in warnings if w.message not in session.overridden_warnings]
            confirmed = not new
            if new:
                may_override = request.user.has_perm(OVERRIDE_PERMISSION)
                if SafetyOverrideForm.DIGEST_FIELD in request.POST and not previewing:
                    override_form = SafetyOverrideForm(
                        request.POST, warnings=new, may_override=may_override
                    )
                    confirmed = override_form.is_valid()
                else:
                    override_form = SafetyOverrideForm(
                        initial={
                            "override_reason": request.POST.get("override_reason", "")
                        },
                        warnings=new,
                        may_override=may_override,
                    )
            if confirmed and not previewing:
                if new:
                    session.record_override(
                        warnings=[warning.message for warning in warnings],
                        reason=override_form.cleaned_data["override_reason"],
                        by=request.user,
                        at=timezone.now(),
                    )
                if creating:
                    session.form_token = form.cleaned_data.get("form_token")
                try:
                    with transaction.atomic():
                        saved = form.save()
                        injections.instance = saved
                        injections.save()
                except IntegrityError:
                    # Two submits of one form at the same moment: the first won.
                    existing = creating and _session_for_token(session.form_token)
                    if not existing:
                        raise
                    messages.info(request, "This session was already saved.")
                    return redirect(existing)
                messages.success(request, "Toxin session saved.")
                return redirect(saved)
    else:
        initial = {}
        injection_rows = []
        if creating:
            initial["form_token"] = uuid.uuid4()
            if request.GET.get("repeat"):
                if previous is None:
                    messages.info(request, "There is no earlier session to repeat.")
                else:
                    initial.update(
                        product=previous.product,
                        vial_size_units=previous.vial_size_units,
                        diluent=previous.diluent,
                        diluent_volume_ml=previous.diluent_volume_ml,
                    )
                    injection_rows = [
                        {
                            "muscle": injection.muscle,
                            "side": injection.side,
                            "units": injection.units,
                            "points": injection.points,
                            "route": injection.route,
                        }
                        for injection in previous.injections.all()
                    ]
        form = ToxinSessionForm(instance=session, initial=initial)
        injections = InjectionFormSet(
            instance=session, prefix=INJECTIONS_PREFIX, initial=injection_rows
        )
    return render(
        request,
        "treatments/toxinsession_form.html",
        {
            "form": form,
            "injections": injections,
            "override_form": override_form,
            "course": course,
            "patient": patient,
            "session": None if creating else session,
            **_charting_context(form, injections, previous),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("treatments.add_toxinsession", raise_exception=True)
def toxinsession_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _toxin_course(course_pk)
    if request.method == "POST":
        # A second submit of the same form finds the session the first one saved.
        existing = _session_for_token(request.POST.get("form_token"))
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


@require_GET
@permission_required("treatments.view_toxinsession", raise_exception=True)
def toxinsession_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Queries: the session with its course, case, patient and people; its
    # injections; its adverse effects; the days since the patient's last session.
    session = get_object_or_404(
        ToxinSession.objects.select_related(
            "course__case__patient", "injector", "assistant", "overridden_by"
        ).prefetch_related("injections", "adverse_effects"),
        pk=pk,
    )
    patient = session.course.case.patient
    injections = list(session.injections.all())
    sites = [(i.muscle, i.side, i.units) for i in injections]
    rows = [
        (
            injection,
            format_units(injection.units),
            _volume_text(
                injection.units, session.vial_size_units, session.diluent_volume_ml
            ),
        )
        for injection in injections
    ]
    total = sum((units for _, _, units in sites), Decimal("0"))
    return render(
        request,
        "treatments/toxinsession_detail.html",
        {
            "session": session,
            "patient": patient,
            "course": session.course,
            "rows": rows,
            "concentration": {
                "per_0_1_ml": format_units(session.units_per_0_1_ml),
                "per_ml": format_units(
                    dosing.units_per_ml(
                        session.vial_size_units, session.diluent_volume_ml
                    )
                ),
            },
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
            "days_since_previous": services.days_since_last_toxin(
                patient, session.performed_on
            ),
            "units_discarded": format_units(session.units_discarded),
        },
    )


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
            with transaction.atomic():
                saved = form.save()
                effects.instance = saved
                effects.save()
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


@require_GET
@permission_required(
    ["treatments.view_toxinsession", "patients.view_patient"], raise_exception=True
)
def lot_lookup(request: HttpRequest) -> HttpResponse:
    """Every patient who received a lot, to contact them (e.g. after a recall)."""
    # Queries: the sessions with patients; their next appointments.
    form = LotLookupForm(request.GET if "lot" in request.GET else None)
    rows = []
    if form.is_valid():
        for session in services.sessions_with_lot(form.cleaned_data["lot"]):
            patient = session.course.case.patient
            upcoming = patient.upcoming_appointments
            rows.append((session, patient, upcoming[0] if upcoming else None))
    return render(
        request,
        "treatments/lot_lookup.html",
        {
            "form": form,
            "rows": rows,
            "patient_count": len({patient.pk for _, patient, _ in rows}),
        },
    )
