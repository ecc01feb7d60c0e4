"""Medication orders of a medication course."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from clinic.submissions import record_page
from treatments import services
from treatments.medication_forms import MedicationOrderForm
from treatments.models import CourseKind, MedicationOrder
from treatments.views.courses import course_of_kind


def _order_saved(request: HttpRequest, order: MedicationOrder) -> None:
    messages.success(request, gettext("Medication order saved."))
    for warning in order.warnings():
        messages.warning(request, warning)


def _medication_order_page(request, order: MedicationOrder) -> HttpResponse:
    """The create or edit page of a medication order."""
    course = order.course
    return record_page(
        request,
        form_class=MedicationOrderForm,
        instance=order,
        queryset=MedicationOrder.objects.select_related("course__case__patient"),
        # The form showed any warning before this save (MedicationOrderForm).
        write=lambda saved: services.save_medication_order(
            order=saved,
            by=request.user,
            shown_warnings_digest=request.POST.get("warnings_digest"),
        ),
        noun=gettext("medication order"),
        then=lambda saved: redirect(saved.course.case.patient),
        on_saved=lambda saved: _order_saved(request, saved),
        template="treatments/medication_form.html",
        context={
            "course": course,
            "case": course.case,
            "patient": course.case.patient,
            "order": order if order.pk else None,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("treatments.add_medicationorder", raise_exception=True)
def medication_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = course_of_kind(course_pk, CourseKind.MEDICATION)
    return _medication_order_page(
        request, MedicationOrder(course=course, prescriber=request.user)
    )


@require_http_methods(["GET", "POST"])
@permission_required("treatments.change_medicationorder", raise_exception=True)
def medication_update(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(
        MedicationOrder.objects.select_related("course__case__patient", "prescriber"),
        pk=pk,
    )
    return _medication_order_page(request, order)
