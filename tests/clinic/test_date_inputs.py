"""Every date and date-time input in the product renders the ISO value it needs.

`<input type="date">` shows only yyyy-mm-dd and `datetime-local` only
yyyy-mm-ddThh:mm; anything else is shown empty and lost on save. The browser tests
prove the same in Chromium for the patient pages (tests/browser/).
"""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.clinic.test_access import TABLE, table_url
from tests.factories import PatientFactory
from tests.patients.test_admin import admin_url, make_patient
from tests.test_admin_pages import MODELS

pytestmark = pytest.mark.django_db

ISO = {
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "datetime-local": re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$"),
    # The admin's text inputs with a calendar and a clock.
    "vDateField": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "vTimeField": re.compile(r"^\d{2}:\d{2}(:\d{2})?$"),
}


class DateInputs(HTMLParser):
    """(kind, name, value) of every date or time input that carries a value."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag != "input":
            return
        attrs = dict(attrs)
        kinds = {attrs.get("type", "")} | set((attrs.get("class") or "").split())
        for kind in kinds & set(ISO):
            if attrs.get("value"):
                self.found.append((kind, attrs.get("name", ""), attrs["value"]))


def date_inputs(html: str) -> list[tuple[str, str, str]]:
    parser = DateInputs()
    parser.feed(html)
    return parser.found


def not_iso(found) -> list[tuple[str, str, str]]:
    return [entry for entry in found if not ISO[entry[0]].match(entry[2])]


def test_every_clinician_page_renders_iso_dates(client, records, users):  # noqa: F811
    client.force_login(users["neurologist"])
    found = []
    for name, (_, expected) in TABLE.items():
        if expected["neurologist"] != 200:
            continue
        response = client.get(table_url(name, records))
        if not response["Content-Type"].startswith("text/html"):
            continue  # a report download or a calendar file
        found += [
            (kind, f"{name} {field}", value)
            for kind, field, value in date_inputs(response.content.decode())
        ]
    assert not_iso(found) == []
    # The edit pages hold dates, so the check cannot pass by finding none.
    assert {kind for kind, _, _ in found} >= {"date", "datetime-local"}
    assert len(found) >= 10


@pytest.mark.parametrize(("model", "make", "key"), MODELS)
def test_every_admin_change_page_renders_iso_dates(
    client, clinic_admin, model, make, key
):
    obj = make()
    client.force_login(clinic_admin)
    response = client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200
    assert not_iso(date_inputs(response.content.decode())) == []


def test_the_admin_patient_page_shows_the_date_of_birth_as_iso(client, clinic_admin):
    patient = make_patient()
    client.force_login(clinic_admin)
    html = client.get(admin_url(type(patient), "change", patient.pk)).content.decode()
    assert ("date", "date_of_birth", "1968-05-17") in date_inputs(html)


def test_typed_day_first_dates_are_refused_not_guessed(client, scheduler):
    client.force_login(scheduler)
    response = client.post(
        reverse("patients:patient_create"),
        {
            "mrn": "NEW-001",
            "given_name": "Noor",
            "family_name": "Haddad",
            "date_of_birth": "02/04/1975",
            "sex": "female",
            "guardians-TOTAL_FORMS": "0",
            "guardians-INITIAL_FORMS": "0",
        },
    )
    assert response.context["form"].errors["date_of_birth"] == ["Enter a valid date."]


def test_dates_display_one_way(client, scheduler):
    patient = PatientFactory(date_of_birth=datetime.date(1968, 5, 7))
    client.force_login(scheduler)
    html = client.get(reverse("patient_chart", args=[patient.pk])).content.decode()
    assert "07 May 1968" in html
