"""What every page shares: the clinic's icon (no browser asks for a missing
/favicon.ico), and the navigation on the pages that refuse or miss."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse

from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

ICON = '<link rel="icon" href="/static/clinic/favicon.svg" type="image/svg+xml">'


def test_the_icon_is_a_static_file():
    assert finders.find("clinic/favicon.svg")


@pytest.mark.parametrize(
    "path", ["/", "/patients/", "/admin/", "/accounts/login/", "/no-such-page/"]
)
def test_pages_name_the_icon(client, clinic_admin, path):
    if path != "/accounts/login/":
        client.force_login(clinic_admin)
    assert ICON in client.get(path).content.decode()


def test_the_print_view_names_the_icon(client, neurologist):
    client.force_login(neurologist)
    response = client.get(reverse("patient_chart_print", args=[PatientFactory().pk]))
    assert ICON in response.content.decode()


@pytest.mark.parametrize("template", ["400.html", "500.html", "503.html"])
def test_the_standalone_error_pages_name_the_icon(template):
    assert ICON in render_to_string(template, {"request_id": "abc"})


def test_a_refused_page_keeps_the_navigation(client, therapist):
    client.force_login(therapist)

    response = client.get(reverse("patients:patient_create"))

    assert response.status_code == 403
    content = response.content.decode()
    assert "Not allowed" in content
    assert 'aria-label="Main"' in content and "Log out" in content


def test_a_missing_page_keeps_the_navigation(client, therapist):
    client.force_login(therapist)

    response = client.get("/patients/999999/")

    assert response.status_code == 404
    assert 'aria-label="Main"' in response.content.decode()


# One date style on the clinicians' pages: "02 Mar 2026" (DATE_FORMAT, the plain
# |date), with the weekday "Mon 02 Mar 2026" and the time "Mon 02 Mar 2026 09:00"
# where a visit's day matters; the patients' e-mails spell the date out.
PAGE_DATE_FORMATS = {"DATETIME_FORMAT", "D d M Y", "D d M Y H:i", "D d M"}
EMAIL_DATE_FORMATS = {"l j F Y", "l j F"}
# Letters, read outside the clinic, spell the date out as letters do; their
# tables abbreviate the month.
LETTER_DATE_FORMATS = {"j F Y", "l j F Y", "F Y", "j M Y"}
# For machines: in addresses and <time datetime="...">.
MACHINE_DATE_FORMATS = {"Y-m-d", "c"}


def test_pages_keep_to_the_house_date_formats():
    root = Path(settings.BASE_DIR) / "templates"
    wrong = {}
    for template in root.rglob("*.*"):
        human = PAGE_DATE_FORMATS
        if "email" in template.parts:
            human = EMAIL_DATE_FORMATS
        elif "letters" in template.parts:
            human = LETTER_DATE_FORMATS
        allowed = human | MACHINE_DATE_FORMATS
        used = set(re.findall(r"\|date:[\"']([^\"']+)[\"']", template.read_text()))
        if used - allowed:
            wrong[str(template.relative_to(root))] = used - allowed
    assert wrong == {}
