"""A Spanish user gets the Python code's strings of treatments/ and scheduling/
in Spanish: a choice label, a form error, a safety warning, a patient's calendar
file and a booking page (the catalogs' completeness: test_python_translations)."""

import datetime

import icalendar
import pytest
from django.urls import reverse
from django.utils import translation

from scheduling.forms import AppointmentCancelForm
from scheduling.models import AppointmentKind, AppointmentStatus
from tests.factories import AppointmentFactory, PatientFactory, UserFactory
from treatments import safety
from treatments.models import CourseStatus, Muscle


def test_choice_labels_are_in_spanish_and_keep_their_english():
    with translation.override("es"):
        assert str(Muscle.PROCERUS.label) == "Prócer"
        # The same English word, in each app's own gender.
        assert str(CourseStatus.COMPLETED.label) == "Completado"
        assert str(AppointmentStatus.COMPLETED.label) == "Completada"
    with translation.override("en-gb"):
        assert str(AppointmentStatus.COMPLETED.label) == "Completed"


def test_a_form_error_is_in_spanish():
    with translation.override("es"):
        form = AppointmentCancelForm(data={"reason": ""}, following=0)
        assert form.errors["reason"] == ["Indique por qué se cancela la cita."]


def test_a_safety_warning_is_in_spanish_with_its_numbers():
    def warning():
        [found] = safety.reinjection_interval(
            last_session_on=datetime.date(2026, 1, 5),
            session_on=datetime.date(2026, 2, 5),
            min_days=84,
        )
        return found.message

    with translation.override("es"):
        assert warning() == (
            "Reinyección 31 días después de la última sesión del 5 Ene 2026: el "
            "intervalo mínimo es de 84 días."
        )
    with translation.override("en-gb"):
        assert warning() == (
            "Re-injection 31 days after the last session on 5 Jan 2026: the "
            "minimum interval is 84 days."
        )


@pytest.mark.django_db
def test_the_patients_calendar_file_is_in_the_patients_language(client, scheduler):
    booked = AppointmentFactory(
        kind=AppointmentKind.TOXIN_SESSION, patient__language="es"
    )
    client.force_login(scheduler)  # whose interface is in English
    response = client.get(reverse("scheduling:appointment_ics", args=[booked.pk]))
    [event] = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Cita en la clínica: Sesión de toxina"


@pytest.mark.django_db
def test_a_spanish_users_booking_form_is_in_spanish(client):
    patient = PatientFactory()
    client.force_login(UserFactory(roles=["Scheduler"], language="es"))
    page = client.get(
        reverse("scheduling:appointment_book"), {"patient": patient.pk}
    ).content.decode()
    # A form label, a help text and a choice label of the Python code.
    assert "Sesiones que reservar" in page
    assert "Solo notas administrativas." in page
    assert "Sesión de toxina" in page
    assert "Sessions to book" not in page
