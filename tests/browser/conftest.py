"""Playwright driving the system's Chromium against the live test server.

`playwright install` cannot download a browser here, so the tests use Debian's
Chromium. Without it they are skipped (make test says so in one line), unless
CLINIC_BROWSER_TESTS=required, as in CI, where a missing browser is a failure.
"""

import os
from pathlib import Path

import pytest

from tests.signin import authenticator_for, current_code

CHROMIUM = Path(os.environ.get("CLINIC_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery"  # tests.factories.UserFactory


@pytest.fixture
def page(live_server):
    """A fresh Chromium per test, started after the database is set up and stopped
    before it is torn down: Playwright's event loop must not be running while
    pytest-django restores the database between tests."""
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CLINIC_BROWSER_TESTS") == "required":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # The ORM calls a test makes beside Playwright's loop are ordinary sync calls.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1366, "height": 900}
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield page
        browser.close()


@pytest.fixture
def log_in(page):
    """Sign in through the login page and the second step, as a person would,
    with the code their authenticator shows (tests/signin.py)."""

    def log_in_as(user):
        device = authenticator_for(user)
        page.goto("/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/accounts/second-factor/**")
        page.fill("input[name=code]", current_code(device))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(lambda url: "/accounts/" not in url)

    return log_in_as
