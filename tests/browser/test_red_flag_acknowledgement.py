"""In Chromium: a neurologist sees a red flag the record raised on the chart with
its one-click next step, acknowledges it with a note (after being told the note
is missing), sees it acknowledged, and the dashboard no longer lists it."""

import datetime

import pytest
from playwright.sync_api import expect

from patients.services import save_case
from tests.factories import CaseFactory, PatientFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_a_derived_flag_is_acknowledged_from_the_chart(page, log_in, neurologist):
    patient = PatientFactory(given_name="Ines", family_name="Moreau")
    case = CaseFactory.build(
        patient=patient,
        condition="hemifacial_spasm",
        icd10_code="G51.32",
        laterality="left",
        findings=["hearing_loss"],
        opened_on=datetime.date(2026, 3, 2),
    )
    save_case(case=case, by=None)
    page.set_viewport_size({"width": 820, "height": 1000})
    log_in(neurologist)

    page.goto("/")
    panel = page.locator("section", has=page.locator("#red-flag-cases-heading"))
    expect(panel).to_contain_text("MOREAU, Ines")
    expect(panel).to_contain_text("Examination: hearing loss (VIII).")

    page.goto(f"/patients/{patient.pk}/")
    flags = page.locator(f"#red-flags-{case.pk}")
    flag = flags.locator("[data-flag=cranial_nerve_signs]")
    expect(flag.locator(".badge.text-bg-danger")).to_have_text(
        "Hearing loss, facial numbness or other cranial-nerve signs"
    )
    order = flag.get_by_role("link", name="Order an MRI")
    expect(order).to_have_attribute(
        "href", f"/patients/cases/{case.pk}/studies/new/?modality=mri"
    )
    assert not scrolls_sideways(page)

    flag.get_by_role("link", name="Acknowledge").click()
    page.wait_for_url(f"**/cases/{case.pk}/red-flags/acknowledge/?flag=*")
    expect(
        page.get_by_label("Hearing loss, facial numbness or other cranial-nerve signs")
    ).to_be_checked()
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator("#error_1_id_note")).to_have_text(
        "Say what was reviewed or decided."
    )
    page.get_by_label("Note").fill("MRI of the internal auditory meati ordered.")
    page.get_by_role("button", name="Acknowledge").click()

    page.wait_for_url(f"**/patients/{patient.pk}/")
    expect(
        page.get_by_text("Red flag acknowledged: Hearing loss, facial numbness")
    ).to_be_visible()
    expect(flags).to_contain_text("all acknowledged")
    expect(flag.locator(".badge.text-bg-secondary")).to_be_visible()
    expect(flag).to_contain_text(f"Acknowledged by {neurologist}")
    expect(flag).to_contain_text("MRI of the internal auditory meati ordered.")
    expect(flag.get_by_role("link", name="Acknowledge")).to_have_count(0)
    assert not scrolls_sideways(page)

    page.goto("/")
    panel = page.locator("section", has=page.locator("#red-flag-cases-heading"))
    expect(panel).to_contain_text("No red flags waiting for review.")
    expect(panel).not_to_contain_text("MOREAU")
