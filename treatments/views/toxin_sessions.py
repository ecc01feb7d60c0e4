"""A charted toxin session: its page, the acknowledgement of its safety flags,
and its follow-up."""

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinic.access import record_access
from treatments import billing, charting, dosing, face_map, labels, services
from treatments.dosing import format_units, product_name
from treatments.forms import AdverseEffectFormSet, ToxinFollowUpForm
from treatments.models import (
    URGENT_ADVERSE_EFFECTS,
    SafetyFlag,
    ToxinSession,
)
from treatments.views.toxin_charting import concentration_text, side_totals, volume_text

EFFECTS_PREFIX = "effects"


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
                concentration_text(per_ml[vial.pk]),
                format_units(vial.units_discarded),
            )
            for vial in vials
        ],
        "rows": [
            (
                injection,
                format_units(injection.units),
                # A historical site imported without its vial has no volume.
                volume_text(injection.units, per_ml[injection.vial_id])
                if injection.vial_id
                else "–",
                numbers.get(injection.vial_id, "–"),
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
    record_access(request, patient, session)
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
            "totals_by_side": side_totals(
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
        messages.success(request, gettext("Safety flag acknowledged."))
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
            messages.success(request, gettext("Follow-up saved."))
            if any(
                effect_form.cleaned_data.get("kind") in URGENT_ADVERSE_EFFECTS
                for effect_form in effects.forms
                if effect_form.has_changed()
            ):
                messages.warning(
                    request,
                    gettext(
                        "Possible distant spread of toxin (swallowing, speech or "
                        "breathing problems): escalate urgently to a neurologist."
                    ),
                )
            return redirect(saved)
    else:
        form = ToxinFollowUpForm(instance=session)
        effects = AdverseEffectFormSet(instance=session, prefix=EFFECTS_PREFIX)
        record_access(request, session.course.case.patient, session)
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
