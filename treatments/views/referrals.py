"""Surgical referrals (microvascular decompression) and their follow-ups."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from clinic.access import record_access
from clinic.query_params import allow_query_params
from clinic.submissions import create_from_post, record_page
from treatments import services
from treatments.models import (
    CourseKind,
    FollowUpTimepoint,
    MvdOutcome,
    Referral,
    ReferralFollowUp,
    Specialty,
    Urgency,
)
from treatments.referral_forms import ReferralFollowUpForm, ReferralForm
from treatments.views.courses import course_of_kind


def _referral_page(request, referral: Referral) -> HttpResponse:
    """The create page of a referral, or its edit page: status updates from sent
    to the outcome, and the surgery's complications."""
    course = referral.course
    return record_page(
        request,
        form_class=ReferralForm,
        instance=referral,
        queryset=Referral.objects.select_related("course__case__patient"),
        write=lambda saved: services.save_referral(referral=saved, by=request.user),
        noun=gettext("referral"),
        then=lambda saved: redirect(saved.course.case.patient),
        on_saved=lambda saved: messages.success(
            request,
            gettext("Referral saved: %(status)s.")
            % {"status": saved.get_status_display().lower()},
        ),
        template="treatments/referral_form.html",
        context={
            "course": course,
            "patient": course.case.patient,
            "referral": referral if referral.pk else None,
            "follow_ups": list(referral.follow_ups.all()) if referral.pk else [],
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("treatments.add_referral", raise_exception=True)
@allow_query_params(
    specialty=frozenset(Specialty.values), urgency=frozenset(Urgency.values)
)
def referral_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = course_of_kind(course_pk, CourseKind.SURGICAL_REFERRAL)
    referral = Referral(course=course)
    # A suggested referral (?specialty=ophthalmology&urgency=urgent, from a red
    # flag) comes filled in.
    referral.specialty = request.GET.get("specialty", referral.specialty)
    referral.urgency = request.GET.get("urgency", referral.urgency)
    return _referral_page(request, referral)


@require_http_methods(["GET", "POST"])
@permission_required("treatments.change_referral", raise_exception=True)
def referral_update(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(
        Referral.objects.select_related("course__case__patient"), pk=pk
    )
    return _referral_page(request, referral)


# Reviews before 12 months at which "no change" is not yet a failure (DOMAIN.md 3).
EARLY_TIMEPOINTS = [
    FollowUpTimepoint.WEEK_1,
    FollowUpTimepoint.MONTH_1,
    FollowUpTimepoint.MONTH_3,
    FollowUpTimepoint.MONTH_6,
]


def _follow_up_saved(request: HttpRequest, follow_up: ReferralFollowUp) -> None:
    timepoint = follow_up.get_timepoint_display()
    messages.success(
        request, gettext("%(timepoint)s follow-up saved.") % {"timepoint": timepoint}
    )
    if (
        follow_up.spasm_status == MvdOutcome.NO_CHANGE
        and follow_up.timepoint in EARLY_TIMEPOINTS
    ):
        messages.info(
            request,
            gettext(
                "No change at %(timepoint)s is not a failure: spasm often stops "
                "months after decompression (delayed cure). Judge the result at 12 "
                "months."
            )
            % {"timepoint": timepoint.lower()},
        )


@require_http_methods(["GET", "POST"])
@permission_required("treatments.add_referralfollowup", raise_exception=True)
def referral_followup_create(request: HttpRequest, referral_pk: int) -> HttpResponse:
    """An MVD follow-up at one of the standard timepoints, one per timepoint."""
    referral = get_object_or_404(
        Referral.objects.select_related("course__case__patient"), pk=referral_pk
    )
    patient = referral.course.case.patient
    follow_ups = ReferralFollowUp.objects.select_related(
        "referral__course__case__patient"
    )
    recorded = list(referral.follow_ups.all())
    if request.method == "POST":
        form = ReferralFollowUpForm(
            request.POST, instance=ReferralFollowUp(referral=referral)
        )
        try:
            answer = create_from_post(
                request,
                form=form,
                queryset=follow_ups,
                write=lambda follow_up: services.save_referral_follow_up(
                    follow_up=follow_up, by=request.user
                ),
                noun=gettext("follow-up"),
                then=lambda follow_up: redirect(patient),
                on_created=lambda follow_up: _follow_up_saved(request, follow_up),
            )
        except IntegrityError:
            # Another user recorded this timepoint at the same moment.
            form.add_error("timepoint", gettext("This timepoint is already recorded."))
            answer = None
        if answer is not None:
            return answer
    else:
        # Offer the first timepoint not yet recorded.
        done = {follow_up.timepoint for follow_up in recorded}
        next_timepoint = next(
            (value for value in FollowUpTimepoint.values if value not in done), ""
        )
        form = ReferralFollowUpForm(
            instance=ReferralFollowUp(referral=referral, timepoint=next_timepoint)
        )
        record_access(request, patient, form.instance)
    return render(
        request,
        "treatments/referralfollowup_form.html",
        {
            "form": form,
            "referral": referral,
            "course": referral.course,
            "patient": patient,
            "recorded": recorded,
        },
    )
