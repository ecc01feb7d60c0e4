"""Toxin soon after a Bell's palsy, on its side: a warning shown before saving,
beside the session's other safety warnings (treatments/safety.py), with the same
override. Pure: plain dates and sides, no database.

Why: the nerve is still recovering in the first months; weakness from the toxin
adds to the palsy's; and the synkinesis that toxin may later treat appears from
about 12-16 weeks (DOMAIN.md 4.5). The window is the clinic's
(CLINIC_BELLS_TOXIN_CAUTION_DAYS, 3 months by default).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import ngettext

from treatments.safety import SafetyWarning, day_text, side_text

AFTER_BELLS_PALSY = "after_bells_palsy"


@dataclass(frozen=True)
class BellsOnset:
    """A Bell's palsy of the patient: when it began, and its side ("right" or
    "left"; "" for both sides or none recorded)."""

    onset_on: date
    side: str


def after_bells_palsy(
    *,
    onsets: Iterable[BellsOnset],
    session_on: date,
    sides: Iterable[str],
    caution_days: int,
) -> list[SafetyWarning]:
    """A warning per palsy whose onset is fewer than `caution_days` before the
    session and whose side is injected. A midline site counts for both sides; a
    palsy without a recorded side, or on both, for any site."""
    injected = set(sides)
    if "midline" in injected:
        injected |= {"left", "right"}
    warnings = []
    for onset in onsets:
        days = (session_on - onset.onset_on).days
        if not 0 <= days < caution_days:
            continue
        if onset.side in ("left", "right") and onset.side not in injected:
            continue
        warnings.append(
            SafetyWarning(
                AFTER_BELLS_PALSY,
                _after_bells_message(onset.side, days)
                % {
                    "side": side_text(onset.side),
                    "began": day_text(onset.onset_on),
                    "days": days,
                    "caution_days": caution_days,
                },
            )
        )
    return warnings


def _after_bells_message(side: str, days: int) -> str:
    """The warning's sentence, naming the palsy's side when it has one."""
    if side in ("left", "right"):
        return ngettext(
            "Bell's palsy on the %(side)s began on %(began)s, %(days)s day before "
            "this session: toxin on that side within %(caution_days)s days of onset "
            "adds weakness to a nerve still recovering. Synkinesis usually shows "
            "from 12-16 weeks.",
            "Bell's palsy on the %(side)s began on %(began)s, %(days)s days before "
            "this session: toxin on that side within %(caution_days)s days of onset "
            "adds weakness to a nerve still recovering. Synkinesis usually shows "
            "from 12-16 weeks.",
            days,
        )
    return ngettext(
        "Bell's palsy began on %(began)s, %(days)s day before this session: toxin "
        "on that side within %(caution_days)s days of onset adds weakness to a "
        "nerve still recovering. Synkinesis usually shows from 12-16 weeks.",
        "Bell's palsy began on %(began)s, %(days)s days before this session: toxin "
        "on that side within %(caution_days)s days of onset adds weakness to a "
        "nerve still recovering. Synkinesis usually shows from 12-16 weeks.",
        days,
    )
