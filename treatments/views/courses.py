"""Treatment courses: opened under a case, each holding records of its kind."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from clinic.query_params import allow_query_params
from clinic.submissions import record_page
from patients.models import Case
from treatments import services
from treatments.course_forms import CourseForm
from treatments.models import (
    CourseKind,
    TreatmentCourse,
)


def course_of_kind(pk: int, kind: str) -> TreatmentCourse:
    """A course of one kind; any other kind answers 404 like a missing one."""
    return get_object_or_404(
        TreatmentCourse.objects.select_related("case__patient"), pk=pk, kind=kind
    )


def _warn_short_interval(request: HttpRequest, course: TreatmentCourse) -> None:
    minimum = settings.CLINIC_MIN_REINJECTION_DAYS
    days = course.planned_interval_days
    if course.is_toxin and days is not None and days < minimum:
        messages.warning(
            request,
            gettext(
                "The planned interval of %(days)s days is under the minimum safe "
                "interval of %(minimum)s days between toxin sessions: injecting "
                "more often risks loss of response."
            )
            % {"days": days, "minimum": minimum},
        )


def _course_saved(request: HttpRequest, course: TreatmentCourse) -> None:
    messages.success(
        request, gettext("%(kind)s course saved.") % {"kind": course.get_kind_display()}
    )
    _warn_short_interval(request, course)


def _course_page(request, course: TreatmentCourse) -> HttpResponse:
    """The create or edit page of a course; a course that holds records keeps
    its kind."""
    case = course.case
    return record_page(
        request,
        form_class=CourseForm,
        instance=course,
        form_kwargs={"kind_fixed": course.pk is not None and course.has_records()},
        queryset=TreatmentCourse.objects.select_related("case__patient"),
        write=lambda saved: services.save_course(course=saved, by=request.user),
        noun=gettext("course"),
        then=lambda saved: redirect(saved.case.patient),
        on_saved=lambda saved: _course_saved(request, saved),
        template="treatments/course_form.html",
        context={
            "case": case,
            "patient": case.patient,
            "course": course if course.pk else None,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("treatments.add_treatmentcourse", raise_exception=True)
@allow_query_params(kind=frozenset(CourseKind.values))
def course_create(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_object_or_404(Case.objects.select_related("patient"), pk=case_pk)
    course = TreatmentCourse(case=case, responsible_clinician=request.user)
    # A suggested course (?kind=surgical_referral, to refer from) comes chosen.
    if request.GET.get("kind"):
        course.kind = request.GET["kind"]
    return _course_page(request, course)


@require_http_methods(["GET", "POST"])
@permission_required("treatments.change_treatmentcourse", raise_exception=True)
def course_update(request: HttpRequest, pk: int) -> HttpResponse:
    course = get_object_or_404(
        TreatmentCourse.objects.select_related("case__patient"), pk=pk
    )
    return _course_page(request, course)
