"""In Chromium: no page asks for a file that is not there (the icon included),
and a refused page keeps the navigation, so the user is not stranded."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_no_request_of_a_page_is_missing_and_a_refusal_keeps_the_menu(
    page, log_in, therapist
):
    missing = []
    page.on(
        "response",
        lambda response: (
            missing.append(response.url) if response.status == 404 else None
        ),
    )
    log_in(therapist)
    for path in ("/", "/patients/", "/admin/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert missing == []

    page.goto("/patients/new/")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    page.get_by_role("link", name="Patients").first.click()
    page.wait_for_url("**/patients/")
