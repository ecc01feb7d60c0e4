"""Medication orders of a medication course."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from clinic.submissions import record_page
from treatments import services
from treatments.medication_forms import MedicationOrderForm
from treatments.models import (
    BELLS_STEROID_WINDOW,
    CourseKind,
    MedicationOrder,
)
from treatments.views.courses import course_of_kind


def _warn_late_bells_steroid(request: HttpRequest, order: MedicationOrder) -> None:
    """DOMAIN.md 4.2: in Bell's palsy, oral steroids within 72 hours of onset."""
    delay = order.steroid_delay_after_bells_onset()
    if delay is None or delay <= BELLS_STEROID_WINDOW:
        return
    hours = int(delay.total_seconds() // 3600)
    onset = timezone.localtime(order.course.case.onset_at)
    drug = order.drug
    messages.warning(
        request,
        f"{drug} starts on {order.start_on:%d %b %Y}, at least {hours} hours after "
        f"the onset of Bell's palsy ({onset:%d %b %Y %H:%M}): the guideline gives "
        "oral steroids within 72 hours of onset, when they help most.",
    )


def _order_saved(request: HttpRequest, order: MedicationOrder) -> None:
    messages.success(request, "Medication order saved.")
    _warn_late_bells_steroid(request, order)


def _medication_order_page(request, order: MedicationOrder) -> HttpResponse:
    """The create or edit page of a medication order."""
    course = order.course
    return record_page(
        request,
        form_class=MedicationOrderForm,
        instance=order,
        queryset=MedicationOrder.objects.select_related("course__case__patient"),
        write=lambda saved: services.save_medication_order(
            order=saved, by=request.user
        ),
        noun="medication order",
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
