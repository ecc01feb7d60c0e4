"""In Chromium: a new patient typed like one on record is warned of before
saving and saved once the user says it is a different person; a clinic
administrator then merges the duplicate into the first record from its chart."""

import datetime

import pytest
from playwright.sync_api import expect

from patients.models import Patient
from tests.factories import CaseFactory, PatientFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BORN = datetime.date(1961, 4, 12)


def test_warned_of_saved_anyway_then_merged(page, log_in, clinic_admin):
    first = PatientFactory(family_name="Okafor", given_name="Grace", date_of_birth=BORN)
    log_in(clinic_admin)
    page.goto("/patients/new/")
    page.fill("#id_mrn", "NEW-7")
    page.fill("#id_given_name", "Grace")
    page.fill("#id_family_name", "Okafer")
    page.fill("#id_date_of_birth", BORN.isoformat())
    page.select_option("#id_sex", "female")
    page.get_by_role("button", name="Save patient").click()
    warning = page.locator("#possible-duplicates")
    expect(warning).to_contain_text(f"MRN {first.mrn}")
    assert not Patient.objects.filter(mrn="NEW-7").exists()
    assert page.input_value("#id_date_of_birth") == BORN.isoformat()

    page.check("#id_not_a_duplicate")
    page.get_by_role("button", name="Save patient").click()
    page.wait_for_url("**/patients/*/")
    duplicate = Patient.objects.get(mrn="NEW-7")
    CaseFactory(patient=duplicate)

    page.goto(first.get_absolute_url())
    page.get_by_role("link", name="Merge a duplicate").click()
    page.fill("#id_duplicate", "new-7")
    page.get_by_role("button", name="Show both records").click()
    expect(page.get_by_text("Moves: 1 case.")).to_be_visible()
    page.fill("#id_reason", "Registered twice at the front desk.")
    page.get_by_role("button", name="Merge MRN NEW-7 into this record").click()
    page.wait_for_url(f"**/patients/{first.pk}/")
    expect(page.get_by_text("MRN NEW-7 merged into this record")).to_be_visible()
    assert Patient.objects.get(pk=duplicate.pk).merged_into_id == first.pk
    assert first.cases.count() == 1
