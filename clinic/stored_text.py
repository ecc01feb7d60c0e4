"""Records kept from before the text rules (clinic/text.py) that break them now:
a name with a hidden character, a lot number outside the allow-list, text not in
NFC. Such a record is still shown and searched; it is refused the next time it
is saved until someone corrects it, so the clinic finds them first."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError

from clinic.text import NormalisedText, nfc

CHUNK_ROWS = 5000


@dataclass(frozen=True)
class Finding:
    label: str  # the model, "patients.patient"
    pk: int
    field: str
    problem: str


def checked_fields() -> Iterator[tuple[type, object]]:
    """Every text field under the rules, in every current model (a record's
    history keeps what it was, rightly)."""
    for model in apps.get_models():
        if hasattr(model, "instance_type"):  # simple_history's copy of a model
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, NormalisedText):
                yield model, field


def findings() -> Iterator[Finding]:
    """Each stored value that its field would refuse now, by record and field
    only: never the value (it may be a patient's name)."""
    for model, field in checked_fields():
        rows = (
            model._default_manager.exclude(**{field.attname: ""})
            .exclude(**{f"{field.attname}__isnull": True})
            .values_list("pk", field.attname)
            .order_by("pk")
        )
        for pk, value in rows.iterator(chunk_size=CHUNK_ROWS):
            problem = _problem(field, value)
            if problem:
                yield Finding(model._meta.label_lower, pk, field.name, problem)


def _problem(field, value: str) -> str:
    try:
        field.run_validators(value)
    except ValidationError as error:
        return " ".join(error.messages)
    if nfc(value) != value:
        return "Not in Unicode NFC: saving the record again stores it so."
    return ""
