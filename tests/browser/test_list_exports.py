"""In Chromium: the export buttons of a searched patient list download the rows
the list shows, and the recall list's buttons fit a tablet without sideways
scrolling."""

import csv
import datetime

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from clinic.models import AccessLog
from tests.factories import PatientFactory, ToxinSessionFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_searched_list_downloads_as_csv_and_excel(page, log_in, scheduler):
    PatientFactory(family_name="Ashdown", given_name="=Ann")
    PatientFactory(family_name="Ashford", given_name="Bo")
    PatientFactory(family_name="Jones")
    log_in(scheduler)
    page.goto("/patients/")
    page.fill("input[name=q]", "ash")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("tbody tr")).to_have_count(2)

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    with open(download.value.path(), encoding="utf-8", newline="") as text:
        rows = list(csv.reader(text))
    assert [row[:2] for row in rows[1:]] == [["Ashdown", "'=Ann"], ["Ashford", "Bo"]]

    with page.expect_download() as download:
        page.get_by_role("link", name="Export Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    # The saved download has no extension, by which openpyxl tells the format.
    with open(download.value.path(), "rb") as workbook:
        sheet = load_workbook(workbook).active
    assert [cell.value for cell in sheet["B"]] == ["Given name", "=Ann", "Bo"]
    assert AccessLog.objects.filter(user=scheduler).count() == 4


def test_recall_export_buttons_fit_a_tablet(page, log_in, neurologist):
    ToxinSessionFactory(
        performed_at=timezone.now() - datetime.timedelta(days=100),
        course__case__patient__family_name="Recalled",
    )
    page.set_viewport_size({"width": 820, "height": 1000})
    log_in(neurologist)
    page.goto("/treatments/recall/")
    expect(page.get_by_text("RECALLED")).to_be_visible()
    expect(page.get_by_role("link", name="Export Excel")).to_be_visible()
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
