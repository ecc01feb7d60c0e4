import datetime

from django.utils import timezone

from patients.models import Assessment, Patient
from treatments import dosing
from treatments.models import ToxinSession


def days_since_last_toxin(patient: Patient, on: datetime.date) -> int | None:
    """Days from the patient's last valid toxin session before `on` to `on`."""
    last = (
        ToxinSession.objects.valid()
        .for_patient(patient)
        .filter(performed_at__date__lt=on)
        .order_by("-performed_at")
        .values_list("performed_at", flat=True)
        .first()
    )
    return dosing.days_since(last and timezone.localtime(last).date(), on)


def stamp_days_since_last_toxin(assessment: Assessment) -> None:
    """Record how far from the last injection a score was taken; the caller saves.

    Scores at peak effect (2-6 weeks) and at trough (before the next session) are
    only comparable when this is kept with each score (DOMAIN.md 1.10).
    """
    assessment.days_since_last_toxin = days_since_last_toxin(
        assessment.case.patient, assessment.assessed_on
    )
