"""Geometry for the chart's server-rendered SVG trend lines (no database, no JS).

A chart maps dated values onto a fixed drawing area; the template only draws what
these functions computed, so the arithmetic is tested here once.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format

WIDTH = 640
HEIGHT = 200
PAD_LEFT = 44
PAD_RIGHT = 12
PAD_TOP = 12
PAD_BOTTOM = 28


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    day: datetime.date
    value: Decimal
    label: str = ""


@dataclass(frozen=True)
class Marker:
    x: float
    day: datetime.date
    label: str


@dataclass(frozen=True)
class Tick:
    position: float
    label: str
    anchor: str = "middle"  # SVG text-anchor, so edge labels stay inside the chart


@dataclass(frozen=True)
class LineChart:
    title: str
    points: tuple[Point, ...]
    markers: tuple[Marker, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def polyline(self) -> str:
        return " ".join(f"{point.x:.1f},{point.y:.1f}" for point in self.points)

    @property
    def plot_bottom(self) -> int:
        return self.height - PAD_BOTTOM

    @property
    def plot_left(self) -> int:
        return PAD_LEFT


def _scale(value: float, low: float, high: float, start: float, end: float) -> float:
    if high == low:
        return (start + end) / 2
    return start + (value - low) / (high - low) * (end - start)


def line_chart(
    title: str,
    values: list[tuple[datetime.date, Decimal, str]],
    *,
    markers: list[tuple[datetime.date, str]] = (),
    y_range: tuple[Decimal, Decimal] | None = None,
    y_tick_values: tuple[int, ...] = (),
    y_tick_text: Callable[[float], str] = "{:g}".format,
) -> LineChart:
    """Dated values (oldest first or not) as points, with dated event markers.

    `y_range` fixes the axis to an instrument's published range, so two charts of
    the same scale look alike; without it the axis spans the data (and zero).
    `y_tick_values` are the values to label (a scale's own grades, never "3.5");
    without them the bottom, middle and top. `y_tick_text` writes each label
    (House-Brackmann's grades in Roman numerals).
    """
    values = sorted(values, key=lambda item: item[0])
    days = [day for day, _, _ in values] + [day for day, _ in markers]
    if not days:
        return LineChart(title, (), (), (), ())
    first, last = min(days), max(days)
    if y_range is None:
        numbers = [value for _, value, _ in values] or [Decimal(0)]
        y_range = (min([Decimal(0), *numbers]), max([Decimal(1), *numbers]))
    low, high = (float(bound) for bound in y_range)
    left, right = PAD_LEFT, WIDTH - PAD_RIGHT
    top, bottom = PAD_TOP, HEIGHT - PAD_BOTTOM

    def x_of(day: datetime.date) -> float:
        return _scale(day.toordinal(), first.toordinal(), last.toordinal(), left, right)

    def y_of(value: float) -> float:
        return _scale(value, low, high, bottom, top)

    points = tuple(
        Point(x_of(day), y_of(float(value)), day, value, label)
        for day, value, label in values
    )
    chart_markers = tuple(Marker(x_of(day), day, label) for day, label in markers)
    y_ticks = tuple(
        Tick(y_of(tick), y_tick_text(tick))
        for tick in (y_tick_values or (low, (low + high) / 2, high))
    )
    if first == last:
        x_ticks = (Tick(x_of(first), date_format(first, "M Y")),)
    else:
        x_ticks = (
            Tick(x_of(first), date_format(first, "M Y"), "start"),
            Tick(x_of(last), date_format(last, "M Y"), "end"),
        )
    return LineChart(title, points, chart_markers, y_ticks, x_ticks)
