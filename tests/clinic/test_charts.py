import datetime
from decimal import Decimal
from functools import partial

from clinic.chart import SCALE_AXES, SCALE_TICKS
from clinic.charts import (
    HEIGHT,
    PAD_BOTTOM,
    PAD_LEFT,
    PAD_RIGHT,
    PAD_TOP,
    WIDTH,
    line_chart,
)
from patients.scales import written_score

JAN = datetime.date(2026, 1, 1)
MAR = datetime.date(2026, 3, 1)
MAY = datetime.date(2026, 5, 1)


def test_first_and_last_days_span_the_plot():
    chart = line_chart(
        "JRS",
        [(JAN, Decimal(8), "8"), (MAY, Decimal(0), "0")],
        y_range=(Decimal(0), Decimal(8)),
    )
    first, last = chart.points
    assert (first.x, first.y) == (PAD_LEFT, PAD_TOP)
    assert (last.x, last.y) == (WIDTH - PAD_RIGHT, HEIGHT - PAD_BOTTOM)


def test_points_are_sorted_by_day_and_scaled_on_the_fixed_axis():
    chart = line_chart(
        "JRS",
        [(MAY, Decimal(2), "2"), (JAN, Decimal(4), "4")],
        y_range=(Decimal(0), Decimal(8)),
    )
    assert [point.day for point in chart.points] == [JAN, MAY]
    middle = (PAD_TOP + HEIGHT - PAD_BOTTOM) / 2
    assert chart.points[0].y == middle
    assert chart.polyline == (
        f"{PAD_LEFT:.1f},{middle:.1f} {WIDTH - PAD_RIGHT:.1f},"
        f"{(HEIGHT - PAD_BOTTOM) - (HEIGHT - PAD_BOTTOM - PAD_TOP) / 4:.1f}"
    )


def test_negative_sunnybrook_composite_is_drawn_below_zero():
    chart = line_chart(
        "Sunnybrook",
        [(JAN, Decimal(-15), "-15"), (MAY, Decimal(0), "0")],
        y_range=(Decimal(-15), Decimal(100)),
    )
    assert chart.points[0].y > chart.points[1].y
    assert chart.y_ticks[0].label == "-15"


def test_toxin_markers_share_the_time_axis():
    chart = line_chart(
        "JRS",
        [(JAN, Decimal(6), "6"), (MAY, Decimal(2), "2")],
        markers=[(MAR, "Botox")],
    )
    (marker,) = chart.markers
    assert chart.points[0].x < marker.x < chart.points[1].x


def test_edge_date_labels_are_anchored_inside_the_plot():
    chart = line_chart("JRS", [(JAN, Decimal(1), "1"), (MAY, Decimal(2), "2")])
    assert [(tick.label, tick.anchor) for tick in chart.x_ticks] == [
        ("Jan 2026", "start"),
        ("May 2026", "end"),
    ]


def test_single_point_sits_in_the_middle():
    chart = line_chart("HB", [(JAN, Decimal(3), "III")], y_range=(1, 6))
    assert chart.points[0].x == (PAD_LEFT + WIDTH - PAD_RIGHT) / 2


def test_no_values_gives_an_empty_chart():
    chart = line_chart("JRS", [])
    assert chart.points == () and chart.polyline == ""


def test_a_scales_own_tick_values_are_labelled():
    chart = line_chart(
        "House-Brackmann",
        [(datetime.date(2026, 1, 1), Decimal(3), "3")],
        y_range=(Decimal(1), Decimal(6)),
        y_tick_values=(1, 2, 3, 4, 5, 6),
    )
    assert [tick.label for tick in chart.y_ticks] == ["1", "2", "3", "4", "5", "6"]
    # 1 at the bottom of the plot, 6 at its top.
    assert chart.y_ticks[0].position == chart.plot_bottom
    assert chart.y_ticks[-1].position == PAD_TOP


def test_tick_labels_are_written_by_the_scales_own_rule():
    chart = line_chart(
        "House-Brackmann",
        [(datetime.date(2026, 1, 1), Decimal(3), "III")],
        y_range=(Decimal(1), Decimal(6)),
        y_tick_values=(1, 2, 3, 4, 5, 6),
        y_tick_text=partial(written_score, "house_brackmann"),
    )
    assert [tick.label for tick in chart.y_ticks] == ["I", "II", "III", "IV", "V", "VI"]


def test_every_scale_on_the_chart_has_whole_ticks_inside_its_axis():
    for instrument, (low, high) in SCALE_AXES.items():
        ticks = SCALE_TICKS[instrument]
        assert all(low <= tick <= high for tick in ticks), instrument
        assert all(isinstance(tick, int) for tick in ticks), instrument
