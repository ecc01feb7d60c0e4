"""The waitlist: patients who want an earlier or a particular slot, added from
their chart and offered a freed slot from the appointment's page."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from clinic.access import record_access
from clinic.query_params import allow_query_params
from scheduling.forms import WaitlistEntryForm
from scheduling.models import WaitlistEntry
from scheduling.views.appointments import book_url, patient_to_book

WAITLIST_PER_PAGE = 50


@require_http_methods(["GET", "POST"])
@permission_required("scheduling.add_waitlistentry", raise_exception=True)
@allow_query_params("patient", "q", "archived", "course")
def waitlist_create(request: HttpRequest) -> HttpResponse:
    patient, answer = patient_to_book(
        request, "scheduling:waitlist_create", gettext("Add a patient to the waitlist")
    )
    if answer is not None:
        return answer
    if request.method == "POST":
        form = WaitlistEntryForm(request.POST, instance=WaitlistEntry(patient=patient))
        if form.is_valid():
            data = form.cleaned_data
            # A second submit of the same form finds the entry the first one made.
            already = WaitlistEntry.objects.filter(
                patient=patient,
                is_active=True,
                kind=data["kind"],
                course=data["course"],
                clinician=data["clinician"],
                wanted_from=data["wanted_from"],
                wanted_until=data["wanted_until"],
            ).exists()
            if already:
                messages.info(
                    request, gettext("The patient is already on the waitlist.")
                )
            else:
                with transaction.atomic():
                    form.save()
                messages.success(request, gettext("Added to the waitlist."))
            return redirect("scheduling:waitlist_list")
    else:
        initial = {}
        if request.GET.get("course", "").isdigit():
            initial["course"] = request.GET["course"]
        form = WaitlistEntryForm(
            instance=WaitlistEntry(patient=patient), initial=initial
        )
        record_access(request, patient, form.instance)
    return render(
        request,
        "scheduling/waitlistentry_form.html",
        {"form": form, "patient": patient},
    )


@require_GET
@permission_required("scheduling.view_waitlistentry", raise_exception=True)
@allow_query_params("page")
def waitlist_list(request: HttpRequest) -> HttpResponse:
    # Queries: the count of active entries; one page of them with their patients,
    # preferred clinicians and courses.
    entries = (
        WaitlistEntry.objects.waiting()
        .select_related("patient", "clinician", "course")
        .order_by("created_at", "pk")
    )
    page = Paginator(entries, WAITLIST_PER_PAGE).get_page(request.GET.get("page"))
    may_book = request.user.has_perm("scheduling.add_appointment")
    today = timezone.localdate()
    rows = [
        (
            entry,
            book_url(
                patient=entry.patient_id,
                course=entry.course_id,
                kind=entry.kind,
                clinician=entry.clinician_id,
                date=max(entry.wanted_from, today).isoformat(),
                waitlist=entry.pk,
            )
            if may_book
            else "",
        )
        for entry in page
    ]
    return render(
        request,
        "scheduling/waitlistentry_list.html",
        {"page_obj": page, "rows": rows},
    )
