"""ICD-10-CM coding rules for a case (DOMAIN.md section 6.1).

Only billable leaf codes are accepted; the headers that payers refuse are named so the
message can point at the leaf codes instead. Codes marked UNCONFIRMED in DOMAIN.md come
from settings (CLINIC_UNCONFIRMED_CONDITION_CODES) so a clinic can change them without a
release.
"""

from collections.abc import Mapping, Sequence

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

CODE_SYSTEM_VERSION = "ICD-10-CM FY2026"

# Confirmed leaf codes per condition. Hemifacial spasm is coded by side (G51.31 right,
# G51.32 left, G51.33 bilateral); the unspecified G51.39 is not offered because a case
# of hemifacial spasm must record its side.
CONFIRMED_CODES: dict[str, tuple[str, ...]] = {
    "hemifacial_spasm": ("G51.31", "G51.32", "G51.33"),
    "blepharospasm": ("G24.5",),
    "facial_myokymia": ("G51.4",),
    "bells_palsy": ("G51.0",),
    "tic_disorder": ("F95.0", "F95.1", "F95.2", "F95.8", "F95.9"),
    "multiple_sclerosis": (
        "G35.A",
        "G35.B0",
        "G35.B1",
        "G35.B2",
        "G35.C0",
        "G35.C1",
        "G35.C2",
        "G35.D",
    ),
    "dystonia": (
        "G24.01",
        "G24.02",
        "G24.09",
        "G24.1",
        "G24.2",
        "G24.3",
        "G24.4",
        "G24.8",
        "G24.9",
    ),
    "parkinsons": ("G20.A1", "G20.A2", "G20.B1", "G20.B2", "G20.C"),
}

# DOMAIN.md marks these UNCONFIRMED: the defaults for the settings of the same name.
DEFAULT_UNCONFIRMED_CODES: dict[str, tuple[str, ...]] = {
    "post_paralytic_synkinesis": ("G51.8",),
    "benign_twitching": ("R25.3", "G51.4"),
}

NON_BILLABLE_HEADERS = frozenset(
    {"G51.3", "G24", "G24.0", "G20", "G20.A", "G20.B", "G35", "G35.B", "G35.C", "R25"}
)

HEMIFACIAL_SPASM_CODE_BY_SIDE = {
    "right": "G51.31",
    "left": "G51.32",
    "bilateral": "G51.33",
}


def normalise_code(code: str) -> str:
    return code.strip().upper()


def codes_for(
    condition: str, unconfirmed: Mapping[str, Sequence[str]] | None = None
) -> tuple[str, ...]:
    """The leaf codes a case of this condition may carry."""
    unconfirmed = DEFAULT_UNCONFIRMED_CODES if unconfirmed is None else unconfirmed
    return CONFIRMED_CODES.get(condition, ()) + tuple(unconfirmed.get(condition, ()))


# The sides in the sentence a wrong hemifacial spasm code gets, by laterality value.
SIDE_WORDS = {"right": _("right"), "left": _("left"), "bilateral": _("bilateral")}


def code_problem(
    condition: str,
    code: str,
    laterality: str,
    unconfirmed: Mapping[str, Sequence[str]] | None = None,
) -> str | None:
    """Why this code cannot be used for the case, or None when it can."""
    code = normalise_code(code)
    allowed = codes_for(condition, unconfirmed)
    listed = ", ".join(allowed) or gettext("none configured")
    if code in NON_BILLABLE_HEADERS:
        return gettext(
            "%(code)s is a non-billable category header; choose a leaf code: %(codes)s."
        ) % {"code": code, "codes": listed}
    if code not in allowed:
        return gettext(
            "%(code)s is not a code for this condition; choose one of: %(codes)s."
        ) % {"code": code, "codes": listed}
    if condition == "hemifacial_spasm":
        expected = HEMIFACIAL_SPASM_CODE_BY_SIDE.get(laterality)
        if expected and code != expected:
            return gettext(
                "%(code)s does not match the %(side)s side; use %(expected)s."
            ) % {"code": code, "side": SIDE_WORDS[laterality], "expected": expected}
    return None
