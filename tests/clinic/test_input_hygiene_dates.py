"""Dates of birth within a life (no more than 120 years back, not in the future)
and dates typed only as the date inputs send them (ISO), through the patient
page, the admin and the model."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from patients.models import Patient
from patients.models.patient import oldest_birth_date
from tests.clinic.test_input_hygiene import ADULT, admin_patient_data, message
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("patients:patient_create")
ADMIN_ADD = reverse("admin:patients_patient_add")
TOO_OLD = "The date of birth is more than 120 years ago: check the year."
FUTURE = "The date of birth cannot be in the future."
NOT_A_DATE = "Enter a valid date."


def test_oldest_birth_date_is_120_years_back_and_handles_29_february():
    assert oldest_birth_date(datetime.date(2026, 12, 2)) == datetime.date(1906, 12, 2)
    assert oldest_birth_date(datetime.date(2024, 2, 29)) == datetime.date(1904, 2, 29)
    assert oldest_birth_date(datetime.date(2028, 2, 29)) == datetime.date(1908, 2, 29)
    assert oldest_birth_date(datetime.date(2025, 2, 28)) == datetime.date(1905, 2, 28)


class TestModel:
    def test_1850_is_refused(self):
        patient = PatientFactory.build(date_of_birth=datetime.date(1850, 1, 1))
        with pytest.raises(ValidationError) as caught:
            patient.full_clean()
        assert message(caught.value.message_dict, "date_of_birth") == TOO_OLD

    def test_exactly_120_years_back_is_taken_and_a_day_more_is_not(self):
        oldest = oldest_birth_date(timezone.localdate())
        PatientFactory.build(date_of_birth=oldest).full_clean()
        patient = PatientFactory.build(
            date_of_birth=oldest - datetime.timedelta(days=1)
        )
        with pytest.raises(ValidationError):
            patient.full_clean()

    def test_tomorrow_is_refused(self):
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        patient = PatientFactory.build(date_of_birth=tomorrow)
        with pytest.raises(ValidationError) as caught:
            patient.full_clean()
        assert message(caught.value.message_dict, "date_of_birth") == FUTURE


class TestPatientPage:
    @pytest.mark.parametrize(
        ("typed", "problem"),
        [
            ("1850-01-01", TOO_OLD),
            ("2999-01-01", FUTURE),
            ("31/12/99", NOT_A_DATE),
            ("12/31/1999", NOT_A_DATE),
            ("31/12/1999", NOT_A_DATE),
            ("1999-12-31T00:00", NOT_A_DATE),
            ("31 Dec 1999", NOT_A_DATE),
        ],
    )
    def test_it_is_refused_next_to_the_field_and_nothing_saved(
        self, client, scheduler, typed, problem
    ):
        client.force_login(scheduler)
        response = client.post(CREATE, {**ADULT, "date_of_birth": typed})
        assert response.status_code == 200
        assert message(response.context["form"].errors, "date_of_birth") == problem
        assert Patient.objects.exists() is False

    def test_an_iso_date_is_taken(self, client, scheduler):
        client.force_login(scheduler)
        response = client.post(CREATE, {**ADULT, "date_of_birth": "1999-12-31"})
        assert response.status_code == 302
        stored = Patient.objects.get(mrn="HYG-001")
        assert stored.date_of_birth == datetime.date(1999, 12, 31)

    def test_an_edit_cannot_move_the_birth_back_past_120_years(self, client, scheduler):
        patient = PatientFactory(date_of_birth=datetime.date(1968, 5, 17))
        client.force_login(scheduler)
        url = reverse("patients:patient_update", args=[patient.pk])
        data = {**ADULT, "mrn": patient.mrn, "date_of_birth": "1868-05-17"}
        response = client.post(url, data)
        assert response.status_code == 200
        assert message(response.context["form"].errors, "date_of_birth") == TOO_OLD
        patient.refresh_from_db()
        assert patient.date_of_birth == datetime.date(1968, 5, 17)


class TestAdmin:
    @pytest.mark.parametrize(
        ("typed", "problem"),
        [("1850-01-01", TOO_OLD), ("31/12/99", NOT_A_DATE), ("12/31/1999", NOT_A_DATE)],
    )
    def test_it_is_refused_next_to_the_field(
        self, client, clinic_admin, typed, problem
    ):
        client.force_login(clinic_admin)
        response = client.post(ADMIN_ADD, admin_patient_data(date_of_birth=typed))
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert message(errors, "date_of_birth") == problem
        assert Patient.objects.exists() is False

    def test_an_iso_date_is_taken(self, client, clinic_admin):
        client.force_login(clinic_admin)
        data = admin_patient_data(date_of_birth="1999-12-31")
        assert client.post(ADMIN_ADD, data).status_code == 302
        stored = Patient.objects.get(mrn="HYG-001")
        assert stored.date_of_birth == datetime.date(1999, 12, 31)
