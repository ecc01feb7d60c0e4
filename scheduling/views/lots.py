"""The lot look-up: whom to contact after a lot recall. It lives in scheduling,
not treatments, because it shows each patient's next appointment, and treatments
never imports scheduling."""

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from clinic import jobs_exports, list_exports
from clinic.admin_records import CappedCountPaginator
from clinic.jobs import JobFile, JobRefused
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


LOT_EXPORT_PERMISSIONS = (
    "treatments.view_toxinsession",
    "patients.view_patient",
    list_exports.PERMISSION,
)


@require_GET
@permission_required(LOT_EXPORT_PERMISSIONS, raise_exception=True)
@allow_query_params("lot", "format")
def lot_export(request: HttpRequest) -> HttpResponse:
    """Every patient who received the lot, as CSV or Excel; a long list in the
    background (clinic.jobs_exports)."""
    file_format = list_exports.chosen_format(request)
    lot = _exported_lot(request.GET, BadRequest("Name the lot to export."))
    return jobs_exports.export_or_queue(
        request,
        lots.patients_with_lot(lot),
        file_format=file_format,
        table=lambda patients: exports.lot_table(lot, lots.recipients(patients, lot)),
        runner="scheduling.views.lots.lot_export_job",
        permissions=LOT_EXPORT_PERMISSIONS,
        title=gettext("Lot {lot}").format(lot=lot),
        what=gettext("patients"),
        list_url=reverse("scheduling:lot_lookup"),
    )


def lot_export_job(*, query: str, **parameters) -> JobFile:
    """The worker's half of lot_export."""
    lot = _exported_lot(
        QueryDict(query), JobRefused(gettext("Name the lot to export."))
    )
    return jobs_exports.run_export(
        items=lambda request: lots.patients_with_lot(lot),
        table=lambda request, patients: exports.lot_table(
            lot, lots.recipients(patients, lot)
        ),
        query=query,
        **parameters,
    )


def _exported_lot(query: QueryDict, refusal: Exception) -> str:
    form = LotLookupForm(query)
    if not form.is_valid():
        raise refusal
    return form.cleaned_data["lot"]
