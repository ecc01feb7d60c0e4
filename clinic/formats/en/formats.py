"""Date formats for every English locale the clinic runs in (en, en-gb, en-us).

Inputs take ISO dates only: `<input type="date">` and `datetime-local` accept nothing
else, so a form that rendered 17/05/1968 into one showed it empty and lost the date on
save. The first input format is the one forms render with. Display is one unambiguous
form everywhere ("17 May 1968"), the same on both sides of the Atlantic.
"""

DATE_FORMAT = "d M Y"
DATETIME_FORMAT = "d M Y H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = ["%Y-%m-%d"]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%dT%H:%M",  # what datetime-local sends and shows
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
]
