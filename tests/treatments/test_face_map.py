import math
from decimal import Decimal

import pytest

from treatments import face_map
from treatments.models import Muscle, Side


@pytest.mark.parametrize("muscle", Muscle.values)
def test_every_muscle_has_a_place_inside_the_diagram(muscle):
    for side in (Side.RIGHT, Side.LEFT, Side.MIDLINE):
        x, y = face_map.position(muscle, side)
        assert 0 < x < face_map.WIDTH
        assert 0 < y < face_map.HEIGHT


def test_the_patients_right_is_drawn_on_the_viewers_left():
    right_x, right_y = face_map.position(Muscle.ZYGOMATICUS_MAJOR, Side.RIGHT)
    left_x, left_y = face_map.position(Muscle.ZYGOMATICUS_MAJOR, Side.LEFT)
    assert right_x < face_map.MIDLINE_X < left_x
    assert right_y == left_y
    assert right_x + left_x == 2 * face_map.MIDLINE_X


def test_midline_sites_sit_on_the_midline():
    assert face_map.position(Muscle.PROCERUS, Side.MIDLINE)[0] == face_map.MIDLINE_X


def test_the_anatomy_runs_from_forehead_to_neck():
    def y(muscle):
        return face_map.position(muscle, Side.RIGHT)[1]

    assert (
        y(Muscle.FRONTALIS)
        < y(Muscle.CORRUGATOR)
        < y(Muscle.OO_PRETARSAL_UPPER_LATERAL)
        < y(Muscle.OO_PRETARSAL_LOWER_LATERAL)
        < y(Muscle.ZYGOMATICUS_MAJOR)
        < y(Muscle.ORBICULARIS_ORIS)
        < y(Muscle.MENTALIS)
        < y(Muscle.PLATYSMA)
    )


def test_one_marker_per_muscle_and_side_with_its_units():
    markers = face_map.markers(
        [
            (Muscle.FRONTALIS, Side.RIGHT, Decimal("2.5")),
            (Muscle.FRONTALIS, Side.RIGHT, Decimal("2.5")),
            (Muscle.FRONTALIS, Side.LEFT, Decimal("5")),
            (Muscle.OO_ORBITAL, Side.RIGHT, Decimal("1.25")),
        ]
    )
    assert [(m.muscle, m.side, m.units_label) for m in markers] == [
        ("frontalis", "right", "5"),
        ("frontalis", "left", "5"),
        ("oo_orbital", "right", "1.25"),
    ]
    assert markers[0].muscle_label == "Frontalis"
    assert markers[0].side_label == "Right"


def test_unknown_side_is_refused():
    with pytest.raises(ValueError):
        face_map.position(Muscle.FRONTALIS, "up")


def test_every_muscle_may_be_picked_on_each_side_it_is_charted_on():
    picked = {(spot.muscle, spot.side) for spot in face_map.spots()}
    assert (Muscle.PROCERUS, Side.MIDLINE) in picked
    assert (Muscle.PROCERUS, Side.RIGHT) not in picked
    for muscle in set(Muscle) - {Muscle.PROCERUS}:
        assert {(muscle, Side.RIGHT), (muscle, Side.LEFT)} <= picked
        assert (muscle, Side.MIDLINE) not in picked


def test_spots_are_far_enough_apart_to_pick_and_in_reading_order():
    spots = face_map.spots()
    assert spots[0].muscle == Muscle.FRONTALIS and spots[0].side == Side.RIGHT
    assert [(s.y, s.x) for s in spots] == sorted((s.y, s.x) for s in spots)
    for index, spot in enumerate(spots):
        for other in spots[index + 1 :]:
            apart = math.dist((spot.x, spot.y), (other.x, other.y))
            assert apart >= 2 * face_map.SPOT_RADIUS, (spot, other)
    assert spots[0].label == "Frontalis, right"
