"""The label's dose rules for one toxin session (treatments/labels.py): its
windows, units per periocular site and per eye, first doses, a switch from another
product, and the labelled age. Pure, like treatments/safety.py, whose
`session_warnings` includes them."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext

from treatments import labels
from treatments.dosing import format_units, product_name
from treatments.safety import (
    FIRST_TOXIN_DOSE,
    INITIAL_PER_EYE,
    LABEL_WINDOW,
    OFF_LABEL_AGE,
    PERIOCULAR_SITE,
    SWITCH_DOSE,
    PriorSession,
    SafetyWarning,
    Site,
    cumulative_dose,
    day_text,
    side_text,
)


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
            gettext(
                "%(units)s U of %(product)s into one periocular site (%(muscle)s, "
                "%(side)s) is over %(max)s U per site (%(source)s)."
            )
            % {
                "units": format_units(site.units),
                "product": product_name(product),
                "muscle": site.muscle_label or site.muscle,
                "side": side_text(site.side),
                "max": format_units(max_units),
                "source": source,
            },
        )
        for site in sites
        if site.muscle in labels.PERIOCULAR_MUSCLES and site.units > max_units
    ]


def _over_per_eye(
    sites: Iterable[Site], limit: Decimal | None, *, code: str, name: str, source: str
) -> list[SafetyWarning]:
    """Units into one eye over the initial dose of product `name` per eye."""
    if limit is None:
        return []
    return [
        SafetyWarning(
            code,
            gettext(
                "%(total)s U into the %(side)s eye is over the initial %(product)s "
                "dose (%(source)s) of %(limit)s U per eye."
            )
            % {
                "total": format_units(total),
                "side": side_text(side),
                "product": name,
                "source": source,
                "limit": format_units(limit),
            },
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
            name=name,
            source=source,
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
                    gettext(
                        "A first toxin session of %(units)s U of %(product)s is over "
                        "the initial total of %(max)s U (%(source)s)."
                    )
                    % {
                        "units": format_units(units),
                        "product": name,
                        "max": format_units(first_max),
                        "source": source,
                    },
                )
            )
        warnings += _over_per_eye(
            sites,
            rules.first_toxin_max_units_per_eye,
            code=FIRST_TOXIN_DOSE,
            name=name,
            source=source,
        )
    elif rules.not_above_last_dose_of and prior[-1].product == (
        rules.not_above_last_dose_of
    ):
        if units > prior[-1].units:
            warnings.append(_switch_dose_warning(units, name, prior[-1], source))
    return warnings


def _switch_dose_warning(
    units: Decimal, name: str, last: PriorSession, source: str
) -> SafetyWarning:
    """Starting above the last dose of the product switched from."""
    return SafetyWarning(
        SWITCH_DOSE,
        gettext(
            "%(units)s U of %(product)s after %(last_units)s U of %(last_product)s "
            "on %(day)s: start at no more than the last %(last_product)s dose "
            "(%(source)s)."
        )
        % {
            "units": format_units(units),
            "product": name,
            "last_units": format_units(last.units),
            "last_product": product_name(last.product),
            "day": day_text(last.performed_on),
            "source": source,
        },
    )


def off_label_age(
    *, product: str, age_years: int, rules: labels.ProductRules
) -> list[SafetyWarning]:
    if rules.min_age_years is None or age_years >= rules.min_age_years:
        return []
    return [
        SafetyWarning(
            OFF_LABEL_AGE,
            gettext(
                "Off-label: the patient is %(age)s; %(product)s is labelled from "
                "%(min_age)s years (%(source)s)."
            )
            % {
                "age": age_years,
                "product": product_name(product),
                "min_age": rules.min_age_years,
                "source": rules.sources[-1],
            },
        )
    ]
