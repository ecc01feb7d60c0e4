import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic import accounts
from clinic.models import AccessAction, AccessLog, RoleChange, User
from tests.factories import PatientFactory, UserFactory

pytestmark = pytest.mark.django_db


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def make_user():
    return UserFactory(credentials="MD", roles=["Neurologist"])


def make_access_log():
    return AccessLog.objects.create(
        user=UserFactory(), patient=PatientFactory(), action=AccessAction.EXPORT
    )


def make_role_change():
    return accounts.change_roles(
        actor=UserFactory(is_superuser=True),
        user=UserFactory(),
        roles=["Injector"],
    )[0]


def test_every_model_is_registered_and_no_historical_one():
    for app_label in ("clinic", "patients", "treatments", "scheduling"):
        for model in apps.get_app_config(app_label).get_models():
            historical = model.__name__.startswith("Historical")
            assert admin.site.is_registered(model) is not historical, model


@pytest.mark.parametrize(
    ("model", "make"),
    [
        (User, make_user),
        (AccessLog, make_access_log),
        (RoleChange, make_role_change),
    ],
    ids=["user", "accesslog", "rolechange"],
)
def test_changelist_works_and_does_not_grow_queries(
    client, clinic_admin, django_assert_num_queries, model, make
):
    for _ in range(2):
        make()
    client.force_login(clinic_admin)
    url = admin_url(model, "changelist")
    client.get(url)  # Warm process-wide caches (content types) first.
    with CaptureQueriesContext(connection) as baseline:
        response = client.get(url)
    assert response.status_code == 200
    assert b'value="delete_selected"' not in response.content
    for _ in range(5):
        make()

    with django_assert_num_queries(len(baseline)):
        response = client.get(url)

    assert response.context["cl"].result_count == model.objects.count()


def test_user_pages_work_and_show_credentials(client, clinic_admin):
    user = make_user()
    client.force_login(clinic_admin)

    assert client.get(admin_url(User, "add")).status_code == 200
    response = client.get(admin_url(User, "change", user.pk))

    assert response.status_code == 200
    assert 'name="credentials"' in response.content.decode()
    assert 'value="MD"' in response.content.decode()


@pytest.mark.parametrize("persona", ["clinic_admin", "superuser"])
def test_users_are_never_deleted(client, request, persona):
    user = make_user()
    client.force_login(request.getfixturevalue(persona))

    assert client.get(admin_url(User, "delete", user.pk)).status_code == 403
    assert client.post(admin_url(User, "delete", user.pk)).status_code == 403
    assert User.objects.filter(pk=user.pk).exists()


def test_only_a_superuser_grants_superuser_status(client, clinic_admin, superuser):
    client.force_login(clinic_admin)
    response = client.get(admin_url(User, "change", clinic_admin.pk))
    assert 'name="is_superuser"' not in response.content.decode()

    client.force_login(superuser)
    response = client.get(admin_url(User, "change", clinic_admin.pk))
    assert 'name="is_superuser"' in response.content.decode()


def test_access_log_is_view_only(client, clinic_admin, superuser):
    entry = make_access_log()
    for user in (clinic_admin, superuser):
        client.force_login(user)

        assert client.get(admin_url(AccessLog, "add")).status_code == 403
        response = client.get(admin_url(AccessLog, "change", entry.pk))
        assert response.status_code == 200
        assert str(entry.patient) in response.content.decode()
        assert 'name="_save"' not in response.content.decode()
        assert client.post(admin_url(AccessLog, "change", entry.pk)).status_code == 403
        assert client.post(admin_url(AccessLog, "delete", entry.pk)).status_code == 403


def test_access_log_history_page_works(client, clinic_admin):
    entry = make_access_log()
    client.force_login(clinic_admin)

    assert client.get(admin_url(AccessLog, "history", entry.pk)).status_code == 200


def autocomplete(client, app_label, model_name, field_name, term):
    return client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": app_label,
            "model_name": model_name,
            "field_name": field_name,
            "term": term,
        },
    )


def test_a_neurologist_can_pick_an_active_neurologist(client, neurologist):
    active = UserFactory(last_name="Adeyemi", is_staff=True, roles=["Neurologist"])
    UserFactory(
        last_name="Adebayo", is_staff=True, is_active=False, roles=["Neurologist"]
    )
    UserFactory(last_name="Adewale", is_staff=True, roles=["Injector"])
    UserFactory(last_name="Adeola", is_staff=True, roles=["Clinic admin"])
    client.force_login(neurologist)

    response = autocomplete(
        client, "patients", "case", "responsible_neurologist", "Ade"
    )

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(active.pk)]
    # Picking a clinician does not open the user admin itself.
    assert client.get(admin_url(User, "changelist")).status_code == 403


def test_picking_a_clinician_needs_a_form_the_user_may_fill(client, scheduler):
    UserFactory(last_name="Adeyemi", is_staff=True, roles=["Therapist"])
    client.force_login(scheduler)

    allowed = autocomplete(client, "scheduling", "appointment", "clinician", "Ade")
    refused = autocomplete(client, "patients", "case", "responsible_neurologist", "Ade")

    assert allowed.status_code == 200
    assert len(allowed.json()["results"]) == 1
    assert refused.status_code == 403
