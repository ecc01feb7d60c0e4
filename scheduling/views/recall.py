"""The toxin recall list and the contact attempts recorded on it.

Scheduling staff use these pages: they show demographics, contact details,
product and dates, never clinical findings (scores, doses, notes).
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from clinic import jobs_exports, list_exports
from clinic.access import record_access
from clinic.admin_records import CappedCountPaginator
from clinic.jobs import JobFile
from clinic.query_params import allow_query_params
from scheduling import exports, recall
from scheduling.forms import RecallContactForm, RecallFilterForm
from scheduling.models import ContactMethod, RecallContact
from treatments.models import CourseKind, TreatmentCourse

RECALL_PAGE_SIZE = 50


class RecallPaginator(CappedCountPaginator):
    CAP = recall.COUNT_CAP


def _next_url(request: HttpRequest) -> str:
    """Where to go after recording an attempt: back to the list the user came
    from (with its filters), if that is a page of this site."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("scheduling:recall_list")


def _due(request: HttpRequest, today):
    """The filter form, its horizon in weeks and the courses it lists."""
    data = request.GET.copy()
    data.setdefault("weeks", str(recall.DEFAULT_HORIZON_WEEKS))
    form = RecallFilterForm(data)
    form.is_valid()  # An invalid filter is shown with its error and not applied.
    weeks = form.cleaned_data.get("weeks")
    if weeks is None:
        weeks = recall.DEFAULT_HORIZON_WEEKS
    courses = recall.due_courses(
        today=today,
        horizon_days=weeks * 7,
        clinician=form.cleaned_data.get("clinician"),
        product=form.cleaned_data.get("product") or "",
    )
    return form, weeks, courses


@require_GET
@permission_required("treatments.view_recall", raise_exception=True)
@allow_query_params("weeks", "clinician", "product", "page")
def recall_list(request: HttpRequest) -> HttpResponse:
    # Queries: session, user, permissions; the clinician choices (plus one to
    # check a chosen clinician); the counts (capped) and the page of courses;
    # the page's latest contact attempts and guardians. None of them grows with
    # the rows.
    today = timezone.localdate()
    form, weeks, courses = _due(request, today)
    counts = recall.due_counts(courses, today=today)
    paginator = RecallPaginator(courses, RECALL_PAGE_SIZE, counted=counts.counted)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "scheduling/recall_list.html",
        {
            "form": form,
            "weeks": weeks,
            "today": today,
            "page_obj": page,
            "items": recall.recall_items(page.object_list, today=today),
            "counts": counts,
            "contact_methods": ContactMethod.choices,
        },
    )


RECALL_EXPORT_PERMISSIONS = ("treatments.view_recall", list_exports.PERMISSION)


@require_GET
@permission_required(RECALL_EXPORT_PERMISSIONS, raise_exception=True)
@allow_query_params("weeks", "clinician", "product", "format")
def recall_export(request: HttpRequest) -> HttpResponse:
    """The courses the list shows for the same filters (the soonest
    recall.COUNT_CAP, as the list pages through), as CSV or Excel; a long list
    in the background (clinic.jobs_exports)."""
    today = timezone.localdate()
    return jobs_exports.export_or_queue(
        request,
        _due(request, today)[2][: recall.COUNT_CAP],
        file_format=list_exports.chosen_format(request),
        table=lambda courses: _recall_table(courses, today),
        runner="scheduling.views.recall.recall_export_job",
        permissions=RECALL_EXPORT_PERMISSIONS,
        title=gettext("Recall list"),
        what=gettext("patients"),
        list_url=reverse("scheduling:recall_list"),
    )


def recall_export_job(**parameters) -> JobFile:
    """The worker's half of recall_export."""
    today = timezone.localdate()
    return jobs_exports.run_export(
        items=lambda request: _due(request, today)[2][: recall.COUNT_CAP],
        table=lambda request, courses: _recall_table(courses, today),
        **parameters,
    )


def _recall_table(courses, today) -> list_exports.ExportTable:
    return exports.recall_table(recall.recall_items(courses, today=today))


@require_http_methods(["GET", "POST"])
@permission_required("scheduling.add_recallcontact", raise_exception=True)
def recall_contact_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    """Record an attempt to reach the patient of a toxin course: from the form on
    the recall list's row, or from this page."""
    today = timezone.localdate()
    course = get_object_or_404(
        TreatmentCourse.objects.filter(kind=CourseKind.BOTULINUM_TOXIN).select_related(
            "case__patient"
        ),
        pk=course_pk,
    )
    item = next(iter(recall.recall_items([course], today=today)), None)
    contact = RecallContact(course=course, contacted_by=request.user)
    if request.method == "POST":
        form = RecallContactForm(request.POST, instance=contact)
        if form.is_valid():
            contact.contacted_at = timezone.now()
            form.save()
            messages.success(
                request,
                gettext("%(method)s: recorded for %(name)s.")
                % {
                    "method": contact.get_method_display(),
                    "name": course.case.patient.full_name,
                },
            )
            return redirect(_next_url(request))
    else:
        form = RecallContactForm(instance=contact)
        record_access(request, course.case.patient, contact)
    attempts = course.recall_contacts.select_related("contacted_by")
    if item is not None:
        attempts = attempts.filter(contacted_at__gte=item.last_session_at)
    return render(
        request,
        "scheduling/recallcontact_form.html",
        {
            "form": form,
            "course": course,
            "patient": course.case.patient,
            "item": item,
            "attempts": attempts,
            "next": request.POST.get("next", ""),
        },
    )
