"""Where each injected muscle is drawn on the face diagram.

Pure data and one function: no database. The diagram is the face seen from the
front, as the injector sees the patient, so the patient's right half is on the
viewer's left. Positions are given once, for the patient's right half, in the
diagram's coordinates (a 300 x 440 box, midline at x = 150) and mirrored for the
left half; muscles charted in the midline sit on it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from treatments.dosing import format_units
from treatments.models import MIDLINE_MUSCLES, Muscle, Side

WIDTH = 300
HEIGHT = 440
MIDLINE_X = WIDTH // 2
# How far from its place a spot to pick a site reaches: the closest two spots
# (the mentalis either side of the midline) are 20 apart.
SPOT_RADIUS = 9

# Patient's right half (the viewer's left), roughly where each muscle is injected.
RIGHT_HALF: dict[str, tuple[int, int]] = {
    Muscle.FRONTALIS: (112, 80),
    Muscle.CORRUGATOR: (128, 122),
    Muscle.PROCERUS: (142, 140),
    Muscle.OO_PRESEPTAL: (105, 134),
    Muscle.OO_PRETARSAL_UPPER_MEDIAL: (117, 151),
    Muscle.OO_PRETARSAL_UPPER_LATERAL: (93, 151),
    Muscle.OO_PRETARSAL_LOWER_LATERAL: (93, 173),
    Muscle.OO_ORBITAL: (69, 162),
    Muscle.NASALIS: (136, 200),
    Muscle.LEVATOR_LABII: (125, 220),
    Muscle.ZYGOMATICUS_MINOR: (103, 230),
    Muscle.ZYGOMATICUS_MAJOR: (81, 246),
    Muscle.BUCCINATOR: (80, 272),
    Muscle.RISORIUS: (98, 292),
    Muscle.ORBICULARIS_ORIS: (132, 284),
    Muscle.DEPRESSOR_ANGULI_ORIS: (110, 316),
    Muscle.DEPRESSOR_LABII_INFERIORIS: (132, 320),
    Muscle.MENTALIS: (140, 342),
    Muscle.PLATYSMA: (122, 395),
}


@dataclass(frozen=True)
class Marker:
    muscle: str
    side: str
    x: int
    y: int
    units: Decimal

    @property
    def muscle_label(self) -> str:
        return Muscle(self.muscle).label

    @property
    def side_label(self) -> str:
        return Side(self.side).label

    @property
    def units_label(self) -> str:
        return format_units(self.units)


def position(muscle: str, side: str) -> tuple[int, int]:
    """Diagram coordinates of a muscle on the patient's `side`."""
    x, y = RIGHT_HALF[Muscle(muscle)]
    if side == Side.RIGHT:
        return x, y
    if side == Side.LEFT:
        return 2 * MIDLINE_X - x, y
    if side == Side.MIDLINE:
        return MIDLINE_X, y
    raise ValueError(f"Unknown side: {side!r}")


@dataclass(frozen=True)
class Spot:
    """A place on the diagram where a site may be picked to chart."""

    muscle: str
    side: str
    x: int
    y: int
    radius: int = SPOT_RADIUS

    @property
    def label(self) -> str:
        return f"{Muscle(self.muscle).label}, {Side(self.side).label.lower()}"


def spots() -> list[Spot]:
    """Every muscle on each side it is charted on, in reading order (top to
    bottom, then as the viewer sees it, left to right). A midline muscle has one
    spot, on the midline: its right and left would sit too close to pick apart."""
    placed = []
    for muscle in RIGHT_HALF:
        sides = (
            (Side.MIDLINE,) if muscle in MIDLINE_MUSCLES else (Side.RIGHT, Side.LEFT)
        )
        placed += [Spot(muscle, side, *position(muscle, side)) for side in sides]
    return sorted(placed, key=lambda spot: (spot.y, spot.x))


def markers(sites: Iterable[tuple[str, str, Decimal]]) -> list[Marker]:
    """One marker per injected muscle and side, with the units given there.

    `sites` are (muscle, side, units) rows; several rows for the same muscle and
    side (e.g. two points charted separately) add up on one marker.
    """
    totals: dict[tuple[str, str], Decimal] = {}
    for muscle, side, units in sites:
        key = (str(muscle), str(side))
        totals[key] = totals.get(key, Decimal("0")) + Decimal(units)
    placed = [
        Marker(muscle, side, *position(muscle, side), units)
        for (muscle, side), units in totals.items()
    ]
    return sorted(placed, key=lambda marker: (marker.y, marker.x))
