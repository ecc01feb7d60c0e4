"""The rows of a historical toxin-session file (README "CSV import: toxin
sessions"): one row an injected site, the sites of one session sharing its
patient, time and product, read into unsaved records for the charting service.

Nothing here writes or checks a clinical rule: a value that cannot be read is
reported against its row and column; every rule is the write service's
(treatments.charting), so a row is refused with the charting page's message.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext

from treatments.models import Injection, ToxinSession, Vial
from treatments.models.choices import BenefitRating, Muscle, Product, Side

SESSION_COLUMNS = (
    "mrn",
    "performed_at",
    "product",
    "injector",
    "course",
    "consent",
    "benefit",
    "wore_off_on",
    "notes",
)
SITE_COLUMNS = ("muscle", "side", "units", "points")
VIAL_COLUMNS = (
    "lot_number",
    "expiry_date",
    "vial_units",
    "diluent_ml",
    "reconstituted_at",
)
IMPORT_COLUMNS = (*SESSION_COLUMNS, *SITE_COLUMNS, *VIAL_COLUMNS)
REQUIRED_COLUMNS = ("mrn", "performed_at", "product", "injector", *SITE_COLUMNS[:3])
# A session is the same one when these agree (and, once read, the patient).
KEY_COLUMNS = ("mrn", "performed_at", "product")
YES = {"yes", "y", "true", "1"}
# What a historical session's record did not hold, as the chart lists it.
# (treatments.models.toxin.NOT_RECORDED names them on the chart.)
NOT_RECORDED_TIME = "time"
NOT_RECORDED_VIAL = "vial"
NOT_RECORDED_CONSENT = "consent"
# The clinic's example rows for the template: a session with two sites and no vial
# data, and one with its vial.
TEMPLATE_ROWS = (
    ("A1001", "2019-03-14", "onabotulinumtoxina", "drsmith", "", "")
    + ("", "", "", "oo_pretarsal_upper_medial", "right", "2.5", "1")
    + ("", "", "", "", ""),
    ("A1001", "2019-03-14", "onabotulinumtoxina", "drsmith", "", "")
    + ("", "", "", "oo_pretarsal_upper_lateral", "right", "2.5", "1")
    + ("", "", "", "", ""),
    ("A1001", "2019-06-20 10:30", "onabotulinumtoxina", "drsmith", "", "yes")
    + ("marked", "2019-09-30", "Paper chart, page 4", "corrugator", "right", "5")
    + ("", "C1234AB", "2020-01-31", "100", "2.0", "2019-06-20 09:50"),
)


class ImportFileError(Exception):
    """The file cannot be read as the layout says: nothing is imported."""


@dataclass
class Row:
    """One line of the file: its number as a spreadsheet shows it (the header is
    line 1) and its values by column."""

    number: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()

    def refuse(self, column: str, message: str) -> None:
        self.errors.append(f"{column}: {message}" if column else message)


def read_rows(text: str, *, max_rows: int) -> list[Row]:
    """The file's rows, with every column named by the layout."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headings = [name.strip().lower() for name in reader.fieldnames or ()]
    missing = [name for name in REQUIRED_COLUMNS if name not in headings]
    if missing:
        raise ImportFileError(
            gettext(
                "The file's first line must name the columns; missing: %(missing)s."
            )
            % {"missing": ", ".join(missing)}
        )
    reader.fieldnames = headings
    rows = []
    for number, values in enumerate(reader, start=2):
        if len(rows) == max_rows:
            raise ImportFileError(
                gettext(
                    "The file has more than %(rows)s rows: split it into smaller files."
                )
                % {"rows": f"{max_rows:,}"}
            )
        if any((value or "").strip() for value in values.values() if value):
            rows.append(Row(number, {k: v or "" for k, v in values.items() if k}))
    if not rows:
        raise ImportFileError(gettext("The file has no rows under its heading line."))
    return rows


def session_key(row: Row) -> tuple[str, str, str]:
    return (row.get("mrn").upper(), row.get("performed_at"), row.get("product").lower())


def group_sessions(rows: list[Row]) -> list[list[Row]]:
    """The rows of each session, sessions in the order of their first row."""
    groups: dict[tuple, list[Row]] = {}
    for row in rows:
        groups.setdefault(session_key(row), []).append(row)
    return list(groups.values())


def read_choice(row: Row, column: str, choices: type[models.TextChoices]) -> str:
    """A choice given as its stored value or as its label, any case."""
    given = row.get(column).lower()
    if not given:
        row.refuse(column, gettext("this column is required."))
        return ""
    for value, label in choices.choices:
        if given in (value, str(label).lower()):
            return value
    named = ", ".join(choices.values) if len(choices.values) <= 6 else ""
    row.refuse(
        column,
        gettext("“%(given)s” is not one of: %(named)s.")
        % {"given": row.get(column), "named": named}
        if named
        else gettext(
            "“%(given)s” is not a %(column)s code or name (the README lists them)."
        )
        % {"given": row.get(column), "column": column},
    )
    return ""


def read_moment(row: Row, column: str) -> datetime.datetime | None:
    """A time on the clinic's clocks; a date alone is the start of that day."""
    text = row.get(column)
    if not text:
        return None
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        row.refuse(
            column, gettext("give the date and time as YYYY-MM-DD HH:MM (or the date).")
        )
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def read_performed_at(row: Row, not_recorded: list[str]) -> datetime.datetime | None:
    """The session's time; given as a date alone, its time of day is listed as
    not recorded."""
    if not row.get("performed_at"):
        row.refuse("performed_at", gettext("this column is required."))
        return None
    if len(row.get("performed_at")) == len("YYYY-MM-DD"):
        not_recorded.append(NOT_RECORDED_TIME)
    return read_moment(row, "performed_at")


def read_decimal(row: Row, column: str, *, required: bool = True) -> Decimal | None:
    text = row.get(column)
    if not text and not required:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        row.refuse(
            column,
            gettext("enter a number.") if text else gettext("this column is required."),
        )
        return None
    if not value.is_finite():
        row.refuse(column, gettext("enter a number."))
        return None
    return value


def read_whole_number(row: Row, column: str, default: int | None) -> int | None:
    text = row.get(column)
    if not text:
        return default
    if not text.isdigit():
        row.refuse(column, gettext("enter a whole number."))
        return None
    return int(text)


def read_date(row: Row, column: str) -> datetime.date | None:
    text = row.get(column)
    if not text:
        return None
    try:
        day = parse_date(text)
    except ValueError:
        day = None
    if day is None:
        row.refuse(column, gettext("give the date as YYYY-MM-DD."))
    return day


@dataclass
class Lookups:
    """What the rows name, each read in one query for the whole file."""

    patients: dict[str, object]
    toxin_courses: dict[int, list]
    users: dict[str, object]


def session_record(rows: list[Row], lookups: Lookups) -> ToxinSession | None:
    """The unsaved session the rows describe (its sites' values read by
    `site_records`), or None with the rows' errors said."""
    first = rows[0]
    not_recorded: list[str] = []
    patient = lookups.patients.get(first.get("mrn").upper())
    if patient is None:
        first.refuse(
            "mrn", gettext("no patient has this MRN (import the patient first).")
        )
    elif patient.merged_into_id is not None:
        first.refuse(
            "mrn", gettext("this record was merged into another: use that one's MRN.")
        )
        patient = None
    performed_at = read_performed_at(first, not_recorded)
    product = read_choice(first, "product", Product)
    injector = lookups.users.get(first.get("injector"))
    if injector is None:
        first.refuse("injector", gettext("no user has this username."))
    _refuse_disagreeing(rows)
    course = patient and _course(first, lookups.toxin_courses.get(patient.pk, []))
    consent = first.get("consent").lower()
    if consent and consent not in YES:
        first.refuse(
            "consent",
            gettext(
                "a session given without consent is charted on the charting page, "
                "which flags it for a neurologist; here say yes or leave it empty."
            ),
        )
    if not consent:
        not_recorded.append(NOT_RECORDED_CONSENT)
    benefit = (
        read_choice(first, "benefit", BenefitRating) if first.get("benefit") else ""
    )
    wore_off_on = read_date(first, "wore_off_on")
    if any(row.errors for row in rows) or course is None:
        return None
    return ToxinSession(
        course=course,
        performed_at=performed_at,
        injector=injector,
        product=product,
        consent_obtained=bool(consent),
        benefit=benefit,
        wore_off_on=wore_off_on,
        notes=first.get("notes"),
        is_historical=True,
        not_recorded=not_recorded,
    )


def _refuse_disagreeing(rows: list[Row]) -> None:
    """Every row of a session repeats its session columns, or leaves them empty."""
    first = rows[0]
    for row in rows[1:]:
        for column in SESSION_COLUMNS:
            if row.get(column) and row.get(column) != first.get(column):
                row.refuse(
                    column,
                    gettext("differs from line %(line)s, the session's first line.")
                    % {"line": first.number},
                )


def _course(row: Row, courses: list):
    """The patient's botulinum-toxin course: the only one, or the one named."""
    named = row.get("course")
    if named:
        chosen = [course for course in courses if str(course.pk) == named]
        if not chosen:
            row.refuse(
                "course", gettext("not one of this patient's botulinum-toxin courses.")
            )
            return None
        return chosen[0]
    if len(courses) == 1:
        return courses[0]
    row.refuse(
        "course",
        gettext(
            "the patient has no botulinum-toxin course: start one on the chart first."
        )
        if not courses
        else gettext(
            "the patient has several botulinum-toxin courses: give the course "
            "number (%(numbers)s)."
        )
        % {"numbers": ", ".join(str(course.pk) for course in courses)},
    )
    return None


def site_records(rows: list[Row]) -> tuple[list[Vial], list[Injection]]:
    """The sites of a session and the vials they came from, one vial a lot; the
    vial columns are given on every row or on none."""
    with_vial = [row for row in rows if any(row.get(c) for c in VIAL_COLUMNS)]
    if with_vial and len(with_vial) != len(rows):
        for row in rows:
            if row not in with_vial:
                row.refuse(
                    "lot_number",
                    gettext(
                        "give the vial columns on every line of the session or on none."
                    ),
                )
    vials: dict[str, Vial] = {}
    sites = []
    for row in rows:
        site = Injection(
            muscle=read_choice(row, "muscle", Muscle),
            side=read_choice(row, "side", Side),
            units=read_decimal(row, "units"),
            points=read_whole_number(row, "points", default=1),
        )
        if with_vial:
            site.vial = _vial(row, vials)
        sites.append(site)
    return list(vials.values()), sites


def _vial(row: Row, vials: dict[str, Vial]) -> Vial | None:
    lot = row.get("lot_number").upper()
    if lot in vials:
        return vials[lot]
    vial = Vial(
        lot_number=lot,
        expiry_date=read_date(row, "expiry_date"),
        size_units=read_whole_number(row, "vial_units", default=None),
        diluent_volume_ml=read_decimal(row, "diluent_ml", required=False),
        reconstituted_at=read_moment(row, "reconstituted_at"),
    )
    if vial.size_units == 0:
        row.refuse("vial_units", gettext("The vial size must be more than 0 units."))
    for column in ("lot_number", "expiry_date", "vial_units"):
        if not row.get(column):
            row.refuse(column, gettext("this column is required with the vial's data."))
    vials[lot] = vial
    return vial
