"""In Chromium at 820 px: a child's hemifacial spasm shows its red flag on its
row and among the chart's red flags with the suggested MRI, the page does not
scroll sideways with the flags and the row's buttons, and the suggestion opens
the study order with MRI chosen."""

import datetime

import pytest
from playwright.sync_api import expect

from patients.services import save_case
from tests.factories import CaseFactory, PatientFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_suggested_mri_is_one_click_away(page, log_in, neurologist):
    case = CaseFactory.build(
        patient=PatientFactory(date_of_birth=datetime.date(2017, 1, 5)),
        condition="hemifacial_spasm",
        icd10_code="G51.32",
        laterality="left",
        red_flags=["facial_weakness"],
    )
    save_case(case=case, by=None)
    page.set_viewport_size({"width": 820, "height": 1000})
    log_in(neurologist)

    page.goto(f"/patients/{case.patient_id}/")

    # On the case's row, and with its next step among the chart's red flags.
    expect(
        page.get_by_role("table").locator(
            ".badge", has_text="Child with hemifacial spasm"
        )
    ).to_be_visible()
    flag = page.locator(f"#red-flags-{case.pk} [data-flag=child_hemifacial_spasm]")
    expect(flag.locator(".badge")).to_have_text("Child with hemifacial spasm")
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    flag.get_by_role("link", name="Order an MRI").click()
    page.wait_for_url(f"**/cases/{case.pk}/studies/new/?modality=mri")
    assert page.input_value("#id_modality") == "mri"
