"""Botulinum-toxin dose arithmetic and dose-limit facts (DOMAIN.md section 2).

Pure functions with no database or settings access: limits that a clinic may
configure are passed in as arguments, and the DOMAIN.md defaults are provided
as constants. Units and volumes are Decimal throughout; floats are refused
because binary rounding error has no place in a clinical dose.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

Number = int | Decimal | str

VOLUME_STEP_ML = Decimal("0.001")


@dataclass(frozen=True)
class ProductFacts:
    """Label and billing facts for one product (DOMAIN.md 2.1, 6.4)."""

    code: str
    brand: str
    generic: str
    toxin_type: str
    hcpcs: str
    billing_unit: int
    vial_sizes: tuple[int, ...]
    # A ready-made solution (units per mL) is drawn as supplied: no diluent and no
    # reconstitution (DOMAIN.md 2.1: rimabotulinumtoxinB, 5,000 U/mL).
    ready_made_units_per_ml: int | None = None


PRODUCTS: dict[str, ProductFacts] = {
    "onabotulinumtoxina": ProductFacts(
        code="onabotulinumtoxina",
        brand="Botox",
        generic="onabotulinumtoxinA",
        toxin_type="A",
        hcpcs="J0585",
        billing_unit=1,
        vial_sizes=(50, 100, 200),
    ),
    "abobotulinumtoxina": ProductFacts(
        code="abobotulinumtoxina",
        brand="Dysport",
        generic="abobotulinumtoxinA",
        toxin_type="A",
        hcpcs="J0586",
        billing_unit=5,
        vial_sizes=(300, 500),
    ),
    "incobotulinumtoxina": ProductFacts(
        code="incobotulinumtoxina",
        brand="Xeomin",
        generic="incobotulinumtoxinA",
        toxin_type="A",
        hcpcs="J0588",
        billing_unit=1,
        vial_sizes=(50, 100, 200),
    ),
    "rimabotulinumtoxinb": ProductFacts(
        code="rimabotulinumtoxinb",
        brand="Myobloc/NeuroBloc",
        generic="rimabotulinumtoxinB",
        toxin_type="B",
        hcpcs="J0587",
        billing_unit=100,
        vial_sizes=(2500, 5000, 10000),
        ready_made_units_per_ml=5000,
    ),
}

# Hours a reconstituted vial stays usable (DOMAIN.md 2.4). The settings layer
# makes these configurable.
DEFAULT_IN_USE_HOURS: dict[str, int] = {
    "onabotulinumtoxina": 24,  # Botox label: within 24 h, kept at 2-8 °C.
    "abobotulinumtoxina": 24,  # UNCONFIRMED: check the SmPC before relying on it.
    "incobotulinumtoxina": 24,  # UNCONFIRMED: check the label before relying on it.
    "rimabotulinumtoxinb": 24,  # UNCONFIRMED: check the label before relying on it.
}


def _decimal(value: Number, name: str) -> Decimal:
    """Convert an int, Decimal or numeric string, refusing floats and bools."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        kind = type(value).__name__
        raise TypeError(
            f"{name} must be an int, Decimal or numeric string, not {kind} "
            "(floats bring rounding error into clinical doses)"
        )
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{name} is not a number: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return number


def _positive(value: Number, name: str) -> Decimal:
    number = _decimal(value, name)
    if number <= 0:
        raise ValueError(f"{name} must be greater than zero, got {number}")
    return number


def _units(value: Number) -> Decimal:
    number = _decimal(value, "units")
    if number < 0:
        raise ValueError(f"units must not be negative, got {number}")
    return number


def _product(code: str) -> ProductFacts:
    try:
        return PRODUCTS[code]
    except (KeyError, TypeError):
        raise ValueError(f"Unknown product code: {code!r}") from None


def units_per_ml(vial_units: Number, diluent_ml: Number) -> Decimal:
    """Concentration after reconstitution, unrounded; round only for display."""
    vial = _positive(vial_units, "vial_units")
    diluent = _positive(diluent_ml, "diluent_ml")
    return vial / diluent


def ready_made_units_per_ml(product: str) -> int | None:
    """The strength of a product supplied as a solution, or None when it is
    reconstituted (or unknown)."""
    facts = PRODUCTS.get(product)
    return facts.ready_made_units_per_ml if facts else None


def vial_units_per_ml(
    product: str, vial_units: Number, diluent_ml: Number | None
) -> Decimal:
    """A vial's concentration: the ready-made strength, else vial units over the
    diluent volume."""
    ready_made = ready_made_units_per_ml(product)
    if ready_made is not None:
        return Decimal(ready_made)
    return units_per_ml(vial_units, diluent_ml)


def volume_ml(units: Number, vial_units: Number, diluent_ml: Number) -> Decimal:
    """Volume to draw up for a site, to the nearest 0.001 mL (half up).

    Computed as units x diluent / vial, so no rounded concentration is used
    along the way.
    """
    dose = _units(units)
    vial = _positive(vial_units, "vial_units")
    diluent = _positive(diluent_ml, "diluent_ml")
    return (dose * diluent / vial).quantize(VOLUME_STEP_ML, rounding=ROUND_HALF_UP)


def vial_volume_ml(
    product: str, units: Number, vial_units: Number, diluent_ml: Number | None
) -> Decimal:
    """Volume to draw for a site from a vial of the product: from a ready-made
    solution, units over its strength; else as `volume_ml`."""
    ready_made = ready_made_units_per_ml(product)
    if ready_made is None:
        return volume_ml(units, vial_units, diluent_ml)
    dose = _units(units)
    return (dose / ready_made).quantize(VOLUME_STEP_ML, rounding=ROUND_HALF_UP)


def billing_units(product: str, units: Number) -> Decimal:
    """HCPCS billing units (e.g. J0586 = Dysport units / 5), unrounded.

    Rounding to whole claim units is payer-specific, so it is left to the
    caller.
    """
    facts = _product(product)
    return _units(units) / facts.billing_unit


def totals_by_product(doses: Iterable[tuple[str, Number]]) -> dict[str, Decimal]:
    """Sum units per product; units of different products are never added."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for product, units in doses:
        totals[_product(product).code] += _units(units)
    return dict(totals)


def totals_by_side(doses: Iterable[tuple[str, Number]]) -> dict[str, Decimal]:
    """Sum units per side, for billing 64612 once per side.

    Only meaningful for doses of a single product; the caller filters first.
    """
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for side, units in doses:
        totals[side] += _units(units)
    return dict(totals)


def days_since(previous: date | None, on: date) -> int | None:
    """Days from the previous session to `on`; None when there was none."""
    if previous is None:
        return None
    if previous > on:
        raise ValueError(f"previous session ({previous}) is after {on}")
    return (on - previous).days


def cumulative_units(
    doses: Iterable[tuple[date, str, Number]],
    *,
    product: str,
    window_days: int,
    ending_on: date,
) -> Decimal:
    """Units of one product given in the rolling window ending on `ending_on`.

    The window holds the `window_days` days up to and including `ending_on`:
    a dose exactly `window_days` days earlier is outside it. Other products
    are not counted (units are not interchangeable), but an unknown product
    code anywhere is refused so that a typo cannot hide a dose.
    """
    wanted = _product(product).code
    if isinstance(window_days, bool) or not isinstance(window_days, int):
        raise TypeError("window_days must be an int")
    if window_days <= 0:
        raise ValueError(f"window_days must be greater than zero, got {window_days}")
    starts_after = ending_on - timedelta(days=window_days)
    total = Decimal("0")
    for given_on, dose_product, units in doses:
        dose_units = _units(units)
        if _product(dose_product).code != wanted:
            continue
        if starts_after < given_on <= ending_on:
            total += dose_units
    return total


def paediatric_ceiling_units(
    weight_kg: Number,
    *,
    per_kg: Number,
    absolute_max: Number,
) -> Decimal:
    """A child's ceiling for one product: the lower of per-kg x weight and the
    maximum (Botox: 10 U/kg and 340 U per 84 days, settings.CLINIC_PAEDIATRIC_*)."""
    weight = _positive(weight_kg, "weight_kg")
    by_weight = _positive(per_kg, "per_kg") * weight
    return min(by_weight, _positive(absolute_max, "absolute_max"))


def in_use_hours_exceeded(
    reconstituted_at: datetime, administered_at: datetime, limit_hours: int
) -> bool:
    """True when strictly more than `limit_hours` passed since reconstitution.

    Both datetimes must be timezone-aware, so a clock change cannot shift the
    elapsed time.
    """
    for name, moment in (
        ("reconstituted_at", reconstituted_at),
        ("administered_at", administered_at),
    ):
        if moment.utcoffset() is None:
            raise ValueError(f"{name} must be a timezone-aware datetime")
    if isinstance(limit_hours, bool) or not isinstance(limit_hours, int):
        raise TypeError("limit_hours must be an int")
    if limit_hours <= 0:
        raise ValueError(f"limit_hours must be greater than zero, got {limit_hours}")
    if administered_at < reconstituted_at:
        raise ValueError("administered_at is before reconstituted_at")
    return administered_at - reconstituted_at > timedelta(hours=limit_hours)


def is_expired(expiry_date: date, on: date) -> bool:
    """A lot is usable through its expiry date and expired from the day after."""
    return on > expiry_date


def format_units(units: Decimal) -> str:
    """Units for people: 2.50 -> "2.5", 25.00 -> "25", 3.3333 -> "3.33"."""
    return f"{Decimal(units).quantize(Decimal('0.01')).normalize():f}"


def product_name(code: str) -> str:
    facts = PRODUCTS.get(code)
    return f"{facts.generic} ({facts.brand})" if facts else code
