"""Text as it is stored: Unicode NFC, and no characters a reader cannot see.

A right-to-left override or a zero-width space in a name makes two records look
alike on screen and differ in the database (or one name read backwards on a
label); a control character in a lot number breaks the recall search. The fields
below refuse them at the model, so every door that writes a record (clinician
forms, the admin, services that call full_clean) gives the same message, and
store the NFC form on every save, so "é" typed two ways is one name.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext

# Marks that change the direction text is shown in (Unicode bidi controls).
DIRECTION_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
# Characters that take no space at all.
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
# What a note may keep of the control characters: its line breaks and tabs.
NOTE_WHITESPACE = frozenset("\n\r\t")

# A lot number as printed on the vial and carton (C09520, E3709C3, 2021-04/B.7).
LOT_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9./-]{0,38}[A-Za-z0-9]")


def nfc(value):
    """The NFC form of a string; anything else (None) as it came."""
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def _hidden_character_problem(value: str, allowed=frozenset()) -> str | None:
    """What is wrong with the first unseen character of `value`, in words."""
    for character in value:
        if character in allowed:
            continue
        if character in DIRECTION_CONTROLS:
            return gettext(
                "Remove the hidden character that changes the text's direction "
                "(it can make the text read differently from what is stored)."
            )
        if character in ZERO_WIDTH:
            return gettext(
                "Remove the invisible zero-width character (often pasted in)."
            )
        if unicodedata.category(character) in ("Cc", "Cf"):
            return gettext("Remove the invisible control character (often pasted in).")
    return None


def refuse_hidden_characters(value: str) -> None:
    """For names and identifiers: nothing that is not seen on the page."""
    problem = _hidden_character_problem(value)
    if problem:
        raise ValidationError(problem, code="hidden_character")


def refuse_hidden_characters_in_notes(value: str) -> None:
    """For free text: line breaks and tabs, but no direction marks or other
    control characters. Zero-width joiners stay: emoji and some scripts need them."""
    for character in value:
        if character in DIRECTION_CONTROLS or (
            unicodedata.category(character) == "Cc" and character not in NOTE_WHITESPACE
        ):
            problem = _hidden_character_problem(character)
            raise ValidationError(problem, code="hidden_character")


def validate_lot_number(value: str) -> None:
    """Letters, digits and - / . only, starting and ending with a letter or
    digit: one message, the hidden character named first."""
    refuse_hidden_characters(value)
    if not LOT_NUMBER.fullmatch(value):
        raise ValidationError(
            gettext(
                "A lot number is 2 to 40 letters, digits, hyphens, slashes or dots, "
                "as printed on the vial, beginning and ending with a letter or digit."
            ),
            code="lot_number",
        )


class NormalisedText:
    """NFC when cleaned (so validators see what will be stored) and on every save
    (so a management command or a service that skips full_clean stores it too)."""

    def to_python(self, value):
        return nfc(super().to_python(value))

    def pre_save(self, model_instance, add):
        value = nfc(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)
        return value


class NameField(NormalisedText, models.CharField):
    """A person's name or an identifier: NFC, nothing unseen."""

    default_validators = [refuse_hidden_characters]


class LotNumberField(NormalisedText, models.CharField):
    """A vial's lot number, from the allow-list pattern; its case kept as entered
    (look-ups are case-insensitive)."""

    default_validators = [validate_lot_number]


class NoteField(NormalisedText, models.TextField):
    """Free text: NFC, line breaks and tabs, no direction marks."""

    default_validators = [refuse_hidden_characters_in_notes]
