"""Date formats for Spanish.

Inputs take ISO dates only, as in English (clinic/formats/en): `<input type="date">`
and `datetime-local` accept nothing else, and Django's own Spanish input formats
(17/05/1968) would leave them empty. Display is Spanish-style ("17 may 1968").
Numbers keep the point as the decimal mark in inputs: USE_THOUSAND_SEPARATOR is off
and forms render numbers unlocalized, so `<input type="number">` reads them.
"""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
YEAR_MONTH_FORMAT = r"F \d\e Y"
MONTH_DAY_FORMAT = r"j \d\e F"
FIRST_DAY_OF_WEEK = 1  # lunes

DATE_INPUT_FORMATS = ["%Y-%m-%d"]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%dT%H:%M",  # what datetime-local sends and shows
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
]
