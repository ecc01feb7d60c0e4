"""One-time tokens that make a create form safe to submit twice, and the one
shape of a record page's POST built on them.

A blank create form carries a fresh token; the record saved from it keeps the token
under a unique constraint, so a second submit of the same form (double click,
browser resubmit) finds that record instead of saving another.
"""

import copy
import uuid

from django import forms
from django.contrib import messages
from django.db import IntegrityError, models, transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import capfirst
from django.utils.translation import gettext

from clinic.access import record_access


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


def already_saved(noun: str) -> str:
    return gettext("This %(record)s was already saved.") % {"record": noun}


def saved(noun: str) -> str:
    return gettext("%(record)s saved.") % {"record": capfirst(noun)}


def create_from_post(
    request, *, form, queryset, write, noun: str, then, on_created=None
) -> HttpResponse | None:
    """A create page's POST, in one shape for every record.

    A second submit of the same form finds the record the first one saved; a valid
    form is saved once through `write(instance)`, the record's write service.
    `then(record)` is the answer once saved (usually a redirect); `on_created`
    says what the page tells of a new record (by default "<Noun> saved.").
    Returns None when the form has errors, for the page to show them.
    """
    earlier = saved_by_token(queryset, request.POST)
    if earlier is not None:
        messages.info(request, already_saved(noun))
        return then(earlier)
    if not form.is_valid():
        return None
    record, created = save_once(form, queryset, save=lambda: write(form.instance))
    if not created:
        messages.info(request, already_saved(noun))
    elif on_created is not None:
        on_created(record)
    else:
        messages.success(request, saved(noun))
    return then(record)


def update_from_post(
    request, *, form, write, noun: str, then, on_saved=None
) -> HttpResponse | None:
    """An edit page's POST: a valid form is saved through `write(instance)`;
    `on_saved` says what the page tells (by default "<Noun> saved."). Returns
    None when the form has errors, for the page to show them."""
    if not form.is_valid():
        return None
    record = write(form.instance)
    if on_saved is not None:
        on_saved(record)
    else:
        messages.success(request, saved(noun))
    return then(record)


def record_page(
    request,
    *,
    form_class,
    instance,
    write,
    noun: str,
    then,
    template: str,
    context: dict,
    queryset=None,
    on_saved=None,
    form_kwargs=None,
) -> HttpResponse:
    """A record's create or edit page, GET and POST, in one shape.

    A new `instance` makes a create page (create_from_post; `queryset` finds what
    an earlier submit of the form saved), a saved one an edit page, whose form
    fills a copy so that the page shows the record as saved while the form has
    errors (update_from_post). The page is `template` with `context` and the form;
    opening it is logged against `context["patient"]`.
    """
    kwargs = form_kwargs or {}

    def page(form):
        return render(request, template, {"form": form, **context})

    if request.method != "POST":
        record_access(request, context["patient"], instance)
        return page(form_class(instance=instance, **kwargs))
    answer_with = {"request": request, "write": write, "noun": noun, "then": then}
    if instance.pk is None:
        form = form_class(request.POST, instance=instance, **kwargs)
        answer = create_from_post(
            **answer_with, form=form, queryset=queryset, on_created=on_saved
        )
    else:
        form = form_class(request.POST, instance=copy.copy(instance), **kwargs)
        answer = update_from_post(**answer_with, form=form, on_saved=on_saved)
    return answer if answer is not None else page(form)
