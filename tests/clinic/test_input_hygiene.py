"""Names, identifiers, lot numbers and notes: stored in NFC, and nothing unseen
(direction marks, zero-width or control characters), through every door that
writes them: the clinician pages, the admin, and the model itself."""

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from clinic.models import User
from clinic.text import (
    refuse_hidden_characters,
    refuse_hidden_characters_in_notes,
    validate_lot_number,
)
from patients.models import Guardian, Patient
from tests.factories import PatientFactory, TreatmentCourseFactory, UserFactory
from tests.treatments.charting_posts import create_url, field_errors, session_data
from treatments.models import ToxinSession, Vial

pytestmark = pytest.mark.django_db

CREATE = reverse("patients:patient_create")
DIRECTION = "Remove the hidden character that changes the text's direction"
ZERO_WIDTH = "Remove the invisible zero-width character"
CONTROL = "Remove the invisible control character"
LOT_PATTERN = "A lot number is 2 to 40 letters, digits, hyphens, slashes or dots"
# "é" as e + combining acute: NFC stores it as the one character.
DECOMPOSED = "Jose\u0301"
COMPOSED = "Jos\u00e9"

HIDDEN = [
    ("Ali\u202ece", DIRECTION),  # right-to-left override
    ("Ali\u2066ce", DIRECTION),  # left-to-right isolate
    ("Ali\u200fce", DIRECTION),  # right-to-left mark
    ("Ali\u061cce", DIRECTION),  # Arabic letter mark
    ("Ali\u200bce", ZERO_WIDTH),
    ("Ali\u200dce", ZERO_WIDTH),
    ("Ali\ufeffce", ZERO_WIDTH),
    ("Ali\x00ce", CONTROL),
    ("Ali\x1bce", CONTROL),
    ("Ali\tce", CONTROL),
    ("Ali\u00adce", CONTROL),  # soft hyphen (Cf)
]

ADULT = {
    "mrn": "hyg-001",
    "given_name": "Noor",
    "family_name": "Haddad",
    "date_of_birth": "1980-04-02",
    "sex": "female",
    "guardians-TOTAL_FORMS": "0",
    "guardians-INITIAL_FORMS": "0",
}


def message(errors, name) -> str:
    return " ".join(errors.get(name, []))


class TestCheckingFunctions:
    @pytest.mark.parametrize(("text", "problem"), HIDDEN)
    def test_names_refuse_every_unseen_character_in_words(self, text, problem):
        with pytest.raises(ValidationError) as caught:
            refuse_hidden_characters(text)
        assert caught.value.messages[0].startswith(problem)

    @pytest.mark.parametrize(
        "text", ["Zoë O'Brien-Smith", "李小龍", "محمد", "Ana María"]
    )
    def test_names_keep_what_is_seen(self, text):
        refuse_hidden_characters(text)  # no error

    def test_notes_keep_line_breaks_and_tabs(self):
        refuse_hidden_characters_in_notes("Line one\r\n\tindented line two")

    @pytest.mark.parametrize("text", ["abc\u202edef", "abc\u2067def", "a\x07b"])
    def test_notes_refuse_direction_marks_and_other_controls(self, text):
        with pytest.raises(ValidationError):
            refuse_hidden_characters_in_notes(text)

    @pytest.mark.parametrize(
        "lot", ["C09520", "C1234C3", "c1234c3", "L5", "2021-04/B.7", "A" * 40]
    )
    def test_lot_numbers_as_printed_are_taken(self, lot):
        validate_lot_number(lot)

    @pytest.mark.parametrize(
        "lot", ["C", "C 0952", "C0952;", "-C0952", "C0952.", "A" * 41, "LÖT1"]
    )
    def test_other_lot_numbers_are_refused_with_the_pattern(self, lot):
        with pytest.raises(ValidationError) as caught:
            validate_lot_number(lot)
        assert caught.value.messages == [caught.value.messages[0]]
        assert caught.value.messages[0].startswith(LOT_PATTERN)

    def test_a_hidden_character_in_a_lot_is_named_not_the_pattern(self):
        with pytest.raises(ValidationError) as caught:
            validate_lot_number("C09\x0720")
        assert caught.value.messages[0].startswith(CONTROL)
        assert len(caught.value.messages) == 1


class TestPatientModel:
    def test_a_save_without_full_clean_stores_nfc(self):
        """A management command or a factory that only saves still stores NFC."""
        patient = PatientFactory(given_name=DECOMPOSED, family_name="Gar\u0063\u0327a")
        stored = Patient.objects.get(pk=patient.pk)
        assert stored.given_name == COMPOSED
        assert stored.family_name == "Gar\u00e7a"
        assert unicodedata.is_normalized("NFC", stored.search_name)

    @pytest.mark.parametrize(
        "field", ["given_name", "family_name", "mrn", "referring_clinician"]
    )
    def test_full_clean_refuses_hidden_characters(self, field):
        patient = PatientFactory.build(**{field: "ABC\u202eDEF"})
        with pytest.raises(ValidationError) as caught:
            patient.full_clean()
        assert DIRECTION in message(caught.value.message_dict, field)

    def test_address_keeps_lines_but_no_direction_marks(self):
        patient = PatientFactory.build(address="1 High St\nLeeds")
        patient.full_clean()
        patient.address = "1 High St\u202e\nLeeds"
        with pytest.raises(ValidationError) as caught:
            patient.full_clean()
        assert DIRECTION in message(caught.value.message_dict, "address")

    def test_guardian_name_is_checked(self):
        guardian = Guardian(
            patient=PatientFactory(),
            full_name="Rana\u200b Haddad",
            relationship="mother",
        )
        with pytest.raises(ValidationError) as caught:
            guardian.full_clean()
        assert ZERO_WIDTH in message(caught.value.message_dict, "full_name")


class TestPatientPage:
    def test_valid_post_stores_the_names_in_nfc(self, client, scheduler):
        client.force_login(scheduler)
        response = client.post(CREATE, {**ADULT, "given_name": DECOMPOSED})
        assert response.status_code == 302
        assert Patient.objects.get(mrn="HYG-001").given_name == COMPOSED

    @pytest.mark.parametrize(
        ("text", "problem"), HIDDEN[:1] + HIDDEN[4:5] + HIDDEN[8:9]
    )
    @pytest.mark.parametrize("field", ["given_name", "family_name", "mrn"])
    def test_hidden_characters_are_refused_next_to_the_field(
        self, client, scheduler, field, text, problem
    ):
        client.force_login(scheduler)
        response = client.post(CREATE, {**ADULT, field: text})
        assert response.status_code == 200
        assert problem in message(response.context["form"].errors, field)
        assert escape(problem) in response.content.decode()
        assert Patient.objects.exists() is False

    def test_a_guardian_name_is_refused_next_to_it(self, client, scheduler):
        client.force_login(scheduler)
        data = {
            **ADULT,
            "guardians-TOTAL_FORMS": "1",
            "guardians-0-full_name": "Rana\u202e Haddad",
            "guardians-0-relationship": "mother",
            "guardians-0-holds_consent": "on",
        }
        response = client.post(CREATE, data)
        assert response.status_code == 200
        guardian_errors = response.context["guardians"].forms[0].errors
        assert DIRECTION in message(guardian_errors, "full_name")
        assert Patient.objects.exists() is False
        assert Guardian.objects.exists() is False


def admin_patient_data(**changes) -> dict:
    data = {
        **ADULT,
        "referring_clinician": "",
        "email": "",
        "phone": "",
        "address": "",
        "reminder_channel": "",
        "weight_kg": "",
        "weight_measured_on": "",
    }
    data.update(changes)
    return data


class TestPatientAdmin:
    url = reverse("admin:patients_patient_add")

    def test_valid_add_stores_nfc(self, client, clinic_admin):
        client.force_login(clinic_admin)
        response = client.post(self.url, admin_patient_data(family_name=DECOMPOSED))
        assert response.status_code == 302
        assert Patient.objects.get(mrn="HYG-001").family_name == COMPOSED

    @pytest.mark.parametrize(
        ("field", "text", "problem"),
        [
            ("given_name", "No\u202eor", DIRECTION),
            ("family_name", "Had\u200bdad", ZERO_WIDTH),
            ("mrn", "HYG\x1b001", CONTROL),
            ("address", "1 High St\u2066", DIRECTION),
        ],
    )
    def test_hidden_characters_are_refused_next_to_the_field(
        self, client, clinic_admin, field, text, problem
    ):
        client.force_login(clinic_admin)
        response = client.post(self.url, admin_patient_data(**{field: text}))
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert problem in message(errors, field)
        assert Patient.objects.exists() is False

    def test_a_guardian_name_is_refused_in_the_inline(self, client, clinic_admin):
        client.force_login(clinic_admin)
        data = admin_patient_data(
            **{
                "guardians-TOTAL_FORMS": "1",
                "guardians-0-full_name": "Rana\ufeff Haddad",
                "guardians-0-relationship": "mother",
                "guardians-0-holds_consent": "on",
            }
        )
        response = client.post(self.url, data)
        assert response.status_code == 200
        inline = response.context["inline_admin_formsets"][0].formset
        assert ZERO_WIDTH in message(inline.forms[0].errors, "full_name")
        assert Guardian.objects.exists() is False


class TestStaffNames:
    def test_model_refuses_hidden_characters_in_names(self):
        user = UserFactory.build(first_name="Sam\u202e", last_name="Lee\x07")
        with pytest.raises(ValidationError) as caught:
            user.full_clean()
        assert DIRECTION in message(caught.value.message_dict, "first_name")
        assert CONTROL in message(caught.value.message_dict, "last_name")

    def test_admin_change_refuses_them_and_keeps_the_stored_name(
        self, client, clinic_admin
    ):
        staff = UserFactory(first_name="Sam", last_name="Lee")
        client.force_login(clinic_admin)
        url = reverse("admin:clinic_user_change", args=[staff.pk])
        data = {
            "username": staff.username,
            "first_name": "Sam",
            "last_name": "Lee",
            "credentials": "MD",
            "email": "",
            "language": "en-gb",
            "is_active": "on",
            "date_joined_0": "2026-01-05",
            "date_joined_1": "09:00:00",
        }
        assert client.post(url, data).status_code == 302  # the control: it saves
        assert User.objects.get(pk=staff.pk).credentials == "MD"

        response = client.post(url, {**data, "last_name": "Le\u200be"})
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert ZERO_WIDTH in message(errors, "last_name")
        assert User.objects.get(pk=staff.pk).last_name == "Lee"


class TestLotNumbers:
    @pytest.fixture(autouse=True)
    def london(self, settings):
        settings.TIME_ZONE = "Europe/London"  # charting_posts' wall-clock times

    def test_model_refuses_a_lot_outside_the_pattern(self):
        vial = Vial(lot_number="C09 520")
        with pytest.raises(ValidationError) as caught:
            vial.clean_fields(exclude=["session", "size_units", "expiry_date"])
        assert LOT_PATTERN in message(caught.value.message_dict, "lot_number")

    def test_charting_page_keeps_a_printed_lot_as_typed(self, client, injector):
        course = TreatmentCourseFactory()
        client.force_login(injector)
        data = session_data(injector, lot_number="2021-04/b.7")
        assert client.post(create_url(course), data).status_code == 302
        assert Vial.objects.get().lot_number == "2021-04/b.7"

    @pytest.mark.parametrize(
        ("lot", "problem"),
        [
            ("C09\x0b520", CONTROL),
            ("C09\u200b520", ZERO_WIDTH),
            ("C09\u202e520", DIRECTION),
            ("C09 520", LOT_PATTERN),
            ("C09520<", LOT_PATTERN),
        ],
    )
    def test_charting_page_refuses_it_next_to_the_field(
        self, client, injector, lot, problem
    ):
        course = TreatmentCourseFactory()
        client.force_login(injector)
        response = client.post(
            create_url(course), session_data(injector, lot_number=lot)
        )
        assert response.status_code == 200
        assert problem in " ".join(field_errors(response, "lot_number"))
        assert ToxinSession.objects.exists() is False
        assert Vial.objects.exists() is False

    def test_charting_page_refuses_direction_marks_in_the_notes(self, client, injector):
        course = TreatmentCourseFactory()
        client.force_login(injector)
        data = session_data(injector, notes="Tolerated well\u202e")
        response = client.post(create_url(course), data)
        assert response.status_code == 200
        assert DIRECTION in " ".join(field_errors(response, "notes"))
        assert ToxinSession.objects.exists() is False
