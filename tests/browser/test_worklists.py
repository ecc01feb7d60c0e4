"""In Chromium, a dashboard panel longer than it shows leads to its full list,
a page at a time, and neither page scrolls sideways on a tablet."""

import pytest
from playwright.sync_api import expect

from tests.factories import ResultedStudyFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_a_long_panel_leads_to_every_row(page, log_in, neurologist):
    studies = [ResultedStudyFactory() for _ in range(12)]
    page.set_viewport_size({"width": 820, "height": 1000})
    log_in(neurologist)
    page.goto("/")
    panel = page.locator("section", has=page.locator("#awaiting-review-heading"))
    expect(panel.locator("li")).to_have_count(10)
    expect(panel).to_contain_text("The first 10 of 12")
    assert not scrolls_sideways(page)

    panel.get_by_role("link", name="see them all").click()
    page.wait_for_url("**/worklists/awaiting-review/")
    expect(page.get_by_role("heading", name="Results awaiting review")).to_be_visible()
    expect(page.locator(".list-group li")).to_have_count(12)
    expect(page.get_by_text("12 in all, oldest first.")).to_be_visible()
    for study in studies:
        expect(page.get_by_text(study.case.patient.given_name).first).to_be_visible()
    assert not scrolls_sideways(page)
