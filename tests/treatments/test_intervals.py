"""The due-date rules of treatments/intervals.py, at their boundaries (no database)."""

import datetime

import pytest

from treatments import intervals

LAST = datetime.date(2026, 3, 2)


def days_after_last(days: int) -> datetime.date:
    return LAST + datetime.timedelta(days=days)


class TestEarliestSafeDate:
    def test_it_is_84_days_after_the_last_session(self):
        assert intervals.earliest_safe_date(LAST) == days_after_last(84)

    def test_day_84_is_safe_and_day_83_is_not(self):
        safe_on = intervals.earliest_safe_date(LAST)
        assert days_after_last(84) >= safe_on
        assert days_after_last(83) < safe_on

    def test_it_uses_the_configured_minimum(self):
        assert intervals.earliest_safe_date(LAST, 90) == days_after_last(90)

    def test_it_crosses_month_and_year_ends(self):
        last = datetime.date(2026, 11, 20)
        assert intervals.earliest_safe_date(last) == datetime.date(2027, 2, 12)


class TestTypicalBenefitDays:
    def test_none_without_history(self):
        assert intervals.typical_benefit_days([]) is None

    def test_sessions_without_a_wear_off_date_are_skipped(self):
        assert intervals.typical_benefit_days([None, None]) is None
        assert intervals.typical_benefit_days([None, 100, None, 90, 110]) == 100

    def test_one_value_is_its_own_median(self):
        assert intervals.typical_benefit_days([97]) == 97

    def test_two_values_give_their_mean(self):
        assert intervals.typical_benefit_days([90, 100]) == 95

    def test_the_mean_of_two_is_rounded_down(self):
        assert intervals.typical_benefit_days([90, 101]) == 95
        assert intervals.typical_benefit_days([91, 100]) == 95

    def test_three_values_give_the_middle_one(self):
        assert intervals.typical_benefit_days([120, 90, 100]) == 100

    def test_only_the_latest_three_count(self):
        # Most recent first: 140, 100, 95; the older 60 and 70 do not count.
        assert intervals.typical_benefit_days([140, 100, 95, 60, 70]) == 100


class TestSuggestedDate:
    def test_no_history_uses_the_planned_interval(self):
        assert intervals.suggested_date(LAST, [], 91) == days_after_last(91)

    def test_no_history_and_no_plan_uses_the_minimum(self):
        assert intervals.suggested_date(LAST, [], None) == days_after_last(84)

    def test_one_recorded_duration(self):
        assert intervals.suggested_date(LAST, [105], 91) == days_after_last(105)

    def test_three_recorded_durations_use_their_median(self):
        suggested = intervals.suggested_date(LAST, [112, 98, 126], 91)
        assert suggested == days_after_last(112)

    def test_more_than_three_uses_only_the_latest_three(self):
        suggested = intervals.suggested_date(LAST, [100, 110, 120, 200, 200], 91)
        assert suggested == days_after_last(110)

    def test_two_recorded_durations_use_their_mean_rounded_down(self):
        assert intervals.suggested_date(LAST, [99, 100], 91) == days_after_last(99)

    def test_history_wins_over_the_planned_interval(self):
        assert intervals.suggested_date(LAST, [120], 91) == days_after_last(120)

    def test_a_short_benefit_is_clamped_to_the_earliest_safe_date(self):
        assert intervals.suggested_date(LAST, [50], 91) == days_after_last(84)

    def test_a_median_of_83_days_is_clamped_and_84_is_kept(self):
        assert intervals.suggested_date(LAST, [83], 91) == days_after_last(84)
        assert intervals.suggested_date(LAST, [84], 91) == days_after_last(84)
        assert intervals.suggested_date(LAST, [85], 91) == days_after_last(85)

    def test_a_planned_interval_under_the_minimum_is_clamped(self):
        assert intervals.suggested_date(LAST, [], 70) == days_after_last(84)

    def test_it_uses_the_configured_minimum(self):
        assert intervals.suggested_date(LAST, [95], 91, 100) == days_after_last(100)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (datetime.date(2026, 6, 9), 0),  # before the suggested date
        (datetime.date(2026, 6, 10), 0),  # on it
        (datetime.date(2026, 6, 11), 1),
        (datetime.date(2026, 7, 10), 30),
    ],
)
def test_days_overdue(today, expected):
    assert intervals.days_overdue(datetime.date(2026, 6, 10), today) == expected
