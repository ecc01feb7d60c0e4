"""The treatment course form."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinic.submissions import FormTokenField
from treatments.forms import (
    DATE_INPUT,
    TEXTAREA,
    UserChoiceField,
    drop_token_when_editing,
    responsible_clinicians,
)
from treatments.models import (
    TreatmentCourse,
)


class CourseForm(forms.ModelForm):
    form_token = FormTokenField()

    class Meta:
        model = TreatmentCourse
        fields = [
            "kind",
            "status",
            "started_on",
            "ended_on",
            "goal",
            "responsible_clinician",
            "planned_interval_days",
            "stop_reason",
        ]
        field_classes = {"responsible_clinician": UserChoiceField}
        widgets = {
            "started_on": DATE_INPUT,
            "ended_on": DATE_INPUT,
            "goal": forms.Textarea(**TEXTAREA),
            "stop_reason": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "started_on": _("Started on"),
            "ended_on": _("Ended on"),
            "planned_interval_days": _("Planned interval (days)"),
        }
        help_texts = {"stop_reason": _("Required when the course is stopped.")}

    def __init__(self, *args, kind_fixed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        drop_token_when_editing(self)
        self.fields["responsible_clinician"].queryset = responsible_clinicians(
            also=self.instance.responsible_clinician_id if self.instance.pk else None
        )
        minimum = settings.CLINIC_MIN_REINJECTION_DAYS
        self.fields["planned_interval_days"].help_text = gettext(
            "Required for a botulinum-toxin course: the planned days between "
            "sessions. %(minimum)s days is the minimum safe interval."
        ) % {"minimum": minimum}
        self.fields["planned_interval_days"].widget.attrs["min"] = "1"
        if kind_fixed:
            self.fields["kind"].disabled = True
            self.fields["kind"].help_text = gettext(
                "Fixed: records are charted under this course. Start a new course "
                "for another kind of treatment."
            )
