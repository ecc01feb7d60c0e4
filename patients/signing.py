"""Signed records stay signed: how a change to a signed-off study is refused.

Which columns a sign-off locks is one constant beside the model
(`patients.models.SIGNED_STUDY_FIELDS`); this module holds the refusals that read
it: the error the model's save() and the QuerySet's update() raise, the comparison
of a row with what is stored, and the PostgreSQL trigger that refuses the same
change from any other door (raw SQL, another program).
"""

import functools
import operator
from collections.abc import Iterable, Mapping

import pgtrigger
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# Marked, not translated here: the PostgreSQL trigger below raises it in English;
# the refusals shown to users translate it when raised.
SIGNED_MESSAGE = gettext_noop(
    "This study was signed off: its result and sign-off cannot be changed. Add an "
    "amendment to correct it."
)
SIGN_OFF_ONLY_MESSAGE = _(
    "A study is marked reviewed, and its reviewer and review time set, only by "
    "signing it off."
)


class SignedStudyError(ValidationError):
    """A change to a signed-off study, or a sign-off by any other path, refused."""


def changed_fields(
    record: models.Model, stored: Mapping, names: Iterable[str]
) -> set[str]:
    """The fields among `names` whose value on `record` differs from `stored`
    (a row read with .values() of the fields' attnames)."""
    changed = set()
    for name in names:
        attname = record._meta.get_field(name).attname
        # A FieldFile compares equal to its stored name.
        if getattr(record, attname) != stored[attname]:
            changed.add(name)
    return changed


def refuse_signed_update_trigger(
    *, name: str, signed_status: str, fields: Iterable[str]
) -> pgtrigger.Trigger:
    """A trigger refusing an UPDATE that changes any of `fields` of a row whose
    stored status is `signed_status`.

    The sign-off itself passes (the stored status is not yet the signed one), and
    so does any change of another column (the case a merge moves, entered in
    error). django-pgtrigger installs it through migrations on PostgreSQL only.
    """
    changed = functools.reduce(
        operator.or_,
        [pgtrigger.Q(**{f"old__{f}__df": pgtrigger.F(f"new__{f}")}) for f in fields],
    )
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.Before,
        operation=pgtrigger.Update,
        condition=pgtrigger.Q(old__status=signed_status) & changed,
        func=(
            f"RAISE EXCEPTION '{SIGNED_MESSAGE}' "
            "USING ERRCODE = 'integrity_constraint_violation';"
        ),
    )


def refuse_changes_trigger(*, name: str) -> pgtrigger.Protect:
    """A trigger refusing any UPDATE or DELETE: the record is written once."""
    return pgtrigger.Protect(name=name, operation=pgtrigger.Update | pgtrigger.Delete)
