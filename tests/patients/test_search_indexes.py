"""On PostgreSQL, patient search by a word of the name and by an MRN prefix can
use an index, however many patients there are (patients 0010)."""

import pytest
from django.db import connection

from patients.models import Patient
from tests.factories import PatientFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's own indexes"
    ),
]


def plan(queryset) -> str:
    """The plan PostgreSQL would choose with table and plain index scans priced
    out: a bitmap scan needs an index whose condition the query meets, so an index
    in the plan is one the query can use (not one walked for its order)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_word_anywhere_in_the_name_uses_the_trigram_index():
    PatientFactory(given_name="Ana", family_name="Goldsmith")
    found = Patient.objects.search("smith")
    assert [p.family_name for p in found] == ["Goldsmith"]
    assert "patients_patient_search_trgm" in plan(found.order_by())


def test_an_mrn_prefix_uses_the_pattern_index():
    PatientFactory(mrn="MRN-004711")
    found = Patient.objects.search("mrn-0047")
    assert [p.mrn for p in found] == ["MRN-004711"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = "
            "'patients_patient_mrn_pattern'"
        )
        [(definition,)] = cursor.fetchall()
    assert "varchar_pattern_ops" in definition
    # In a database whose collation is not C only the pattern index serves it.
    assert "patients_patient_mrn_" in plan(
        Patient.objects.filter(mrn__startswith="MRN-0047").order_by()
    )


@pytest.mark.parametrize("field", ["mrn", "family_name", "given_name"])
def test_the_admins_search_anywhere_uses_a_trigram_index(field):
    PatientFactory(family_name="Goldsmith", given_name="Ana", mrn="MRN-SMITH1")
    found = Patient.objects.filter(**{f"{field}__icontains": "smith"})
    assert found.exists() == (field != "given_name")
    assert f"patients_patient_{field}_trgm" in plan(found.order_by())
