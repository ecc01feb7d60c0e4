"""Patient search terms: names without accents or case, dates as typed."""

import datetime
import unicodedata

from django import forms
from django.core.exceptions import ValidationError


def search_key(text: str) -> str:
    """Lower-case, accent-free, single-spaced: "José  GARCÍA" -> "jose garcia"."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


# Forms take ISO dates only (clinic/formats); a search box also takes the day-first
# form printed on letters, with a four-digit year so that 99 is never guessed.
SEARCH_DATE = forms.DateField(input_formats=["%Y-%m-%d", "%d/%m/%Y"])


def parse_search_date(term: str) -> datetime.date | None:
    """The date typed in a search box (1968-05-17 or 17/05/1968), or None."""
    try:
        return SEARCH_DATE.clean(term.strip())
    except ValidationError:
        return None
