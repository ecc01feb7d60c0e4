"""On PostgreSQL, the dashboard's worklists walk an index in their own order and
stop at the rows shown, and the recall's "is a toxin session booked?" probe has
an index of open toxin bookings alone (patients 0015, treatments 0021,
scheduling 0005): their cost does not grow with the history behind them."""

import pytest
from django.db import connection
from django.utils import timezone

from clinic import worklists

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's own plans"
    ),
]


def plan(queryset) -> str:
    """The plan with table scans and sorts priced out: an index in it is one the
    query can walk in its order, or probe, for the rows it wants."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("slug", "index"),
    [
        ("awaiting-review", "patients_study_awaiting_review"),
        ("open-referrals", "treatments_referral_awaiting"),
        ("safety-flags", "treatments_flag_open"),
        ("red-flag-cases", "patients_case_flags_to_review"),
    ],
)
def test_a_worklist_walks_its_own_index_in_order(slug, index):
    rows = worklists.WORKLISTS[slug].rows(timezone.localdate())
    shown = plan(rows[:11])
    assert index in shown
    assert "Sort" not in shown


def test_the_recall_has_an_index_of_open_toxin_bookings_by_patient():
    """The recall's "is a toxin session booked?" probe (due_courses' Exists):
    which index the planner picks for it depends on table statistics, so this
    checks that the index answering it exists, by patient then start, with the
    probe's own condition."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = "
            "'scheduling_appt_open_toxin'"
        )
        [(definition,)] = cursor.fetchall()
    assert "(patient_id, starts_at)" in definition
    assert "'toxin_session'" in definition
    for status in ("booked", "confirmed", "arrived"):
        assert status in definition
    assert "completed" not in definition
