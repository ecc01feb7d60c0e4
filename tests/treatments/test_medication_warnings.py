"""A steroid started past the Bell's palsy window is shown before the order is
saved, through every door (the clinician page's own tests are in
test_record_views.py), and the chart keeps showing it."""

import datetime

import pytest
from django.utils.html import escape

from clinic.overrides import WarningsNotSeen, digest_of
from patients.models import Condition, Laterality
from tests.factories import (
    CaseFactory,
    MedicationOrderFactory,
    TreatmentCourseFactory,
    UserFactory,
)
from tests.test_doors import admin_url, page_form
from treatments import services
from treatments.models import CourseKind, MedicationOrder

pytestmark = pytest.mark.django_db

ONSET = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
LATE = datetime.date(2026, 3, 6)  # at least 86 hours after the onset


@pytest.fixture(autouse=True)
def utc(settings):
    settings.TIME_ZONE = "UTC"


@pytest.fixture
def bells_course():
    case = CaseFactory(
        condition=Condition.BELLS_PALSY,
        icd10_code="G51.0",
        laterality=Laterality.LEFT,
        onset_date=ONSET.date(),
        onset_at=ONSET,
        opened_on=ONSET.date(),
    )
    return TreatmentCourseFactory(
        case=case, kind=CourseKind.MEDICATION, planned_interval_days=None
    )


def late_steroid(course, **fields) -> MedicationOrder:
    return MedicationOrderFactory.build(
        **{
            "course": course,
            "drug": "prednisolone",
            "start_on": LATE,
            "prescriber": UserFactory(roles=["Neurologist"]),
            **fields,
        }
    )


class TestTheOrdersWarnings:
    def test_a_late_steroid_says_how_late(self, bells_course):
        (warning,) = late_steroid(bells_course).warnings()
        assert warning.startswith(
            "prednisolone starts on 06 Mar 2026, at least 86 hours after the onset "
            "of Bell's palsy (02 Mar 2026 10:00)"
        )

    @pytest.mark.parametrize(
        "fields",
        [
            {"start_on": datetime.date(2026, 3, 5)},  # within 72 hours of the day
            {"drug": "valaciclovir"},
            {"entered_in_error": True, "entered_in_error_reason": "Wrong patient"},
        ],
    )
    def test_others_raise_none(self, bells_course, fields):
        assert late_steroid(bells_course, **fields).warnings() == []


class TestTheWriteService:
    def test_refuses_a_warning_not_shown(self, bells_course, neurologist):
        order = late_steroid(bells_course)
        with pytest.raises(WarningsNotSeen) as refused:
            services.save_medication_order(order=order, by=neurologist)
        assert refused.value.warnings == order.warnings()
        assert not MedicationOrder.objects.exists()

    def test_refuses_when_other_warnings_were_shown(self, bells_course, neurologist):
        order = late_steroid(bells_course)
        with pytest.raises(WarningsNotSeen):
            services.save_medication_order(
                order=order, by=neurologist, shown_warnings_digest=digest_of(["other"])
            )
        assert not MedicationOrder.objects.exists()

    def test_saves_once_the_warning_was_shown(self, bells_course, neurologist):
        order = late_steroid(bells_course)
        digest = digest_of(order.warnings())
        services.save_medication_order(
            order=order, by=neurologist, shown_warnings_digest=digest
        )
        assert MedicationOrder.objects.get().start_on == LATE

    def test_an_edit_that_keeps_the_start_asks_nothing_again(
        self, bells_course, neurologist
    ):
        order = late_steroid(bells_course)
        services.save_medication_order(
            order=order,
            by=neurologist,
            shown_warnings_digest=digest_of(order.warnings()),
        )
        order.stop_on = LATE + datetime.timedelta(days=10)
        services.save_medication_order(order=order, by=neurologist)
        assert MedicationOrder.objects.get().stop_on == order.stop_on


class TestTheAdmin:
    """The admin shows the same warning before saving, and saves when sent again."""

    def add_data(self, client, course) -> dict:
        existing = MedicationOrderFactory(
            course=course,
            drug="clonazepam",
            prescriber=UserFactory(roles=["Neurologist"]),
        )
        page = client.get(admin_url(MedicationOrder, "change", existing.pk))
        data = page_form(page, "medicationorder_form")
        data.update(drug="prednisolone", start_on=LATE.isoformat())
        return data

    def test_the_add_page_shows_the_warning_then_saves(
        self, client, clinic_admin, bells_course
    ):
        client.force_login(clinic_admin)
        data = self.add_data(client, bells_course)
        response = client.post(admin_url(MedicationOrder, "add"), data)
        assert response.status_code == 200
        html = response.content.decode()
        assert escape("at least 86 hours after the onset of Bell's palsy") in html
        assert escape("Save again to keep the order with this warning.") in html
        assert not MedicationOrder.objects.filter(drug="prednisolone").exists()
        again = page_form(response, "medicationorder_form")
        assert again["warnings_digest"]  # the page carries what it showed
        response = client.post(admin_url(MedicationOrder, "add"), again)
        assert response.status_code == 302
        assert MedicationOrder.objects.get(drug="prednisolone").start_on == LATE

    def test_the_change_page_shows_the_warning_first(
        self, client, clinic_admin, bells_course
    ):
        order = MedicationOrderFactory(course=bells_course, drug="prednisolone")
        client.force_login(clinic_admin)
        url = admin_url(MedicationOrder, "change", order.pk)
        data = page_form(client.get(url), "medicationorder_form")
        data["start_on"] = LATE.isoformat()
        response = client.post(url, data)
        assert response.status_code == 200
        assert escape("at least 86 hours") in response.content.decode()
        order.refresh_from_db()
        assert order.start_on == ONSET.date()


class TestTheChart:
    def test_keeps_the_warning_of_a_saved_order(
        self, client, neurologist, bells_course
    ):
        order = late_steroid(bells_course)
        services.save_medication_order(
            order=order,
            by=neurologist,
            shown_warnings_digest=digest_of(order.warnings()),
        )
        client.force_login(neurologist)
        patient = bells_course.case.patient
        response = client.get(patient.get_absolute_url())
        assert order.warnings()[0] in response.context["alerts"]
        assert escape(order.warnings()[0]) in response.content.decode()

    def test_says_nothing_of_a_timely_steroid(self, client, neurologist, bells_course):
        MedicationOrderFactory(course=bells_course, drug="prednisolone")
        client.force_login(neurologist)
        patient = bells_course.case.patient
        response = client.get(patient.get_absolute_url())
        assert not any("Bell's palsy" in alert for alert in response.context["alerts"])
