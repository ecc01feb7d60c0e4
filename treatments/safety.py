"""Toxin safety warnings shown before a session is saved (DESIGN.md 5, DOMAIN.md 2.5).

Pure rules over plain values (dates, aware datetimes, Decimals, product codes): no
database and no settings. Each rule returns a list of `SafetyWarning`s whose message
carries the numbers that triggered it, so that whoever overrides a warning sees, and
the record keeps, exactly what was overridden. The arithmetic is treatments.dosing's.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from treatments import dosing


@dataclass(frozen=True)
class SafetyWarning:
    code: str
    message: str


@dataclass(frozen=True)
class Limits:
    """The clinic's configured limits (settings.CLINIC_*)."""

    min_reinjection_days: int
    window_days: int
    adult_max_units: Decimal
    paediatric_units_per_kg: Decimal
    paediatric_max_units: Decimal
    in_use_hours: Mapping[str, int]


@dataclass(frozen=True)
class PriorSession:
    """An earlier valid session of the same patient, as the rules need it."""

    performed_on: date
    product: str
    units: Decimal


REINJECTION = "reinjection_interval"
CUMULATIVE = "cumulative_dose"
EXPIRED_LOT = "expired_lot"
VIAL_IN_USE = "vial_in_use"
PRODUCT_SWITCH = "product_switch"
PAEDIATRIC_DOSE = "paediatric_dose"
PAEDIATRIC_WEIGHT = "paediatric_weight_missing"
RED_FLAG = "red_flag"


def format_units(units: Decimal) -> str:
    """Units for people: 2.50 -> "2.5", 25.00 -> "25", 3.3333 -> "3.33"."""
    return f"{Decimal(units).quantize(Decimal('0.01')).normalize():f}"


def product_name(code: str) -> str:
    facts = dosing.PRODUCTS.get(code)
    return f"{facts.generic} ({facts.brand})" if facts else code


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def reinjection_interval(
    *, last_session_on: date | None, session_on: date, min_days: int
) -> list[SafetyWarning]:
    """Fewer than `min_days` days since the last valid session (any product)."""
    if last_session_on is None:
        return []
    days = dosing.days_since(last_session_on, session_on)
    if days >= min_days:
        return []
    return [
        SafetyWarning(
            REINJECTION,
            f"Re-injection {days} days after the last session on "
            f"{_day(last_session_on)}: the minimum interval is {min_days} days.",
        )
    ]


def _window_total(
    prior: Iterable[PriorSession],
    *,
    product: str,
    units: Decimal,
    session_on: date,
    window_days: int,
) -> Decimal:
    doses = [(p.performed_on, p.product, p.units) for p in prior]
    doses.append((session_on, product, units))
    return dosing.cumulative_units(
        doses, product=product, window_days=window_days, ending_on=session_on
    )


def cumulative_dose(
    *,
    prior: Iterable[PriorSession],
    product: str,
    units: Decimal,
    session_on: date,
    window_days: int,
    limit: Decimal,
) -> list[SafetyWarning]:
    """This product's units over the window, this session included, above `limit`.

    Other products are never added in: their units are not interchangeable.
    """
    total = _window_total(
        prior,
        product=product,
        units=units,
        session_on=session_on,
        window_days=window_days,
    )
    if total <= limit:
        return []
    return [
        SafetyWarning(
            CUMULATIVE,
            f"{format_units(total)} U of {product_name(product)} in the "
            f"{window_days} days up to {_day(session_on)} (this session "
            f"{format_units(units)} U) is over the limit of {format_units(limit)} U.",
        )
    ]


def expired_lot(*, expiry_date: date, session_on: date) -> list[SafetyWarning]:
    """A lot is usable through its expiry date (dosing.is_expired)."""
    if not dosing.is_expired(expiry_date, session_on):
        return []
    return [
        SafetyWarning(
            EXPIRED_LOT,
            f"The lot expired on {_day(expiry_date)}, before the session on "
            f"{_day(session_on)}.",
        )
    ]


def _duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def vial_in_use(
    *,
    product: str,
    reconstituted_at: datetime,
    performed_at: datetime,
    limit_hours: int,
) -> list[SafetyWarning]:
    """The reconstituted vial used later than the product's in-use time."""
    if performed_at < reconstituted_at:
        return []  # impossible order; the model refuses it with its own message
    if not dosing.in_use_hours_exceeded(reconstituted_at, performed_at, limit_hours):
        return []
    elapsed = int((performed_at - reconstituted_at).total_seconds())
    return [
        SafetyWarning(
            VIAL_IN_USE,
            f"The vial was reconstituted {_duration(elapsed)} before the session: "
            f"{product_name(product)} must be used within {limit_hours} h.",
        )
    ]


def product_switch(
    *, previous_product: str | None, product: str
) -> list[SafetyWarning]:
    """A different product from the last session: units are not interchangeable."""
    if previous_product is None or previous_product == product:
        return []
    return [
        SafetyWarning(
            PRODUCT_SWITCH,
            f"Product switched from {product_name(previous_product)} at the last "
            f"session to {product_name(product)}: units are not interchangeable; "
            "check the dose.",
        )
    ]


def paediatric_dose(
    *,
    is_minor: bool,
    weight_kg: Decimal | None,
    prior: Iterable[PriorSession],
    product: str,
    units: Decimal,
    session_on: date,
    window_days: int,
    units_per_kg: Decimal,
    max_units: Decimal,
) -> list[SafetyWarning]:
    """A child's units over the window above min(per kg x weight, maximum).

    Without a recorded weight the ceiling cannot be worked out: that is a warning
    of its own.
    """
    if not is_minor:
        return []
    if weight_kg is None:
        return [
            SafetyWarning(
                PAEDIATRIC_WEIGHT,
                "This patient is a child and has no recorded weight: the dose "
                f"ceiling ({format_units(units_per_kg)} U/kg, at most "
                f"{format_units(max_units)} U) cannot be checked.",
            )
        ]
    ceiling = dosing.paediatric_ceiling_units(
        weight_kg, per_kg=units_per_kg, absolute_max=max_units
    )
    total = _window_total(
        prior,
        product=product,
        units=units,
        session_on=session_on,
        window_days=window_days,
    )
    if total <= ceiling:
        return []
    return [
        SafetyWarning(
            PAEDIATRIC_DOSE,
            f"Child's dose {format_units(total)} U of {product_name(product)} in "
            f"the {window_days} days up to {_day(session_on)} is over the ceiling "
            f"of {format_units(ceiling)} U (the lower of "
            f"{format_units(units_per_kg)} U/kg x {format_units(weight_kg)} kg and "
            f"{format_units(max_units)} U).",
        )
    ]


def red_flags(labels: Iterable[str]) -> list[SafetyWarning]:
    labels = list(labels)
    if not labels:
        return []
    return [
        SafetyWarning(
            RED_FLAG,
            f"Red flag on the case: {'; '.join(labels)}. Review before injecting.",
        )
    ]


def session_warnings(
    *,
    product: str,
    units: Decimal,
    performed_at: datetime,
    reconstituted_at: datetime,
    expiry_date: date,
    session_on: date,
    prior: list[PriorSession],
    is_minor: bool,
    weight_kg: Decimal | None,
    red_flag_labels: Iterable[str],
    limits: Limits,
) -> list[SafetyWarning]:
    """Every rule for one session.

    `prior` holds the patient's earlier valid sessions (any course, any product) in
    the order they were given, the session itself left out.
    """
    earlier = sorted(
        (p for p in prior if p.performed_on <= session_on),
        key=lambda p: p.performed_on,
    )
    last = earlier[-1] if earlier else None
    warnings = reinjection_interval(
        last_session_on=last and last.performed_on,
        session_on=session_on,
        min_days=limits.min_reinjection_days,
    )
    if not is_minor:
        warnings += cumulative_dose(
            prior=earlier,
            product=product,
            units=units,
            session_on=session_on,
            window_days=limits.window_days,
            limit=limits.adult_max_units,
        )
    warnings += paediatric_dose(
        is_minor=is_minor,
        weight_kg=weight_kg,
        prior=earlier,
        product=product,
        units=units,
        session_on=session_on,
        window_days=limits.window_days,
        units_per_kg=limits.paediatric_units_per_kg,
        max_units=limits.paediatric_max_units,
    )
    warnings += expired_lot(expiry_date=expiry_date, session_on=session_on)
    warnings += vial_in_use(
        product=product,
        reconstituted_at=reconstituted_at,
        performed_at=performed_at,
        limit_hours=limits.in_use_hours[product],
    )
    warnings += product_switch(previous_product=last and last.product, product=product)
    warnings += red_flags(red_flag_labels)
    return warnings
