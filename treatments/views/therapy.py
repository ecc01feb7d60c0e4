"""Physical-therapy sessions of a therapy course."""

import copy

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from clinic.submissions import create_from_post, update_from_post
from treatments import services
from treatments.models import (
    CourseKind,
    TherapySession,
)
from treatments.therapy_forms import TherapySessionForm
from treatments.views.courses import course_of_kind


def _therapy_page(request, form, course, session) -> HttpResponse:
    return render(
        request,
        "treatments/therapysession_form.html",
        {
            "form": form,
            "course": course,
            "patient": course.case.patient,
            "session": session,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("treatments.add_therapysession", raise_exception=True)
def therapysession_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = course_of_kind(course_pk, CourseKind.PHYSICAL_THERAPY)
    if request.method == "POST":
        form = TherapySessionForm(
            request.POST,
            instance=TherapySession(course=course, therapist=request.user),
        )
        answer = create_from_post(
            request,
            form=form,
            queryset=TherapySession.objects.select_related("course__case__patient"),
            write=lambda session: services.save_therapy_session(
                session=session, by=request.user
            ),
            noun="therapy session",
            then=lambda session: redirect(session.course.case.patient),
        )
        if answer is not None:
            return answer
    else:
        form = TherapySessionForm(instance=TherapySession(course=course))
    return _therapy_page(request, form, course, None)


@require_http_methods(["GET", "POST"])
@permission_required("treatments.change_therapysession", raise_exception=True)
def therapysession_update(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(
        TherapySession.objects.select_related("course__case__patient", "therapist"),
        pk=pk,
    )
    if request.method == "POST":
        form = TherapySessionForm(request.POST, instance=copy.copy(session))
        answer = update_from_post(
            request,
            form=form,
            write=lambda saved: services.save_therapy_session(
                session=saved, by=request.user
            ),
            noun="therapy session",
            then=lambda saved: redirect(saved.course.case.patient),
        )
        if answer is not None:
            return answer
    else:
        form = TherapySessionForm(instance=session)
    return _therapy_page(request, form, session.course, session)
