"""In Chromium: a therapist's chart holds no referral or medication; the pages
they open are in the access log, which a clinic administrator searches in the
admin and downloads as CSV, and which the chart's "Who opened this record"
lists. Neither page scrolls sideways on a tablet."""

import csv
import io

import pytest
from playwright.sync_api import expect

from tests.factories import MedicationOrderFactory, ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_what_a_therapist_opens_is_logged_and_exported(page, log_in, therapist):
    referral = ReferralFactory()
    case = referral.course.case
    MedicationOrderFactory(course__case=case)
    patient = case.patient

    log_in(therapist)
    page.goto(f"/patients/{patient.pk}/")
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    chart = page.content()
    assert "Surgeon" not in chart and "clonazepam" not in chart

    admin = UserFactory(username="audit-admin", roles=["Clinic admin"], is_staff=True)
    page.context.clear_cookies()
    page.set_viewport_size({"width": 820, "height": 1000})
    log_in(admin)
    page.goto("/admin/clinic/accesslog/")
    page.fill("#searchbar", patient.mrn)
    page.get_by_role("button", name="Search").click()
    row = page.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("the chart")
    expect(row).to_contain_text("127.0.0.1")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export these rows as CSV").click()
    body = download_info.value.path().read_text()
    header, *rows = csv.reader(io.StringIO(body))
    assert [dict(zip(header, r, strict=True))["User"] for r in rows] == ["therapist"]
    assert rows[0][header.index("MRN")] == patient.mrn

    page.goto(f"/patients/{patient.pk}/access-log/")
    listed = page.locator("tbody tr")
    # The administrator's own opening of this page, then the therapist's.
    expect(listed).to_have_count(2)
    expect(listed.nth(1)).to_contain_text("Opened the chart")
    assert not scrolls_sideways(page)
