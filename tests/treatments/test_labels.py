"""Toxin rules per product, indication and jurisdiction, each at its boundary: the
limit passes and one over warns (treatments/labels.py, treatments/safety.py)."""

import datetime
from decimal import Decimal

import pytest

from tests.treatments.test_safety import ABO, DAY, INCO, LIMITS, ONA, RIMA, at
from treatments import labels, safety
from treatments.safety import PriorSession, Site

UK_LIMITS = safety.Limits(**{**LIMITS.__dict__, "jurisdiction": labels.UK})
BLEPHAROSPASM = "blepharospasm"
HFS = "hemifacial_spasm"


def warn(
    product=ONA,
    sites=(),
    *,
    prior=(),
    indication=BLEPHAROSPASM,
    age=50,
    weight=None,
    limits=LIMITS,
) -> dict[str, str]:
    """The warnings of a session on DAY, by code, with their messages."""
    warnings = safety.session_warnings(
        product=product,
        sites=list(sites),
        performed_at=at(1),
        vials=[safety.VialCheck("C1", DAY, at(0))],
        session_on=DAY,
        prior=list(prior),
        age_years=age,
        is_minor=age < 18,
        weight_kg=None if weight is None else Decimal(weight),
        indication=indication,
        consent_obtained=True,
        limits=limits,
    )
    return {warning.code: warning.message for warning in warnings}


def cheek(units) -> Site:
    return Site("zygomaticus_major", "right", Decimal(str(units)))


def eyelid(units, side="right", muscle="oo_pretarsal_upper_medial") -> Site:
    return Site(muscle, side, Decimal(str(units)))


def before(days, product, units) -> PriorSession:
    return PriorSession(DAY - datetime.timedelta(days=days), product, Decimal(units))


LONG_AGO = before(400, ONA, "30")  # an earlier session that no rule counts


class TestAllIndicationCeilings:
    def test_botox_adult_ceiling_is_400_units(self):
        assert "cumulative_dose" not in warn(ONA, [cheek(400)], indication=HFS)
        message = warn(ONA, [cheek(401)], indication=HFS)["cumulative_dose"]
        assert "401 U of onabotulinumtoxinA (Botox)" in message
        assert "limit of 400 U" in message

    @pytest.mark.parametrize(("product", "units"), [(ABO, 500), (RIMA, 2500)])
    def test_products_without_a_labelled_ceiling_are_not_held_to_botox_s(
        self, product, units
    ):
        codes = warn(product, [cheek(units)], indication=HFS, prior=[LONG_AGO])
        assert set(codes) == {"product_switch"}  # from the Botox session long ago

    def test_a_configured_ceiling_for_another_product_applies(self):
        limits = safety.Limits(
            **{**LIMITS.__dict__, "adult_max_units": {ABO: Decimal("1000")}}
        )
        assert "cumulative_dose" not in warn(ABO, [cheek(1000)], limits=limits)
        assert "cumulative_dose" in warn(ABO, [cheek(1001)], limits=limits)

    def test_the_botox_child_ceiling_is_not_applied_to_dysport(self):
        codes = warn(ABO, [cheek(300)], indication=HFS, age=16, weight="20")
        assert "paediatric_dose" not in codes
        assert set(codes) == {"off_label_age"}

    def test_a_child_with_no_weight_is_warned_whatever_the_product(self):
        codes = warn(RIMA, [cheek(2500)], indication=HFS, age=9)
        assert codes["paediatric_weight_missing"].endswith(
            "no dose per kg can be checked."
        )


class TestBotoxBlepharospasm:
    @pytest.mark.parametrize("limits", [LIMITS, UK_LIMITS], ids=["US", "UK"])
    def test_five_units_per_periocular_site(self, limits):
        prior = [LONG_AGO]
        assert "periocular_site" not in warn(
            sites=[eyelid(5)], prior=prior, limits=limits
        )
        message = warn(sites=[eyelid("5.5")], prior=prior, limits=limits)[
            "periocular_site"
        ]
        assert "5.5 U" in message and "over 5 U per site" in message

    def test_fifty_units_into_one_periocular_site_warns(self):
        assert "periocular_site" in warn(sites=[eyelid(50)], prior=[LONG_AGO])

    @pytest.mark.parametrize(
        "muscle",
        [
            "oo_pretarsal_upper_lateral",
            "oo_pretarsal_lower_lateral",
            "oo_preseptal",
            "oo_orbital",
        ],
    )
    def test_every_orbicularis_oculi_site_counts(self, muscle):
        assert "periocular_site" in warn(sites=[eyelid(6, muscle=muscle)])

    def test_other_sites_and_other_indications_have_no_per_site_limit(self):
        assert "periocular_site" not in warn(sites=[cheek(6)])
        assert "periocular_site" not in warn(sites=[eyelid(6)], indication=HFS)

    def test_us_200_units_in_30_days(self):
        prior = [before(29, ONA, "150")]
        assert "label_window" not in warn(sites=[cheek(50)], prior=prior)
        message = warn(sites=[cheek(51)], prior=prior)["label_window"]
        assert "201 U" in message and "30 days" in message
        assert "Botox blepharospasm, US: 200 U per 30 days" in message
        assert "label_window" not in warn(
            sites=[cheek(51)], prior=[before(30, ONA, "150")]
        )

    def test_uk_100_units_in_12_weeks(self):
        prior = [before(83, ONA, "60")]
        assert "label_window" not in warn(
            sites=[cheek(40)], prior=prior, limits=UK_LIMITS
        )
        message = warn(sites=[cheek(41)], prior=prior, limits=UK_LIMITS)["label_window"]
        assert "101 U" in message and "100 U per 12 weeks" in message
        assert "label_window" not in warn(sites=[cheek(41)], prior=prior)  # US

    def test_uk_initial_dose_of_25_units_per_eye(self):
        right_eye = [eyelid(5, muscle=m) for m in sorted(labels.PERIOCULAR_MUSCLES)]
        assert "initial_per_eye" not in warn(sites=right_eye, limits=UK_LIMITS)
        more = [*right_eye, eyelid(1, muscle="oo_orbital")]
        message = warn(sites=more, limits=UK_LIMITS)["initial_per_eye"]
        assert "26 U into the right eye" in message and "25 U per eye" in message
        # Only the first Botox session is an initial dose.
        assert "initial_per_eye" not in warn(
            sites=more, prior=[before(100, ONA, "40")], limits=UK_LIMITS
        )


class TestXeominBlepharospasm:
    def test_a_first_toxin_session_is_at_most_70_units(self):
        both_eyes = [eyelid(35, "right"), eyelid(35, "left")]
        assert "first_toxin_dose" not in warn(INCO, both_eyes)
        message = warn(INCO, [*both_eyes, cheek(1)])["first_toxin_dose"]
        assert "71 U" in message and "initial total of 70 U" in message

    def test_a_first_toxin_session_is_at_most_35_units_per_eye(self):
        message = warn(INCO, [eyelid(36, "left")])["first_toxin_dose"]
        assert "36 U into the left eye" in message and "35 U per eye" in message

    def test_after_any_earlier_toxin_the_first_dose_rules_do_not_apply(self):
        assert "first_toxin_dose" not in warn(
            INCO, [eyelid(40)], prior=[before(100, ABO, "100")]
        )

    def test_coming_from_botox_it_starts_no_higher_than_the_last_botox_dose(self):
        prior = [before(100, ONA, "40")]
        assert "switch_dose" not in warn(
            INCO, [eyelid(20), eyelid(20, "left")], prior=prior
        )
        message = warn(INCO, [eyelid(21), eyelid(20, "left")], prior=prior)[
            "switch_dose"
        ]
        assert "41 U of incobotulinumtoxinA" in message and "after 40 U" in message

    def test_coming_from_dysport_there_is_no_botox_dose_to_follow(self):
        assert "switch_dose" not in warn(
            INCO, [eyelid(30)], prior=[before(100, ABO, "20")]
        )


class TestOffLabelAge:
    @pytest.mark.parametrize(
        ("product", "labelled_from"), [(ONA, 12), (ABO, 18), (INCO, 18)]
    )
    def test_under_the_labelled_age_warns(self, product, labelled_from):
        weight = "40"
        assert "off_label_age" not in warn(
            product, [cheek(5)], age=labelled_from, weight=weight
        )
        message = warn(product, [cheek(5)], age=labelled_from - 1, weight=weight)[
            "off_label_age"
        ]
        assert f"is {labelled_from - 1}" in message
        assert f"from {labelled_from} years" in message

    def test_a_nine_year_old_on_dysport_is_warned(self):
        assert "off_label_age" in warn(ABO, [cheek(20)], age=9, weight="30")

    def test_no_labelled_age_for_myobloc_means_no_age_warning(self):
        assert "off_label_age" not in warn(RIMA, [cheek(100)], age=5, weight="20")


def test_an_unknown_jurisdiction_is_refused():
    with pytest.raises(ValueError, match="Unknown jurisdiction"):
        labels.rules_for(ONA, BLEPHAROSPASM, "FR")
