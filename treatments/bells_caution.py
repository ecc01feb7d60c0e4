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

from treatments.safety import SafetyWarning, day_text

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
        where = f"on the {onset.side} " if onset.side in ("left", "right") else ""
        warnings.append(
            SafetyWarning(
                AFTER_BELLS_PALSY,
                f"Bell's palsy {where}began on {day_text(onset.onset_on)}, {days} "
                f"day{'s' if days != 1 else ''} before this session: toxin on "
                f"that side within {caution_days} days of onset adds weakness "
                "to a nerve still recovering. Synkinesis usually shows from "
                "12-16 weeks.",
            )
        )
    return warnings
