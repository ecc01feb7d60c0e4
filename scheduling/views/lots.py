"""The lot look-up: whom to contact after a lot recall. It lives in scheduling,
not treatments, because it shows each patient's next appointment, and treatments
never imports scheduling."""

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from scheduling import lots
from treatments import services
from treatments.forms import LotLookupForm

LOT_PAGE_SIZE = 50


@require_GET
@permission_required(
    ["treatments.view_toxinsession", "patients.view_patient"], raise_exception=True
)
def lot_lookup(request: HttpRequest) -> HttpResponse:
    """Every patient who received a lot, to contact them (e.g. after a recall),
    a page of patients at a time."""
    # Queries: the patient count, the session count, the page of patients, their
    # sessions of the lot, their next appointments.
    form = LotLookupForm(request.GET if "lot" in request.GET else None)
    context = {"form": form}
    if form.is_valid():
        lot = form.cleaned_data["lot"]
        patients = lots.patients_with_lot(lot)
        page = Paginator(patients, LOT_PAGE_SIZE).get_page(request.GET.get("page"))
        context |= {
            "page_obj": page,
            "rows": lots.recipients(page.object_list, lot),
            "patient_count": page.paginator.count,
            "session_count": services.sessions_with_lot(lot).count(),
        }
    return render(request, "scheduling/lot_lookup.html", context)
