"""Toxin safety warnings shown before a session is saved (DESIGN.md 5, DOMAIN.md 2.5).

Pure rules over plain values (dates, aware datetimes, Decimals, product codes): no
database and no settings. Each rule returns a list of `SafetyWarning`s whose message
carries the numbers that triggered it, so that whoever overrides a warning sees, and
the record keeps, exactly what was overridden. The arithmetic is treatments.dosing's.
Messages are in the active language (the record keeps them as the clinician read them).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils.dateformat import format as format_date
from django.utils.translation import gettext

from treatments import dosing, labels
from treatments.dosing import format_units, product_name
from treatments.models.choices import Side


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
    """4 Mar 2026; the month's name in the active language."""
    return format_date(value, "j M Y")


def side_text(side: str) -> str:
    """A side as a warning names it (right, left, midline), translated."""
    return Side(side).label.lower() if side in Side.values else side


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
            gettext(
                "Re-injection %(days)s days after the last session on %(last)s: "
                "the minimum interval is %(min_days)s days."
            )
            % {"days": days, "last": day_text(last_session_on), "min_days": min_days},
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
    rule: str = "",
    code: str = CUMULATIVE,
) -> list[SafetyWarning]:
    """This product's units over the window, this session included, above `limit`
    (`rule` names it; the clinic's adult ceiling when empty).

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
            gettext(
                "%(total)s U of %(product)s in the %(window)s days up to %(day)s "
                "(this session %(units)s U) is over the limit of %(limit)s U "
                "(%(rule)s)."
            )
            % {
                "total": format_units(total),
                "product": product_name(product),
                "window": window_days,
                "day": day_text(session_on),
                "units": format_units(units),
                "limit": format_units(limit),
                "rule": rule or gettext("the clinic's adult ceiling"),
            },
        )
    ]


def expired_lot(
    *, expiry_date: date, session_on: date, lot_number: str = ""
) -> list[SafetyWarning]:
    """A lot is usable through its expiry date (dosing.is_expired)."""
    if not dosing.is_expired(expiry_date, session_on):
        return []
    if lot_number:
        message = gettext(
            "Lot %(lot)s expired on %(expiry)s, before the session on %(day)s."
        )
    else:
        message = gettext(
            "The lot expired on %(expiry)s, before the session on %(day)s."
        )
    values = {"lot": lot_number, "expiry": day_text(expiry_date)}
    return [
        SafetyWarning(EXPIRED_LOT, message % (values | {"day": day_text(session_on)}))
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
    if lot_number:
        message = gettext(
            "The vial of lot %(lot)s was reconstituted %(elapsed)s before the "
            "session: %(product)s must be used within %(hours)s h."
        )
    else:
        message = gettext(
            "The vial was reconstituted %(elapsed)s before the session: "
            "%(product)s must be used within %(hours)s h."
        )
    values = {"lot": lot_number, "elapsed": _duration(elapsed), "hours": limit_hours}
    return [
        SafetyWarning(
            VIAL_IN_USE, message % (values | {"product": product_name(product)})
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
            gettext(
                "Product switched from %(previous)s at the last session to "
                "%(product)s: units are not interchangeable; check the dose."
            )
            % {
                "previous": product_name(previous_product),
                "product": product_name(product),
            },
        )
    ]


def _no_weight_warning(ceiling: tuple[Decimal, Decimal] | None) -> SafetyWarning:
    """A child without a recorded weight: no per-kg dose can be checked."""
    if ceiling is None:
        message = gettext(
            "This patient is a child and has no recorded weight: no dose per kg "
            "can be checked."
        )
    else:
        message = gettext(
            "This patient is a child and has no recorded weight: the dose ceiling "
            "(%(per_kg)s U/kg, at most %(max)s U) cannot be checked."
        ) % {"per_kg": format_units(ceiling[0]), "max": format_units(ceiling[1])}
    return SafetyWarning(PAEDIATRIC_WEIGHT, message)


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
        return [_no_weight_warning(ceiling)]
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
            gettext(
                "Child's dose %(total)s U of %(product)s in the %(window)s days up "
                "to %(day)s is over the ceiling of %(ceiling)s U (the lower of "
                "%(per_kg)s U/kg x %(weight)s kg and %(max)s U)."
            )
            % {
                "total": format_units(total),
                "product": product_name(product),
                "window": window_days,
                "day": day_text(session_on),
                "ceiling": format_units(ceiling),
                "per_kg": format_units(units_per_kg),
                "weight": format_units(weight_kg),
                "max": format_units(max_units),
            },
        )
    ]


def consent_missing(*, consent_obtained: bool) -> list[SafetyWarning]:
    if consent_obtained:
        return []
    return [
        SafetyWarning(
            CONSENT_MISSING,
            gettext(
                "Consent to the injection is not recorded. Obtain and record it "
                "before injecting; a session already given without it is saved and "
                "flagged for a neurologist."
            ),
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
        if rule.kind == labels.CONTRAINDICATED:
            warning_code = CONTRAINDICATION
            message = gettext("%(label)s: %(product)s is contraindicated (%(source)s).")
        else:
            warning_code = PRECAUTION
            message = gettext("%(label)s: a precaution for %(product)s (%(source)s).")
        values = {"label": label, "product": product_name(product)}
        warnings.append(
            SafetyWarning(warning_code, message % (values | {"source": rule.source}))
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


def _label_warnings(
    product: str,
    sites: list[Site],
    session_on: date,
    prior: list[PriorSession],
    rules: labels.ProductRules,
    age_years: int,
    /,
) -> list[SafetyWarning]:
    """The label's rules for the session (treatments/label_warnings.py, imported
    here because it builds on this module's warnings and codes)."""
    from treatments import label_warnings

    return label_warnings.label_dose_rules(
        product=product, sites=sites, session_on=session_on, prior=prior, rules=rules
    ) + label_warnings.off_label_age(product=product, age_years=age_years, rules=rules)


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
    warnings += _label_warnings(product, sites, session_on, earlier, rules, age_years)
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
