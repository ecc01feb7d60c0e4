"""In Chromium: from a toxin session's page the referrer's letter is previewed,
produced, listed on the chart and downloaded as a PDF; the preview fits a
tablet without sideways scrolling."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clinic.models import Letter
from tests.factories import InjectionFactory, ToxinSessionFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_letter_is_previewed_produced_and_downloaded(page, log_in, neurologist):
    session = ToxinSessionFactory(
        performed_at=timezone.now() - datetime.timedelta(days=3),
        course__case__patient__referring_clinician="Dr A. Referrer",
    )
    InjectionFactory(session=session, muscle="frontalis", units=Decimal("5"))
    patient = session.course.case.patient
    page.set_viewport_size({"width": 820, "height": 1000})
    log_in(neurologist)

    page.goto(f"/treatments/sessions/{session.pk}/")
    page.get_by_role("link", name="Letter to the referrer").click()
    expect(page.locator("article.letter")).to_contain_text("Frontalis")
    expect(page.locator("article.letter")).to_contain_text("Dear Dr A. Referrer")
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")

    page.get_by_role("button", name="Produce the PDF and keep it on the chart").click()
    page.wait_for_url(f"**/patients/{patient.pk}/#letters")
    expect(page.get_by_role("alert").first).to_contain_text("kept on the chart")
    letters = page.locator("#letters")
    expect(letters).to_contain_text("Dr A. Referrer")
    assert Letter.objects.get().toxin_session_id == session.pk

    with page.expect_download() as download:
        letters.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
