from dataclasses import FrozenInstanceError
from decimal import Decimal

import pytest

from patients.scales import (
    DEFINITIONS,
    INSTRUMENT_CHOICES,
    LATEST_VERSION,
    Item,
    ScaleError,
    get_definition,
    is_clinically_meaningful_change,
    score,
    version_choices,
    written_score,
)

EVERY_ITEM = [
    pytest.param(definition, item, id=f"{definition.version}-{item.code}")
    for definition in DEFINITIONS.values()
    for item in definition.items
]


def jrs(severity, frequency, version="blepharospasm-1987"):
    return score("jrs", version, {"severity": severity, "frequency": frequency})


def hfs7_answers(*values):
    return {f"item{n}": value for n, value in enumerate(values, start=1)}


def sunnybrook_answers(rest, vol, syn):
    expressions = ["brow", "gentle_eye_closure", "open_mouth_smile", "snarl"]
    expressions.append("lip_pucker")
    answers = dict(zip(["rest_eye", "rest_cheek", "rest_mouth"], rest, strict=True))
    answers |= {f"vol_{e}": v for e, v in zip(expressions, vol, strict=True)}
    answers |= {f"syn_{e}": v for e, v in zip(expressions, syn, strict=True)}
    return answers


def bsdi_answers(*values):
    codes = ["driving", "reading", "watching_tv", "shopping", "walking"]
    codes.append("everyday_activities")
    return dict(zip(codes, values, strict=True))


def all_at(definition, pick):
    return {item.code: pick(item.allowed) for item in definition.items}


# Catalogue


def test_instrument_choices_list_every_instrument_in_a_stable_order():
    assert INSTRUMENT_CHOICES == [
        ("jrs", "Jankovic Rating Scale"),
        ("smc", "Samsung Medical Center grade"),
        ("hfs7", "HFS-7"),
        ("house_brackmann", "House-Brackmann facial nerve grade"),
        ("sunnybrook", "Sunnybrook Facial Grading System"),
        ("bsdi", "Blepharospasm Disability Index"),
    ]


def test_version_choices_list_every_version_with_its_scale_name():
    assert version_choices() == [
        ("blepharospasm-1987", "Jankovic Rating Scale – blepharospasm-1987"),
        ("hfs-adapted", "Jankovic Rating Scale – hfs-adapted"),
        ("lee-2012", "Samsung Medical Center grade – lee-2012"),
        ("tan-2005-presumed-0-4", "HFS-7 – tan-2005-presumed-0-4"),
        ("1985", "House-Brackmann facial nerve grade – 1985"),
        ("ross-1996", "Sunnybrook Facial Grading System – ross-1996"),
        ("presumed-6-item", "Blepharospasm Disability Index – presumed-6-item"),
    ]


def test_versions_are_unique_across_instruments():
    versions = [version for version, _ in version_choices()]
    assert len(versions) == len(set(versions))


def test_definitions_are_keyed_by_their_own_instrument_and_version():
    for (instrument, version), definition in DEFINITIONS.items():
        assert (definition.instrument, definition.version) == (instrument, version)


def test_latest_version_names_an_existing_definition_for_every_instrument():
    assert set(LATEST_VERSION) == {code for code, _ in INSTRUMENT_CHOICES}
    for instrument, version in LATEST_VERSION.items():
        assert get_definition(instrument, version).instrument == instrument


def test_only_house_brackmann_and_sunnybrook_are_scored_per_side():
    per_side = {d.instrument for d in DEFINITIONS.values() if d.per_side}
    assert per_side == {"house_brackmann", "sunnybrook"}


def test_only_bsdi_items_allow_not_applicable():
    with_na = {
        d.instrument
        for d in DEFINITIONS.values()
        for item in d.items
        if item.allows_not_applicable
    }
    assert with_na == {"bsdi"}


def test_unconfirmed_structures_say_so_in_their_source():
    assert "UNCONFIRMED" in get_definition("hfs7", "tan-2005-presumed-0-4").source
    assert "UNCONFIRMED" in get_definition("bsdi", "presumed-6-item").source


def test_definitions_cannot_be_changed_in_place():
    definition = get_definition("jrs", "blepharospasm-1987")
    with pytest.raises(FrozenInstanceError):
        definition.version = "edited"  # type: ignore[misc]


def test_unknown_instrument_is_refused():
    with pytest.raises(ScaleError) as exc:
        get_definition("ygtss", "1989")
    assert exc.value.item is None
    assert str(exc.value) == "Unknown scale 'ygtss' version '1989'."


def test_unknown_version_is_refused_when_scoring():
    with pytest.raises(ScaleError) as exc:
        score("jrs", "2099", {"severity": 1, "frequency": 1})
    assert exc.value.item is None
    assert "'2099'" in str(exc.value)


def test_scale_error_is_a_value_error():
    assert issubclass(ScaleError, ValueError)


# JRS


def test_jrs_total_is_severity_plus_frequency():
    result = jrs(3, 2)
    assert result.totals == {"total": 5}
    assert result.primary == Decimal("5")
    assert isinstance(result.primary, Decimal)


def test_jrs_total_is_zero_when_both_items_are_zero():
    assert jrs(0, 0).totals == {"total": 0}


def test_jrs_total_is_eight_when_both_items_are_four():
    assert jrs(4, 4).totals == {"total": 8}


def test_jrs_hfs_adapted_version_scores_with_the_same_arithmetic():
    assert jrs(1, 4, version="hfs-adapted").totals == {"total": 5}


def test_jrs_versions_store_different_anchor_texts():
    original = get_definition("jrs", "blepharospasm-1987").items[1].anchors
    adapted = get_definition("jrs", "hfs-adapted").items[1].anchors
    assert dict(original)[4] == (
        "Functionally blind: eyes closed over 50% of waking time"
    )
    assert dict(adapted)[1] == "Occasional: less than once an hour"


def test_strings_of_digits_are_accepted_as_answers():
    assert jrs("3", " 4 ").totals == {"total": 7}


def test_whole_number_floats_from_json_are_accepted():
    assert jrs(2.0, 1).totals == {"total": 3}


# SMC


def test_smc_grade_is_the_chosen_grade():
    result = score("smc", "lee-2012", {"grade": 3})
    assert result.totals == {"grade": 3}
    assert result.primary == Decimal("3")


@pytest.mark.parametrize("grade", [1, 4])
def test_smc_grade_accepts_grades_one_to_four(grade):
    assert score("smc", "lee-2012", {"grade": grade}).totals == {"grade": grade}


def test_smc_definition_keeps_the_roman_grade_descriptions():
    anchors = dict(get_definition("smc", "lee-2012").items[0].anchors)
    assert anchors[1] == "I: spasm confined to the periocular area"
    assert anchors[4] == "IV: disfiguring asymmetry"


# HFS-7


def test_hfs7_total_is_the_sum_of_its_seven_items():
    result = score("hfs7", "tan-2005-presumed-0-4", hfs7_answers(0, 1, 2, 3, 4, 2, 1))
    assert result.totals == {"total": 13}
    assert result.primary == Decimal("13")


def test_hfs7_total_is_zero_when_every_item_is_zero():
    answers = hfs7_answers(0, 0, 0, 0, 0, 0, 0)
    assert score("hfs7", "tan-2005-presumed-0-4", answers).totals == {"total": 0}


def test_hfs7_total_is_28_when_every_item_is_four():
    answers = hfs7_answers(4, 4, 4, 4, 4, 4, 4)
    assert score("hfs7", "tan-2005-presumed-0-4", answers).totals == {"total": 28}


def test_hfs7_items_have_neutral_labels_only():
    definition = get_definition("hfs7", "tan-2005-presumed-0-4")
    assert [item.label for item in definition.items] == [
        f"Item {n}" for n in range(1, 8)
    ]
    assert all(item.anchors == () for item in definition.items)


# House-Brackmann


def test_house_brackmann_grade_is_the_chosen_grade():
    result = score("house_brackmann", "1985", {"grade": 4})
    assert result.totals == {"grade": 4}
    assert result.primary == Decimal("4")


@pytest.mark.parametrize("grade", [1, 6])
def test_house_brackmann_accepts_grades_one_to_six(grade):
    assert score("house_brackmann", "1985", {"grade": grade}).totals == {"grade": grade}


def test_house_brackmann_grade_four_describes_incomplete_eye_closure():
    anchors = dict(get_definition("house_brackmann", "1985").items[0].anchors)
    assert "incomplete eye closure" in anchors[4]


# Sunnybrook


def test_sunnybrook_composite_is_voluntary_minus_resting_minus_synkinesis():
    answers = sunnybrook_answers(
        rest=(1, 1, 0), vol=(4, 3, 5, 4, 2), syn=(1, 0, 2, 1, 0)
    )
    result = score("sunnybrook", "ross-1996", answers)
    assert result.totals == {
        "resting": 10,
        "voluntary": 72,
        "synkinesis": 4,
        "composite": 58,
    }
    assert result.primary == Decimal("58")


def test_sunnybrook_best_case_is_100():
    answers = sunnybrook_answers(rest=(0, 0, 0), vol=(5, 5, 5, 5, 5), syn=(0,) * 5)
    assert score("sunnybrook", "ross-1996", answers).totals == {
        "resting": 0,
        "voluntary": 100,
        "synkinesis": 0,
        "composite": 100,
    }


def test_sunnybrook_worst_case_is_minus_15_and_not_clamped():
    answers = sunnybrook_answers(rest=(1, 2, 1), vol=(1, 1, 1, 1, 1), syn=(3,) * 5)
    result = score("sunnybrook", "ross-1996", answers)
    assert result.totals == {
        "resting": 20,
        "voluntary": 20,
        "synkinesis": 15,
        "composite": -15,
    }
    assert result.primary == Decimal("-15")


# BSDI


def test_bsdi_mean_and_sum_skip_not_applicable_items():
    result = score("bsdi", "presumed-6-item", bsdi_answers("na", 3, 2, "na", 1, 1))
    assert result.totals == {"mean": Decimal("1.75"), "sum": 7, "applicable_items": 4}
    assert result.primary == Decimal("1.75")


def test_bsdi_all_zero_gives_mean_zero_and_sum_zero():
    result = score("bsdi", "presumed-6-item", bsdi_answers(0, 0, 0, 0, 0, 0))
    assert result.totals == {"mean": Decimal("0"), "sum": 0, "applicable_items": 6}
    assert str(result.totals["mean"]) == "0.00"


def test_bsdi_all_four_gives_mean_four_and_sum_24():
    result = score("bsdi", "presumed-6-item", bsdi_answers(4, 4, 4, 4, 4, 4))
    assert result.totals == {"mean": Decimal("4"), "sum": 24, "applicable_items": 6}
    assert str(result.totals["mean"]) == "4.00"


@pytest.mark.parametrize(
    "values, mean",
    [
        (("na", "na", "na", 1, 0, 0), "0.33"),
        (("na", "na", "na", 1, 1, 0), "0.67"),
        ((1, 0, 0, 0, 0, 0), "0.17"),
    ],
)
def test_bsdi_mean_is_rounded_half_up_to_two_places(values, mean):
    result = score("bsdi", "presumed-6-item", bsdi_answers(*values))
    assert str(result.totals["mean"]) == mean


def test_bsdi_with_every_item_not_applicable_is_refused():
    answers = bsdi_answers(*["na"] * 6)
    with pytest.raises(ScaleError) as exc:
        score("bsdi", "presumed-6-item", answers)
    assert exc.value.item is None
    assert "every item is N/A" in str(exc.value)


# Refusals


@pytest.mark.parametrize("definition, item", EVERY_ITEM)
def test_value_below_the_item_range_is_refused(definition, item):
    answers = all_at(definition, min)
    answers[item.code] = min(item.allowed) - 1
    with pytest.raises(ScaleError) as exc:
        score(definition.instrument, definition.version, answers)
    assert exc.value.item == item.code
    assert str(exc.value).startswith(f"{item.label}: {min(item.allowed) - 1} is out")


@pytest.mark.parametrize("definition, item", EVERY_ITEM)
def test_value_above_the_item_range_is_refused(definition, item):
    answers = all_at(definition, max)
    answers[item.code] = max(item.allowed) + 1
    with pytest.raises(ScaleError) as exc:
        score(definition.instrument, definition.version, answers)
    assert exc.value.item == item.code
    assert str(exc.value).startswith(f"{item.label}: {max(item.allowed) + 1} is out")


@pytest.mark.parametrize("definition, item", EVERY_ITEM)
def test_missing_item_is_refused_and_named(definition, item):
    answers = all_at(definition, max)
    del answers[item.code]
    with pytest.raises(ScaleError) as exc:
        score(definition.instrument, definition.version, answers)
    assert exc.value.item == item.code
    assert f"Missing answer for {item.label}:" in str(exc.value)


def test_out_of_range_message_names_the_label_and_the_range():
    with pytest.raises(ScaleError) as exc:
        jrs(1, 5)
    assert str(exc.value) == "Frequency: 5 is out of range (0–4)."


def test_out_of_range_message_mentions_not_applicable_where_allowed():
    with pytest.raises(ScaleError) as exc:
        score("bsdi", "presumed-6-item", bsdi_answers(0, 0, 5, 0, 0, 0))
    assert exc.value.item == "watching_tv"
    assert str(exc.value) == "Watching TV: 5 is out of range (0–4 or N/A)."


def test_negative_digit_string_is_refused_as_out_of_range():
    with pytest.raises(ScaleError) as exc:
        jrs("-1", 0)
    assert exc.value.item == "severity"
    assert str(exc.value) == "Severity: -1 is out of range (0–4)."


def test_every_missing_item_is_named_and_the_first_is_reported():
    with pytest.raises(ScaleError) as exc:
        score("jrs", "blepharospasm-1987", {})
    assert exc.value.item == "severity"
    assert str(exc.value).startswith("Missing answer for Severity, Frequency:")


@pytest.mark.parametrize("blank", [None, "", "  "])
def test_blank_answer_counts_as_missing(blank):
    with pytest.raises(ScaleError) as exc:
        jrs(2, blank)
    assert exc.value.item == "frequency"
    assert "Missing answer for Frequency:" in str(exc.value)


def test_unknown_extra_key_is_refused_and_named():
    answers = {"severity": 1, "frequency": 1, "duration": 2}
    with pytest.raises(ScaleError) as exc:
        score("jrs", "blepharospasm-1987", answers)
    assert exc.value.item is None
    assert str(exc.value) == "Unknown items for Jankovic Rating Scale: 'duration'."


@pytest.mark.parametrize(
    "definition, item",
    [param for param in EVERY_ITEM if not param.values[1].allows_not_applicable],
)
def test_not_applicable_is_refused_where_the_item_does_not_allow_it(definition, item):
    answers = all_at(definition, max)
    answers[item.code] = "na"
    with pytest.raises(ScaleError) as exc:
        score(definition.instrument, definition.version, answers)
    assert exc.value.item == item.code
    assert str(exc.value) == f"{item.label}: N/A is not allowed here."


@pytest.mark.parametrize("value", [True, False])
def test_bool_is_refused_even_though_it_equals_an_allowed_integer(value):
    with pytest.raises(ScaleError) as exc:
        jrs(value, 1)
    assert exc.value.item == "severity"
    assert str(exc.value) == f"Severity: {value!r} is not a whole number."


@pytest.mark.parametrize("value", ["abc", "2.5", "NA", "+2", "²"])
def test_non_integer_string_is_refused(value):
    with pytest.raises(ScaleError) as exc:
        score(
            "sunnybrook",
            "ross-1996",
            sunnybrook_answers(rest=(0, 0, 0), vol=(5, value, 5, 5, 5), syn=(0,) * 5),
        )
    assert exc.value.item == "vol_gentle_eye_closure"
    assert str(exc.value) == (
        f"Gentle eye closure (voluntary movement): {value!r} is not a whole number."
    )


@pytest.mark.parametrize("value", [2.5, float("nan"), [2], Decimal("2.5")])
def test_non_integer_value_is_refused(value):
    with pytest.raises(ScaleError) as exc:
        score("smc", "lee-2012", {"grade": value})
    assert exc.value.item == "grade"
    assert str(exc.value).startswith("Grade: ")
    assert str(exc.value).endswith(" is not a whole number.")


def test_answers_that_are_not_a_mapping_are_refused():
    with pytest.raises(ScaleError) as exc:
        score("jrs", "blepharospasm-1987", [("severity", 1), ("frequency", 1)])
    assert exc.value.item is None


def test_item_defaults_to_no_not_applicable_and_no_anchors():
    item = Item(code="x", label="X", allowed=(0, 1))
    assert item.allows_not_applicable is False
    assert item.anchors == ()


# Clinically meaningful change


def test_jrs_change_of_one_point_is_not_meaningful():
    before = {"severity": 3, "frequency": 3}
    after = {"severity": 3, "frequency": 2}
    assert is_clinically_meaningful_change("jrs", before, after) is False


def test_jrs_improvement_of_two_points_is_meaningful():
    before = {"severity": 3, "frequency": 3}
    after = {"severity": 2, "frequency": 2}
    assert is_clinically_meaningful_change("jrs", before, after) is True


def test_jrs_worsening_of_two_points_is_meaningful():
    before = {"severity": 2, "frequency": 2}
    after = {"severity": 3, "frequency": 3}
    assert is_clinically_meaningful_change("jrs", before, after) is True


def test_bsdi_change_of_0_70_in_the_mean_is_meaningful():
    before = bsdi_answers(2, 1, 1, 1, 1, "na")  # 6 / 5 = 1.20
    after = bsdi_answers(1, 0, "na", "na", "na", "na")  # 1 / 2 = 0.50
    assert score("bsdi", "presumed-6-item", before).primary == Decimal("1.20")
    assert score("bsdi", "presumed-6-item", after).primary == Decimal("0.50")
    assert is_clinically_meaningful_change("bsdi", before, after) is True


def test_bsdi_change_just_below_0_70_in_the_mean_is_not_meaningful():
    # A mean is k/n with n <= 6 applicable items, so 0.69 cannot occur: the
    # largest change below 0.70 is 2/3, shown as 0.67.
    before = bsdi_answers("na", "na", "na", 1, 1, 0)  # 2 / 3 = 0.67
    after = bsdi_answers(0, 0, 0, 0, 0, 0)  # 0.00
    assert score("bsdi", "presumed-6-item", before).primary == Decimal("0.67")
    assert is_clinically_meaningful_change("bsdi", before, after) is False


def test_bsdi_change_is_judged_on_the_mean_not_the_sum():
    before = bsdi_answers(1, 1, 1, 1, 1, 1)  # sum 6, mean 1.00
    after = bsdi_answers(1, 1, 1, "na", "na", "na")  # sum 3, mean 1.00
    assert is_clinically_meaningful_change("bsdi", before, after) is False


@pytest.mark.parametrize("instrument", ["smc", "hfs7", "house_brackmann", "sunnybrook"])
def test_instruments_without_a_published_threshold_never_flag_a_change(instrument):
    definition = get_definition(instrument, LATEST_VERSION[instrument])
    best, worst = all_at(definition, min), all_at(definition, max)
    assert is_clinically_meaningful_change(instrument, best, worst) is False


def test_meaningful_change_for_an_unknown_instrument_is_refused():
    with pytest.raises(ScaleError) as exc:
        is_clinically_meaningful_change("ygtss", {}, {})
    assert exc.value.item is None


@pytest.mark.parametrize(
    ("instrument", "value", "written"),
    [
        ("house_brackmann", Decimal("4.00"), "IV"),
        ("house_brackmann", 1, "I"),
        ("house_brackmann", 6, "VI"),
        ("house_brackmann", Decimal("3.5"), "3.5"),  # an axis midpoint, not a grade
        ("jrs", Decimal("2.50"), "2.5"),
        ("jrs", 4, "4"),
        ("sunnybrook", Decimal("-15"), "-15"),
    ],
)
def test_scores_are_written_as_clinicians_write_them(instrument, value, written):
    assert written_score(instrument, value) == written
