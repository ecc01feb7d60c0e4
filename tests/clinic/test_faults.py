"""Faults that lose nothing and say what happened: a request id on every response,
error page and log line; 503 (try again) while the database is away; health
checks for a load balancer."""

import logging
import re

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from clinic import health
from clinic.request_ids import RETRY_AFTER_SECONDS, new_request_id
from tests.signin import SignedInClient

pytestmark = pytest.mark.django_db

GENERATED_ID = re.compile(r"[0-9a-f]{32}")


def database_away(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly")


@pytest.fixture
def signed_in(neurologist):
    """A signed-in client that gets error pages (not the exception)."""
    client = SignedInClient(raise_request_exception=False)
    client.force_login(neurologist)
    return client


def test_every_response_has_a_request_id(client):
    first = client.get(reverse("login"))
    second = client.get(reverse("login"))
    assert GENERATED_ID.fullmatch(first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_proxys_request_id_is_kept_when_it_looks_like_one(client):
    response = client.get(reverse("login"), headers={"X-Request-ID": "lb-7f3a9c21"})
    assert response["X-Request-ID"] == "lb-7f3a9c21"


@pytest.mark.parametrize(
    "proposed", ["short", "x" * 65, "id with spaces", "id\nforged log line", "é" * 10]
)
def test_a_request_id_that_could_carry_text_is_replaced(proposed):
    assert GENERATED_ID.fullmatch(new_request_id(proposed))


def test_the_database_away_answers_503_with_the_request_id(signed_in, caplog):
    with connection.execute_wrapper(database_away):
        response = signed_in.get(reverse("home"))
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    request_id = response["X-Request-ID"]
    assert request_id in response.content.decode()
    assert b"Briefly unavailable" in response.content
    logged = [r for r in caplog.records if r.name == "django.request"]
    assert logged and all(r.request_id == request_id for r in logged)


def test_a_form_sent_while_the_database_is_away_answers_503(signed_in):
    with connection.execute_wrapper(database_away):
        response = signed_in.post(reverse("patients:patient_create"), {"mrn": "X"})
    assert response.status_code == 503


def test_any_other_fault_answers_500_with_the_request_id(signed_in, monkeypatch):
    def broken(user):
        raise ValueError("a bug")

    monkeypatch.setattr("clinic.worklists.for_user", broken)
    response = signed_in.get(reverse("home"))
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert response["X-Request-ID"] in response.content.decode()
    assert b"a bug" not in response.content


def test_the_log_line_of_a_page_not_found_has_its_request_id(signed_in, caplog):
    response = signed_in.get("/no-such-page/")
    assert response.status_code == 404
    [logged] = [r for r in caplog.records if r.name == "django.request"]
    assert logged.request_id == response["X-Request-ID"]


def test_log_lines_outside_a_request_say_so(caplog):
    with caplog.at_level(logging.INFO, logger="clinic.test"):
        logging.getLogger("clinic.test").info("started")
    assert caplog.records[-1].request_id == "-"


def test_healthz_answers_without_login_or_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))
    assert (response.status_code, response.content) == (200, b"ok")
    assert "no-cache" in response["Cache-Control"]


def test_readyz_answers_ready_when_the_database_does(client):
    response = client.get(reverse("readyz"))
    assert (response.status_code, response.content) == (200, b"ready")


def test_readyz_answers_503_while_the_database_is_away(client):
    with connection.execute_wrapper(database_away):
        response = client.get(reverse("readyz"))
    assert (response.status_code, response.content) == (503, b"database unavailable")


def test_readyz_answers_503_until_every_migration_is_applied(client, monkeypatch):
    monkeypatch.setattr(health, "_migrations_seen_applied", False)
    monkeypatch.setattr(
        "django.db.migrations.executor.MigrationExecutor.migration_plan",
        lambda self, targets: [("a migration", False)],
    )
    response = client.get(reverse("readyz"))
    assert (response.status_code, response.content) == (503, b"migrations not applied")
