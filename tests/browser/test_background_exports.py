"""In Chromium: a long list's export is queued, its page follows the worker's
progress by itself, and offers the file once the worker has made it."""

import csv
import signal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from clinic.models import AccessLog, BackgroundJob
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_worker() -> None:
    """django-tasks-db's worker, in this process, for what is queued (it sets
    its own signal handlers: the test run keeps its)."""
    kept = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command(
            "db_worker", batch=True, reload=False, startup_delay=False, verbosity=0
        )
    finally:
        for sig, handler in kept.items():
            signal.signal(sig, handler)


def test_a_long_export_runs_in_the_background_and_its_file_appears(
    page, log_in, neurologist, settings
):
    settings.CLINIC_EXPORT_BACKGROUND_ROWS = 2
    for given in ("Ann", "Bo", "Cy"):
        PatientFactory(family_name="Ashdown", given_name=given)
    PatientFactory(family_name="Jones")
    log_in(neurologist)
    page.goto("/patients/?q=ashdown")
    page.get_by_role("link", name="Export CSV").click()

    page.wait_for_url("**/jobs/*/")
    expect(page.get_by_role("status")).to_contain_text("Waiting to start")
    expect(page.get_by_text("made in the background")).to_be_visible()
    assert not AccessLog.objects.exists()

    run_worker()
    # The page fetches its progress again by itself: no reload.
    expect(page.get_by_role("status")).to_contain_text("3 of 3 rows")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the file").click()
    with open(download.value.path(), encoding="utf-8", newline="") as text:
        rows = list(csv.reader(text))
    assert [row[1] for row in rows[1:]] == ["Ann", "Bo", "Cy"]

    page.get_by_role("link", name="My exports").click()
    job = BackgroundJob.objects.get()
    expect(page.get_by_role("link", name=job.title)).to_be_visible()
    assert AccessLog.objects.filter(action="export").count() == 3
    assert AccessLog.objects.filter(action="download").count() == 3
