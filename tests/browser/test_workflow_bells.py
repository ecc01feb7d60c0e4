"""In Chromium, a whole workflow: Bell's palsy with later synkinesis. A
neurologist registers the patient, opens the Bell's palsy case with the hour of
onset, prescribes prednisolone (a late start is shown before saving), grades the
palsy; two months on, opens the synkinesis case and charts toxin on the palsied
side, which the Bell's palsy caution stops until the neurologist overrides it."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from patients.models import Assessment, Condition
from tests.browser.workflow_steps import (
    chart_sites,
    local_minute,
    new_course,
    new_patient,
    open_case,
    saved,
    score,
)
from treatments.models import MedicationOrder, ToxinSession

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def prescribe(page, course, *, drug: str, start_on: datetime.date) -> None:
    page.goto(f"/treatments/courses/{course.pk}/medication/new/")
    page.fill("#id_drug", drug)
    page.fill("#id_dose", "50")
    page.fill("#id_frequency", "once daily for 10 days")
    page.fill("#id_start_on", start_on.isoformat())
    page.get_by_role("button", name="Save medication order").click()


def test_bells_palsy_then_synkinesis(page, log_in, neurologist):
    today = timezone.localdate()
    onset = today - datetime.timedelta(days=60)
    log_in(neurologist)
    patient = new_patient(
        page,
        mrn="BP-1001",
        given="Maren",
        family="Holt",
        born=datetime.date(1979, 4, 2),
    )
    palsy = open_case(
        page,
        patient,
        condition=Condition.BELLS_PALSY,
        side="left",
        onset=onset,
        onset_at=f"{onset.isoformat()}T07:30",
        opened_on=onset.isoformat(),
    )
    assert (palsy.icd10_code, palsy.laterality) == ("G51.0", "left")

    steroids = new_course(page, palsy, kind="medication")
    # Started on the fifth day: shown before saving, kept once saved again.
    prescribe(
        page, steroids, drug="prednisolone", start_on=onset + datetime.timedelta(4)
    )
    warning = page.locator("#div_id_warnings_digest, .alert-danger, .alert-block")
    expect(warning.first).to_contain_text("hours after the onset of Bell's palsy")
    assert not MedicationOrder.objects.exists()
    page.get_by_role("button", name="Save medication order").click()
    saved(page, "Medication order saved.")
    assert MedicationOrder.objects.get().start_on == onset + datetime.timedelta(4)
    expect(page.locator(".alert-danger")).to_contain_text("prednisolone starts on")

    score(
        page,
        palsy,
        instrument="house_brackmann",
        fields={"side": "left", "item_grade": "4"},
    )
    assert list(Assessment.objects.get(case=palsy).totals.values()) == [4]

    synkinesis = open_case(
        page,
        patient,
        condition=Condition.POST_PARALYTIC_SYNKINESIS,
        side="left",
        onset=today - datetime.timedelta(days=7),
    )
    toxin = new_course(
        page, synkinesis, kind="botulinum_toxin", planned_interval_days="84"
    )
    page.goto(f"/treatments/courses/{toxin.pk}/sessions/new/")
    vial = {"size": "100", "lot": "C5521", "expiry": "2027-09-30", "diluent_ml": "4"}
    sites = [("zygomaticus_major", "left", "2.5"), ("mentalis", "left", "2.5")]
    given = timezone.now() - datetime.timedelta(minutes=5)
    chart_sites(page, product="onabotulinumtoxina", given=given, vial=vial, sites=sites)
    # The form's own button, at its foot: the live warnings may show their own by now.
    page.get_by_role("button", name="Save session").last.click()

    caution = page.locator("[data-warning]")
    expect(caution.first).to_contain_text("Bell's palsy")
    assert not ToxinSession.objects.exists()
    page.check("#id_override")
    page.fill("#id_override_reason", "Synkinesis disabling; discussed the risk")
    warnings = page.get_by_role("region", name=re.compile("^Safety warnings"))
    warnings.get_by_role("button", name="Save session").click()
    saved(page, "Toxin session saved.")
    session = ToxinSession.objects.get()
    assert session.course == toxin and session.injections.count() == 2
    assert "Bell's palsy" in " ".join(session.overridden_warnings)
    assert local_minute(session.performed_at) == local_minute(given)
