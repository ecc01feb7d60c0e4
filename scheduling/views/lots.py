"""The lot look-up: whom to contact after a lot recall. It lives in scheduling,
not treatments, because it shows each patient's next appointment, and treatments
never imports scheduling."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from scheduling import lots
from treatments.forms import LotLookupForm


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
        lot = form.cleaned_data["lot"]
        for session in lots.sessions_with_lot_and_next_visits(lot):
            patient = session.course.case.patient
            upcoming = patient.upcoming_appointments
            rows.append((session, patient, upcoming[0] if upcoming else None))
    return render(
        request,
        "scheduling/lot_lookup.html",
        {
            "form": form,
            "rows": rows,
            "patient_count": len({patient.pk for _, patient, _ in rows}),
        },
    )
