"""Historical toxin sessions imported from a CSV file, through the charting
service (treatments.charting.chart_toxin_session) like every other door.

A dry run charts every session inside a transaction it then rolls back, so it
reports what the import would do, warnings included, and writes nothing. The
import writes each session the service accepts in its own savepoint and reports
the rest against their lines: a session the charting page would refuse is
refused with the same message. A session whose warnings the dry run showed is
written only when a user who may override chose to, for that session or the
whole file, with one reason, and the warnings are still the ones shown.
Sessions are charted in time order, so each is checked against the sessions
before it, imported ones included. A session already on the chart (same
patient, time and product) is skipped: importing a file again adds nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from patients.models import Patient
from treatments import charting
from treatments.models import CourseKind, ToxinSession, TreatmentCourse
from treatments.session_import_rows import (
    NOT_RECORDED_VIAL,
    Lookups,
    Row,
    group_sessions,
    read_rows,
    session_key,
    session_record,
    site_records,
)

MAX_ROWS = 20_000
# The report lists every session with a problem and this many of the others.
SHOWN_CLEAN = 200
# Outcomes of a session, and how the report says them.
WRITTEN = "imported"
WOULD_WRITE = "would_import"
ALREADY = "already"
REFUSED = "refused"
NEEDS_OVERRIDE = "needs_override"
OUTCOME_LABELS = {
    WRITTEN: _("imported"),
    WOULD_WRITE: _("would be imported"),
    ALREADY: _("already on the chart: skipped"),
    REFUSED: _("refused"),
    NEEDS_OVERRIDE: _("warnings need an override"),
}


@dataclass
class Override:
    """The override a user chose on the dry run's report: for the whole file or
    for the sessions named by their first line, with one reason."""

    reason: str = ""
    whole_file: bool = False
    lines: frozenset[int] = frozenset()
    # Each warned session's warnings as the dry run showed them (its first line:
    # charting.warnings_digest).
    shown: dict[int, str] = field(default_factory=dict)

    def covers(self, line: int) -> bool:
        return bool(self.reason.strip()) and (self.whole_file or line in self.lines)


@dataclass
class SessionOutcome:
    rows: list[Row]
    outcome: str = ""
    messages: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    digest: str = ""
    not_recorded: list[str] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.rows[0].number

    @property
    def first(self) -> dict[str, str]:
        return self.rows[0].values

    @property
    def line_range(self) -> str:
        last = self.rows[-1].number
        return f"{self.line}–{last}" if last != self.line else str(self.line)

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS.get(self.outcome, self.outcome))

    @property
    def has_problem(self) -> bool:
        return self.outcome in (REFUSED, NEEDS_OVERRIDE) or bool(self.messages)

    @property
    def css(self) -> str:
        return {REFUSED: "refused", NEEDS_OVERRIDE: "warned"}.get(self.outcome, "ok")


@dataclass
class ImportReport:
    sessions: list[SessionOutcome]
    dry_run: bool

    def count(self, outcome: str) -> int:
        return sum(1 for session in self.sessions if session.outcome == outcome)

    @property
    def counts(self) -> list[tuple[str, int]]:
        every = (WRITTEN, WOULD_WRITE, ALREADY, NEEDS_OVERRIDE, REFUSED)
        return [(OUTCOME_LABELS[o], self.count(o)) for o in every if self.count(o)]

    @property
    def warned_count(self) -> int:
        return sum(1 for session in self.sessions if session.digest)

    @property
    def shown_sessions(self) -> list[SessionOutcome]:
        """In the file's order, every session with a problem and the first
        SHOWN_CLEAN of the others."""
        listed, clean_listed = [], 0
        for session in self.sessions:
            if session.has_problem:
                listed.append(session)
            elif clean_listed < SHOWN_CLEAN:
                listed.append(session)
                clean_listed += 1
        return listed

    @property
    def hidden_count(self) -> int:
        return len(self.sessions) - len(self.shown_sessions)

    def lines_with_errors(self) -> list[int]:
        return [
            row.number
            for session in self.sessions
            for row in session.rows
            # A session's own refusal is said on its first line.
            if row.errors
            or (
                session.outcome == REFUSED
                and session.messages
                and row is session.rows[0]
            )
        ]


def import_sessions(
    text: str,
    *,
    by,
    dry_run: bool,
    override: Override | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Read the file, then chart (or, on a dry run, try) each session in time
    order. Raises session_import_rows.ImportFileError for a file that cannot be
    read."""
    groups = group_sessions(read_rows(text, max_rows=MAX_ROWS))
    lookups = _lookups(groups)
    outcomes = [SessionOutcome(rows) for rows in groups]
    drafts = [(outcome, _draft(outcome, lookups)) for outcome in outcomes]
    existing = _sessions_on_chart([draft[0] for _, draft in drafts if draft])
    charted = sorted(
        ((o, d) for o, d in drafts if d is not None),
        key=lambda pair: (pair[1][0].performed_at, pair[0].line),
    )
    with transaction.atomic():
        for done, (outcome, draft) in enumerate(charted, start=1):
            if _key_of(draft[0]) in existing:
                outcome.outcome = ALREADY
            else:
                _chart(outcome, draft, by=by, dry_run=dry_run, override=override)
                existing.add(_key_of(draft[0]))
            if progress and (done % 50 == 0 or done == len(charted)):
                progress(done, len(charted))
        if dry_run:
            transaction.set_rollback(True)
    return ImportReport(outcomes, dry_run)


def _lookups(groups: list[list[Row]]) -> Lookups:
    mrns = {session_key(rows[0])[0] for rows in groups}
    patients = {p.mrn: p for p in Patient.objects.filter(mrn__in=mrns)}
    courses: dict[int, list] = {}
    for course in (
        TreatmentCourse.objects.filter(
            case__patient__in=patients.values(), kind=CourseKind.BOTULINUM_TOXIN
        )
        .select_related("case__patient")
        .order_by("pk")
    ):
        courses.setdefault(course.case.patient_id, []).append(course)
    usernames = {rows[0].get("injector") for rows in groups}
    users = get_user_model().objects.filter(username__in=usernames)
    return Lookups(patients, courses, {user.username: user for user in users})


def _draft(outcome: SessionOutcome, lookups: Lookups):
    """The session's unsaved records, or None when its lines cannot be read."""
    session = session_record(outcome.rows, lookups)
    vials, sites = site_records(outcome.rows)
    if session is not None and not vials:
        session.not_recorded.append(NOT_RECORDED_VIAL)
    for site, row in zip(sites, outcome.rows, strict=True):
        _check_site(site, row)
    if session is None or any(row.errors for row in outcome.rows):
        outcome.outcome = REFUSED
        return None
    outcome.not_recorded = session.not_recorded_labels
    return session, vials, sites


def _check_site(site, row: Row) -> None:
    """Each site's own rules, said against its line (the service checks them
    again, for the session as a whole)."""
    if row.errors:
        return
    try:
        site.full_clean(
            exclude=["session", "vial"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        for column, messages in error.message_dict.items():
            for message in messages:
                row.refuse("" if column == "__all__" else column, message)


def _key_of(session: ToxinSession) -> tuple:
    return (session.course.case.patient_id, session.performed_at, session.product)


def _sessions_on_chart(sessions: list[ToxinSession]) -> set[tuple]:
    """The (patient, time, product) of the valid sessions already charted at the
    times the file names, in one query."""
    if not sessions:
        return set()
    stored = ToxinSession.objects.valid().filter(
        course__case__patient__in={s.course.case.patient_id for s in sessions},
        performed_at__in={s.performed_at for s in sessions},
    )
    return set(
        stored.values_list("course__case__patient_id", "performed_at", "product")
    )


def _chart(outcome: SessionOutcome, draft, *, by, dry_run: bool, override) -> None:
    session, vials, sites = draft
    try:
        charting.chart_toxin_session(session=session, vials=vials, sites=sites, by=by)
        outcome.outcome = WOULD_WRITE if dry_run else WRITTEN
    except ValidationError as refused:
        outcome.outcome = REFUSED
        outcome.messages = _messages(refused)
    except IntegrityError:
        # The service's savepoint is rolled back; what the checks above let
        # through, the database refused.
        outcome.outcome = REFUSED
        outcome.messages = [
            gettext("The session breaks a rule of the record: check its values.")
        ]
    except charting.OverrideRequired as warned:
        outcome.warnings = [warning.message for warning in warned.warnings]
        outcome.digest = charting.warnings_digest(warned.warnings)
        _chart_warned(outcome, draft, by=by, dry_run=dry_run, override=override)


def _chart_warned(outcome, draft, *, by, dry_run: bool, override) -> None:
    """On a dry run the session is charted as if overridden, so the sessions after
    it are checked as the import will check them; on the import only with the
    override chosen for it, against the warnings the dry run showed."""
    session, vials, sites = draft
    if dry_run:
        _rechart(session, vials, sites, by=by, digest=outcome.digest, given=True)
        outcome.outcome = NEEDS_OVERRIDE
        return
    if override is None or not override.covers(outcome.line):
        outcome.outcome = NEEDS_OVERRIDE
        return
    if not charting.may_override(by, []):
        outcome.outcome = NEEDS_OVERRIDE
        outcome.messages = [gettext("Only a neurologist may override these warnings.")]
        return
    if override.shown.get(outcome.line) != outcome.digest:
        outcome.outcome = NEEDS_OVERRIDE
        outcome.messages = [
            gettext("The warnings differ from those the dry run showed: run it again.")
        ]
        return
    _rechart(
        session, vials, sites, by=by, digest=outcome.digest, reason=override.reason
    )
    outcome.outcome = WRITTEN


def _rechart(session, vials, sites, *, by, digest, given=False, reason="") -> None:
    """The same records again, now with the warnings seen and overridden (or, on
    a dry run, saved as given) inside a savepoint of their own."""
    session.pk = None
    for record in (*vials, *sites):
        record.pk = None
    charting.chart_toxin_session(
        session=session,
        vials=vials,
        sites=sites,
        by=by,
        override_reason=reason,
        shown_warnings_digest=digest,
        given_already=given,
    )


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            message if column == "__all__" else f"{column}: {message}"
            for column, messages in error.message_dict.items()
            for message in messages
        ]
    return list(error.messages)
