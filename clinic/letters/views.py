"""Letters: preview one in the browser, produce its PDF (kept on the chart), and
download a kept copy. Each kind needs the permissions to read what it tells."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from clinic.access import record_access
from clinic.letters import content
from clinic.letters.service import (
    LETTER_PERMISSIONS,
    letter_context,
    produce_letter,
    render_letter,
)
from clinic.models import AccessAction, Letter, LetterKind
from clinic.query_params import allow_query_params
from scheduling.models import Appointment, AppointmentStatus
from treatments.models import Referral, Specialty, ToxinSession


@dataclass(frozen=True)
class LetterSource:
    """Where a kind of letter comes from: its record, what it says, and why a
    record may not have one (who may read it: LETTER_PERMISSIONS)."""

    records: Callable
    gather: Callable
    refusal: Callable


def _session_refusal(session) -> str:
    if session.entered_in_error:
        return gettext("A session entered in error has no letter.")
    return ""


def _referral_refusal(referral) -> str:
    if referral.entered_in_error:
        return gettext("A referral entered in error has no letter.")
    if referral.specialty != Specialty.NEUROSURGERY:
        return gettext("The MVD referral letter is for a referral to neurosurgery.")
    return ""


def _appointment_refusal(booked) -> str:
    if booked.status == AppointmentStatus.CANCELLED:
        return gettext("A cancelled appointment has no letter.")
    return ""


SOURCES = {
    LetterKind.POST_SESSION: LetterSource(
        lambda: ToxinSession.objects.select_related(
            "course__case__patient", "course__responsible_clinician"
        ),
        content.post_session,
        _session_refusal,
    ),
    LetterKind.MVD_REFERRAL: LetterSource(
        lambda: Referral.objects.select_related(
            "course__case__patient", "course__responsible_clinician"
        ),
        content.mvd_referral,
        _referral_refusal,
    ),
    LetterKind.APPOINTMENT: LetterSource(
        lambda: Appointment.objects.select_related("patient", "clinician"),
        content.appointment,
        _appointment_refusal,
    ),
}


def _source(request: HttpRequest, kind: str) -> LetterSource:
    source = SOURCES.get(kind)
    if source is None:
        raise Http404(gettext("No such kind of letter."))
    if not request.user.has_perms(LETTER_PERMISSIONS[kind]):
        raise PermissionDenied
    return source


def _chart(patient) -> str:
    return f"{reverse('patient_chart', args=[patient.pk])}#letters"


@require_http_methods(["GET", "POST"])
@permission_required("clinic.add_letter", raise_exception=True)
@allow_query_params()
def letter_preview(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The letter as it will print; sending the form produces its PDF."""
    source = _source(request, kind)
    record = get_object_or_404(source.records(), pk=pk)
    facts = source.gather(record)
    refusal = source.refusal(record)
    if refusal:
        messages.error(request, refusal)
        return redirect(_chart(facts.patient))
    if request.method == "POST":
        letter = produce_letter(facts, by=request.user)
        messages.success(
            request,
            gettext("%(letter)s produced and kept on the chart.") % {"letter": letter},
        )
        return redirect(_chart(facts.patient))
    record_access(request, facts.patient, record)
    # The page around the letter is in the user's language, the letter in its own.
    return render(
        request,
        "letters/preview.html",
        letter_context(facts) | {"kind": kind, "letter": render_letter(facts)},
    )


@require_GET
@permission_required("clinic.view_letter", raise_exception=True)
@allow_query_params()
def letter_pdf(request: HttpRequest, pk: int) -> FileResponse:
    """A kept letter's PDF, to the roles that may read what it tells."""
    letter = get_object_or_404(Letter, pk=pk)
    _source(request, letter.kind)
    record_access(request, letter.patient_id, letter, action=AccessAction.DOWNLOAD)
    try:
        pdf = letter.pdf.open("rb")
    except FileNotFoundError:
        raise Http404(gettext("The letter's file is missing from the store.")) from None
    response = FileResponse(
        pdf,
        as_attachment=True,
        content_type="application/pdf",
        filename=f"letter-{letter.pk}-{letter.kind.replace('_', '-')}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
