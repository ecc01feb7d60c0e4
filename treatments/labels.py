"""What each toxin product's label says, per indication and jurisdiction.

Pure data with the source of every number (DOMAIN.md 2.1-2.5 and 2.9); the safety
rules (treatments/safety.py) read it through `rules_for`. Units of different products
are never compared or added, so every number here belongs to one product.

What DOMAIN.md gives no number for has none here, and so raises no warning:
- abobotulinumtoxinA, incobotulinumtoxinA and rimabotulinumtoxinB have no
  all-indication cumulative ceiling and no paediatric ceiling (only the Botox label
  gives one); the clinic may configure one (settings.CLINIC_ADULT_MAX_UNITS,
  settings.CLINIC_PAEDIATRIC_CEILING).
- rimabotulinumtoxinB has no labelled age for facial indications, and no product but
  onabotulinumtoxinA and incobotulinumtoxinA has blepharospasm dose rules
  (Dysport's per-eye dose is UNCONFIRMED).
The all-indication ceilings live in settings because the clinic may change them;
the label rules below are facts of the label and change only with it.
"""

from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

US = "US"
UK = "UK"
JURISDICTIONS = (US, UK)

ONA = "onabotulinumtoxina"
ABO = "abobotulinumtoxina"
INCO = "incobotulinumtoxina"
RIMA = "rimabotulinumtoxinb"

BLEPHAROSPASM = "blepharospasm"

# The orbicularis oculi sites (pretarsal, preseptal, orbital and lateral canthal):
# the "periocular sites" the per-site and per-eye rules count.
PERIOCULAR_MUSCLES = frozenset(
    {
        "oo_pretarsal_upper_medial",
        "oo_pretarsal_upper_lateral",
        "oo_pretarsal_lower_lateral",
        "oo_preseptal",
        "oo_orbital",
    }
)

BOTOX_US = "Botox US label (DOMAIN.md 2.2, 2.5)"
BOTOX_UK = "Botox UK SmPC (DOMAIN.md 2.2, 2.5)"
XEOMIN_US = "Xeomin US label (DOMAIN.md 2.2, 2.5)"


@dataclass(frozen=True)
class WindowLimit:
    """At most `units` of one product in any `days` days, this session included."""

    units: Decimal
    days: int
    rule: str  # a lazy translation: read in the active language
    source: str


@dataclass(frozen=True)
class ProductRules:
    """One product's label rules for one indication in one jurisdiction."""

    window_limits: tuple[WindowLimit, ...] = ()
    max_units_per_periocular_site: Decimal | None = None
    # The patient's first session of this product for the indication.
    initial_max_units_per_eye: Decimal | None = None
    # The patient's first toxin session of any product.
    first_toxin_max_units: Decimal | None = None
    first_toxin_max_units_per_eye: Decimal | None = None
    # Coming straight from this product: start no higher than its last dose.
    not_above_last_dose_of: str | None = None
    min_age_years: int | None = None
    sources: tuple[str, ...] = field(default=())


# Labelled ages for the facial indications (DOMAIN.md 2.9): Botox blepharospasm from
# 12 years; Xeomin blepharospasm not assessed under 18; Dysport blepharospasm and
# hemifacial spasm in adults only.
MIN_AGE_YEARS = {
    ONA: (12, "Botox blepharospasm label: 12 years and over (DOMAIN.md 2.9)"),
    ABO: (18, "Dysport UK: adults only for blepharospasm and HFS (DOMAIN.md 2.9)"),
    INCO: (18, "Xeomin blepharospasm: not assessed under 18 (DOMAIN.md 2.9)"),
}

# (product, indication, jurisdiction) -> the label's rules for that indication.
INDICATION_RULES: dict[tuple[str, str, str], ProductRules] = {
    (ONA, BLEPHAROSPASM, US): ProductRules(
        window_limits=(
            WindowLimit(
                Decimal("200"),
                30,
                _("Botox blepharospasm, US: 200 U per 30 days"),
                BOTOX_US,
            ),
        ),
        max_units_per_periocular_site=Decimal("5"),
        sources=(BOTOX_US,),
    ),
    (ONA, BLEPHAROSPASM, UK): ProductRules(
        window_limits=(
            WindowLimit(
                Decimal("100"),
                84,
                _("Botox blepharospasm, UK: 100 U per 12 weeks"),
                BOTOX_UK,
            ),
        ),
        max_units_per_periocular_site=Decimal("5"),
        initial_max_units_per_eye=Decimal("25"),
        sources=(BOTOX_UK, BOTOX_US),
    ),
    **{
        (INCO, BLEPHAROSPASM, jurisdiction): ProductRules(
            first_toxin_max_units=Decimal("70"),
            first_toxin_max_units_per_eye=Decimal("35"),
            not_above_last_dose_of=ONA,
            sources=(XEOMIN_US,),
        )
        for jurisdiction in JURISDICTIONS
    },
}


def rules_for(product: str, indication: str, jurisdiction: str) -> ProductRules:
    """The label rules for a product given for an indication in a jurisdiction."""
    if jurisdiction not in JURISDICTIONS:
        raise ValueError(f"Unknown jurisdiction: {jurisdiction!r}")
    rules = INDICATION_RULES.get((product, indication, jurisdiction), ProductRules())
    if product in MIN_AGE_YEARS:
        years, source = MIN_AGE_YEARS[product]
        rules = replace(rules, min_age_years=years, sources=(*rules.sources, source))
    return rules


# Contraindications and precautions recorded on the patient (patients.models.
# ToxinPrecaution), per product, with the label section that gives each. Read from
# the US prescribing information (PI): Botox and Botox Cosmetic PI highlights
# ("Hypersensitivity to any botulinum toxin preparation or to any of the
# components in the formulation (4.1)", "Infection at the injection site (4.2)",
# concomitant neuromuscular disorders and aminoglycosides in 5 and 7); the Dysport
# medication guide and PI summary (allergy to cow's-milk protein and infection at
# the planned site contraindicated; neuromuscular disorders such as myasthenia
# gravis, ALS and Lambert-Eaton syndrome, pregnancy and nursing under warnings and
# precautions; aminoglycoside antibiotics as interactions). The same sections of
# the Xeomin and Myobloc PIs are UNCONFIRMED here (not read), so every rule but
# cow's milk applies to every product: a warning too many is overridden with a
# reason, one too few is not seen.
CONTRAINDICATED = "contraindicated"
PRECAUTION = "precaution"
ALL_PRODUCTS = frozenset({ONA, ABO, INCO, RIMA})


@dataclass(frozen=True)
class Precaution:
    kind: str  # CONTRAINDICATED or PRECAUTION
    products: frozenset[str]
    source: str


PRECAUTIONS = {
    "toxin_hypersensitivity": Precaution(
        CONTRAINDICATED, ALL_PRODUCTS, "US PI 4, Contraindications"
    ),
    "cows_milk_allergy": Precaution(
        CONTRAINDICATED, frozenset({ABO}), "Dysport US PI 4, Contraindications"
    ),
    "injection_site_infection": Precaution(
        CONTRAINDICATED, ALL_PRODUCTS, "US PI 4, Contraindications"
    ),
    "neuromuscular_disorder": Precaution(
        PRECAUTION, ALL_PRODUCTS, "US PI 5, Warnings and precautions"
    ),
    "aminoglycoside": Precaution(
        PRECAUTION, ALL_PRODUCTS, "US PI 7, Drug interactions"
    ),
    "pregnant": Precaution(PRECAUTION, ALL_PRODUCTS, "US PI 8.1, Pregnancy"),
    "breastfeeding": Precaution(PRECAUTION, ALL_PRODUCTS, "US PI 8.2, Lactation"),
}

# Aminoglycoside antibiotics (generic names), to find one among a patient's
# current medication orders.
AMINOGLYCOSIDES = frozenset(
    {
        "amikacin",
        "gentamicin",
        "kanamycin",
        "neomycin",
        "netilmicin",
        "paromomycin",
        "plazomicin",
        "streptomycin",
        "tobramycin",
    }
)


def is_aminoglycoside(drug: str) -> bool:
    words = drug.lower().replace("-", " ").split()
    return any(word in AMINOGLYCOSIDES for word in words)
