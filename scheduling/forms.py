from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from clinic.overrides import OverrideForm
from scheduling.booking import MAX_SERIES
from scheduling.clinic_time import ClinicDateTimeField
from scheduling.models import AppointmentKind, RecallContact, WaitlistEntry
from treatments.forms import (
    DATE_INPUT,
    UserChoiceField,
    clinic_time_help,
    responsible_clinicians,
)
from treatments.models import CourseKind, CourseStatus, Product, TreatmentCourse

User = get_user_model()


# Recall (who is due)

MAX_RECALL_HORIZON_WEEKS = 52


class RecallFilterForm(forms.Form):
    """The recall list's horizon and filters, read from the query string."""

    weeks = forms.IntegerField(
        label=_("Due within (weeks)"),
        min_value=0,
        max_value=MAX_RECALL_HORIZON_WEEKS,
        required=False,
        help_text=_("Overdue patients are always listed."),
    )
    clinician = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Any clinician"),
        help_text=_("The clinician responsible for the course."),
    )
    product = forms.ChoiceField(
        choices=[("", _("Any product")), *Product.choices],
        required=False,
        help_text=_("The product of the last session."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only clinicians who are responsible for an active toxin course.
        self.fields["clinician"].queryset = User.objects.filter(
            pk__in=TreatmentCourse.objects.filter(
                kind=CourseKind.BOTULINUM_TOXIN, status=CourseStatus.ACTIVE
            ).values("responsible_clinician")
        ).order_by("last_name", "first_name", "username")


class RecallContactForm(forms.ModelForm):
    """An attempt to reach a patient who is due; who and when are set by the view."""

    class Meta:
        model = RecallContact
        fields = ["method", "note"]
        labels = {"method": _("How")}


# Booking and the waitlist

BOOKABLE_COURSE_STATUSES = [CourseStatus.PLANNED, CourseStatus.ACTIVE]
OVERRIDE_REASON_LABEL = _("Reason for booking before the earliest safe date")


def _bookable_courses(patient):
    return TreatmentCourse.objects.filter(
        case__patient=patient, status__in=BOOKABLE_COURSE_STATUSES
    ).order_by("-started_on", "pk")


class BookableCourseField(forms.ModelChoiceField):
    def label_from_instance(self, course):
        if course.planned_interval_days:
            return gettext("%(course)s (every %(days)s days)") % {
                "course": course,
                "days": course.planned_interval_days,
            }
        return str(course)


def _usual_minutes_help() -> str:
    usual = ", ".join(
        f"{AppointmentKind(kind).label.lower()} {minutes}"
        for kind, minutes in settings.CLINIC_APPOINTMENT_MINUTES.items()
    )
    return gettext("Leave blank for the usual length in minutes: %(usual)s.") % {
        "usual": usual
    }


def _minutes_field(**kwargs):
    return forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=8 * 60, **kwargs
    )


class BookingOverrideForm(OverrideForm):
    """A neurologist's override of the earliest-safe-date warnings of a booking or
    a reschedule, of exactly the warnings the page showed."""

    reason_label = OVERRIDE_REASON_LABEL


class AppointmentBookForm(forms.Form):
    """Book one appointment for a patient, or a series at the course's planned
    interval; the booking service checks clashes and the earliest safe date."""

    clinician = UserChoiceField(queryset=User.objects.none())
    kind = forms.ChoiceField(label=_("Appointment"), choices=AppointmentKind.choices)
    starts_at = ClinicDateTimeField(label=_("Starts at"))
    minutes = _minutes_field(required=False)
    course = BookableCourseField(
        queryset=TreatmentCourse.objects.none(),
        required=False,
        help_text=_("The treatment course the visit belongs to, if any."),
    )
    notes = forms.CharField(
        max_length=200, required=False, help_text=_("Administrative notes only.")
    )
    series_count = forms.IntegerField(
        label=_("Sessions to book"),
        min_value=1,
        max_value=MAX_SERIES,
        initial=1,
        help_text=_(
            "1 books this appointment only. More books this one and the next "
            "ones at the course's planned interval, at the same clock time."
        ),
    )
    # The waitlist entry the booking comes from, if any (the view looks it up).
    waitlist = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clinician"].queryset = responsible_clinicians()
        self.fields["course"].queryset = _bookable_courses(patient)
        self.fields["minutes"].help_text = _usual_minutes_help()
        self.fields["starts_at"].help_text = clinic_time_help(
            gettext("When the appointment starts.")
        )

    def clean_starts_at(self):
        return _not_before_today(self.cleaned_data["starts_at"])

    def clean(self):
        cleaned = super().clean()
        course = cleaned.get("course")
        kind = cleaned.get("kind")
        if kind == AppointmentKind.TOXIN_SESSION and course and not course.is_toxin:
            self.add_error(
                "course",
                gettext("A toxin session belongs to a botulinum-toxin course."),
            )
        count = cleaned.get("series_count") or 1
        if count > 1 and not (course and course.planned_interval_days):
            self.add_error(
                "series_count",
                gettext("To book a series, choose a course with a planned interval."),
            )
        return cleaned


def _not_before_today(starts_at):
    if starts_at and timezone.localtime(starts_at).date() < timezone.localdate():
        raise forms.ValidationError(
            gettext("Choose today or a later day: a past appointment cannot be booked.")
        )
    return starts_at


def _this_and_following_field(count: int) -> forms.BooleanField:
    return forms.BooleanField(
        required=False,
        label=ngettext(
            "Also the %(count)s later appointment of this series",
            "Also the %(count)s later appointments of this series",
            count,
        )
        % {"count": count},
    )


class AppointmentRescheduleForm(forms.Form):
    starts_at = ClinicDateTimeField(label=_("New start"))
    minutes = _minutes_field()
    this_and_following = forms.BooleanField(required=False)

    def __init__(self, *args, following: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].help_text = clinic_time_help(
            gettext("When the appointment now starts.")
        )
        if following:
            self.fields["this_and_following"] = _this_and_following_field(following)
            self.fields["this_and_following"].help_text = gettext(
                "They move by as many days and hours as this one; each keeps its "
                "length unless you change it here."
            )
        else:
            del self.fields["this_and_following"]

    def clean_starts_at(self):
        return _not_before_today(self.cleaned_data["starts_at"])


class AppointmentCancelForm(forms.Form):
    reason = forms.CharField(
        max_length=200,
        error_messages={"required": _("Say why the appointment is cancelled.")},
        help_text=_("Administrative reason only, e.g. patient unwell, clinic closed."),
    )
    this_and_following = forms.BooleanField(required=False)

    def __init__(self, *args, following: int, **kwargs):
        super().__init__(*args, **kwargs)
        if following:
            self.fields["this_and_following"] = _this_and_following_field(following)
        else:
            del self.fields["this_and_following"]


class WaitlistEntryForm(forms.ModelForm):
    class Meta:
        model = WaitlistEntry
        fields = ["kind", "course", "clinician", "wanted_from", "wanted_until", "note"]
        field_classes = {"clinician": UserChoiceField, "course": BookableCourseField}
        widgets = {"wanted_from": DATE_INPUT, "wanted_until": DATE_INPUT}
        labels = {
            "kind": _("Appointment"),
            "clinician": _("Preferred clinician"),
            "wanted_from": _("Wanted from"),
            "wanted_until": _("Wanted until"),
        }
        help_texts = {
            "clinician": _("Leave blank for any clinician."),
            "wanted_until": _("Leave blank if any later date will do."),
            "note": _("Administrative notes only, e.g. can come at short notice."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = _bookable_courses(self.instance.patient)
        self.fields["clinician"].queryset = responsible_clinicians()

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("wanted_from"), cleaned.get("wanted_until")
        if starts and ends and ends < starts:
            self.add_error(
                "wanted_until",
                gettext("The end of the wanted period cannot be before its start."),
            )
        return cleaned
