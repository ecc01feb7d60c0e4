"""Physical-therapy sessions of a therapy course."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from clinic.submissions import record_page
from treatments import services
from treatments.models import (
    CourseKind,
    TherapySession,
)
from treatments.therapy_forms import TherapySessionForm
from treatments.views.courses import course_of_kind


def _therapy_session_page(request, session: TherapySession) -> HttpResponse:
    """The create or edit page of a therapy session."""
    course = session.course
    return record_page(
        request,
        form_class=TherapySessionForm,
        instance=session,
        queryset=TherapySession.objects.select_related("course__case__patient"),
        write=lambda saved: services.save_therapy_session(
            session=saved, by=request.user
        ),
        noun=gettext("therapy session"),
        then=lambda saved: redirect(saved.course.case.patient),
        template="treatments/therapysession_form.html",
        context={
            "course": course,
            "patient": course.case.patient,
            "session": session if session.pk else None,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("treatments.add_therapysession", raise_exception=True)
def therapysession_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = course_of_kind(course_pk, CourseKind.PHYSICAL_THERAPY)
    return _therapy_session_page(
        request, TherapySession(course=course, therapist=request.user)
    )


@require_http_methods(["GET", "POST"])
@permission_required("treatments.change_therapysession", raise_exception=True)
def therapysession_update(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(
        TherapySession.objects.select_related("course__case__patient", "therapist"),
        pk=pk,
    )
    return _therapy_session_page(request, session)
