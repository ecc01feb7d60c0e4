"""Scoring of validated severity scales (DOMAIN.md section 1).

Pure functions with no database or settings access, so the arithmetic can be
tested on its own and reused by models, forms and reports alike.

Each scale is a frozen `ScaleDefinition` keyed by (instrument, version). A stored score
records both, so a definition is never edited in place: new items, anchors or arithmetic
become a new version, and old scores keep meaning what they meant when they were
entered. Version strings are unique across instruments because `version_choices()` keys
a choices field on the version alone.

Anchor texts are paraphrased from DOMAIN.md. Licensed item wording (HFS-7,
BSDI) is deliberately not reproduced. Item wording is not marked for translation:
a validated instrument is valid only in its validated translation.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

NOT_APPLICABLE = "na"

Totals = dict[str, int | Decimal]


class ScaleError(ValueError):
    """A missing, unknown or out-of-range answer, or an unknown scale. `item` is
    the offending item's code, so a form can put the error next to its field
    (None for the whole answer set); messages name items by their label."""

    def __init__(self, message: str, item: str | None = None) -> None:
        super().__init__(message)
        self.item = item


@dataclass(frozen=True)
class Item:
    """One question or rating of a scale. `anchors` pairs values with what they
    mean, for forms: only those DOMAIN.md gives, so it may be partial or empty."""

    code: str
    label: str
    allowed: tuple[int, ...]
    allows_not_applicable: bool = False
    anchors: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class ScaleDefinition:
    """One version of one instrument: its items and how they are totalled.

    `compute_totals` receives every item's value (None for "not applicable")
    after validation, so it only has to do the arithmetic.
    """

    instrument: str
    version: str
    name: str
    items: tuple[Item, ...]
    primary: str
    per_side: bool
    source: str
    compute_totals: Callable[[dict[str, int | None]], Totals]


@dataclass(frozen=True)
class ScaleScore:
    """Computed totals plus the headline number used for trend charts."""

    totals: Totals
    primary: Decimal


# Arithmetic


def _sum_total(values: dict[str, int | None]) -> Totals:
    return {"total": sum(value for value in values.values() if value is not None)}


def _grade(values: dict[str, int | None]) -> Totals:
    return {"grade": values["grade"]}


def _sunnybrook_totals(values: dict[str, int | None]) -> Totals:
    """DOMAIN.md 1.6 and 1.10: composite = voluntary - resting - synkinesis.

    The composite is not clamped to the published 0-100 range: with maximal
    resting asymmetry and synkinesis it reaches -15, and hiding that would
    misreport the sub-scores the clinician entered.
    """

    def part_sum(prefix: str) -> int:
        return sum(
            value or 0 for code, value in values.items() if code.startswith(prefix)
        )

    resting = 5 * part_sum("rest_")
    voluntary = 4 * part_sum("vol_")
    synkinesis = part_sum("syn_")
    return {
        "resting": resting,
        "voluntary": voluntary,
        "synkinesis": synkinesis,
        "composite": voluntary - resting - synkinesis,
    }


def _bsdi_totals(values: dict[str, int | None]) -> Totals:
    """DOMAIN.md 1.8: the mean over applicable items, plus their sum.

    Both aggregates appear in the literature; they are kept under separate
    keys so a mean is never compared with a sum.
    """
    applicable = [value for value in values.values() if value is not None]
    if not applicable:
        raise ScaleError(
            "Blepharospasm Disability Index: every item is N/A, so no score "
            "can be given. At least one item must apply."
        )
    mean = Decimal(sum(applicable)) / Decimal(len(applicable))
    return {
        "mean": mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        "sum": sum(applicable),
        "applicable_items": len(applicable),
    }


# Definitions

_ZERO_TO_FOUR = (0, 1, 2, 3, 4)

_JRS_SOURCE = (
    "Jankovic & Orman 1987, as given in Craniofacial Muscles (Springer) "
    "ch. 16, Table 16.2, "
    "https://www.yumpu.com/en/document/view/63183662/craniofacial-muscles/287"
)

JRS_BLEPHAROSPASM_1987 = ScaleDefinition(
    instrument="jrs",
    version="blepharospasm-1987",
    name="Jankovic Rating Scale",
    items=(
        Item(
            code="severity",
            label="Severity",
            allowed=_ZERO_TO_FOUR,
            anchors=(
                (0, "None"),
                (1, "Minimal: more blinking only with external triggers"),
                (2, "Mild: spontaneous lid fluttering, noticeable, not disabling"),
                (3, "Moderate: very noticeable lid spasm, mildly incapacitating"),
                (4, "Severe: incapacitating spasm of lids, maybe other muscles"),
            ),
        ),
        Item(
            code="frequency",
            label="Frequency",
            allowed=_ZERO_TO_FOUR,
            anchors=(
                (0, "None"),
                (1, "Slightly increased blinking"),
                (2, "Lid fluttering lasting under 1 second"),
                (3, "Lid spasm over 1 second, eyes open over 50% of waking time"),
                (4, "Functionally blind: eyes closed over 50% of waking time"),
            ),
        ),
    ),
    primary="total",
    per_side=False,
    source=_JRS_SOURCE + " (original blepharospasm anchors).",
    compute_totals=_sum_total,
)

JRS_HFS_ADAPTED = ScaleDefinition(
    instrument="jrs",
    version="hfs-adapted",
    name="Jankovic Rating Scale",
    items=(
        Item(
            code="severity",
            label="Severity",
            allowed=_ZERO_TO_FOUR,
            anchors=(
                (0, "No spasm"),
                (1, "Mild: noticeable, not disabling"),
                (2, "Moderate: affects facial expression, not daily activities"),
                (3, "Severe: clearly affects daily activities"),
                (4, "Very severe: continuous disabling contractions"),
            ),
        ),
        Item(
            code="frequency",
            label="Frequency",
            allowed=_ZERO_TO_FOUR,
            anchors=(
                (0, "No spasm"),
                (1, "Occasional: less than once an hour"),
                (2, "Intermittent: more than once an hour, not continuous"),
                (3, "Frequent: continuous with breaks"),
                (4, "Continuous: no breaks"),
            ),
        ),
    ),
    primary="total",
    per_side=False,
    source=(
        "Hemifacial-spasm adaptation of the JRS [secondary source, clinician "
        "to confirm anchors], "
        "https://neurosurgerywiki.com/wiki/doku.php?id="
        "jankovic_rating_scale_for_hemifacial_spasm ; arithmetic as in "
    )
    + _JRS_SOURCE
    + ".",
    compute_totals=_sum_total,
)

SMC_LEE_2012 = ScaleDefinition(
    instrument="smc",
    version="lee-2012",
    name="Samsung Medical Center grade",
    items=(
        Item(
            code="grade",
            label="Grade",
            allowed=(1, 2, 3, 4),
            anchors=(
                (1, "I: spasm confined to the periocular area"),
                (2, "II: spread to other ipsilateral facial muscles"),
                (3, "III: frequent tonic spasms interfering with vision"),
                (4, "IV: disfiguring asymmetry"),
            ),
        ),
    ),
    primary="grade",
    per_side=False,
    source=(
        "Lee JA et al., Stereotact Funct Neurosurg 2012;90:16-19, "
        "https://suppr.wilddata.cn/browses/detail/pubmed/22189960"
    ),
    compute_totals=_grade,
)

HFS7_TAN_2005_PRESUMED_0_4 = ScaleDefinition(
    instrument="hfs7",
    version="tan-2005-presumed-0-4",
    name="HFS-7",
    items=tuple(
        Item(code=f"item{n}", label=f"Item {n}", allowed=_ZERO_TO_FOUR)
        for n in range(1, 8)
    ),
    primary="total",
    per_side=False,
    source=(
        "Tan et al., JNNP 2005;76:1707, "
        "https://pmc.ncbi.nlm.nih.gov/articles/PMC1739450 . UNCONFIRMED: the "
        "0-4 response scale (so the 0-28 total) is presumed from HFS-30, and "
        "the item wording is licensed and not reproduced. A version confirmed "
        "against the official form should be added as a new definition."
    ),
    compute_totals=_sum_total,
)

HOUSE_BRACKMANN_1985 = ScaleDefinition(
    instrument="house_brackmann",
    version="1985",
    name="House-Brackmann facial nerve grade",
    items=(
        Item(
            code="grade",
            label="Grade",
            allowed=(1, 2, 3, 4, 5, 6),
            anchors=(
                (1, "I normal: normal function in all areas"),
                (
                    2,
                    "II mild: slight weakness on close inspection, maybe slight "
                    "synkinesis; normal at rest; eye closes fully with minimal "
                    "effort",
                ),
                (
                    3,
                    "III moderate: obvious but not disfiguring difference; "
                    "noticeable synkinesis, contracture or spasm; eye closes "
                    "fully with effort",
                ),
                (
                    4,
                    "IV moderately severe: obvious weakness or disfiguring "
                    "asymmetry; no forehead movement; incomplete eye closure",
                ),
                (
                    5,
                    "V severe: barely perceptible motion; asymmetric at rest; "
                    "incomplete eye closure",
                ),
                (6, "VI total paralysis: no movement"),
            ),
        ),
    ),
    primary="grade",
    per_side=True,
    source=(
        "House & Brackmann 1985, as described by Medscape, "
        "https://emedicine.medscape.com/article/2172449-overview"
    ),
    compute_totals=_grade,
)

_SUNNYBROOK_EXPRESSIONS = (
    ("brow", "Brow lift"),
    ("gentle_eye_closure", "Gentle eye closure"),
    ("open_mouth_smile", "Open-mouth smile"),
    ("snarl", "Snarl"),
    ("lip_pucker", "Lip pucker"),
)

SUNNYBROOK_ROSS_1996 = ScaleDefinition(
    instrument="sunnybrook",
    version="ross-1996",
    name="Sunnybrook Facial Grading System",
    items=(
        Item(
            code="rest_eye",
            label="Eye at rest",
            allowed=(0, 1),
            anchors=((0, "Normal"), (1, "Narrow, wide, or eyelid surgery")),
        ),
        Item(
            code="rest_cheek",
            label="Cheek at rest",
            allowed=(0, 1, 2),
            anchors=(
                (0, "Normal"),
                (1, "Nasolabial fold less or more pronounced"),
                (2, "Nasolabial fold absent"),
            ),
        ),
        Item(
            code="rest_mouth",
            label="Mouth at rest",
            allowed=(0, 1),
            anchors=((0, "Normal"), (1, "Corner drooped, or pulled up and out")),
        ),
    )
    + tuple(
        Item(
            code=f"vol_{code}",
            label=f"{label} (voluntary movement)",
            allowed=(1, 2, 3, 4, 5),
            anchors=(
                (1, "Unable to initiate movement"),
                (2, "Initiates slight movement"),
                # UNCONFIRMED wording: "mild excursion" vs "mild asymmetry".
                (3, "Initiates movement with mild excursion"),
                (4, "Movement almost complete"),
                (5, "Movement complete"),
            ),
        )
        for code, label in _SUNNYBROOK_EXPRESSIONS
    )
    + tuple(
        Item(
            code=f"syn_{code}",
            label=f"{label} (synkinesis)",
            allowed=(0, 1, 2, 3),
            anchors=(
                (0, "None"),
                (1, "Mild"),
                (2, "Moderate"),
                (3, "Severe: disfiguring or gross mass movement"),
            ),
        )
        for code, label in _SUNNYBROOK_EXPRESSIONS
    ),
    primary="composite",
    per_side=True,
    source=(
        "Ross, Fradet, Nedzelski, Otolaryngol Head Neck Surg 1996;114:380 "
        "(PMID 8649870); composite formula per Picard et al., Clin "
        "Otolaryngol 2024, https://pmc.ncbi.nlm.nih.gov/articles/pmid/39215610"
    ),
    compute_totals=_sunnybrook_totals,
)

_BSDI_ACTIVITIES = (
    ("driving", "Driving"),
    ("reading", "Reading"),
    ("watching_tv", "Watching TV"),
    ("shopping", "Shopping"),
    ("walking", "Walking"),
    ("everyday_activities", "Everyday activities"),
)

BSDI_PRESUMED_6_ITEM = ScaleDefinition(
    instrument="bsdi",
    version="presumed-6-item",
    name="Blepharospasm Disability Index",
    items=tuple(
        Item(
            code=code,
            label=label,
            allowed=_ZERO_TO_FOUR,
            allows_not_applicable=True,
            anchors=((0, "No impairment"), (4, "No longer possible")),
        )
        for code, label in _BSDI_ACTIVITIES
    ),
    primary="mean",
    per_side=False,
    source=(
        "MCID of 0.7 on the mean: Mov Disord, DOI 10.1002/mds.22368, "
        "http://onlinelibrary.wiley.com/doi/10.1002/mds.22368/abstract . "
        "UNCONFIRMED: the 6-item structure, the 0-4 range and N/A are the "
        "commonly cited form, not verified on the licensed form; a confirmed "
        "form should be added as a new definition."
    ),
    compute_totals=_bsdi_totals,
)

DEFINITIONS: dict[tuple[str, str], ScaleDefinition] = {
    (definition.instrument, definition.version): definition
    for definition in (
        JRS_BLEPHAROSPASM_1987,
        JRS_HFS_ADAPTED,
        SMC_LEE_2012,
        HFS7_TAN_2005_PRESUMED_0_4,
        HOUSE_BRACKMANN_1985,
        SUNNYBROOK_ROSS_1996,
        BSDI_PRESUMED_6_ITEM,
    )
}

# The two JRS anchor sets are alternatives, not successive editions; the
# original (primary-sourced) one is the default and the form lets the
# clinician pick the HFS adaptation.
LATEST_VERSION: dict[str, str] = {
    "jrs": "blepharospasm-1987",
    "smc": "lee-2012",
    "hfs7": "tan-2005-presumed-0-4",
    "house_brackmann": "1985",
    "sunnybrook": "ross-1996",
    "bsdi": "presumed-6-item",
}

# Where a condition has its own version of an instrument, a new score of a case
# of that condition starts from it: the JRS's hemifacial-spasm anchors describe
# a hemifacial spasm, the original ones a blepharospasm.
CONDITION_VERSIONS: dict[tuple[str, str], str] = {
    ("jrs", "hemifacial_spasm"): "hfs-adapted",
}


def default_version(instrument: str, condition: str) -> str:
    """The version a new score of `instrument` starts from for a case of
    `condition`."""
    return CONDITION_VERSIONS.get(
        (instrument, condition), LATEST_VERSION.get(instrument, "")
    )


INSTRUMENT_CHOICES: list[tuple[str, str]] = [
    (instrument, DEFINITIONS[instrument, version].name)
    for instrument, version in LATEST_VERSION.items()
]

# Published minimal clinically meaningful change on the primary score
# (DOMAIN.md 1.1 and 1.10). Keyed by instrument because the threshold was
# published for the instrument, and every version of these instruments shares
# the same arithmetic.
MEANINGFUL_CHANGE: dict[str, Decimal] = {
    "jrs": Decimal("2"),
    "bsdi": Decimal("0.7"),
}


# House-Brackmann grades are said and written in Roman numerals.
ROMAN_GRADES: dict[str, dict[int, str]] = {
    "house_brackmann": {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI"},
}


def written_score(instrument: str, value: Decimal | int) -> str:
    """A score as clinicians write it: House-Brackmann 4 is "IV", 2.50 is "2.5"."""
    number = Decimal(value)
    return ROMAN_GRADES.get(instrument, {}).get(number) or f"{number.normalize():f}"


def get_definition(instrument: str, version: str) -> ScaleDefinition:
    try:
        return DEFINITIONS[instrument, version]
    except KeyError:
        raise ScaleError(f"Unknown scale {instrument!r} version {version!r}.") from None


def version_choices() -> list[tuple[str, str]]:
    """Every version across instruments, for a choices field."""
    return [
        (definition.version, f"{definition.name} – {definition.version}")
        for definition in DEFINITIONS.values()
    ]


def score(instrument: str, version: str, answers: Mapping[str, object]) -> ScaleScore:
    """Validate `answers` against the definition and compute its totals.

    Answers arrive from JSON or forms, so strings of digits are accepted.
    A total is refused when any item is missing (DOMAIN.md 1.10): none of
    these instruments defines imputation, and a partial total would look like
    an improvement.
    """
    definition = get_definition(instrument, version)
    if not isinstance(answers, Mapping):
        raise ScaleError("Answers must map each item code to a value.")

    codes = {item.code for item in definition.items}
    unknown = sorted(str(key) for key in answers if key not in codes)
    if unknown:
        names = ", ".join(repr(key) for key in unknown)
        raise ScaleError(f"Unknown items for {definition.name}: {names}.")

    missing = [item for item in definition.items if _is_blank(answers.get(item.code))]
    if missing:
        labels = ", ".join(item.label for item in missing)
        raise ScaleError(
            f"Missing answer for {labels}: every item must be answered "
            "before a total can be given.",
            item=missing[0].code,
        )

    values = {item.code: _parse(item, answers[item.code]) for item in definition.items}
    totals = definition.compute_totals(values)
    return ScaleScore(totals=totals, primary=Decimal(totals[definition.primary]))


def is_clinically_meaningful_change(
    instrument: str, before: Mapping[str, object], after: Mapping[str, object]
) -> bool:
    """Whether the primary score moved by at least the published threshold.

    Either direction counts: a worsening matters as much as an improvement.
    Both answer sets are scored afresh, so the comparison is always between
    like aggregates (for BSDI the mean, never a mean against a sum).
    Instruments without a published threshold always answer False.
    """
    if instrument not in LATEST_VERSION:
        raise ScaleError(f"Unknown scale {instrument!r}.")
    threshold = MEANINGFUL_CHANGE.get(instrument)
    if threshold is None:
        return False
    version = LATEST_VERSION[instrument]
    change = (
        score(instrument, version, after).primary
        - score(instrument, version, before).primary
    )
    return abs(change) >= threshold


# Validation of single answers

_DIGITS = re.compile(r"-?[0-9]+")


def _is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _parse(item: Item, raw: object) -> int | None:
    """Return the item's integer value, or None for "not applicable"."""
    if raw == NOT_APPLICABLE:
        if item.allows_not_applicable:
            return None
        raise ScaleError(f"{item.label}: N/A is not allowed here.", item=item.code)
    # bool is a subclass of int, and True would otherwise pass as 1.
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, str) and _DIGITS.fullmatch(raw.strip()):
        value = int(raw)
    else:
        raise ScaleError(
            f"{item.label}: {raw!r} is not a whole number.", item=item.code
        )
    if value not in item.allowed:
        raise ScaleError(
            f"{item.label}: {value} is out of range ({_range_text(item)}).",
            item=item.code,
        )
    return value


def _range_text(item: Item) -> str:
    low, high = min(item.allowed), max(item.allowed)
    if item.allowed == tuple(range(low, high + 1)):
        text = f"{low}–{high}"
    else:
        text = ", ".join(str(value) for value in item.allowed)
    return text + " or N/A" if item.allows_not_applicable else text
