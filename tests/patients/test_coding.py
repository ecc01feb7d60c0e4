import pytest

from patients import coding


@pytest.mark.parametrize("header", sorted(coding.NON_BILLABLE_HEADERS))
def test_every_non_billable_header_is_refused(header):
    for condition in coding.CONFIRMED_CODES:
        problem = coding.code_problem(condition, header, "right")
        assert problem is not None and "non-billable" in problem


@pytest.mark.parametrize(
    ("side", "code"),
    [("right", "G51.31"), ("left", "G51.32"), ("bilateral", "G51.33")],
)
def test_hemifacial_spasm_code_by_side(side, code):
    assert coding.code_problem("hemifacial_spasm", code, side) is None


def test_parkinsons_uses_the_2023_leaf_codes():
    assert coding.code_problem("parkinsons", "G20.A1", "n/a") is None
    assert "non-billable" in coding.code_problem("parkinsons", "G20", "n/a")


def test_multiple_sclerosis_uses_the_2025_leaf_codes():
    assert coding.code_problem("multiple_sclerosis", "G35.D", "n/a") is None
    assert "non-billable" in coding.code_problem("multiple_sclerosis", "G35", "n/a")


def test_unconfirmed_codes_can_be_replaced():
    assert coding.codes_for("benign_twitching", {"benign_twitching": ["R25.8"]}) == (
        "R25.8",
    )
    assert coding.codes_for("benign_twitching") == ("R25.3", "G51.4")
