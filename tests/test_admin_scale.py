"""Admin changelists that cost the same at a hundred rows and a million: a capped
count, no whole-table totals, aggregates or year links, an order an index serves,
and search without joins filtered over the whole table or DISTINCT."""

import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.admin_records import (
    CappedCountPaginator,
    SearchCountPaginator,
    search_words,
)
from clinic.models import AccessLog
from patients.models import Assessment
from tests.clinic.test_admin import make_access_log
from tests.factories import (
    AssessmentFactory,
    InjectionFactory,
    PatientFactory,
    ToxinSessionFactory,
    VialFactory,
)
from tests.patients.test_admin import admin_url
from treatments.models import Injection, Side, ToxinSession, Vial

pytestmark = pytest.mark.django_db

# Year links on these small tables read few rows; none grows with patients.
DATE_HIERARCHY_ALLOWED = {"RoleChangeAdmin"}


def make_session(family_name="Smith", lot="C00001C3"):
    session = ToxinSessionFactory(
        course__case__patient=PatientFactory(family_name=family_name),
        vial__lot_number=lot,
    )
    InjectionFactory(session=session, side=Side.RIGHT)
    InjectionFactory(session=session, side=Side.LEFT)
    return session


@pytest.mark.parametrize(
    "model_admin", admin.site._registry.values(), ids=lambda a: type(a).__name__
)
def test_every_changelist_caps_its_count_and_has_no_year_links(model_admin):
    assert issubclass(model_admin.paginator, CappedCountPaginator)
    assert model_admin.show_full_result_count is False
    assert model_admin.list_per_page == 100
    assert model_admin.show_facets == admin.ShowFacets.NEVER
    if type(model_admin).__name__ not in DATE_HIERARCHY_ALLOWED:
        assert model_admin.date_hierarchy is None


def test_capped_count_says_more_than_the_cap(client, clinic_admin, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "CAP", 3)
    for _ in range(5):
        ToxinSessionFactory()
    client.force_login(clinic_admin)

    response = client.get(admin_url(ToxinSession, "changelist"))

    cl = response.context["cl"]
    assert cl.paginator.capped
    assert cl.result_count == 3
    assert "more than 3 toxin sessions" in response.content.decode()


def test_a_search_counts_to_its_own_lower_cap(client, clinic_admin, monkeypatch):
    monkeypatch.setattr(SearchCountPaginator, "CAP", 2)
    monkeypatch.setattr(CappedCountPaginator, "CAP", 10)
    for _ in range(3):
        make_session(family_name="Smith")
    make_session(family_name="Jones")
    client.force_login(clinic_admin)
    url = admin_url(ToxinSession, "changelist")

    searched = client.get(url + "?q=smith").context["cl"]
    listed = client.get(url).context["cl"]

    assert (searched.paginator.capped, searched.result_count) == (True, 2)
    assert (listed.paginator.capped, listed.result_count) == (False, 4)


def test_count_below_the_cap_is_the_real_count(client, clinic_admin, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "CAP", 3)
    for _ in range(3):
        ToxinSessionFactory()
    client.force_login(clinic_admin)

    response = client.get(admin_url(ToxinSession, "changelist") + "?q=C0")

    cl = response.context["cl"]
    assert not cl.paginator.capped
    assert cl.result_count == 3
    content = response.content.decode()
    assert "3 toxin sessions" in content
    assert "3 results" in content
    assert "more than" not in content


def _page_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def _rows_query(queries, model):
    select = f'SELECT "{model._meta.db_table}"."id"'
    return next(sql for sql in queries if sql.startswith(select))


@pytest.mark.parametrize(
    ("model", "make", "query"),
    [
        (ToxinSession, make_session, ""),
        (ToxinSession, make_session, "?q=smith"),
        (ToxinSession, make_session, "?q=C00001"),
        (Injection, InjectionFactory, ""),
        (Injection, InjectionFactory, "?q=C0"),
        (Vial, VialFactory, ""),
        (Assessment, AssessmentFactory, ""),
        (AccessLog, make_access_log, "?q=maria"),
    ],
)
def test_list_and_search_queries_do_not_grow(client, clinic_admin, model, make, query):
    make()
    client.force_login(clinic_admin)
    url = admin_url(model, "changelist") + query
    client.get(url)  # Warm process-wide caches (content types) first.
    _, baseline = _page_queries(client, url)
    for _ in range(6):
        make()

    response, queries = _page_queries(client, url)

    assert len(queries) == len(baseline)
    assert len(response.context["cl"].result_list) == 7
    assert not any("DISTINCT" in sql.upper() for sql in queries)


def test_session_list_sums_the_shown_rows_without_grouping(client, clinic_admin):
    session = make_session()  # Two sites of 2.50 U.
    ToxinSessionFactory()  # No sites: no total.
    client.force_login(clinic_admin)

    response, queries = _page_queries(client, admin_url(ToxinSession, "changelist"))

    totals = {row.pk: row.total_units for row in response.context["cl"].result_list}
    assert totals[session.pk] == Decimal("5.00")
    assert None in totals.values()
    page = _rows_query(queries, ToxinSession)
    assert "GROUP BY" in page  # in the per-row subquery, not over the sessions
    assert 'GROUP BY "treatments_toxinsession"' not in page
    # Sorting by a sum would read every session's sites: not offered.
    assert 'class="sortable column-total_units' not in response.content.decode()


def test_session_search_finds_each_session_once(client, clinic_admin):
    by_name = make_session(family_name="Smithson", lot="A1")
    by_lot = make_session(family_name="Jones", lot="SMITH-7")
    VialFactory(session=by_lot, lot_number="SMITH-8")  # Two vials match.
    make_session(family_name="Brown", lot="B2")
    client.force_login(clinic_admin)

    response = client.get(admin_url(ToxinSession, "changelist") + "?q=smith")

    rows = response.context["cl"].result_list
    assert sorted(row.pk for row in rows) == sorted([by_name.pk, by_lot.pk])


def test_session_search_wants_every_word(client, clinic_admin):
    wanted = make_session(family_name="Smith", lot="Q123")
    make_session(family_name="Smith", lot="Z999")
    client.force_login(clinic_admin)

    response = client.get(admin_url(ToxinSession, "changelist") + '?q=smith "q12"')

    assert [row.pk for row in response.context["cl"].result_list] == [wanted.pk]


def test_search_words_split_as_django_does():
    assert search_words('smith "van der" 12') == ["smith", "van der", "12"]


def test_injection_list_orders_by_its_own_columns(client, clinic_admin):
    first, second = make_session(), make_session()
    client.force_login(clinic_admin)

    response, queries = _page_queries(client, admin_url(Injection, "changelist"))

    rows = list(response.context["cl"].result_list)
    assert [row.session_id for row in rows] == [second.pk] * 2 + [first.pk] * 2
    assert [row.pk for row in rows] == sorted((row.pk for row in rows), reverse=True)
    order_by = _rows_query(queries, Injection).rsplit("ORDER BY", 1)[1]
    assert "performed_at" not in order_by


# Small tables (users, groups, role changes, calendar feeds) that grow with the
# staff, not with the patients: a sort of them costs the same at any clinic size.
SORTED_IN_MEMORY_ALLOWED = {
    "UserAdmin",
    "GroupAdmin",
    "RoleChangeAdmin",
    "CalendarFeedAdmin",
}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
@pytest.mark.parametrize(
    "model_admin", admin.site._registry.values(), ids=lambda a: type(a).__name__
)
def test_every_changelist_walks_an_index_in_its_order(model_admin, rf, superuser):
    """The first page is read in order from an index and cut at 100 rows: a sort
    would read (and sort) every row first. (An incremental sort of rows an index
    gives in order, tied only by name, reads no more than the page.)"""
    if type(model_admin).__name__ in SORTED_IN_MEMORY_ALLOWED:
        pytest.skip("a table of staff, not of patients")
    request = rf.get("/")
    request.user = superuser
    changelist = model_admin.get_changelist_instance(request)
    sql, params = changelist.queryset[:100].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert not re.search(r"(^|->)\s*Sort  \(cost", plan, re.MULTILINE), plan
