from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from treatments.dosing import (
    DEFAULT_IN_USE_HOURS,
    PRODUCTS,
    billing_units,
    cumulative_units,
    days_since,
    in_use_hours_exceeded,
    is_expired,
    paediatric_ceiling_units,
    totals_by_product,
    totals_by_side,
    units_per_ml,
    volume_ml,
)
from treatments.intervals import MINIMUM_INTERVAL_DAYS

BOTOX = "onabotulinumtoxina"
DYSPORT = "abobotulinumtoxina"
XEOMIN = "incobotulinumtoxina"
MYOBLOC = "rimabotulinumtoxinb"


# Product facts


def test_products_are_keyed_by_the_model_layer_codes():
    assert set(PRODUCTS) == {BOTOX, DYSPORT, XEOMIN, MYOBLOC}
    assert all(code == facts.code for code, facts in PRODUCTS.items())


@pytest.mark.parametrize(
    ("code", "brand", "toxin_type", "hcpcs", "billing_unit", "vial_sizes"),
    [
        (BOTOX, "Botox", "A", "J0585", 1, (50, 100, 200)),
        (DYSPORT, "Dysport", "A", "J0586", 5, (300, 500)),
        (XEOMIN, "Xeomin", "A", "J0588", 1, (50, 100, 200)),
        (MYOBLOC, "Myobloc/NeuroBloc", "B", "J0587", 100, (2500, 5000, 10000)),
    ],
)
def test_product_facts_match_the_domain_table(
    code, brand, toxin_type, hcpcs, billing_unit, vial_sizes
):
    facts = PRODUCTS[code]
    assert facts.brand == brand
    assert facts.toxin_type == toxin_type
    assert facts.hcpcs == hcpcs
    assert facts.billing_unit == billing_unit
    assert facts.vial_sizes == vial_sizes


def test_limits_default_to_the_domain_values():
    assert MINIMUM_INTERVAL_DAYS == 84
    assert DEFAULT_IN_USE_HOURS == {BOTOX: 24, DYSPORT: 24, XEOMIN: 24, MYOBLOC: 24}


# Concentration and volume


@pytest.mark.parametrize(
    ("diluent_ml", "expected"),
    [(1, "10"), (2, "5"), (4, "2.5"), (8, "1.25")],
)
def test_100_unit_vial_gives_label_units_per_0_1_ml(diluent_ml, expected):
    # DOMAIN.md 2.4: units per 0.1 mL = vial units x 0.1 / diluent mL.
    assert units_per_ml(100, diluent_ml) / 10 == Decimal(expected)


@pytest.mark.parametrize(
    ("diluent_ml", "expected"),
    [("1", "500"), ("2.5", "200"), ("5", "100")],
)
def test_dysport_500_unit_vial_gives_smpc_units_per_ml(diluent_ml, expected):
    assert units_per_ml(500, diluent_ml) == Decimal(expected)


def test_dysport_500_units_in_2_5_ml_gives_20_units_per_0_1_ml():
    assert units_per_ml(Decimal("500"), Decimal("2.5")) / 10 == Decimal("20")


def test_concentration_returns_decimal_for_int_inputs():
    assert isinstance(units_per_ml(100, 4), Decimal)


@pytest.mark.parametrize(
    ("units", "diluent_ml", "expected"),
    [
        ("2.5", 4, "0.100"),
        ("1.25", 4, "0.050"),
        ("1.25", 8, "0.100"),
        ("5", 2, "0.100"),
        ("5", 4, "0.200"),
        ("3", 2, "0.060"),
        ("0", 4, "0.000"),
    ],
)
def test_volume_for_a_site_from_a_100_unit_vial(units, diluent_ml, expected):
    volume = volume_ml(units, 100, diluent_ml)
    assert volume == Decimal(expected)
    assert volume.as_tuple().exponent == -3


def test_volume_is_rounded_half_up_to_a_thousandth_of_a_ml():
    # 1 U from 100 U in 3 mL is 0.03 mL exactly; 1 U from 300 U in 2.5 mL
    # is 0.008333... mL; 0.0005 mL rounds up.
    assert volume_ml(1, 100, 3) == Decimal("0.030")
    assert volume_ml(1, 300, "2.5") == Decimal("0.008")
    assert volume_ml("0.05", 100, 1) == Decimal("0.001")
    assert volume_ml("0.0499", 100, 1) == Decimal("0.000")


def test_dysport_volume_at_200_units_per_ml():
    assert volume_ml(40, 500, "2.5") == Decimal("0.200")


# Billing units


@pytest.mark.parametrize(
    ("product", "units", "expected"),
    [
        (BOTOX, "50", "50"),
        (BOTOX, "2.5", "2.5"),
        (DYSPORT, "120", "24"),
        (DYSPORT, "123", "24.6"),
        (XEOMIN, "35", "35"),
        (MYOBLOC, "2500", "25"),
    ],
)
def test_billing_units_divide_by_the_hcpcs_billing_unit(product, units, expected):
    assert billing_units(product, units) == Decimal(expected)


# Totals


def test_totals_by_product_never_adds_units_of_different_products():
    totals = totals_by_product(
        [(BOTOX, Decimal("2.5")), (DYSPORT, 40), (BOTOX, "5"), (DYSPORT, "20")]
    )
    assert totals == {BOTOX: Decimal("7.5"), DYSPORT: Decimal("60")}


def test_totals_by_product_is_empty_without_doses():
    assert totals_by_product([]) == {}


def test_totals_by_side_sums_units_per_side():
    totals = totals_by_side([("L", "2.5"), ("R", 5), ("L", Decimal("1.25"))])
    assert totals == {"L": Decimal("3.75"), "R": Decimal("5")}


# Days since the last session


def test_days_since_is_none_without_a_previous_session():
    assert days_since(None, date(2025, 3, 1)) is None


def test_days_since_counts_calendar_days():
    assert days_since(date(2025, 1, 1), date(2025, 3, 26)) == 84
    assert days_since(date(2025, 1, 1), date(2025, 1, 1)) == 0


def test_days_since_refuses_a_previous_session_after_the_date():
    with pytest.raises(ValueError, match="after"):
        days_since(date(2025, 3, 2), date(2025, 3, 1))


# Cumulative units in a rolling window


def test_cumulative_units_window_excludes_a_dose_exactly_window_days_ago():
    ending_on = date(2025, 3, 31)
    doses = [
        (ending_on - timedelta(days=84), BOTOX, Decimal("100")),
        (ending_on - timedelta(days=83), BOTOX, Decimal("50")),
        (ending_on, BOTOX, Decimal("25")),
    ]
    total = cumulative_units(doses, product=BOTOX, window_days=84, ending_on=ending_on)
    assert total == Decimal("75")


def test_cumulative_units_excludes_doses_after_the_window_end():
    ending_on = date(2025, 3, 31)
    doses = [
        (ending_on, BOTOX, "10"),
        (ending_on + timedelta(days=1), BOTOX, "200"),
    ]
    total = cumulative_units(doses, product=BOTOX, window_days=30, ending_on=ending_on)
    assert total == Decimal("10")


def test_cumulative_units_ignores_other_products():
    ending_on = date(2025, 3, 31)
    doses = [
        (ending_on, BOTOX, "40"),
        (ending_on, DYSPORT, "120"),
        (ending_on, XEOMIN, "35"),
    ]
    total = cumulative_units(doses, product=BOTOX, window_days=30, ending_on=ending_on)
    assert total == Decimal("40")


def test_cumulative_units_is_zero_without_doses_of_the_product():
    ending_on = date(2025, 3, 31)
    doses = [(ending_on, DYSPORT, "120")]
    total = cumulative_units(doses, product=BOTOX, window_days=84, ending_on=ending_on)
    assert total == Decimal("0")


def test_cumulative_units_refuses_an_unknown_product_among_the_doses():
    ending_on = date(2025, 3, 31)
    doses = [(ending_on, BOTOX, "40"), (ending_on, "onabotulinumtoxinA", "400")]
    with pytest.raises(ValueError, match="Unknown product code"):
        cumulative_units(doses, product=BOTOX, window_days=84, ending_on=ending_on)


@pytest.mark.parametrize("window_days", [0, -1])
def test_cumulative_units_refuses_a_non_positive_window(window_days):
    with pytest.raises(ValueError, match="window_days"):
        cumulative_units(
            [], product=BOTOX, window_days=window_days, ending_on=date(2025, 3, 31)
        )


# Paediatric ceiling


@pytest.mark.parametrize(
    ("weight_kg", "expected"),
    [("20", "200"), ("34", "340"), ("50", "340"), ("12.5", "125")],
)
def test_paediatric_ceiling_is_the_lower_of_10_units_per_kg_and_340(
    weight_kg, expected
):
    assert paediatric_ceiling_units(
        Decimal(weight_kg), per_kg="10", absolute_max="340"
    ) == Decimal(expected)


def test_paediatric_ceiling_uses_configured_limits():
    ceiling = paediatric_ceiling_units(20, per_kg="6", absolute_max=100)
    assert ceiling == Decimal("100")
    assert paediatric_ceiling_units(10, per_kg="6", absolute_max=100) == Decimal("60")


@pytest.mark.parametrize("weight_kg", [0, "-3", Decimal("0")])
def test_paediatric_ceiling_refuses_a_non_positive_weight(weight_kg):
    with pytest.raises(ValueError, match="weight_kg must be greater than zero"):
        paediatric_ceiling_units(weight_kg, per_kg="10", absolute_max="340")


# In-use time after reconstitution

RECONSTITUTED_AT = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("elapsed", "exceeded"),
    [
        (timedelta(hours=23, minutes=59), False),
        (timedelta(hours=24), False),
        (timedelta(hours=24, minutes=1), True),
    ],
)
def test_in_use_limit_is_exceeded_only_after_the_limit(elapsed, exceeded):
    administered_at = RECONSTITUTED_AT + elapsed
    assert in_use_hours_exceeded(RECONSTITUTED_AT, administered_at, 24) is exceeded


def test_in_use_limit_refuses_naive_datetimes():
    naive = datetime(2025, 3, 1, 10, 0)  # noqa: DTZ001
    with pytest.raises(ValueError, match="administered_at must be a timezone-aware"):
        in_use_hours_exceeded(RECONSTITUTED_AT, naive, 24)


def test_in_use_limit_refuses_administration_before_reconstitution():
    administered_at = RECONSTITUTED_AT - timedelta(minutes=1)
    with pytest.raises(ValueError, match="before reconstituted_at"):
        in_use_hours_exceeded(RECONSTITUTED_AT, administered_at, 24)


def test_in_use_limit_refuses_a_non_positive_limit():
    with pytest.raises(ValueError, match="limit_hours"):
        in_use_hours_exceeded(RECONSTITUTED_AT, RECONSTITUTED_AT, 0)


# Lot expiry


def test_a_lot_is_usable_on_its_expiry_date():
    assert is_expired(date(2025, 6, 30), date(2025, 6, 30)) is False


def test_a_lot_is_expired_the_day_after_its_expiry_date():
    assert is_expired(date(2025, 6, 30), date(2025, 7, 1)) is True


# Refusals


@pytest.mark.parametrize("vial_units", [0, -100, "0"])
def test_concentration_refuses_non_positive_vial_units(vial_units):
    with pytest.raises(ValueError, match="vial_units must be greater than zero"):
        units_per_ml(vial_units, 2)
    with pytest.raises(ValueError, match="vial_units must be greater than zero"):
        volume_ml(1, vial_units, 2)


@pytest.mark.parametrize("diluent_ml", [0, "-1", Decimal("0.0")])
def test_concentration_refuses_non_positive_diluent(diluent_ml):
    with pytest.raises(ValueError, match="diluent_ml must be greater than zero"):
        units_per_ml(100, diluent_ml)
    with pytest.raises(ValueError, match="diluent_ml must be greater than zero"):
        volume_ml(1, 100, diluent_ml)


def test_negative_units_are_refused_everywhere():
    message = "units must not be negative"
    with pytest.raises(ValueError, match=message):
        volume_ml("-1", 100, 2)
    with pytest.raises(ValueError, match=message):
        billing_units(BOTOX, -5)
    with pytest.raises(ValueError, match=message):
        totals_by_product([(BOTOX, "-2.5")])
    with pytest.raises(ValueError, match=message):
        totals_by_side([("L", "-2.5")])
    with pytest.raises(ValueError, match=message):
        cumulative_units(
            [(date(2025, 3, 31), BOTOX, -1)],
            product=BOTOX,
            window_days=84,
            ending_on=date(2025, 3, 31),
        )


@pytest.mark.parametrize("product", ["botox", "onabotulinumtoxinA", "", None])
def test_unknown_product_codes_are_refused(product):
    with pytest.raises(ValueError, match="Unknown product code"):
        billing_units(product, 10)
    with pytest.raises(ValueError, match="Unknown product code"):
        totals_by_product([(product, 10)])
    with pytest.raises(ValueError, match="Unknown product code"):
        cumulative_units(
            [], product=product, window_days=84, ending_on=date(2025, 3, 31)
        )


def test_floats_are_refused_with_a_type_error():
    with pytest.raises(TypeError, match="not float"):
        units_per_ml(100.0, 2)
    with pytest.raises(TypeError, match="not float"):
        units_per_ml(100, 2.5)
    with pytest.raises(TypeError, match="not float"):
        volume_ml(2.5, 100, 4)
    with pytest.raises(TypeError, match="not float"):
        billing_units(DYSPORT, 120.0)
    with pytest.raises(TypeError, match="not float"):
        totals_by_product([(BOTOX, 2.5)])
    with pytest.raises(TypeError, match="not float"):
        totals_by_side([("L", 2.5)])
    with pytest.raises(TypeError, match="not float"):
        paediatric_ceiling_units(20.5, per_kg="10", absolute_max="340")


def test_booleans_are_not_accepted_as_numbers():
    with pytest.raises(TypeError, match="not bool"):
        units_per_ml(True, 1)


@pytest.mark.parametrize("value", ["ten", "", "NaN", "Infinity"])
def test_non_numeric_strings_are_refused(value):
    with pytest.raises(ValueError, match="units"):
        volume_ml(value, 100, 2)
