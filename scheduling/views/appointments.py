"""Booking screens for scheduling staff: book, see, move, cancel and mark
appointments (the waitlist's pages are in scheduling.views.waitlist). They show
demographics and appointments, never clinical findings. Every write goes through
scheduling.booking."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from clinic.access import record_access
from clinic.query_params import allow_query_params
from patients.forms import PatientSearchForm
from patients.models import Patient
from scheduling import booking, booking_checks
from scheduling.forms import (
    AppointmentBookForm,
    AppointmentCancelForm,
    AppointmentRescheduleForm,
    BookingOverrideForm,
)
from scheduling.models import (
    UPCOMING_STATUSES,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    WaitlistEntry,
)
from scheduling.views import booking_slots
from treatments.models import TreatmentCourse

FOUND_PATIENTS_LIMIT = 25
# What the status buttons may set; the service decides what is allowed when.
STATUS_ACTIONS = {
    AppointmentStatus.CONFIRMED: _("Confirmed"),
    AppointmentStatus.ARRIVED: _("Arrived"),
    AppointmentStatus.COMPLETED: pgettext_lazy("appointment", "Completed"),
    AppointmentStatus.NO_SHOW: _("No-show"),
}


def _appointment(pk: int) -> Appointment:
    return get_object_or_404(
        Appointment.objects.select_related(
            "patient", "clinician", "course", "overridden_by"
        ),
        pk=pk,
    )


def _detail(appointment: Appointment) -> HttpResponse:
    return redirect("scheduling:appointment_detail", pk=appointment.pk)


def _minutes(appointment: Appointment) -> int:
    return int((appointment.ends_at - appointment.starts_at).total_seconds() // 60)


def _when(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%a %d %b %Y %H:%M}"


def _add_errors(form, error: ValidationError) -> None:
    """The service's errors next to the fields they name, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _posted_override(request: HttpRequest) -> dict:
    """The override posted (reason and digest of the warnings shown), as the
    booking service takes it."""
    form = BookingOverrideForm(
        request.POST,
        warnings=(),
        may_override=request.user.has_perm(booking_checks.OVERRIDE_PERMISSION),
    )
    reason = form.cleaned_data["override_reason"] if form.is_valid() else ""
    return {"override_reason": reason, "shown_warnings_digest": form.shown_digest}


def _override_form(
    request: HttpRequest, error: booking_checks.OverrideRequired
) -> BookingOverrideForm:
    """The warnings the service refused to go past, to show with the reason box;
    a missing reason is the box's error."""
    form = BookingOverrideForm(
        request.POST, warnings=error.warnings, may_override=error.may_override
    )
    form.is_valid()
    for message in error.error_dict.get("override_reason", []):
        form.add_error("override_reason", message)
    return form


def _warnings_context(override_form: BookingOverrideForm | None) -> dict:
    return {
        "override_form": override_form,
        "needs_neurologist": booking_checks.NEEDS_NEUROLOGIST,
    }


def patient_from_query(request: HttpRequest) -> Patient | None:
    """The patient named by ?patient=, if any; a wrong one is 404."""
    value = request.GET.get("patient", "")
    if not value:
        return None
    if not value.isdigit():
        raise Http404("No such patient.")
    return get_object_or_404(Patient.objects.active(), pk=value)


def patient_to_book(request: HttpRequest, url_name: str, heading: str):
    """(The patient named by ?patient=, None) for a page that books or
    wait-lists; else (None, the answer): the page to find the patient, or, for a
    patient who has died, back to the chart saying why."""
    patient = patient_from_query(request)
    if patient is None:
        return None, find_patient_page(request, url_name, heading)
    if patient.is_deceased:
        messages.error(
            request,
            gettext("%(name)s died on %(died)s: no visit is booked for them.")
            % {"name": patient.full_name, "died": f"{patient.date_of_death:%d %b %Y}"},
        )
        return None, redirect(patient)
    return patient, None


def find_patient_page(
    request: HttpRequest, url_name: str, heading: str
) -> HttpResponse:
    """Choose the patient first: search by name, MRN or date of birth."""
    form = PatientSearchForm(request.GET)
    found = []
    if form.is_valid() and form.cleaned_data["q"].strip():
        found = list(
            Patient.objects.bookable()
            .search(form.cleaned_data["q"])
            .order_by("family_name", "given_name", "pk")[:FOUND_PATIENTS_LIMIT]
        )
    return render(
        request,
        "scheduling/appointment_find_patient.html",
        {
            "form": form,
            "heading": heading,
            "found": found,
            "limit": FOUND_PATIENTS_LIMIT,
            "target": reverse(url_name),
        },
    )


def book_url(**params) -> str:
    query = urlencode({key: value for key, value in params.items() if value})
    return f"{reverse('scheduling:appointment_book')}?{query}"


def _local_input(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%dT%H:%M}"


def _book_initial(request: HttpRequest, patient: Patient) -> dict:
    """The booking form as the link that led here asks: from the chart, the recall
    list, a day calendar or a freed slot."""
    query = request.GET
    initial = {"series_count": 1}
    entry = None
    if query.get("waitlist", "").isdigit():
        entry = WaitlistEntry.objects.filter(
            pk=query["waitlist"], patient=patient, is_active=True
        ).first()
    if entry is not None:
        initial.update(
            waitlist=entry.pk,
            kind=entry.kind,
            course=entry.course_id,
            clinician=entry.clinician_id,
        )
    course = None
    if query.get("course", "").isdigit():
        course = TreatmentCourse.objects.filter(
            pk=query["course"], case__patient=patient
        ).first()
    if course is not None:
        initial.update(course=course.pk, clinician=course.responsible_clinician_id)
        if course.is_toxin:
            initial["kind"] = AppointmentKind.TOXIN_SESSION
    if query.get("kind") in AppointmentKind.values:
        initial["kind"] = query["kind"]
    if query.get("clinician", "").isdigit():
        initial["clinician"] = int(query["clinician"])
    starts = booking_slots.slot_start(request)
    if starts is not None:
        initial["starts_at"] = f"{starts:%Y-%m-%dT%H:%M}"
    else:
        try:
            day = datetime.date.fromisoformat(query.get("date", ""))
            hour = settings.CLINIC_DAY_STARTS_HOUR
            initial["starts_at"] = f"{day:%Y-%m-%d}T{hour:02d}:00"
        except ValueError:
            pass
    if query.get("minutes", "").isdigit():
        initial["minutes"] = int(query["minutes"])
    elif "kind" in initial:
        initial["minutes"] = booking.default_minutes(initial["kind"])
    return initial


def _booked_message(appointments: list[Appointment]) -> str:
    first = appointments[0]
    kind = first.get_kind_display()
    with_whom = first.clinician.display_name
    values = {"kind": kind, "first": _when(first.starts_at), "with": with_whom}
    if len(appointments) == 1:
        return gettext("%(kind)s booked for %(first)s with %(with)s.") % values
    return gettext(
        "%(count)s %(kind)s appointments booked with %(with)s, from %(first)s to "
        "%(last)s."
    ) % (
        values
        | {
            "count": len(appointments),
            "kind": kind.lower(),
            "last": _when(appointments[-1].starts_at),
        }
    )


def _same_booking(patient: Patient, data: dict) -> Appointment | None:
    return booking_checks.same_booking(
        patient=patient,
        clinician=data["clinician"],
        kind=data["kind"],
        starts_at=data["starts_at"],
    )


def _waitlist_entry(value: str, patient: Patient) -> WaitlistEntry | None:
    if not value.isdigit():
        return None
    return WaitlistEntry.objects.filter(
        pk=value, patient=patient, is_active=True
    ).first()


def _book(
    request: HttpRequest, form: AppointmentBookForm, patient: Patient
) -> tuple[HttpResponse | None, BookingOverrideForm | None]:
    """Book what the valid form asks, in one call of the booking service: the
    page to go to, or None and the override form of the warnings to show."""
    data = form.cleaned_data
    # A second submit of the same form: the first one booked it.
    earlier = _same_booking(patient, data)
    if earlier is not None:
        messages.info(request, gettext("This appointment is already booked."))
        return _detail(earlier), None
    entry = _waitlist_entry(data["waitlist"], patient)
    try:
        booked = booking.book_series(
            patient=patient,
            clinician=data["clinician"],
            kind=data["kind"],
            first_starts_at=data["starts_at"],
            count=data["series_count"],
            minutes=data["minutes"],
            course=data["course"],
            booked_by=request.user,
            notes=data["notes"],
            waitlist_entry=entry,
            **_posted_override(request),
        )
    except booking_checks.OverrideRequired as error:
        return None, _override_form(request, error)
    except ValidationError as error:
        # A concurrent submit of the same form may have won the race.
        earlier = _same_booking(patient, data)
        if earlier is not None:
            messages.info(request, gettext("This appointment is already booked."))
            return _detail(earlier), None
        _add_errors(form, error)
        return None, None
    messages.success(request, _booked_message(booked))
    if entry is not None:
        messages.info(request, gettext("The waitlist entry is done."))
    return _detail(booked[0]), None


@require_http_methods(["GET", "POST"])
@permission_required("scheduling.add_appointment", raise_exception=True)
# Choosing the patient (q, archived), then the form as the link asks (_book_initial).
@allow_query_params(
    "patient",
    "q",
    "archived",
    "waitlist",
    "course",
    "kind",
    "clinician",
    "start",
    "date",
    "minutes",
)
def appointment_book(request: HttpRequest) -> HttpResponse:
    # A slot in the address that is not one is 400, before anything else.
    heading = booking_slots.slot_heading(request, gettext("Book an appointment"))
    patient, answer = patient_to_book(request, "scheduling:appointment_book", heading)
    if answer is not None:
        return answer
    override_form = None
    if request.method == "POST":
        form = AppointmentBookForm(request.POST, patient=patient)
        if form.is_valid():
            response, override_form = _book(request, form, patient)
            if response is not None:
                return response
    else:
        form = AppointmentBookForm(
            initial=_book_initial(request, patient), patient=patient
        )
        record_access(request, patient, Appointment(patient=patient))
    return render(
        request,
        "scheduling/appointment_form.html",
        {
            "form": form,
            "patient": patient,
            "free": booking_slots.free_times(request, form, patient),
            **_warnings_context(override_form),
        },
    )


def _status_actions(request: HttpRequest, appointment: Appointment) -> list:
    if not request.user.has_perm("scheduling.change_appointment"):
        return []
    allowed = booking.STATUS_CHANGES.get(appointment.status, set())
    started = appointment.starts_at <= timezone.now()
    return [
        (status, label)
        for status, label in STATUS_ACTIONS.items()
        if status in allowed and (started or status != AppointmentStatus.NO_SHOW)
    ]


def _waitlist_suggestions(request: HttpRequest, appointment: Appointment) -> dict:
    """For a cancelled or missed appointment whose time is still ahead: who on the
    waitlist could take it, with a link to book each (two queries)."""
    freed = (
        appointment.status in (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)
        and appointment.ends_at > timezone.now()
    )
    if not (freed and request.user.has_perm("scheduling.view_waitlistentry")):
        return {"freed": False}
    retaken = (
        Appointment.objects.active()
        .overlapping(appointment.starts_at, appointment.ends_at)
        .filter(clinician=appointment.clinician_id)
        .exists()
    )
    may_book = request.user.has_perm("scheduling.add_appointment")
    minutes = _minutes(appointment)
    rows = [
        (
            entry,
            book_url(
                patient=entry.patient_id,
                course=entry.course_id,
                kind=appointment.kind,
                clinician=appointment.clinician_id,
                start=_local_input(appointment.starts_at),
                minutes=minutes,
                waitlist=entry.pk,
            )
            if may_book and not retaken
            else "",
        )
        for entry in booking.waitlist_for_freed_slot(appointment)
    ]
    return {"freed": True, "retaken": retaken, "waitlist_rows": rows}


@require_GET
@permission_required("scheduling.view_appointment", raise_exception=True)
def appointment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Queries: the appointment with its patient, clinician, course and overrider;
    # the rest of its series; for a freed slot, whether it was booked again and
    # the waitlist entries that fit it.
    appointment = _appointment(pk)
    record_access(request, appointment.patient, appointment)
    series = []
    if appointment.series:
        series = list(
            Appointment.objects.filter(series=appointment.series).order_by(
                "starts_at", "pk"
            )
        )
    may_change = (
        request.user.has_perm("scheduling.change_appointment")
        and appointment.status in UPCOMING_STATUSES
    )
    return render(
        request,
        "scheduling/appointment_detail.html",
        {
            "appointment": appointment,
            "patient": appointment.patient,
            "minutes": _minutes(appointment),
            "series": series,
            "may_change": may_change,
            "may_write_letter": request.user.has_perm("clinic.add_letter")
            and appointment.status in UPCOMING_STATUSES,
            "status_actions": _status_actions(request, appointment),
            **_waitlist_suggestions(request, appointment),
        },
    )


def _changeable(request: HttpRequest, appointment: Appointment, refusal: str):
    """A redirect back with the `refusal` (naming the appointment's %(status)s)
    when the appointment is past changing."""
    if appointment.status in UPCOMING_STATUSES:
        return None
    status = appointment.get_status_display().lower()
    messages.error(request, refusal % {"status": status})
    return _detail(appointment)


def _reschedule(
    request: HttpRequest, form: AppointmentRescheduleForm, appointment: Appointment
) -> tuple[HttpResponse | None, BookingOverrideForm | None]:
    """Move as the valid form asks, in one call of the booking service: the page
    to go to, or None and the override form of the warnings to show."""
    data = form.cleaned_data
    # Each keeps its own length unless the length was changed.
    minutes = data["minutes"]
    if minutes == _minutes(appointment):
        minutes = None
    try:
        moved = booking.reschedule(
            appointment,
            starts_at=data["starts_at"],
            minutes=minutes,
            by=request.user,
            this_and_following=data.get("this_and_following", False),
            **_posted_override(request),
        )
    except booking_checks.OverrideRequired as error:
        return None, _override_form(request, error)
    except ValidationError as error:
        _add_errors(form, error)
        return None, None
    text = gettext("Moved to %(when)s.") % {"when": _when(moved[0].starts_at)}
    if len(moved) > 1:
        later = gettext("%(count)s later appointments moved too.")
        text += " " + later % {"count": len(moved) - 1}
    messages.success(request, text)
    return _detail(appointment), None


@require_http_methods(["GET", "POST"])
@permission_required("scheduling.change_appointment", raise_exception=True)
def appointment_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment(pk)
    refused = _changeable(
        request, appointment, gettext("A %(status)s appointment cannot be rescheduled.")
    )
    if refused:
        return refused
    following = booking.following_count(appointment)
    override_form = None
    if request.method == "POST":
        form = AppointmentRescheduleForm(request.POST, following=following)
        if form.is_valid():
            response, override_form = _reschedule(request, form, appointment)
            if response is not None:
                return response
    else:
        form = AppointmentRescheduleForm(
            initial={
                "starts_at": appointment.starts_at,
                "minutes": _minutes(appointment),
            },
            following=following,
        )
        record_access(request, appointment.patient, appointment)
    return render(
        request,
        "scheduling/appointment_reschedule.html",
        {
            "form": form,
            "appointment": appointment,
            "patient": appointment.patient,
            **_warnings_context(override_form),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("scheduling.change_appointment", raise_exception=True)
def appointment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment(pk)
    refused = _changeable(
        request, appointment, gettext("A %(status)s appointment cannot be cancelled.")
    )
    if refused:
        return refused
    following = booking.following_count(appointment)
    if request.method == "POST":
        form = AppointmentCancelForm(request.POST, following=following)
        if form.is_valid():
            try:
                cancelled = booking.cancel(
                    appointment,
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                    this_and_following=form.cleaned_data.get(
                        "this_and_following", False
                    ),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                count = len(cancelled)
                messages.success(
                    request,
                    gettext("Appointment cancelled.")
                    if count == 1
                    else gettext("%(count)s appointments of the series cancelled.")
                    % {"count": count},
                )
                return _detail(appointment)
    else:
        form = AppointmentCancelForm(following=following)
        record_access(request, appointment.patient, appointment)
    return render(
        request,
        "scheduling/appointment_cancel.html",
        {"form": form, "appointment": appointment, "patient": appointment.patient},
    )


@require_POST
@permission_required("scheduling.change_appointment", raise_exception=True)
def appointment_status(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment(pk)
    # The dashboard's clinic list checks patients in and stays on the list.
    back = redirect("home") if request.POST.get("back") == "home" else None
    status = request.POST.get("status", "")
    if status not in STATUS_ACTIONS:
        messages.error(request, gettext("Choose arrived, completed or no-show."))
        return back or _detail(appointment)
    try:
        booking.set_status(appointment, status=status, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        label = STATUS_ACTIONS[status].lower()
        # On the list, say which of its rows.
        row = {
            "name": appointment.patient.full_name,
            "when": _when(appointment.starts_at),
        }
        if back:
            text = gettext("Marked %(status)s: %(name)s, %(when)s.")
        else:
            text = gettext("Marked %(status)s.")
        messages.success(request, text % (row | {"status": label}))
    return back or _detail(appointment)
