"""The lot look-up: whom to contact after a lot recall. It lives in scheduling,
not treatments, because it shows each patient's next appointment, and treatments
never imports scheduling."""

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from clinic import list_exports
from clinic.admin_records import CappedCountPaginator
from clinic.query_params import allow_query_params
from scheduling import exports, lots
from treatments.forms import LotLookupForm

LOT_PAGE_SIZE = 50


class LotPaginator(CappedCountPaginator):
    """Pages of a count made with the session count (one query): every
    recipient of a lot must be reachable, so the cap is never met in practice."""

    CAP = 1_000_000


@require_GET
@permission_required(
    ["treatments.view_toxinsession", "patients.view_patient"], raise_exception=True
)
@allow_query_params("lot", "page")
def lot_lookup(request: HttpRequest) -> HttpResponse:
    """Every patient who received a lot, to contact them (e.g. after a recall),
    a page of patients at a time."""
    # Queries: the patient and session counts (one), the page of patients, their
    # sessions of the lot, their next appointments.
    form = LotLookupForm(request.GET if "lot" in request.GET else None)
    context = {"form": form}
    if form.is_valid():
        lot = form.cleaned_data["lot"]
        counts = lots.lot_counts(lot)
        paginator = LotPaginator(
            lots.patients_with_lot(lot), LOT_PAGE_SIZE, counted=counts["patients"]
        )
        page = paginator.get_page(request.GET.get("page"))
        context |= {
            "page_obj": page,
            "rows": lots.recipients(page.object_list, lot),
            "patient_count": counts["patients"],
            "session_count": counts["sessions"],
        }
    return render(request, "scheduling/lot_lookup.html", context)


@require_GET
@permission_required(
    [
        "treatments.view_toxinsession",
        "patients.view_patient",
        list_exports.PERMISSION,
    ],
    raise_exception=True,
)
@allow_query_params("lot", "format")
def lot_export(request: HttpRequest) -> HttpResponse:
    """Every patient who received the lot, as CSV or Excel."""
    file_format = list_exports.chosen_format(request)
    form = LotLookupForm(request.GET)
    if not form.is_valid():
        raise BadRequest("Name the lot to export.")
    lot = form.cleaned_data["lot"]
    patients = list(lots.patients_with_lot(lot)[: list_exports.row_limit() + 1])
    if len(patients) > list_exports.row_limit():
        return list_exports.refuse_too_many(
            request, what="patients", list_url=reverse("scheduling:lot_lookup")
        )
    table = exports.lot_table(lot, lots.recipients(patients, lot))
    return list_exports.export_response(request, table, file_format)
