import datetime
from decimal import Decimal

import pytest

from treatments import dosing, safety
from treatments.safety import PriorSession

ONA = "onabotulinumtoxina"
ABO = "abobotulinumtoxina"
INCO = "incobotulinumtoxina"
RIMA = "rimabotulinumtoxinb"
DAY = datetime.date(2026, 3, 2)

# The settings' defaults: only the Botox label gives cumulative and child ceilings.
LIMITS = safety.Limits(
    min_reinjection_days=84,
    window_days=84,
    adult_max_units={ONA: Decimal("400"), ABO: None, INCO: None, RIMA: None},
    paediatric_ceiling={
        ONA: (Decimal("10"), Decimal("340")),
        ABO: None,
        INCO: None,
        RIMA: None,
    },
    in_use_hours={ONA: 24, ABO: 24, INCO: 24, RIMA: 24},
)


def at(hours: float = 0) -> datetime.datetime:
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    return start + datetime.timedelta(hours=hours)


def codes(warnings) -> list[str]:
    return [warning.code for warning in warnings]


def sites(*units, muscle="zygomaticus_major", side="right") -> list[safety.Site]:
    return [safety.Site(muscle, side, Decimal(str(u))) for u in units]


class TestReinjectionInterval:
    def test_83_days_warns_with_the_days(self):
        warnings = safety.reinjection_interval(
            last_session_on=DAY - datetime.timedelta(days=83),
            session_on=DAY,
            min_days=84,
        )
        assert codes(warnings) == ["reinjection_interval"]
        assert "83 days" in warnings[0].message
        assert "84 days" in warnings[0].message

    def test_84_days_is_fine(self):
        assert (
            safety.reinjection_interval(
                last_session_on=DAY - datetime.timedelta(days=84),
                session_on=DAY,
                min_days=84,
            )
            == []
        )

    def test_no_earlier_session_is_fine(self):
        assert (
            safety.reinjection_interval(
                last_session_on=None, session_on=DAY, min_days=84
            )
            == []
        )

    def test_a_second_session_the_same_day_warns(self):
        warnings = safety.reinjection_interval(
            last_session_on=DAY, session_on=DAY, min_days=84
        )
        assert "0 days" in warnings[0].message


class TestCumulativeDose:
    def cumulative(self, prior, units, product=ONA):
        return safety.cumulative_dose(
            prior=prior,
            product=product,
            units=Decimal(units),
            session_on=DAY,
            window_days=84,
            limit=Decimal("400"),
        )

    def test_exactly_at_the_limit_is_fine(self):
        prior = [PriorSession(DAY - datetime.timedelta(days=30), ONA, Decimal("350"))]
        assert self.cumulative(prior, "50") == []

    def test_one_unit_over_warns_with_sum_and_limit(self):
        prior = [PriorSession(DAY - datetime.timedelta(days=30), ONA, Decimal("350"))]
        warnings = self.cumulative(prior, "51")
        assert codes(warnings) == ["cumulative_dose"]
        assert "401 U" in warnings[0].message
        assert "400 U" in warnings[0].message
        assert "this session 51 U" in warnings[0].message

    def test_another_products_units_are_not_counted(self):
        prior = [PriorSession(DAY - datetime.timedelta(days=30), ABO, Decimal("350"))]
        assert self.cumulative(prior, "51") == []

    def test_units_outside_the_window_are_not_counted(self):
        prior = [PriorSession(DAY - datetime.timedelta(days=84), ONA, Decimal("350"))]
        assert self.cumulative(prior, "51") == []

    def test_this_session_alone_can_go_over(self):
        assert codes(self.cumulative([], "401")) == ["cumulative_dose"]


class TestExpiredLot:
    def test_usable_on_the_expiry_date(self):
        assert safety.expired_lot(expiry_date=DAY, session_on=DAY) == []

    def test_expired_the_day_after(self):
        warnings = safety.expired_lot(
            expiry_date=DAY - datetime.timedelta(days=1), session_on=DAY
        )
        assert codes(warnings) == ["expired_lot"]
        assert "1 Mar 2026" in warnings[0].message


class TestVialInUse:
    def vial(self, hours):
        return safety.vial_in_use(
            product=ONA, reconstituted_at=at(0), performed_at=at(hours), limit_hours=24
        )

    def test_24_hours_is_fine(self):
        assert self.vial(24) == []

    def test_24_hours_and_a_minute_warns_with_the_time(self):
        warnings = self.vial(24 + 1 / 60)
        assert codes(warnings) == ["vial_in_use"]
        assert "24 h 1 min" in warnings[0].message
        assert "within 24 h" in warnings[0].message


class TestProductSwitch:
    def test_switch_names_both_products(self):
        warnings = safety.product_switch(previous_product=ONA, product=ABO)
        assert codes(warnings) == ["product_switch"]
        assert "onabotulinumtoxinA (Botox)" in warnings[0].message
        assert "abobotulinumtoxinA (Dysport)" in warnings[0].message
        assert "not interchangeable" in warnings[0].message

    @pytest.mark.parametrize("previous", [ONA, None])
    def test_same_product_or_first_session_is_fine(self, previous):
        assert safety.product_switch(previous_product=previous, product=ONA) == []


class TestPaediatricDose:
    def child(self, units, weight="20", prior=(), is_minor=True):
        return safety.paediatric_dose(
            is_minor=is_minor,
            weight_kg=None if weight is None else Decimal(weight),
            prior=list(prior),
            product=ONA,
            units=Decimal(units),
            session_on=DAY,
            window_days=84,
            ceiling=(Decimal("10"), Decimal("340")),
        )

    def test_at_the_per_kg_ceiling_is_fine(self):
        assert self.child("200", weight="20") == []

    def test_over_the_per_kg_ceiling_warns_with_the_numbers(self):
        warnings = self.child("201", weight="20")
        assert codes(warnings) == ["paediatric_dose"]
        assert "201 U" in warnings[0].message
        assert "ceiling of 200 U" in warnings[0].message
        assert "20 kg" in warnings[0].message

    def test_the_absolute_maximum_caps_a_heavy_child(self):
        assert self.child("340", weight="50") == []
        assert "ceiling of 340 U" in self.child("341", weight="50")[0].message

    def test_earlier_units_in_the_window_count(self):
        prior = [PriorSession(DAY - datetime.timedelta(days=40), ONA, Decimal("150"))]
        assert codes(self.child("60", weight="20", prior=prior)) == ["paediatric_dose"]

    def test_missing_weight_warns(self):
        assert codes(self.child("10", weight=None)) == ["paediatric_weight_missing"]

    def test_adults_are_not_checked_per_kg(self):
        assert self.child("1000", weight=None, is_minor=False) == []


class TestSessionWarnings:
    def warnings(self, **changes):
        values = dict(
            product=ONA,
            sites=sites(50),
            performed_at=at(1),
            vials=[safety.VialCheck("C1", DAY, at(0))],
            session_on=DAY,
            prior=[],
            age_years=50,
            is_minor=False,
            weight_kg=None,
            indication="hemifacial_spasm",
            consent_obtained=True,
            limits=LIMITS,
        )
        values.update(changes)
        return safety.session_warnings(**values)

    def test_an_ordinary_session_has_no_warnings(self):
        prior = [PriorSession(DAY - datetime.timedelta(days=91), ONA, Decimal("50"))]
        assert self.warnings(prior=prior) == []

    def test_the_last_session_decides_interval_and_switch(self):
        prior = [
            PriorSession(DAY - datetime.timedelta(days=200), ONA, Decimal("50")),
            PriorSession(DAY - datetime.timedelta(days=60), ABO, Decimal("150")),
        ]
        warnings = self.warnings(prior=prior)
        assert codes(warnings) == ["reinjection_interval", "product_switch"]
        assert "60 days" in warnings[0].message

    def test_a_child_is_checked_against_the_paediatric_ceiling_not_the_adult_one(
        self,
    ):
        warnings = self.warnings(
            sites=sites(250), age_years=15, is_minor=True, weight_kg=Decimal("20")
        )
        assert codes(warnings) == ["paediatric_dose"]

    def test_every_rule_can_fire_together(self):
        prior = [PriorSession(DAY - datetime.timedelta(days=10), ABO, Decimal("300"))]
        warnings = self.warnings(
            product=ONA,
            sites=sites(401),
            performed_at=at(30),
            vials=[safety.VialCheck("C1", DAY - datetime.timedelta(days=1), at(0))],
            session_on=DAY + datetime.timedelta(days=1),
            prior=prior,
            age_years=11,
            consent_obtained=False,
        )
        assert codes(warnings) == [
            "reinjection_interval",
            "cumulative_dose",
            "off_label_age",
            "expired_lot",
            "vial_in_use",
            "product_switch",
            "consent_missing",
        ]


@pytest.mark.parametrize(
    ("units", "shown"),
    [(Decimal("2.50"), "2.5"), (Decimal("25.00"), "25"), (Decimal("10") / 3, "3.33")],
)
def test_units_are_shown_without_trailing_zeros(units, shown):
    assert dosing.format_units(units) == shown
