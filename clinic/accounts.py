"""Who may change what on a user account, and the one way roles are changed.

Roles are groups (clinic.models.Role), and what a role may do is its group's
permissions. The rules:

- A superuser may change anything on any account, but not their own status flags
  (active, staff, superuser), so that nobody locks themselves out by mistake.
- A user administrator (a user holding clinic.change_user: the Clinic admin role)
  may, on another account that is not a superuser's, give or take every role but
  the Neurologist one (it carries the safety-warning overrides and study sign-off),
  activate or deactivate it, and edit its name, credentials and staff flag. Never
  its sign-in credentials (password, e-mail), superuser status or individual
  permissions; and nothing of their own status or roles. A new account's initial
  password and e-mail are set by whoever creates it.
- Everyone else changes no account, and what each role may do (a group's
  permissions) is set by migrations and superusers only.

Every role change, by anyone, goes through change_roles and is recorded there as a
RoleChange. No signal catches writes made elsewhere: this is the one write path (but
for seed_demo, which sets its fixed demo users' roles directly).
"""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext

from clinic.models import Role, RoleChange, RoleChangeKind, User

# Only a superuser gives or takes these: they override safety warnings and sign off
# study results.
SUPERUSER_ROLES = frozenset({Role.NEUROLOGIST})
# A user administrator gives or takes these on other users' accounts.
DELEGATED_ROLES = frozenset(Role.values) - SUPERUSER_ROLES

# What lets someone sign in as the user, or reset that: changed by nobody but the
# user and a superuser. Second-factor devices join here when they arrive.
CREDENTIALS = frozenset({"password", "email"})
STATUS = frozenset({"is_active", "is_staff", "is_superuser"})
SUPERUSER_ONLY = frozenset({"is_superuser", "user_permissions"})


def administers_users(actor: User) -> bool:
    return actor.is_active and actor.has_perm("clinic.change_user")


def may_define_roles(actor: User) -> bool:
    """Whether actor may create groups or change what they permit."""
    return actor.is_active and actor.is_superuser


def may_change_account(*, actor: User, user: User | None) -> bool:
    """Whether actor may edit user's account at all (None: a new account). Nobody
    but a superuser edits a superuser's account."""
    if actor.is_superuser:
        return actor.is_active
    return administers_users(actor) and not (user is not None and user.is_superuser)


def locked_fields(*, actor: User, user: User | None) -> frozenset[str]:
    """The account fields that actor, allowed to edit user's account, may still not
    change on it (user None: an account being created)."""
    if user is None:
        return frozenset() if actor.is_superuser else SUPERUSER_ONLY
    own = actor.pk == user.pk
    if actor.is_superuser:
        return STATUS if own else frozenset()
    # A password is set on a new account only; the user changes their own on the
    # password page, which asks for the old one.
    locked = SUPERUSER_ONLY | {"password"}
    if own:
        return locked | STATUS | {"groups"}
    return locked | CREDENTIALS


def role_refusal(*, actor: User, user: User | None, role: str) -> str | None:
    """Why actor may not give role to user or take it away, or None if they may."""
    if actor.is_superuser and actor.is_active:
        return None
    if not administers_users(actor):
        return gettext("Only user administrators change roles.")
    if user is not None and user.pk == actor.pk:
        return gettext("Only a superuser changes their own roles.")
    if user is not None and user.is_superuser:
        return gettext("Only a superuser changes a superuser's roles.")
    if role not in DELEGATED_ROLES:
        return gettext("Only a superuser gives or takes away the %(role)s role.") % {
            "role": role
        }
    return None


def current_roles(user: User | None) -> set[str]:
    if user is None or user.pk is None:
        return set()
    return set(user.groups.values_list("name", flat=True))


def role_refusals(
    *, actor: User, user: User | None, roles: Iterable[str | Group]
) -> list[str]:
    """Why actor may not make `roles` the user's roles: one message per refusal,
    for the roles that would change; empty when every change is allowed."""
    changed = _names(roles) ^ current_roles(user)
    refusals = (role_refusal(actor=actor, user=user, role=r) for r in sorted(changed))
    return sorted({refusal for refusal in refusals if refusal})


@transaction.atomic
def change_roles(
    *, actor: User, user: User, roles: Iterable[str | Group]
) -> list[RoleChange]:
    """Make `roles` (groups or their names) exactly the user's roles and record
    each role given or taken away: who, whom, which, when.

    Raises PermissionDenied, changing nothing, when actor may not make one of the
    changes; ValueError for a role that does not exist.
    """
    # One change at a time per user, so each logged change is what happened.
    User.objects.select_for_update().filter(pk=user.pk).first()
    wanted = _names(roles)
    refusals = role_refusals(actor=actor, user=user, roles=wanted)
    if refusals:
        raise PermissionDenied(" ".join(refusals))
    current = current_roles(user)
    added, removed = wanted - current, current - wanted
    groups = {group.name: group for group in Group.objects.filter(name__in=added)}
    if missing := added - groups.keys():
        raise ValueError(f"No such role: {', '.join(sorted(missing))}.")
    user.groups.add(*groups.values())
    user.groups.remove(*Group.objects.filter(name__in=removed))
    for cache in ("_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)
    changes = [
        RoleChange(actor=actor, user=user, role=name, change=kind)
        for names, kind in (
            (added, RoleChangeKind.ADDED),
            (removed, RoleChangeKind.REMOVED),
        )
        for name in sorted(names)
    ]
    return RoleChange.objects.bulk_create(changes)


def _names(roles: Iterable[str | Group]) -> set[str]:
    return {role.name if isinstance(role, Group) else str(role) for role in roles}
