"""Hardened responses: a strict Content-Security-Policy, no copy kept by the
browser, no browser features, no framing; no inline script or style for the
policy to break; and `check --deploy` clean with the README's production block."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from clinic.settings import BASE_DIR
from tests.clinic.test_settings import run_python
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

TEMPLATES = BASE_DIR / "templates"
README = BASE_DIR / "README.md"


def pages(patient) -> list[tuple[str, str]]:
    """(who, address) for each kind of page: a sign-in form, a clinician page with
    patient data, its print view, an admin list, a page refused, one not found, a
    health check."""
    return [
        ("anonymous", reverse("login")),
        ("neurologist", reverse("home")),
        ("neurologist", reverse("patient_chart", args=[patient.pk])),
        ("neurologist", reverse("patient_chart_print", args=[patient.pk])),
        ("neurologist", reverse("admin:patients_patient_changelist")),
        ("outsider", reverse("patients:patient_list")),
        ("neurologist", "/no-such-page/"),
        ("anonymous", reverse("healthz")),
    ]


@pytest.fixture
def every_page(client, neurologist, outsider):
    patient = PatientFactory()
    users = {"neurologist": neurologist, "outsider": outsider}
    responses = []
    for who, address in pages(patient):
        client.logout()
        if who in users:
            client.force_login(users[who])
        responses.append((address, client.get(address)))
    return responses


def test_every_kind_of_page_has_the_security_headers(every_page):
    statuses = set()
    for address, response in every_page:
        statuses.add(response.status_code)
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy, address
        assert "script-src 'self'" in policy, address
        assert "style-src 'self'" in policy, address
        assert "frame-ancestors 'none'" in policy, address
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "no-store" in response["Cache-Control"], address
        assert "private" in response["Cache-Control"], address
        assert "camera=()" in response["Permissions-Policy"], address
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
    assert statuses == {200, 403, 404}


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>")
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"|\son[a-z]+=\"|javascript:")


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.name)
)
def test_no_template_has_an_inline_script_or_style(template: Path):
    text = template.read_text()
    assert not INLINE_SCRIPT.search(text), template
    assert not INLINE_STYLE.search(text), template


def test_no_page_as_rendered_has_an_inline_script_or_style(every_page):
    for address, response in every_page:
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), address
        assert not INLINE_STYLE.search(html), address


def production_block() -> dict[str, str]:
    """The README's production environment: its block of VAR=value lines."""
    section = README.read_text().split("## Serve in production", 1)[1]
    section = section.split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.DOTALL)
    [block] = [b for b in blocks if "DJANGO_SECRET_KEY=" in b]
    return dict(line.split("=", 1) for line in block.splitlines() if line)


def test_check_deploy_passes_with_the_readmes_production_block(tmp_path):
    env = production_block()
    assert env["DJANGO_SECURE_SSL_REDIRECT"] == "1"
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    result = run_python(
        "import os, sys; os.environ['DJANGO_SETTINGS_MODULE'] = 'clinic.settings';"
        "from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['manage.py', 'check', '--deploy',"
        " '--fail-level', 'WARNING'])",
        **env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
