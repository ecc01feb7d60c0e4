"""Cells for a file a person opens in a spreadsheet, made safe from formula
injection as OWASP describes it: a cell that starts with =, +, -, @, a tab or a
carriage return would run as a formula, so it is written after a single quote
and opens as text."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value) -> str:
    """The value as text, quoted where a spreadsheet would read a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
