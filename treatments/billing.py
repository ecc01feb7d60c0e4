"""The US billing summary of a toxin session (DOMAIN.md 6.4).

CPT 64612 (chemodenervation of facial-nerve muscles, unilateral) once per treated
side however many injections; the product's HCPCS code with its billing units
for the units given; the units discarded from the single-dose vials on a line
with modifier JW, or modifier JZ on the given line when nothing was discarded.
Needle-EMG guidance adds 95874. Rounding to whole billing units, and bilateral
reporting as modifier 50 or as RT and LT lines, are payer rules: the summary
gives unrounded units and RT/LT lines for the biller to apply them.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from treatments import dosing

CHEMODENERVATION_FACIAL = "64612"
EMG_GUIDANCE = "95874"
SIDE_MODIFIERS = {"right": "RT", "left": "LT"}


@dataclass(frozen=True)
class BillingLine:
    code: str
    modifiers: tuple[str, ...]
    quantity: Decimal
    description: str


def procedure_lines(sides: Iterable[str], guidance: str) -> list[BillingLine]:
    """64612 per treated side (a midline-only session is one unilateral code),
    and 95874 for needle-EMG guidance."""
    treated = set(sides)
    lines = [
        BillingLine(
            CHEMODENERVATION_FACIAL,
            (modifier,),
            Decimal(1),
            f"Chemodenervation, facial nerve muscles, {side}",
        )
        for side, modifier in SIDE_MODIFIERS.items()
        if side in treated
    ]
    if not lines and treated:
        lines.append(
            BillingLine(
                CHEMODENERVATION_FACIAL,
                (),
                Decimal(1),
                "Chemodenervation, facial nerve muscles",
            )
        )
    if guidance == "emg" and lines:
        lines.append(
            BillingLine(EMG_GUIDANCE, (), Decimal(1), "Needle EMG guidance (add-on)")
        )
    return lines


def drug_lines(
    *, product: str, given_units: Decimal, discarded_units: Decimal
) -> list[BillingLine]:
    """The HCPCS line for the units given (JZ when none were discarded) and a JW
    line for the units discarded."""
    facts = dosing.PRODUCTS[product]
    per = f"{facts.billing_unit} U" if facts.billing_unit > 1 else "1 U"
    name = f"{facts.generic}, per {per}"
    lines = [
        BillingLine(
            facts.hcpcs,
            () if discarded_units else ("JZ",),
            dosing.billing_units(product, given_units),
            f"{name}, given",
        )
    ]
    if discarded_units:
        lines.append(
            BillingLine(
                facts.hcpcs,
                ("JW",),
                dosing.billing_units(product, discarded_units),
                f"{name}, discarded",
            )
        )
    return lines


def session_summary(
    *, product: str, guidance: str, vials, injections
) -> list[BillingLine]:
    """The lines for a session from its vials and injected sites."""
    injections = list(injections)
    given = sum((injection.units for injection in injections), Decimal(0))
    discarded = sum((vial.units_discarded for vial in vials), Decimal(0))
    return procedure_lines(
        (injection.side for injection in injections), guidance
    ) + drug_lines(product=product, given_units=given, discarded_units=discarded)
