"""Physical-therapy sessions of a therapy course."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from patients.submissions import save_once, saved_by_token
from treatments import services
from treatments.forms import (
    TherapySessionForm,
)
from treatments.models import (
    CourseKind,
    TherapySession,
)
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
    sessions = TherapySession.objects.select_related("course__case__patient")
    if request.method == "POST":
        earlier = saved_by_token(sessions, request.POST)
        if earlier is not None:
            messages.info(request, "This therapy session was already saved.")
            return redirect(earlier.course.case.patient)
        form = TherapySessionForm(
            request.POST,
            instance=TherapySession(course=course, therapist=request.user),
        )
        if form.is_valid():
            _, created = save_once(
                form,
                sessions,
                save=lambda: services.save_therapy_session(
                    session=form.instance, by=request.user
                ),
            )
            messages.success(
                request,
                "Therapy session saved."
                if created
                else "This therapy session was already saved.",
            )
            return redirect(course.case.patient)
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
        if form.is_valid():
            services.save_therapy_session(session=form.instance, by=request.user)
            messages.success(request, "Therapy session saved.")
            return redirect(session.course.case.patient)
    else:
        form = TherapySessionForm(instance=session)
    return _therapy_page(request, form, session.course, session)
