"""The query parameters a list page takes, and a 400 for any other.

A misspelt filter (?archive=1 for ?archived=1) silently ignored shows a list that
looks filtered and is not; a page that answers 400 says the address is wrong.
"""

import functools

from django.core.exceptions import BadRequest


def allow_query_params(*names: str, **choices: frozenset[str]):
    """Let a view take the query parameters `names` with any value, and each of
    `choices` with one of its values only; anything else answers 400 (Django's
    BadRequest, rendered by templates/400.html), never a silent ignore."""
    allowed = {*names, *choices}

    def decorator(view):
        @functools.wraps(view)
        def checked(request, *args, **kwargs):
            unknown = sorted(set(request.GET) - allowed)
            if unknown:
                raise BadRequest(f"Unknown query parameter {unknown[0]!r}.")
            for name, values in choices.items():
                if any(value not in values for value in request.GET.getlist(name)):
                    raise BadRequest(f"Unknown value for query parameter {name!r}.")
            return view(request, *args, **kwargs)

        return checked

    return decorator
