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

from treatments import dosing, labels
from treatments.dosing import format_units, product_name


@dataclass(frozen=True)
class SafetyWarning:
    code: str
    message: str


@dataclass(frozen=True)
class Limits:
    """The clinic's configured limits (settings.CLINIC_*), per product where the
    number belongs to a product; None means the clinic has no such limit."""

    min_reinjection_days: int
    window_days: int
    adult_max_units: Mapping[str, Decimal | None]
    paediatric_ceiling: Mapping[str, tuple[Decimal, Decimal] | None]
    in_use_hours: Mapping[str, int]
    jurisdiction: str = labels.US
    # Days after a Bell's palsy onset in which toxin on that side is cautioned.
    bells_caution_days: int = 91


@dataclass(frozen=True)
class Site:
    """One injected site of the session being charted."""

    muscle: str
    side: str
    units: Decimal
    muscle_label: str = ""  # how the warning names it; the code when empty


@dataclass(frozen=True)
class VialCheck:
    """One vial of the session being charted, as the expiry and in-use rules need
    it; a ready-made solution has no reconstitution time."""

    lot_number: str
    expiry_date: date
    reconstituted_at: datetime | None = None


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
LABEL_WINDOW = "label_window"
PERIOCULAR_SITE = "periocular_site"
INITIAL_PER_EYE = "initial_per_eye"
FIRST_TOXIN_DOSE = "first_toxin_dose"
SWITCH_DOSE = "switch_dose"
OFF_LABEL_AGE = "off_label_age"
CONSENT_MISSING = "consent_missing"
CONTRAINDICATION = "contraindication"
PRECAUTION = "precaution"
# No override replaces these before injecting; a session already given is saved
# with them flagged for a neurologist.
NOT_OVERRIDABLE = frozenset({CONSENT_MISSING})


def day_text(value: date) -> str:
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
            f"{day_text(last_session_on)}: the minimum interval is {min_days} days.",
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
    limit: Decimal | None,
    rule: str = "the clinic's adult ceiling",
    code: str = CUMULATIVE,
) -> list[SafetyWarning]:
    """This product's units over the window, this session included, above `limit`.

    Other products are never added in: their units are not interchangeable. No
    limit for the product, no warning.
    """
    if limit is None:
        return []
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
            code,
            f"{format_units(total)} U of {product_name(product)} in the "
            f"{window_days} days up to {day_text(session_on)} (this session "
            f"{format_units(units)} U) is over the limit of {format_units(limit)} U "
            f"({rule}).",
        )
    ]


def expired_lot(
    *, expiry_date: date, session_on: date, lot_number: str = ""
) -> list[SafetyWarning]:
    """A lot is usable through its expiry date (dosing.is_expired)."""
    if not dosing.is_expired(expiry_date, session_on):
        return []
    lot = f"Lot {lot_number}" if lot_number else "The lot"
    return [
        SafetyWarning(
            EXPIRED_LOT,
            f"{lot} expired on {day_text(expiry_date)}, before the session on "
            f"{day_text(session_on)}.",
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
    lot_number: str = "",
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
            f"The vial{f' of lot {lot_number}' if lot_number else ''} was "
            f"reconstituted {_duration(elapsed)} before the session: "
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
    ceiling: tuple[Decimal, Decimal] | None,
) -> list[SafetyWarning]:
    """A child's units over the window above min(per kg x weight, maximum), for a
    product with a paediatric ceiling.

    Without a recorded weight no per-kg dose can be checked, whatever the product:
    that is a warning of its own.
    """
    if not is_minor:
        return []
    if weight_kg is None:
        detail = (
            f"the dose ceiling ({format_units(ceiling[0])} U/kg, at most "
            f"{format_units(ceiling[1])} U) cannot be checked."
            if ceiling
            else "no dose per kg can be checked."
        )
        return [
            SafetyWarning(
                PAEDIATRIC_WEIGHT,
                f"This patient is a child and has no recorded weight: {detail}",
            )
        ]
    if ceiling is None:
        return []
    units_per_kg, max_units = ceiling
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
            f"the {window_days} days up to {day_text(session_on)} is over the ceiling "
            f"of {format_units(ceiling)} U (the lower of "
            f"{format_units(units_per_kg)} U/kg x {format_units(weight_kg)} kg and "
            f"{format_units(max_units)} U).",
        )
    ]


def _eye_totals(sites: Iterable[Site]) -> dict[str, Decimal]:
    """Units into the orbicularis oculi sites, per eye (side)."""
    totals: dict[str, Decimal] = {}
    for site in sites:
        if site.muscle in labels.PERIOCULAR_MUSCLES:
            totals[site.side] = totals.get(site.side, Decimal("0")) + site.units
    return totals


def periocular_sites(
    *, product: str, sites: Iterable[Site], max_units: Decimal | None, source: str
) -> list[SafetyWarning]:
    """A periocular site above the label's units per site."""
    if max_units is None:
        return []
    return [
        SafetyWarning(
            PERIOCULAR_SITE,
            f"{format_units(site.units)} U of {product_name(product)} into one "
            f"periocular site ({site.muscle_label or site.muscle}, {site.side}) is "
            f"over {format_units(max_units)} U per site ({source}).",
        )
        for site in sites
        if site.muscle in labels.PERIOCULAR_MUSCLES and site.units > max_units
    ]


def _over_per_eye(
    sites: Iterable[Site], limit: Decimal | None, *, code: str, what: str
) -> list[SafetyWarning]:
    if limit is None:
        return []
    return [
        SafetyWarning(
            code,
            f"{format_units(total)} U into the {side} eye is over {what} of "
            f"{format_units(limit)} U per eye.",
        )
        for side, total in sorted(_eye_totals(sites).items())
        if total > limit
    ]


def label_dose_rules(
    *,
    product: str,
    sites: list[Site],
    session_on: date,
    prior: list[PriorSession],
    rules: labels.ProductRules,
) -> list[SafetyWarning]:
    """The indication's label rules for this product: windows, per site, per eye,
    first doses and a switch from another product."""
    units = sum((site.units for site in sites), Decimal("0"))
    name = product_name(product)
    source = "; ".join(rules.sources)
    warnings = []
    for limit in rules.window_limits:
        warnings += cumulative_dose(
            prior=prior,
            product=product,
            units=units,
            session_on=session_on,
            window_days=limit.days,
            limit=limit.units,
            rule=f"{limit.rule}; {limit.source}",
            code=LABEL_WINDOW,
        )
    warnings += periocular_sites(
        product=product,
        sites=sites,
        max_units=rules.max_units_per_periocular_site,
        source=source,
    )
    if not any(p.product == product for p in prior):
        warnings += _over_per_eye(
            sites,
            rules.initial_max_units_per_eye,
            code=INITIAL_PER_EYE,
            what=f"the initial {name} dose ({source})",
        )
    warnings += _first_or_switch_dose(
        product=product, sites=sites, units=units, prior=prior, rules=rules
    )
    return warnings


def _first_or_switch_dose(
    *,
    product: str,
    sites: list[Site],
    units: Decimal,
    prior: list[PriorSession],
    rules: labels.ProductRules,
) -> list[SafetyWarning]:
    """A first toxin session's total and per-eye dose, or a switch that starts
    above the last dose of the product switched from."""
    name = product_name(product)
    source = "; ".join(rules.sources)
    warnings = []
    if not prior:
        first_max = rules.first_toxin_max_units
        if first_max is not None and units > first_max:
            warnings.append(
                SafetyWarning(
                    FIRST_TOXIN_DOSE,
                    f"A first toxin session of {format_units(units)} U of {name} is "
                    f"over the initial total of {format_units(first_max)} U "
                    f"({source}).",
                )
            )
        warnings += _over_per_eye(
            sites,
            rules.first_toxin_max_units_per_eye,
            code=FIRST_TOXIN_DOSE,
            what=f"the initial {name} dose ({source})",
        )
    elif rules.not_above_last_dose_of and prior[-1].product == (
        rules.not_above_last_dose_of
    ):
        last = prior[-1]
        if units > last.units:
            warnings.append(
                SafetyWarning(
                    SWITCH_DOSE,
                    f"{format_units(units)} U of {name} after "
                    f"{format_units(last.units)} U of {product_name(last.product)} "
                    f"on {day_text(last.performed_on)}: start at no more than the last "
                    f"{product_name(last.product)} dose ({source}).",
                )
            )
    return warnings


def off_label_age(
    *, product: str, age_years: int, rules: labels.ProductRules
) -> list[SafetyWarning]:
    if rules.min_age_years is None or age_years >= rules.min_age_years:
        return []
    return [
        SafetyWarning(
            OFF_LABEL_AGE,
            f"Off-label: the patient is {age_years}; {product_name(product)} is "
            f"labelled from {rules.min_age_years} years ({rules.sources[-1]}).",
        )
    ]


def consent_missing(*, consent_obtained: bool) -> list[SafetyWarning]:
    if consent_obtained:
        return []
    return [
        SafetyWarning(
            CONSENT_MISSING,
            "Consent to the injection is not recorded. Obtain and record it before "
            "injecting; a session already given without it is saved and flagged "
            "for a neurologist.",
        )
    ]


def recorded_precautions(
    *, product: str, recorded: Iterable[tuple[str, str]]
) -> list[SafetyWarning]:
    """The label's contraindications and precautions among those recorded for the
    patient, as (code, how the patient's record names it)."""
    warnings = []
    for code, label in recorded:
        rule = labels.PRECAUTIONS.get(code)
        if rule is None or product not in rule.products:
            continue
        name = product_name(product)
        if rule.kind == labels.CONTRAINDICATED:
            warning_code, what = CONTRAINDICATION, f"{name} is contraindicated"
        else:
            warning_code, what = PRECAUTION, f"a precaution for {name}"
        warnings.append(
            SafetyWarning(warning_code, f"{label}: {what} ({rule.source}).")
        )
    return warnings


def clinic_ceilings(
    *,
    product: str,
    units: Decimal,
    session_on: date,
    prior: list[PriorSession],
    is_minor: bool,
    weight_kg: Decimal | None,
    limits: Limits,
) -> list[SafetyWarning]:
    """The clinic's configured ceiling for the product: the adult cumulative limit,
    or for a child the paediatric one."""
    warnings = []
    if not is_minor:
        warnings += cumulative_dose(
            prior=prior,
            product=product,
            units=units,
            session_on=session_on,
            window_days=limits.window_days,
            limit=limits.adult_max_units.get(product),
        )
    warnings += paediatric_dose(
        is_minor=is_minor,
        weight_kg=weight_kg,
        prior=prior,
        product=product,
        units=units,
        session_on=session_on,
        window_days=limits.window_days,
        ceiling=limits.paediatric_ceiling.get(product),
    )
    return warnings


def vial_warnings(
    *,
    product: str,
    vials: Iterable[VialCheck],
    performed_at: datetime,
    session_on: date,
    in_use_hours: int,
) -> list[SafetyWarning]:
    """Each vial's lot expiry and, for a reconstituted one, its in-use time."""
    warnings = []
    for vial in vials:
        warnings += expired_lot(
            expiry_date=vial.expiry_date,
            session_on=session_on,
            lot_number=vial.lot_number,
        )
        if vial.reconstituted_at is not None:
            warnings += vial_in_use(
                product=product,
                reconstituted_at=vial.reconstituted_at,
                performed_at=performed_at,
                limit_hours=in_use_hours,
                lot_number=vial.lot_number,
            )
    return warnings


def session_warnings(
    *,
    product: str,
    sites: list[Site],
    performed_at: datetime,
    vials: list[VialCheck],
    session_on: date,
    prior: list[PriorSession],
    age_years: int,
    is_minor: bool,
    weight_kg: Decimal | None,
    indication: str,
    consent_obtained: bool,
    limits: Limits,
    precautions: Iterable[tuple[str, str]] = (),
) -> list[SafetyWarning]:
    """Every rule of this module for one session (the case's red flags are
    treatments/red_flags.py's, Bell's palsy bells_caution.py's). `prior` holds
    the patient's earlier valid sessions (any course, any product), the session
    itself left out; the label rules are the product's for the case's condition
    in the jurisdiction."""
    earlier = sorted(
        (p for p in prior if p.performed_on <= session_on),
        key=lambda p: p.performed_on,
    )
    last = earlier[-1] if earlier else None
    units = sum((site.units for site in sites), Decimal("0"))
    rules = labels.rules_for(product, indication, limits.jurisdiction)
    warnings = reinjection_interval(
        last_session_on=last and last.performed_on,
        session_on=session_on,
        min_days=limits.min_reinjection_days,
    )
    warnings += clinic_ceilings(
        product=product,
        units=units,
        session_on=session_on,
        prior=earlier,
        is_minor=is_minor,
        weight_kg=weight_kg,
        limits=limits,
    )
    warnings += label_dose_rules(
        product=product, sites=sites, session_on=session_on, prior=earlier, rules=rules
    )
    warnings += off_label_age(product=product, age_years=age_years, rules=rules)
    warnings += vial_warnings(
        product=product,
        vials=vials,
        performed_at=performed_at,
        session_on=session_on,
        in_use_hours=limits.in_use_hours[product],
    )
    warnings += product_switch(previous_product=last and last.product, product=product)
    warnings += recorded_precautions(product=product, recorded=precautions)
    warnings += consent_missing(consent_obtained=consent_obtained)
    return warnings
