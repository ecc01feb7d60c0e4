"""In Chromium: the charting page works out its totals, volumes, face diagram and
warnings as the injector types, without a button; rows are added and removed on
the page, or from the face diagram; six sites are charted with the keyboard alone
and saved with Enter; and the page fits a tablet with many rows."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_content_policy import watch_for_refusals
from tests.factories import (
    CaseFactory,
    InjectionFactory,
    ToxinSessionFactory,
    TreatmentCourseFactory,
)
from treatments.models import Muscle, Side, ToxinSession

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _local(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%dT%H:%M}"


def open_new_session(page, course):
    """The charting page of a new session, with its product, time, consent and one
    100 U vial in 4 mL charted: what is left is the sites."""
    given = timezone.now() - datetime.timedelta(hours=1)
    page.goto(f"/treatments/courses/{course.pk}/sessions/new/")
    page.select_option("#id_product", "onabotulinumtoxina")
    page.fill("#id_performed_at", _local(given))
    page.check("#id_consent_obtained")
    page.fill("#id_vials-0-size_units", "100")
    page.fill("#id_vials-0-lot_number", "C1234")
    page.fill("#id_vials-0-expiry_date", "2099-06-30")
    page.fill("#id_vials-0-diluent_volume_ml", "4")
    page.fill(
        "#id_vials-0-reconstituted_at", _local(given - datetime.timedelta(minutes=30))
    )


def site_rows(page):
    return page.locator("[data-site-rows] > tbody[data-site-row]")


def total_forms(page) -> str:
    return page.input_value("[name=injections-TOTAL_FORMS]")


def test_totals_follow_the_typing(page, log_in, injector):
    course = TreatmentCourseFactory()
    refused = watch_for_refusals(page)
    log_in(injector)
    open_new_session(page, course)
    page.select_option("#id_injections-0-muscle", Muscle.ZYGOMATICUS_MAJOR)
    page.select_option("#id_injections-0-side", Side.RIGHT)
    units = page.locator("#id_injections-0-units")

    # Slowly, so that answers come back while the units are being typed.
    units.press_sequentially("2.5", delay=400)

    expect(page.locator("#totals")).to_contain_text("Right side")
    expect(page.locator("#totals")).to_contain_text("2.5 U")
    expect(page.locator("[data-live='injections-0-volume']")).to_contain_text("0.1")
    expect(page.locator("[data-concentration='1']")).to_have_text(
        "2.5 U per 0.1 mL (25 U/mL)"
    )
    expect(page.locator(".face-marker")).to_have_count(1)
    expect(page.locator("#charting-status")).to_contain_text("No safety warnings.")
    # What was typed, and where, is untouched by the swaps.
    assert units.input_value() == "2.5"
    assert page.evaluate("document.activeElement.id") == "id_injections-0-units"

    units.fill("4")
    expect(page.locator("#totals")).to_contain_text("4 U")
    assert ToxinSession.objects.count() == 0  # working out is not saving
    assert refused == []


def test_rows_are_added_and_removed_on_the_page(page, log_in, injector):
    course = TreatmentCourseFactory()
    log_in(injector)
    open_new_session(page, course)
    expect(site_rows(page)).to_have_count(3)  # a few blank rows to start with
    assert total_forms(page) == "3"

    page.get_by_role("button", name="Add a row").click()
    expect(site_rows(page)).to_have_count(4)
    assert total_forms(page) == "4"
    assert page.evaluate("document.activeElement.id") == "id_injections-3-muscle"

    page.select_option("#id_injections-1-muscle", Muscle.FRONTALIS)
    page.select_option("#id_injections-1-side", Side.LEFT)
    page.fill("#id_injections-1-units", "3")
    page.get_by_role("button", name="Remove row 1", exact=True).click()

    expect(site_rows(page)).to_have_count(3)
    assert total_forms(page) == "3"
    # The rows after it moved up, with their values, names and numbers.
    assert page.input_value("#id_injections-0-muscle") == Muscle.FRONTALIS
    assert page.input_value("#id_injections-0-units") == "3"
    expect(site_rows(page).first.locator("th")).to_have_text("1")
    expect(page.locator("#totals")).to_contain_text("Left side")

    page.get_by_role("button", name="Save session").first.click()
    page.wait_for_url("**/treatments/sessions/*/")
    session = ToxinSession.objects.get()
    assert list(session.injections.values_list("muscle", "side", "units")) == [
        (Muscle.FRONTALIS, Side.LEFT, Decimal("3.00"))
    ]


def test_a_spot_on_the_face_adds_its_row_or_goes_to_it(page, log_in, injector):
    course = TreatmentCourseFactory()
    log_in(injector)
    open_new_session(page, course)
    spot = page.get_by_role("button", name="Zygomaticus major, right", exact=True)

    spot.click()

    assert page.input_value("#id_injections-0-muscle") == Muscle.ZYGOMATICUS_MAJOR
    assert page.input_value("#id_injections-0-side") == Side.RIGHT
    assert page.evaluate("document.activeElement.id") == "id_injections-0-units"
    page.keyboard.type("5")
    expect(page.locator(".face-marker[data-muscle='zygomaticus_major']")).to_have_count(
        1
    )

    # Picked again, later: it goes to the row instead of adding another.
    page.focus("#id_injections-1-muscle")
    spot.click()
    assert page.evaluate("document.activeElement.id") == "id_injections-0-units"
    assert [
        page.input_value(f"#id_injections-{index}-muscle") for index in range(3)
    ].count(Muscle.ZYGOMATICUS_MAJOR) == 1

    # By keyboard: one tab stop, arrow keys between the spots, Enter to pick.
    first = page.get_by_role("button", name="Frontalis, right", exact=True)
    first.focus()
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "Frontalis, left"
    page.keyboard.press("Enter")
    assert page.input_value("#id_injections-1-muscle") == Muscle.FRONTALIS
    assert page.input_value("#id_injections-1-side") == Side.LEFT
    tab_stops = page.locator(".face-spot[tabindex='0']")
    expect(tab_stops).to_have_count(1)


SIX_SITES = [
    ("Frontalis", "R", Muscle.FRONTALIS, Side.RIGHT),
    ("Frontalis", "L", Muscle.FRONTALIS, Side.LEFT),
    ("Corrugator", "R", Muscle.CORRUGATOR, Side.RIGHT),
    ("Corrugator", "L", Muscle.CORRUGATOR, Side.LEFT),
    ("Procerus", "M", Muscle.PROCERUS, Side.MIDLINE),
    ("Nasalis", "R", Muscle.NASALIS, Side.RIGHT),
]
# From a site's units to the next site's muscle: points, route, vial, Remove.
TABS_TO_THE_NEXT_ROW = 5


def test_six_sites_charted_by_keyboard_and_saved_with_enter(page, log_in, injector):
    course = TreatmentCourseFactory()
    log_in(injector)
    open_new_session(page, course)
    page.focus("#id_injections-0-muscle")

    for index, (muscle, side, _, _) in enumerate(SIX_SITES):
        if index:
            for _ in range(TABS_TO_THE_NEXT_ROW):
                page.keyboard.press("Tab")
        page.keyboard.type(muscle)  # a closed select picks what is typed
        page.keyboard.press("Tab")
        page.keyboard.type(side)
        page.keyboard.press("Tab")
        page.keyboard.type("2")
    expect(page.locator("#totals")).to_contain_text("12 U")
    page.keyboard.press("Enter")

    page.wait_for_url("**/treatments/sessions/*/")
    expect(page.locator(".alert-success")).to_have_text("Toxin session saved.")
    session = ToxinSession.objects.get()
    assert sorted(session.injections.values_list("muscle", "side", "units")) == sorted(
        (muscle, side, Decimal("2.00")) for _, _, muscle, side in SIX_SITES
    )


def test_a_warning_shown_while_typing_is_overridden_by_keyboard(
    page, log_in, neurologist
):
    course = TreatmentCourseFactory()
    earlier = ToxinSessionFactory(
        course=TreatmentCourseFactory(case=CaseFactory(patient=course.case.patient)),
        performed_at=timezone.now() - datetime.timedelta(days=30),
    )
    InjectionFactory(session=earlier)
    log_in(neurologist)
    open_new_session(page, course)
    page.select_option("#id_injections-0-muscle", Muscle.FRONTALIS)
    page.select_option("#id_injections-0-side", Side.RIGHT)
    page.focus("#id_injections-0-units")
    page.keyboard.type("4")

    warning = page.locator("[data-warning]")
    expect(warning).to_contain_text("Re-injection 30 days after the last session")
    expect(page.locator("#charting-status")).to_contain_text("1 safety warning")
    assert page.evaluate("document.activeElement.id") == "id_injections-0-units"

    page.keyboard.press("Enter")  # without the override: refused, nothing saved
    expect(page.locator("#safety-heading")).to_be_visible()
    expect(page.get_by_text("Tick to override the warnings")).to_be_visible()
    assert ToxinSession.objects.filter(course=course).count() == 0

    page.focus("#id_override")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.type("Travelling for three months; agreed with the patient.")
    page.keyboard.press("Tab")  # given already: left unticked
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Save session"
    page.keyboard.press("Enter")

    page.wait_for_url("**/treatments/sessions/*/")
    session = ToxinSession.objects.get(course=course)
    assert session.override_reason.startswith("Travelling for three months")


def test_many_rows_fit_a_tablet(page, log_in, injector):
    course = TreatmentCourseFactory()
    page.set_viewport_size({"width": 820, "height": 1180})
    log_in(injector)
    open_new_session(page, course)
    spots = page.locator(".face-spot")
    for index in range(8):
        spots.nth(index).click()
        page.keyboard.type("1")

    expect(site_rows(page)).to_have_count(9)  # and one blank
    expect(page.locator("#totals")).to_contain_text("8 U")
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    ), "the charting page scrolls sideways on a tablet"
    box = page.evaluate(
        """(() => {
            const table = document.querySelector('.sites-table');
            const box = table.closest('.table-responsive');
            return box.scrollWidth <= box.clientWidth;
        })()"""
    )
    assert box, "the sites scroll sideways inside their box"
    header = page.locator(".sites-table thead")
    assert header.evaluate("element => getComputedStyle(element).display") == "none"
