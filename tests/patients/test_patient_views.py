import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from patients.models import Patient
from tests.factories import GuardianFactory, PatientFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("patients:patient_list")
CREATE = reverse("patients:patient_create")


def names(response) -> list[str]:
    return [patient.family_name for patient, _ in response.context["rows"]]


class TestPatientList:
    @pytest.mark.parametrize(
        "persona", ["neurologist", "injector", "therapist", "scheduler", "clinic_admin"]
    )
    def test_every_role_may_search_patients(self, client, request, persona):
        client.force_login(request.getfixturevalue(persona))
        assert client.get(LIST).status_code == 200

    @pytest.mark.parametrize("term", ["jose", "JOSÉ", "garcia jose", "Garcí"])
    def test_name_search_ignores_accents_and_case(self, client, scheduler, term):
        PatientFactory(given_name="José", family_name="García")
        PatientFactory(given_name="Josephine", family_name="Baker")
        client.force_login(scheduler)
        response = client.get(LIST, {"q": term})
        assert "García" in names(response)
        if term != "jose" and term != "JOSÉ":
            assert names(response) == ["García"]

    def test_search_by_mrn(self, client, scheduler):
        PatientFactory(mrn="HFS-0042", family_name="Wanted")
        PatientFactory(mrn="HFS-0420", family_name="Other")
        client.force_login(scheduler)
        response = client.get(LIST, {"q": "hfs-0042"})
        assert names(response) == ["Wanted"]

    @pytest.mark.parametrize("typed", ["1968-05-17", "17/05/1968"])
    def test_search_by_date_of_birth(self, client, scheduler, typed):
        PatientFactory(date_of_birth=datetime.date(1968, 5, 17), family_name="Born")
        PatientFactory(date_of_birth=datetime.date(1968, 5, 18), family_name="Later")
        client.force_login(scheduler)
        assert names(client.get(LIST, {"q": typed})) == ["Born"]

    def test_archived_patients_are_hidden_unless_asked_for(self, client, scheduler):
        PatientFactory(family_name="Kept", is_archived=True)
        client.force_login(scheduler)
        assert names(client.get(LIST, {"q": "kept"})) == []
        assert names(client.get(LIST, {"q": "kept", "archived": "on"})) == ["Kept"]

    def test_minor_without_consenting_guardian_is_flagged(self, client, scheduler):
        PatientFactory(family_name="Alone", date_of_birth=datetime.date(2016, 1, 1))
        GuardianFactory(patient__family_name="Cared")
        GuardianFactory(patient__family_name="Unconsented", holds_consent=False)
        client.force_login(scheduler)
        response = client.get(LIST)
        assert dict(
            (patient.family_name, flag) for patient, flag in response.context["rows"]
        ) == {"Alone": True, "Cared": False, "Unconsented": True}
        assert "Minor without consenting guardian" in response.content.decode()

    def test_list_is_paginated(self, client, scheduler):
        PatientFactory.create_batch(30)
        client.force_login(scheduler)
        first = client.get(LIST)
        second = client.get(LIST, {"page": 2})
        assert (len(first.context["rows"]), len(second.context["rows"])) == (25, 5)

    def test_page_uses_bootstrap_from_static_files(self, client, scheduler):
        client.force_login(scheduler)
        content = client.get(LIST).content.decode()
        assert "/static/bootstrap/css/bootstrap.min.css" in content
        # Nothing loaded from elsewhere (the CSRF token may spell "cdn" by chance).
        assert re.findall(r'(?:src|href)="(?:https?:)?//', content) == []

    def test_query_count_does_not_grow_with_rows(
        self, client, scheduler, django_assert_num_queries
    ):
        PatientFactory.create_batch(2, responsible_neurologist=UserFactory())
        client.force_login(scheduler)
        client.get(LIST)
        with CaptureQueriesContext(connection) as baseline:
            client.get(LIST)
        for patient in PatientFactory.create_batch(
            8, responsible_neurologist=UserFactory()
        ):
            GuardianFactory.create_batch(2, patient=patient)
        with django_assert_num_queries(len(baseline)):
            response = client.get(LIST)
        assert len(response.context["rows"]) == 10


VALID = {
    "mrn": "new-001",
    "given_name": "Noor",
    "family_name": "Haddad",
    "date_of_birth": "2015-04-02",
    "sex": "female",
    "guardians-TOTAL_FORMS": "1",
    "guardians-INITIAL_FORMS": "0",
    "guardians-0-full_name": "Rana Haddad",
    "guardians-0-relationship": "mother",
    "guardians-0-holds_consent": "on",
}


class TestPatientForm:
    def test_scheduler_creates_a_patient_with_a_guardian(self, client, scheduler):
        client.force_login(scheduler)
        response = client.post(CREATE, VALID)
        patient = Patient.objects.get(mrn="NEW-001")
        assert response.status_code == 302
        assert response["Location"] == reverse("patient_chart", args=[patient.pk])
        assert [g.full_name for g in patient.guardians.all()] == ["Rana Haddad"]
        assert patient.history.first().history_user == scheduler

    def test_minor_without_guardian_is_refused_next_to_the_guardians(
        self, client, scheduler
    ):
        client.force_login(scheduler)
        data = {**VALID, "guardians-0-full_name": "", "guardians-0-relationship": ""}
        response = client.post(CREATE, data)
        assert response.status_code == 200
        assert response.context["guardians"].non_form_errors() == [
            "This patient is under 18: add at least one guardian who holds consent "
            "before saving."
        ]
        assert 'id="guardian-errors"' in response.content.decode()
        assert Patient.objects.count() == 0

    def test_invalid_input_keeps_what_was_typed_and_saves_nothing(
        self, client, scheduler
    ):
        client.force_login(scheduler)
        data = {**VALID, "date_of_birth": "2999-01-01", "guardians-0-relationship": ""}
        response = client.post(CREATE, data)
        assert response.status_code == 200
        assert response.context["form"].errors["date_of_birth"] == [
            "The date of birth cannot be in the future."
        ]
        assert response.context["guardians"].forms[0].errors["relationship"]
        assert 'value="Haddad"' in response.content.decode()
        assert Patient.objects.count() == 0

    def test_a_double_submit_creates_one_patient(self, client, scheduler):
        client.force_login(scheduler)
        client.post(CREATE, VALID)
        second = client.post(CREATE, VALID)
        assert second.status_code == 200
        assert second.context["form"].errors["mrn"] == [
            "Another patient already has this MRN."
        ]
        assert Patient.objects.count() == 1

    def test_edit_changes_the_record(self, client, scheduler):
        patient = PatientFactory(phone="01632 960000")
        client.force_login(scheduler)
        url = reverse("patients:patient_update", args=[patient.pk])
        assert client.get(url).status_code == 200
        data = {
            "mrn": patient.mrn,
            "given_name": patient.given_name,
            "family_name": patient.family_name,
            "date_of_birth": "1968-05-17",
            "sex": "female",
            "phone": "01632 960999",
            "guardians-TOTAL_FORMS": "0",
            "guardians-INITIAL_FORMS": "0",
        }
        assert client.post(url, data).status_code == 302
        patient.refresh_from_db()
        assert patient.phone == "01632 960999"

    def test_unknown_patient_is_404(self, client, scheduler):
        client.force_login(scheduler)
        url = reverse("patients:patient_update", args=[999999])
        assert client.get(url).status_code == 404


class TestAccounts:
    def test_login_page_renders_with_styling(self, client):
        response = client.get(reverse("login"))
        assert response.status_code == 200
        assert "bootstrap.min.css" in response.content.decode()

    def test_login_leads_to_the_dashboard(self, client, scheduler):
        response = client.post(
            reverse("login"),
            {"username": "scheduler", "password": "correct horse battery"},
        )
        assert response["Location"] == reverse("home")

    def test_nav_shows_only_what_the_role_may_use(self, client, injector, scheduler):
        client.force_login(injector)
        assert "New patient" not in client.get(LIST).content.decode()
        client.force_login(scheduler)
        assert "New patient" in client.get(LIST).content.decode()


def test_a_long_list_is_counted_up_to_a_cap(client, scheduler, monkeypatch):
    from clinic.admin_records import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "CAP", 30)
    PatientFactory.create_batch(31, responsible_neurologist=None)
    client.force_login(scheduler)
    response = client.get(LIST)
    assert response.context["page_obj"].paginator.count == 30
    assert "Page 1 of more than" in response.content.decode()
