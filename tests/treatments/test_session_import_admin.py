"""The admin's import page for historical toxin sessions: upload, dry run,
overrides chosen on its report, import."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from clinic import jobs
from clinic.models import BackgroundJob
from tests.clinic.test_background_exports import run_worker
from tests.test_doors import page_form
from tests.treatments import test_session_import
from tests.treatments.test_session_import import csv_text, site
from treatments.models import ToxinSession
from treatments.session_import_jobs import CHECK_RUNNER
from treatments.session_import_rows import IMPORT_COLUMNS

pytestmark = pytest.mark.django_db

URL = reverse("admin:treatments_toxinsession_import")
# The import tests' patient with a toxin course, and its injector.
course = test_session_import.course
drsmith = test_session_import.drsmith


def upload(client, text: str, name="sessions.csv"):
    return client.post(URL, {"file": SimpleUploadedFile(name, text.encode())})


def warned_file() -> str:
    return csv_text(site(at="2019-03-14 10:30"), site(at="2019-04-13 10:30"))


def test_the_page_and_template_need_the_charting_permission(client, scheduler):
    client.force_login(scheduler)
    assert client.get(URL).status_code == 403
    template = reverse("admin:treatments_toxinsession_import_template")
    assert client.get(template).status_code == 403


def test_the_template_has_every_column(client, neurologist):
    client.force_login(neurologist)
    response = client.get(reverse("admin:treatments_toxinsession_import_template"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == list(IMPORT_COLUMNS)
    assert len(rows) == 4


def test_the_changelist_links_the_import(client, neurologist):
    client.force_login(neurologist)
    page = client.get(reverse("admin:treatments_toxinsession_changelist"))
    assert URL in page.content.decode()


def test_a_file_without_the_layout_is_refused_next_to_the_field(client, neurologist):
    client.force_login(neurologist)
    page = upload(client, "name,date\nx,y\n").content.decode()
    assert "missing: mrn, performed_at" in page
    latin = client.post(
        URL, {"file": SimpleUploadedFile("s.csv", "mrn\nJosé".encode("latin-1"))}
    )
    assert "is not UTF-8 text" in latin.content.decode()


def test_a_dry_run_writes_nothing_and_the_import_writes(client, course, neurologist):
    client.force_login(neurologist)
    dry_run = upload(client, csv_text(site(), site(muscle="corrugator")))
    assert "Dry run: nothing was written" in dry_run.content.decode()
    assert not ToxinSession.objects.exists()

    done = client.post(URL, page_form(dry_run, "import-form"))

    assert "Import finished" in done.content.decode()
    session = ToxinSession.objects.get()
    assert session.is_historical and session.injections.count() == 2
    detail = client.get(session.get_absolute_url()).content.decode()
    assert "Historical record" in detail and "Not in that record: vial" in detail


def test_a_neurologist_overrides_a_session_with_one_reason(client, course, neurologist):
    client.force_login(neurologist)
    dry_run = upload(client, warned_file())
    page = dry_run.content.decode()
    assert 'name="lines" value="3"' in page
    data = page_form(dry_run, "import-form")

    unexplained = client.post(URL, {**data, "lines": "3"})
    assert "Say why you override." in unexplained.content.decode()
    assert not ToxinSession.objects.exists()

    client.post(URL, {**data, "lines": "3", "override_reason": "From the paper chart"})

    assert ToxinSession.objects.filter(course=course).count() == 2
    later = ToxinSession.objects.order_by("performed_at").last()
    assert later.override_reason == "From the paper chart"


def test_an_injector_cannot_override(client, course, drsmith):
    drsmith.is_staff = True
    drsmith.save()
    client.force_login(drsmith)
    dry_run = upload(client, warned_file())
    assert "only a neurologist may override them" in dry_run.content.decode()
    assert 'name="lines"' not in dry_run.content.decode()

    client.post(
        URL,
        {
            **page_form(dry_run, "import-form"),
            "whole_file": "on",
            "override_reason": "x",
        },
    )

    assert ToxinSession.objects.count() == 1


def test_an_altered_file_is_not_imported(client, course, neurologist):
    client.force_login(neurologist)
    data = page_form(upload(client, csv_text(site())), "import-form")
    data["checked"] = data["checked"][:-3] + "abc"

    page = client.post(URL, data).content.decode()

    assert "upload the file again" in page
    assert not ToxinSession.objects.exists()


# The worker commits and closes its connection, as in production.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_long_file_is_checked_and_imported_in_the_background(
    client, settings, course, neurologist, drsmith
):
    settings.CLINIC_IMPORT_BACKGROUND_LINES = 2
    client.force_login(neurologist)
    queued = upload(client, warned_file())
    assert queued.status_code == 302
    waiting = client.get(queued.url).content.decode()
    assert "Check of a file of historical toxin sessions" in waiting
    assert 'data-running="true"' in waiting and "import-form" not in waiting

    run_worker()
    checked = client.get(queued.url)
    assert 'name="lines" value="3"' in checked.content.decode()
    data = page_form(checked, "import-form")
    unexplained = client.post(queued.url, {**data, "lines": "3"})
    assert "Say why you override." in unexplained.content.decode()
    imported = client.post(
        queued.url, {**data, "lines": "3", "override_reason": "From the paper chart"}
    )
    assert imported.status_code == 302 and not ToxinSession.objects.exists()

    run_worker()
    done = client.get(imported.url).content.decode()
    assert "Import finished" in done
    assert (
        ToxinSession.objects.filter(override_reason="From the paper chart").count() == 1
    )
    assert ToxinSession.objects.count() == 2
    histories = ToxinSession.history.values_list("history_user", flat=True)
    assert set(histories) == {neurologist.pk}
    check_job = BackgroundJob.objects.get(runner=CHECK_RUNNER)
    assert "text" not in check_job.parameters
    job_page = client.get(reverse("job_detail", args=[check_job.pk]))
    assert job_page.url == queued.url
    drsmith.is_staff = True
    drsmith.save()
    client.force_login(drsmith)
    assert client.get(queued.url).status_code == 404


# The worker commits and closes its connection, as in production.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_checked_file_never_imported_goes_with_the_job_files(
    client, settings, course, neurologist
):
    settings.CLINIC_IMPORT_BACKGROUND_LINES = 0
    client.force_login(neurologist)
    upload(client, csv_text(site()))
    run_worker()
    BackgroundJob.objects.update(
        finished_at=timezone.now() - datetime.timedelta(days=8)
    )

    jobs.remove_old_files(days=7)

    (job,) = BackgroundJob.objects.all()
    assert "text" not in job.parameters and not job.file
