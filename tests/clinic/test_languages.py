"""Languages: each user's pages in their own language (clinic/languages.py), and what
a patient receives (the reminder e-mail, the appointment letter) in the patient's;
letters to clinicians stay in the clinic's."""

import datetime
import io

import pypdf
import pytest
from django.urls import reverse

from clinic.models import Letter
from scheduling import reminders
from scheduling.models import AppointmentKind
from tests.factories import (
    AppointmentFactory,
    ConsentingPatientFactory,
    InjectionFactory,
    PatientFactory,
    ToxinSessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Wednesday 8 July 2026, 10:30 in London; the reminder run is two days before.
STARTS = datetime.datetime(2026, 7, 8, 9, 30, tzinfo=datetime.UTC)
REMINDER_RUN = datetime.datetime(2026, 7, 6, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _clinic(settings):
    settings.TIME_ZONE = "Europe/London"
    settings.CLINIC_NAME = "Clínica Norte"
    settings.CLINIC_PHONE = "01632 960000"


def neurologist_in(language: str):
    return UserFactory(
        username=f"neuro-{language}", roles=["Neurologist"], language=language
    )


def pdf_text(letter: Letter) -> str:
    with letter.pdf.open("rb") as pdf:
        reader = pypdf.PdfReader(io.BytesIO(pdf.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


class TestInterfaceLanguage:
    def test_a_spanish_user_sees_the_dashboard_and_nav_in_spanish(self, client):
        client.force_login(neurologist_in("es"))
        response = client.get(reverse("home"))
        page = response.content.decode()
        assert response["Content-Language"] == "es"
        assert '<html lang="es">' in page
        for spanish in ["Panel", "Pacientes", "Nuevo paciente", "Cerrar sesión"]:
            assert spanish in page
        assert "Log out" not in page
        assert "My appointments today" not in page

    def test_a_spanish_user_sees_the_patient_list_in_spanish(self, client):
        PatientFactory(family_name="Ortega")
        client.force_login(neurologist_in("es"))
        page = client.get(reverse("patients:patient_list")).content.decode()
        assert "Ortega".upper() in page.upper()
        for spanish in ["Fecha de nacimiento", "Edad", "Neurólogo"]:
            assert spanish in page
        assert "Date of birth" not in page

    def test_an_english_user_sees_english(self, client):
        client.force_login(neurologist_in("en-gb"))
        response = client.get(reverse("home"))
        page = response.content.decode()
        assert response["Content-Language"] == "en-gb"
        assert "Dashboard" in page
        assert "Log out" in page
        assert "Cerrar sesión" not in page

    def test_the_sign_in_page_is_in_the_clinic_default_whatever_the_browser(
        self, client
    ):
        response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="es")
        assert response["Content-Language"] == "en-gb"
        assert "Log in" in response.content.decode()

    def test_spanish_date_inputs_stay_iso(self, client):
        patient = PatientFactory(date_of_birth=datetime.date(1968, 5, 17))
        client.force_login(neurologist_in("es"))
        page = client.get(
            reverse("patients:patient_update", args=[patient.pk])
        ).content.decode()
        assert 'value="1968-05-17"' in page
        assert '<select name="language"' in page  # the patient's own language


class TestLanguagePage:
    def test_any_signed_in_user_changes_their_language(self, client):
        user = UserFactory(username="no-role", language="en-gb")
        client.force_login(user)
        page = client.get(reverse("language_settings")).content.decode()
        assert "Español" in page
        response = client.post(
            reverse("language_settings"), {"language": "es"}, follow=True
        )
        user.refresh_from_db()
        assert user.language == "es"
        assert "Sus páginas están ahora en Español." in response.content.decode()
        assert response["Content-Language"] == "es"

    def test_an_unknown_language_is_refused_next_to_the_field(self, client):
        user = UserFactory(username="no-role", language="en-gb")
        client.force_login(user)
        response = client.post(reverse("language_settings"), {"language": "fr"})
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
        user.refresh_from_db()
        assert user.language == "en-gb"

    def test_the_page_needs_a_signed_in_user(self, client):
        response = client.get(reverse("language_settings"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_the_nav_links_the_page(self, client):
        client.force_login(UserFactory(username="no-role"))
        page = client.get(reverse("home")).content.decode()
        assert f'href="{reverse("language_settings")}"' in page


def reminder_for(language: str, mailoutbox) -> str:
    patient = ConsentingPatientFactory(email="ana@example.org", language=language)
    AppointmentFactory(
        patient=patient,
        starts_at=STARTS,
        ends_at=STARTS + datetime.timedelta(minutes=30),
        kind=AppointmentKind.TOXIN_SESSION,
        clinician=UserFactory(first_name="Priya", last_name="Raman"),
    )
    reminders.send_reminders(days=2, now=REMINDER_RUN)
    (message,) = mailoutbox
    return f"{message.subject}\n{message.body}"


class TestWhatThePatientReceives:
    def test_a_spanish_patient_gets_the_reminder_in_spanish(self, mailoutbox):
        text = reminder_for("es", mailoutbox)
        assert (
            "Recordatorio: sesión de tratamiento en Clínica Norte "
            "el miércoles 8 de julio a las 10:30"
        ) in text
        assert "Le recordamos su próxima sesión de tratamiento" in text
        assert "miércoles 8 de julio de 2026" in text
        assert "llame a la clínica al 01632 960000" in text
        assert "Reminder" not in text

    def test_an_english_patient_gets_it_in_english(self, mailoutbox):
        text = reminder_for("en-gb", mailoutbox)
        assert (
            "Reminder: treatment session at Clínica Norte on Wednesday 8 July" in text
        )
        assert "Wednesday 8 July 2026" in text
        assert "Recordatorio" not in text

    def produce_appointment_letter(self, client, scheduler, language) -> str:
        patient = PatientFactory(
            given_name="Ana", family_name="Ruiz", language=language
        )
        booked = AppointmentFactory(
            patient=patient,
            kind=AppointmentKind.FOLLOW_UP,
            starts_at=STARTS,
            ends_at=STARTS + datetime.timedelta(minutes=20),
            clinician=UserFactory(first_name="Tom", last_name="Fairweather"),
        )
        client.force_login(scheduler)
        url = reverse("letter_preview", args=["appointment", booked.pk])
        preview = client.get(url).content.decode()
        client.post(url)
        return preview, pdf_text(Letter.objects.get())

    def test_a_spanish_patients_appointment_letter_is_in_spanish(
        self, client, scheduler
    ):
        scheduler.language = "en-gb"
        scheduler.save()
        preview, text = self.produce_appointment_letter(client, scheduler, "es")
        expected = (
            "Tiene una cita de seguimiento el miércoles 8 de julio de 2026 "
            "a las 10:30 con Tom Fairweather."
        )
        assert expected in text
        assert "Estimado/a Ana Ruiz:" in text
        assert "Atentamente," in text
        assert "You have" not in text
        # The page around the preview stays in the user's language.
        assert "Tiene una <strong>" not in preview
        assert "Back to the chart" in preview
        assert "Tiene una cita de seguimiento el <strong>" in preview

    def test_an_english_patients_letter_is_in_english_for_a_spanish_user(
        self, client, scheduler
    ):
        scheduler.language = "es"
        scheduler.save()
        preview, text = self.produce_appointment_letter(client, scheduler, "en-gb")
        assert (
            "You have a follow-up appointment on Wednesday 8 July 2026 at 10:30" in text
        )
        assert "Tiene una" not in text
        assert "Volver a la historia clínica" in preview

    def test_a_letter_to_a_clinician_stays_in_the_clinic_language(
        self, client, neurologist
    ):
        neurologist.language = "es"
        neurologist.save()
        session = ToxinSessionFactory(course__case__patient__language="es")
        InjectionFactory(session=session)
        client.force_login(neurologist)
        client.post(reverse("letter_preview", args=["post_session", session.pk]))
        text = pdf_text(Letter.objects.get())
        assert "I saw your patient on" in text
        assert "Yours sincerely," in text
        assert "Atentamente" not in text
