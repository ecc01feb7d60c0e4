"""Every form that changes something needs the page's CSRF token: a POST made
elsewhere (another site's form, a script) is refused and changes nothing."""

import pytest
from django.urls import reverse

from tests.factories import PatientFactory
from tests.signin import SignedInClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict_client():
    return SignedInClient(enforce_csrf_checks=True)


def test_a_post_without_the_token_is_refused_and_saves_nothing(
    strict_client, clinic_admin
):
    patient = PatientFactory(given_name="Saved")
    strict_client.force_login(clinic_admin)
    url = reverse("patients:patient_update", args=[patient.pk])
    response = strict_client.post(url, {"given_name": "Forged", "mrn": patient.mrn})
    assert response.status_code == 403
    patient.refresh_from_db()
    assert patient.given_name == "Saved"


def test_the_sign_in_and_the_admin_need_the_token_too(strict_client, superuser):
    login = strict_client.post(reverse("login"), {"username": "x", "password": "y"})
    assert login.status_code == 403
    strict_client.force_login(superuser)
    admin_post = strict_client.post(
        reverse("admin:patients_patient_add"), {"mrn": "FORGED-1"}
    )
    assert admin_post.status_code == 403


def test_a_post_with_the_pages_token_is_accepted(strict_client, clinic_admin):
    strict_client.force_login(clinic_admin)
    page = strict_client.get(reverse("patients:patient_list"))
    token = page.context["csrf_token"]
    response = strict_client.post(
        reverse("keep_alive"), headers={"X-CSRFToken": str(token)}
    )
    assert response.status_code == 200
