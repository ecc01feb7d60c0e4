"""Every clinical model's admin pages open, show no delete, and keep constant queries.

The models and their makers are listed beside each app's own admin tests.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from patients.models import Guardian, RedFlagAcknowledgement, StudyAmendment
from scheduling.models import Appointment
from tests.patients.test_admin import MODELS as PATIENT_MODELS
from tests.patients.test_admin import admin_url
from tests.treatments.test_admin import MODELS as TREATMENT_MODELS
from treatments.models import AdverseEffect, Injection, ToxinSession, Vial

pytestmark = pytest.mark.django_db

MODELS = PATIENT_MODELS + TREATMENT_MODELS


@pytest.mark.parametrize(("model", "make", "key"), MODELS)
def test_changelist_works_and_offers_no_delete(client, clinic_admin, model, make, key):
    obj = make()
    client.force_login(clinic_admin)

    response = client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    assert obj in response.context["cl"].result_list
    assert b'value="delete_selected"' not in response.content


# Models whose records are written elsewhere, where their rules are checked: a
# guardian on its patient's page (a minor keeps a guardian who holds consent), a
# toxin session with its vials, sites and effects on the clinician pages (warnings
# and overrides), an amendment of a signed study on the clinician's study page,
# an appointment on the scheduling pages (clashes, earliest safe date), a red
# flag's acknowledgement on the chart or the dashboard, by a neurologist.
READ_ONLY = {
    Guardian,
    ToxinSession,
    Vial,
    Injection,
    AdverseEffect,
    StudyAmendment,
    Appointment,
    RedFlagAcknowledgement,
}


@pytest.mark.parametrize(("model", "make", "key"), MODELS)
def test_add_page_works_unless_added_elsewhere(client, clinic_admin, model, make, key):
    client.force_login(clinic_admin)

    response = client.get(admin_url(model, "add"))

    assert response.status_code == (403 if model in READ_ONLY else 200)


@pytest.mark.parametrize(("model", "make", "key"), MODELS)
def test_change_page_shows_the_record(client, clinic_admin, model, make, key):
    obj = make()
    client.force_login(clinic_admin)

    response = client.get(admin_url(model, "change", obj.pk))

    assert response.status_code == 200
    assert key(obj) in response.content.decode()
    assert admin_url(model, "delete", obj.pk) not in response.content.decode()


@pytest.mark.parametrize(("model", "make", "key"), MODELS)
def test_history_page_works(client, clinic_admin, model, make, key):
    obj = make()
    client.force_login(clinic_admin)

    response = client.get(admin_url(model, "history", obj.pk))

    assert response.status_code == 200
    assert "Created" in response.content.decode()


@pytest.mark.parametrize(("model", "make", "key"), MODELS)
def test_changelist_query_count_does_not_grow(
    client, clinic_admin, django_assert_num_queries, model, make, key
):
    for _ in range(2):
        make()
    client.force_login(clinic_admin)
    url = admin_url(model, "changelist")
    client.get(url)  # Warm process-wide caches (content types) first.
    with CaptureQueriesContext(connection) as baseline:
        client.get(url)
    for _ in range(5):
        make()

    with django_assert_num_queries(len(baseline)):
        response = client.get(url)

    assert response.context["cl"].result_count == 7
