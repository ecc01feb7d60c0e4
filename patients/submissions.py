"""One-time tokens that make a create form safe to submit twice.

A blank create form carries a fresh token; the record saved from it keeps the token
under a unique constraint, so a second submit of the same form (double click,
browser resubmit) finds that record instead of saving another.
"""

import uuid

from django import forms
from django.db import IntegrityError, models, transaction


class FormTokenField(forms.UUIDField):
    """A one-time token for a create form, new on every blank form.

    The view stores it on the record it saves, so a second submit of the same form
    finds that record instead of saving another (double click, browser resubmit).
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, initial=uuid.uuid4, **kwargs)


def saved_by_token(queryset: models.QuerySet, data) -> models.Model | None:
    """The record an earlier submit of this same create form saved, if any."""
    try:
        token = uuid.UUID(data.get("form_token") or "")
    except ValueError:
        return None
    return queryset.filter(form_token=token).first()


def save_once(form, queryset: models.QuerySet, *, save=None):
    """Save a create form in one transaction, keeping its one-time token.

    Returns (record, created). Two submits racing past the token look-up meet the
    unique constraint: the loser answers with the winner's record. `save` saves
    the form instead of form.save (a write service that takes the form).
    """
    form.instance.form_token = form.cleaned_data.get("form_token") or uuid.uuid4()
    try:
        with transaction.atomic():
            return (save or form.save)(), True
    except IntegrityError:
        earlier = queryset.filter(form_token=form.instance.form_token).first()
        if earlier is None:
            raise
        return earlier, False
