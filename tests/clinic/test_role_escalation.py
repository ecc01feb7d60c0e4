"""Roles cannot be escalated: every door to a user's roles, status and credentials,
tried by a clinic administrator, a neurologist and a superuser, with the database
re-read after each attempt."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clinic import accounts
from clinic.models import RoleChange, RoleChangeKind, User
from scheduling.models import CalendarFeed
from tests.factories import CalendarFeedFactory, UserFactory

pytestmark = pytest.mark.django_db

DELEGATED = ["Injector", "Therapist", "Scheduler", "Clinic admin"]


def user_url(view, *args):
    if view == "password":
        return reverse("admin:auth_user_password_change", args=args)
    return reverse(f"admin:clinic_user_{view}", args=args)


def feed_url(view, *args):
    return reverse(f"admin:scheduling_calendarfeed_{view}", args=args)


def group_pk(name):
    return Group.objects.get(name=name).pk


def permission_pk(dotted):
    app_label, codename = dotted.split(".")
    return Permission.objects.get(
        content_type__app_label=app_label, codename=codename
    ).pk


def roles_of(user) -> set[str]:
    return set(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


def change_data(user, **changes):
    """What the user's change page posts back, with `changes` on top; a false
    checkbox is left out, as a browser does."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "credentials": user.credentials,
        "email": user.email,
        "language": user.language,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "groups": [group.pk for group in user.groups.all()],
        **changes,
    }
    return {
        key: ("on" if value is True else value)
        for key, value in data.items()
        if value is not False
    }


# Everything a user administrator may never do to another user's account.
ESCALATIONS = {
    "permissions": lambda: {
        "user_permissions": [
            permission_pk("treatments.override_safety_warnings"),
            permission_pk("patients.review_diagnosticstudy"),
        ]
    },
    "superuser": lambda: {"is_superuser": True},
    "email": lambda: {"email": "attacker@example.org"},
    "password": lambda: {"password": "md5$salt$known"},
}


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def injector_user(db):
    return UserFactory(
        username="target",
        email="target@clinic.example.org",
        is_staff=True,
        roles=["Injector"],
    )


def assert_account_unchanged(user):
    fresh = User.objects.get(pk=user.pk)
    assert fresh.is_superuser is False
    assert fresh.user_permissions.exists() is False
    assert fresh.email == user.email
    assert fresh.password == user.password
    assert fresh.has_perm("treatments.override_safety_warnings") is False
    assert fresh.has_perm("patients.review_diagnosticstudy") is False


# The incident: a clinic administrator escalating on their own user page.


def test_a_clinic_admin_cannot_escalate_on_their_own_page(client, clinic_admin):
    client.force_login(clinic_admin)
    data = change_data(
        clinic_admin,
        is_superuser=True,
        user_permissions=[
            permission_pk("treatments.override_safety_warnings"),
            permission_pk("patients.review_diagnosticstudy"),
        ],
        groups=[group_pk("Clinic admin"), group_pk("Neurologist")],
        is_active=False,
        is_staff=False,
    )

    client.post(user_url("change", clinic_admin.pk), data)

    fresh = User.objects.get(pk=clinic_admin.pk)
    assert roles_of(clinic_admin) == {"Clinic admin"}
    assert (fresh.is_superuser, fresh.is_active, fresh.is_staff) == (False, True, True)
    assert fresh.has_perm("patients.review_diagnosticstudy") is False
    assert fresh.has_perm("treatments.override_safety_warnings") is False
    assert RoleChange.objects.exists() is False


def test_a_clinic_admin_cannot_drop_their_own_role(client, clinic_admin):
    client.force_login(clinic_admin)

    client.post(
        user_url("change", clinic_admin.pk),
        change_data(clinic_admin, groups=[group_pk("Injector")]),
    )

    assert roles_of(clinic_admin) == {"Clinic admin"}


def test_their_own_page_shows_roles_and_status_read_only(client, clinic_admin):
    client.force_login(clinic_admin)

    form = client.get(user_url("change", clinic_admin.pk)).context["adminform"].form

    assert {"groups", "is_active", "is_staff", "is_superuser"} & set(
        form.fields
    ) == set()
    assert {"user_permissions", "password"} & set(form.fields) == set()
    assert "email" in form.fields  # their own address is theirs to keep current


# Another user's account, through the change form.


@pytest.mark.parametrize("attempt", ESCALATIONS, ids=list(ESCALATIONS))
def test_a_clinic_admin_cannot_escalate_another_user(
    client, clinic_admin, injector_user, attempt
):
    client.force_login(clinic_admin)

    response = client.post(
        user_url("change", injector_user.pk),
        change_data(injector_user, **ESCALATIONS[attempt]()),
    )

    assert response.status_code == 302  # the locked field is simply not in the form
    assert_account_unchanged(injector_user)
    assert roles_of(injector_user) == {"Injector"}


def test_a_clinic_admin_cannot_give_the_neurologist_role(
    client, clinic_admin, injector_user
):
    client.force_login(clinic_admin)

    response = client.post(
        user_url("change", injector_user.pk),
        change_data(injector_user, groups=[group_pk("Neurologist")]),
    )

    assert response.status_code == 200
    assert "groups" in response.context["adminform"].form.errors
    assert roles_of(injector_user) == {"Injector"}
    assert RoleChange.objects.exists() is False


def test_a_clinic_admin_cannot_take_the_neurologist_role(
    client, clinic_admin, neurologist
):
    client.force_login(clinic_admin)

    response = client.post(
        user_url("change", neurologist.pk),
        change_data(neurologist, groups=[group_pk("Injector")]),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["groups"] == [
        "Only a superuser gives or takes away the Neurologist role."
    ]
    assert roles_of(neurologist) == {"Neurologist"}


def test_a_neurologist_keeps_their_role_when_given_another(
    client, clinic_admin, neurologist
):
    client.force_login(clinic_admin)
    data = change_data(
        neurologist, groups=[group_pk("Neurologist"), group_pk("Therapist")]
    )

    assert client.post(user_url("change", neurologist.pk), data).status_code == 302

    assert roles_of(neurologist) == {"Neurologist", "Therapist"}


def test_the_form_offers_only_the_roles_the_admin_may_give(
    client, clinic_admin, injector_user, neurologist
):
    client.force_login(clinic_admin)

    def offered(user):
        response = client.get(user_url("change", user.pk))
        field = response.context["adminform"].form.fields["groups"]
        return {group.name for group in field.queryset}

    assert offered(injector_user) == set(DELEGATED)
    # A role the user holds stays shown, so that it is kept.
    assert offered(neurologist) == {*DELEGATED, "Neurologist"}


def test_the_change_page_offers_no_password_change_or_email_field(
    client, clinic_admin, injector_user
):
    client.force_login(clinic_admin)

    response = client.get(user_url("change", injector_user.pk))

    fields = set(response.context["adminform"].form.fields)
    assert {"password", "email", "is_superuser", "user_permissions"} & fields == set()
    content = response.content.decode()
    assert user_url("password", injector_user.pk) not in content
    assert "../password/" not in content
    assert injector_user.password not in content
    assert 'name="email"' not in content
    assert injector_user.email in content  # shown, read-only


def test_a_clinic_admin_cannot_change_a_superusers_account(
    client, clinic_admin, superuser
):
    client.force_login(clinic_admin)

    response = client.post(
        user_url("change", superuser.pk),
        change_data(superuser, is_active=False, first_name="Mallory"),
    )

    assert response.status_code == 403
    fresh = User.objects.get(pk=superuser.pk)
    assert (fresh.is_active, fresh.first_name) == (True, superuser.first_name)


# The password page.


@pytest.mark.parametrize("persona", ["clinic_admin", "neurologist"])
def test_the_password_page_is_refused_to_non_superusers(
    client, request, persona, injector_user
):
    actor = request.getfixturevalue(persona)
    client.force_login(actor)
    form = {"password1": "n3w-Passw0rd!", "password2": "n3w-Passw0rd!"}

    for user in (injector_user, actor):
        url = user_url("password", user.pk)
        assert client.get(url).status_code == 403
        assert client.post(url, {**form, "set-password": ""}).status_code == 403
        assert User.objects.get(pk=user.pk).password == user.password


def test_a_superuser_may_set_another_users_password(client, superuser, injector_user):
    client.force_login(superuser)
    url = user_url("password", injector_user.pk)

    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "password1": "n3w-Passw0rd!",
            "password2": "n3w-Passw0rd!",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302
    assert User.objects.get(pk=injector_user.pk).check_password("n3w-Passw0rd!")


# The add form.


def add_data(**changes):
    return {
        "username": "newcomer",
        "usable_password": "true",
        "password1": "Initial-passw0rd!",
        "password2": "Initial-passw0rd!",
        "first_name": "Nia",
        "last_name": "Newcomer",
        "email": "newcomer@clinic.example.org",
        "is_staff": "on",
        "groups": [group_pk("Scheduler")],
        **changes,
    }


def test_a_clinic_admin_adds_a_user_with_a_password_and_a_delegated_role(
    client, clinic_admin
):
    client.force_login(clinic_admin)

    response = client.post(
        user_url("add"),
        add_data(
            is_superuser="on",
            user_permissions=[permission_pk("treatments.override_safety_warnings")],
        ),
    )

    assert response.status_code == 302
    user = User.objects.get(username="newcomer")
    assert (user.is_superuser, user.is_staff) == (False, True)
    assert user.user_permissions.exists() is False
    assert user.check_password("Initial-passw0rd!") is True
    assert roles_of(user) == {"Scheduler"}
    assert list(RoleChange.objects.values_list("actor", "user", "role", "change")) == [
        (clinic_admin.pk, user.pk, "Scheduler", RoleChangeKind.ADDED)
    ]


def test_a_clinic_admin_cannot_add_a_neurologist(client, clinic_admin):
    client.force_login(clinic_admin)

    response = client.post(user_url("add"), add_data(groups=[group_pk("Neurologist")]))

    assert response.status_code == 200
    assert "groups" in response.context["adminform"].form.errors
    assert User.objects.filter(username="newcomer").exists() is False


def test_the_add_form_offers_no_superuser_or_permissions(client, clinic_admin):
    client.force_login(clinic_admin)

    form = client.get(user_url("add")).context["adminform"].form

    assert {"is_superuser", "user_permissions"} & set(form.fields) == set()
    assert {group.name for group in form.fields["groups"].queryset} == set(DELEGATED)


# A neurologist administers no users.


def test_a_neurologist_cannot_open_or_post_user_pages(
    client, neurologist, injector_user
):
    client.force_login(neurologist)

    assert client.get(user_url("change", injector_user.pk)).status_code == 403
    assert client.get(user_url("add")).status_code == 403
    for user in (injector_user, neurologist):
        data = change_data(user, groups=[group_pk("Clinic admin")], is_superuser=True)
        assert client.post(user_url("change", user.pk), data).status_code == 403
    assert client.post(user_url("add"), add_data()).status_code == 403

    assert roles_of(injector_user) == {"Injector"}
    assert roles_of(neurologist) == {"Neurologist"}
    assert User.objects.filter(username="newcomer").exists() is False


# What a clinic administrator may do.


@pytest.mark.parametrize("role", DELEGATED)
def test_a_clinic_admin_gives_a_delegated_role_and_it_is_recorded(
    client, clinic_admin, role
):
    user = UserFactory(username="newcomer", is_staff=True)
    client.force_login(clinic_admin)
    before = timezone.now()

    response = client.post(
        user_url("change", user.pk), change_data(user, groups=[group_pk(role)])
    )

    assert response.status_code == 302
    assert roles_of(user) == {role}
    change = RoleChange.objects.get()
    assert (change.actor, change.user, change.role, change.change) == (
        clinic_admin,
        user,
        role,
        RoleChangeKind.ADDED,
    )
    assert before <= change.at <= timezone.now()


def test_a_clinic_admin_takes_a_role_away_and_it_is_recorded(
    client, clinic_admin, injector_user
):
    client.force_login(clinic_admin)

    response = client.post(
        user_url("change", injector_user.pk), change_data(injector_user, groups=[])
    )

    assert response.status_code == 302
    assert roles_of(injector_user) == set()
    assert list(RoleChange.objects.values_list("actor", "user", "role", "change")) == [
        (clinic_admin.pk, injector_user.pk, "Injector", RoleChangeKind.REMOVED)
    ]


def test_a_clinic_admin_deactivates_another_user_and_sets_staff(
    client, clinic_admin, injector_user
):
    client.force_login(clinic_admin)

    response = client.post(
        user_url("change", injector_user.pk),
        change_data(injector_user, is_active=False, is_staff=False),
    )

    assert response.status_code == 302
    fresh = User.objects.get(pk=injector_user.pk)
    assert (fresh.is_active, fresh.is_staff) == (False, False)


def test_a_superuser_gives_the_neurologist_role_and_it_is_recorded(
    client, superuser, injector_user
):
    client.force_login(superuser)

    response = client.post(
        user_url("change", injector_user.pk),
        change_data(injector_user, groups=[group_pk("Neurologist")]),
    )

    assert response.status_code == 302
    assert roles_of(injector_user) == {"Neurologist"}
    assert set(RoleChange.objects.values_list("actor", "user", "role", "change")) == {
        (superuser.pk, injector_user.pk, "Neurologist", RoleChangeKind.ADDED),
        (superuser.pk, injector_user.pk, "Injector", RoleChangeKind.REMOVED),
    }


def test_a_superuser_grants_permissions_and_superuser_status(
    client, superuser, injector_user
):
    client.force_login(superuser)
    perm = permission_pk("patients.review_diagnosticstudy")

    client.post(
        user_url("change", injector_user.pk),
        change_data(injector_user, user_permissions=[perm], is_superuser=True),
    )

    fresh = User.objects.get(pk=injector_user.pk)
    assert fresh.is_superuser is True
    assert list(fresh.user_permissions.values_list("pk", flat=True)) == [perm]


def test_a_superuser_cannot_deactivate_themselves(client, superuser):
    client.force_login(superuser)

    client.post(
        user_url("change", superuser.pk),
        change_data(superuser, is_active=False, is_superuser=False),
    )

    fresh = User.objects.get(pk=superuser.pk)
    assert (fresh.is_active, fresh.is_superuser) == (True, True)


# The service: the same rules, without the admin.


@pytest.mark.parametrize(
    ("target", "roles"),
    [
        ("injector_user", ["Injector", "Neurologist"]),  # give Neurologist
        ("neurologist", []),  # take it away
        ("clinic_admin", ["Clinic admin", "Injector"]),  # their own roles
        ("clinic_admin", []),
        ("superuser", ["Scheduler"]),  # a superuser's roles
    ],
)
def test_the_service_refuses_a_clinic_admin_and_changes_nothing(
    request, clinic_admin, target, roles
):
    user = request.getfixturevalue(target)
    held = roles_of(user)

    with pytest.raises(PermissionDenied):
        accounts.change_roles(actor=clinic_admin, user=user, roles=roles)

    assert roles_of(user) == held
    assert RoleChange.objects.exists() is False


def test_one_refused_role_refuses_the_whole_change(clinic_admin, injector_user):
    with pytest.raises(PermissionDenied, match="Neurologist"):
        accounts.change_roles(
            actor=clinic_admin,
            user=injector_user,
            roles=["Injector", "Scheduler", "Neurologist"],
        )

    assert roles_of(injector_user) == {"Injector"}
    assert RoleChange.objects.exists() is False


@pytest.mark.parametrize("role", DELEGATED + ["Neurologist"])
def test_the_service_refuses_a_neurologist_any_role(neurologist, injector_user, role):
    roles = [] if role == "Injector" else ["Injector", role]

    with pytest.raises(PermissionDenied, match="Only user administrators"):
        accounts.change_roles(actor=neurologist, user=injector_user, roles=roles)

    assert roles_of(injector_user) == {"Injector"}
    assert RoleChange.objects.exists() is False


def test_the_service_refuses_a_deactivated_clinic_admin(clinic_admin, injector_user):
    clinic_admin.is_active = False

    with pytest.raises(PermissionDenied):
        accounts.change_roles(actor=clinic_admin, user=injector_user, roles=[])

    assert roles_of(injector_user) == {"Injector"}


def test_the_service_records_who_whom_what_and_when(clinic_admin, injector_user):
    before = timezone.now()

    changes = accounts.change_roles(
        actor=clinic_admin, user=injector_user, roles=["Therapist", "Scheduler"]
    )

    assert roles_of(injector_user) == {"Therapist", "Scheduler"}
    assert injector_user.has_perm("scheduling.add_appointment") is True
    stored = RoleChange.objects.order_by("pk")
    assert [(c.role, c.change) for c in stored] == [
        ("Scheduler", RoleChangeKind.ADDED),
        ("Therapist", RoleChangeKind.ADDED),
        ("Injector", RoleChangeKind.REMOVED),
    ]
    assert len(changes) == 3
    assert {(c.actor_id, c.user_id) for c in stored} == {
        (clinic_admin.pk, injector_user.pk)
    }
    assert all(before <= c.at <= before + timedelta(minutes=1) for c in stored)


def test_the_service_records_nothing_when_nothing_changes(clinic_admin, injector_user):
    assert (
        accounts.change_roles(
            actor=clinic_admin, user=injector_user, roles=["Injector"]
        )
        == []
    )
    assert RoleChange.objects.exists() is False


def test_a_superuser_may_give_and_take_the_neurologist_role(superuser, injector_user):
    accounts.change_roles(actor=superuser, user=injector_user, roles=["Neurologist"])
    assert roles_of(injector_user) == {"Neurologist"}

    accounts.change_roles(actor=superuser, user=injector_user, roles=[])
    assert roles_of(injector_user) == set()
    assert RoleChange.objects.filter(actor=superuser, role="Neurologist").count() == 2


def test_a_superuser_may_change_their_own_roles(superuser):
    accounts.change_roles(actor=superuser, user=superuser, roles=["Neurologist"])

    assert roles_of(superuser) == {"Neurologist"}


def test_an_unknown_role_changes_nothing(superuser, injector_user):
    with pytest.raises(ValueError, match="No such role"):
        accounts.change_roles(
            actor=superuser, user=injector_user, roles=["Injector", "Pharmacist"]
        )

    assert roles_of(injector_user) == {"Injector"}
    assert RoleChange.objects.exists() is False


def test_roles_are_written_through_the_service_only():
    """No signal catches a write elsewhere, so none may exist in the apps."""
    root = Path(__file__).resolve().parents[2]
    allowed = {
        root / "clinic" / "accounts.py",
        # Demo logins only; it sets its fixed demo users' roles directly.
        root / "clinic" / "management" / "commands" / "seed_demo.py",
    }
    writes = re.compile(r"\b(groups|user_set)\.(add|set|remove|clear)\(")
    offenders = [
        str(path.relative_to(root))
        for app in ("clinic", "patients", "treatments", "scheduling")
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts
        and path not in allowed
        and writes.search(path.read_text())
    ]
    assert offenders == []


# The role-change log and the role definitions.


def test_the_role_change_log_is_read_only(client, clinic_admin, superuser):
    change = accounts.change_roles(
        actor=superuser, user=clinic_admin, roles=["Clinic admin", "Injector"]
    )[0]
    url = reverse("admin:clinic_rolechange_change", args=[change.pk])
    for user in (clinic_admin, superuser):
        client.force_login(user)

        response = client.get(reverse("admin:clinic_rolechange_changelist"))
        assert response.status_code == 200
        assert "Injector" in response.content.decode()
        assert client.get(url).status_code == 200
        assert client.get(reverse("admin:clinic_rolechange_add")).status_code == 403
        assert client.post(url, {"role": "Neurologist"}).status_code == 403
        delete = reverse("admin:clinic_rolechange_delete", args=[change.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403

    change.refresh_from_db()
    assert change.role == "Injector"


def test_a_neurologist_cannot_read_the_role_change_log(client, neurologist):
    client.force_login(neurologist)

    response = client.get(reverse("admin:clinic_rolechange_changelist"))

    assert response.status_code == 403


def test_a_clinic_admin_cannot_change_what_a_role_permits(client, clinic_admin):
    group = Group.objects.get(name="Clinic admin")
    held = set(group.permissions.values_list("pk", flat=True))
    client.force_login(clinic_admin)
    override = permission_pk("treatments.override_safety_warnings")

    assert client.get(reverse("admin:auth_group_changelist")).status_code == 200
    response = client.post(
        reverse("admin:auth_group_change", args=[group.pk]),
        {"name": group.name, "permissions": [*held, override]},
    )
    assert response.status_code == 403
    response = client.post(
        reverse("admin:auth_group_add"),
        {"name": "Back door", "permissions": [override]},
    )
    assert response.status_code == 403

    assert set(group.permissions.values_list("pk", flat=True)) == held
    assert Group.objects.filter(name="Back door").exists() is False
    assert (
        User.objects.get(pk=clinic_admin.pk).has_perm(
            "treatments.override_safety_warnings"
        )
        is False
    )


# Calendar feeds: seen and revoked by a clinic administrator, the token never shown.


@pytest.fixture
def feed(neurologist):
    return CalendarFeedFactory(clinician=neurologist)


def test_a_clinic_admin_sees_feeds_but_never_their_tokens(client, clinic_admin, feed):
    client.force_login(clinic_admin)

    pages = [
        client.get(feed_url("changelist")),
        client.get(feed_url("change", feed.pk)),
        client.get(feed_url("history", feed.pk)),
    ]

    assert [page.status_code for page in pages] == [200, 200, 200]
    assert str(feed.clinician) in pages[0].content.decode()
    for page in pages:
        assert feed.token not in page.content.decode()


def test_the_feed_list_does_not_grow_queries(
    client, clinic_admin, django_assert_num_queries
):
    CalendarFeedFactory.create_batch(2)
    client.force_login(clinic_admin)
    client.get(feed_url("changelist"))  # Warm process-wide caches first.
    with CaptureQueriesContext(connection) as baseline:
        client.get(feed_url("changelist"))
    CalendarFeedFactory.create_batch(5)

    with django_assert_num_queries(len(baseline)):
        response = client.get(feed_url("changelist"))

    assert response.context["cl"].result_count == 7


def test_the_feed_list_cannot_be_filtered_on_the_token(client, clinic_admin, feed):
    client.force_login(clinic_admin)

    response = client.get(feed_url("changelist"), {"token__startswith": "test"})

    assert response.status_code == 400


def test_a_clinic_admin_revokes_a_feed_and_it_is_in_its_history(
    client, clinic_admin, feed
):
    client.force_login(clinic_admin)
    address = reverse("scheduling:calendar_feed", args=[feed.token])
    assert client.get(address).status_code == 200

    response = client.post(
        feed_url("changelist"), {"action": "revoke", "_selected_action": [feed.pk]}
    )

    assert response.status_code == 302
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert client.get(address).status_code == 404
    entry = LogEntry.objects.get(object_id=str(feed.pk))
    assert (entry.user, entry.get_change_message()) == (
        clinic_admin,
        "Revoked the feed.",
    )
    history = client.get(feed_url("history", feed.pk)).content.decode()
    assert "Revoked the feed." in history
    assert feed.token not in history


def test_revoking_a_revoked_feed_changes_and_logs_nothing(client, clinic_admin, feed):
    revoked_at = timezone.now() - timedelta(days=3)
    CalendarFeed.objects.filter(pk=feed.pk).update(revoked_at=revoked_at)
    client.force_login(clinic_admin)

    client.post(
        feed_url("changelist"), {"action": "revoke", "_selected_action": [feed.pk]}
    )

    feed.refresh_from_db()
    assert feed.revoked_at == revoked_at
    assert LogEntry.objects.exists() is False


def test_a_feed_is_not_edited_so_cannot_be_unrevoked(client, clinic_admin, feed):
    CalendarFeed.objects.filter(pk=feed.pk).update(revoked_at=timezone.now())
    client.force_login(clinic_admin)

    response = client.post(feed_url("change", feed.pk), {"revoked_at_0": ""})

    assert response.status_code == 403
    feed.refresh_from_db()
    assert feed.revoked_at is not None


def test_only_a_feed_administrator_sees_the_feeds(client, neurologist, feed):
    client.force_login(neurologist)

    assert client.get(feed_url("changelist")).status_code == 403
    response = client.post(
        feed_url("changelist"), {"action": "revoke", "_selected_action": [feed.pk]}
    )
    assert response.status_code == 403
    feed.refresh_from_db()
    assert feed.revoked_at is None
