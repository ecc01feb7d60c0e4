"""The free times beside the booking form, and the slot a link asks the booking
page to fill in (?clinician= and ?start=, from a free time, a calendar's free gap
or a freed appointment). Choosing a free time is a plain link back to the booking
page with the slot in its address; the booking itself goes through the form and
the booking service as ever."""

import datetime

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from patients.models import Patient
from scheduling import availability, booking
from scheduling.calendars import format_minutes
from scheduling.models import AppointmentKind
from treatments.forms import responsible_clinicians

# What the clinician chooser of the free times keeps of the page's address.
KEPT_BY_CHOOSER = ("patient", "course", "waitlist")


def slot_start(request: HttpRequest) -> datetime.datetime | None:
    """The wall time ?start= asks for (naive, the clinic's clock); a start that is
    not a date and time, or a clinician that is not a number, is a wrong address:
    400, as for an unknown parameter."""
    clinician = request.GET.get("clinician", "")
    if clinician and not (clinician.isascii() and clinician.isdigit()):
        raise BadRequest("The clinician in the address is not a number.")
    text = request.GET.get("start", "")
    if not text:
        return None
    try:
        start = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise BadRequest("The start in the address is not a date and time.") from None
    return timezone.make_naive(start) if timezone.is_aware(start) else start


def slot_heading(request: HttpRequest, heading: str) -> str:
    """The heading of the find-the-patient step, naming the slot being booked so
    that the person choosing the patient sees it is kept."""
    start = slot_start(request)
    if start is None or request.GET.get("patient"):
        return heading
    clinician = request.GET.get("clinician", "")
    who = (
        responsible_clinicians().filter(pk=int(clinician)).first()
        if clinician
        else None
    )
    values = {"heading": heading, "when": f"{start:%a %d %b %Y %H:%M}"}
    if who is None:
        return gettext("%(heading)s: %(when)s") % values
    return gettext("%(heading)s: %(when)s with %(who)s") % (
        values | {"who": who.display_name}
    )


def _chosen_clinician(form, clinicians: list):
    value = str(form["clinician"].value() or "")
    return next((user for user in clinicians if str(user.pk) == value), None)


def _chosen_kind(form) -> str:
    value = form["kind"].value()
    return value if value in AppointmentKind.values else AppointmentKind.values[0]


def _chosen_minutes(form, kind: str) -> int:
    """The form's duration when it is one the form takes, else the kind's usual."""
    field = form.fields["minutes"]
    try:
        minutes = int(form["minutes"].value())
    except (TypeError, ValueError):
        return booking.default_minutes(kind)
    if field.min_value <= minutes <= field.max_value:
        return minutes
    return booking.default_minutes(kind)


def _chosen_course(form) -> int | None:
    value = str(form["course"].value() or "")
    return int(value) if value.isascii() and value.isdigit() else None


def _days(slots, dates: availability.FirstDates, chosen: str) -> list[dict]:
    """The free times grouped by day, in the order listed."""
    days: list[dict] = []
    for slot in slots:
        if not days or days[-1]["day"] != slot.day:
            days.append(
                {
                    "day": slot.day,
                    "is_suggested": slot.day == dates.suggested_on,
                    "slots": [],
                }
            )
        days[-1]["slots"].append(
            {"slot": slot, "is_chosen": slot.start_param == chosen}
        )
    return days


def free_times(request: HttpRequest, form, patient: Patient) -> dict:
    """The free times of the form's clinician for its kind of visit and length
    (from the form's data when posted, else from what the link filled in): at
    most four queries, however many days and appointments."""
    clinicians = list(form.fields["clinician"].queryset)
    clinician = _chosen_clinician(form, clinicians)
    kind = _chosen_kind(form)
    minutes = _chosen_minutes(form, kind)
    now = timezone.now()
    dates = availability.first_dates(
        patient=patient,
        kind=kind,
        course_pk=_chosen_course(form),
        today=timezone.localdate(now),
    )
    slots = []
    if clinician is not None:
        slots = availability.clinician_slots(
            clinician=clinician, patient=patient, minutes=minutes, dates=dates, now=now
        )
    return {
        "clinician": clinician,
        "clinicians": clinicians,
        "kind": kind,
        "kinds": AppointmentKind.choices,
        "kind_label": AppointmentKind(kind).label,
        "minutes": minutes,
        "length": format_minutes(minutes),
        "dates": dates,
        "minimum_days": settings.CLINIC_MIN_REINJECTION_DAYS,
        "days": _days(slots, dates, str(form["starts_at"].value() or "")),
        "count": len(slots),
        "limit": availability.SLOTS_SHOWN,
        "per_day": availability.SLOTS_PER_DAY,
        "horizon_days": availability.HORIZON_DAYS,
        "step_minutes": settings.CLINIC_SLOT_STEP_MINUTES,
        "kept": [
            (key, request.GET[key]) for key in KEPT_BY_CHOOSER if key in request.GET
        ],
    }
