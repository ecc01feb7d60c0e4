"""Every hard refusal, tried through every door that writes the record: the
clinician page, the admin's add and change pages, and the write service. Each
door's form is submitted as a browser would (the page's own inputs, one value
changed), and the database is read again to show nothing was saved or changed.

The one management command that writes these records, seed_demo, writes them
through the same write services (clinic/demo/, tests/clinic/test_seed_demo.py);
signed studies' doors are in tests/patients/test_signed_studies.py.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from patients.models import Assessment, Case
from patients.services import save_case
from tests.factories import (
    AssessmentFactory,
    CaseFactory,
    InjectionFactory,
    MedicationOrderFactory,
    ReferralFactory,
    ReferralFollowUpFactory,
    TherapySessionFactory,
    ToxinSessionFactory,
    TreatmentCourseFactory,
    VialFactory,
)
from tests.treatments.charting_posts import create_url, session_data
from treatments import charting, services
from treatments.models import (
    Injection,
    MedicationOrder,
    Referral,
    ReferralFollowUp,
    TherapySession,
    ToxinSession,
    TreatmentCourse,
    Vial,
)

pytestmark = pytest.mark.django_db

BEFORE_BIRTH = datetime.date(1960, 1, 1)  # the factories' patients are born 1968
REFUSED = "This is before the patient's birth on 17 May 1968."


class _FormInputs(HTMLParser):
    """The values each form of a page would submit, as a browser would."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select = None
        self._options = []
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"id": attrs.get("id", ""), "data": {}})
        elif not self.forms:
            return
        data = self.forms[-1]["data"] if self.forms else {}
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "file"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    data.setdefault(name, []).append(attrs.get("value", "on"))
            else:
                data[name] = [attrs.get("value", "")]
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select:
            self._options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name:
            self._textarea = name
            data[name] = [""]

    def handle_data(self, text):
        if self._textarea and self.forms:
            self.forms[-1]["data"][self._textarea] = [text.lstrip("\n")]

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            chosen = [value for value, selected in self._options if selected]
            if not chosen and self._options:
                chosen = [self._options[0][0]]  # a browser sends the first
            self.forms[-1]["data"][self._select] = chosen
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def page_form(response, form_id: str = "") -> dict:
    """The data the page's form would post: the form with that id, else the one
    with the most inputs (not the navigation's log-out form)."""
    parser = _FormInputs()
    parser.feed(response.content.decode())
    forms = [f for f in parser.forms if not form_id or f["id"] == form_id]
    data = max(forms, key=lambda f: len(f["data"]))["data"]
    return {
        name: values if len(values) > 1 else values[0] for name, values in data.items()
    }


@dataclass(frozen=True)
class Door:
    """A record, the date field that must not precede the patient's birth, its
    clinician edit page (None when it has none) and its write service."""

    make: object
    field: str
    edit_url: str | None
    write: object

    def model(self):
        return self.make._meta.model


DOORS = {
    "case": Door(
        CaseFactory,
        "opened_on",
        "patients:case_update",
        lambda obj, by: save_case(case=obj, by=by),
    ),
    "course": Door(
        TreatmentCourseFactory,
        "started_on",
        "treatments:course_update",
        lambda obj, by: services.save_course(course=obj, by=by),
    ),
    "therapy": Door(
        TherapySessionFactory,
        "session_on",
        "treatments:therapysession_update",
        lambda obj, by: services.save_therapy_session(session=obj, by=by),
    ),
    "medication": Door(
        MedicationOrderFactory,
        "start_on",
        "treatments:medication_update",
        lambda obj, by: services.save_medication_order(order=obj, by=by),
    ),
    "referral": Door(
        ReferralFactory,
        "sent_on",
        "treatments:referral_update",
        lambda obj, by: services.save_referral(referral=obj, by=by),
    ),
    "mvd-follow-up": Door(
        ReferralFollowUpFactory,
        "seen_on",
        None,
        lambda obj, by: services.save_referral_follow_up(follow_up=obj, by=by),
    ),
    "assessment": Door(
        AssessmentFactory,
        "assessed_on",
        "treatments:assessment_update",
        lambda obj, by: services.save_assessment(assessment=obj, by=by),
    ),
}
MODELS = {
    "case": Case,
    "course": TreatmentCourse,
    "therapy": TherapySession,
    "medication": MedicationOrder,
    "referral": Referral,
    "mvd-follow-up": ReferralFollowUp,
    "assessment": Assessment,
}


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def stored(model, record, field):
    return getattr(model.objects.get(pk=record.pk), field)


@pytest.mark.parametrize("name", DOORS)
class TestNoRecordBeforeTheBirth:
    def test_the_clinician_page_refuses_it(self, client, neurologist, name):
        door, model = DOORS[name], MODELS[name]
        if door.edit_url is None:
            pytest.skip("recorded once on its clinician page; corrected in the admin")
        record = door.make()
        before = stored(model, record, door.field)
        client.force_login(neurologist)
        url = reverse(door.edit_url, args=[record.pk])
        data = page_form(client.get(url))
        data[door.field] = BEFORE_BIRTH.isoformat()
        response = client.post(url, data)
        assert response.status_code == 200
        assert escape(REFUSED) in response.content.decode()
        assert stored(model, record, door.field) == before

    def test_the_admin_change_page_refuses_it(self, client, clinic_admin, name):
        door, model = DOORS[name], MODELS[name]
        record = door.make()
        before = stored(model, record, door.field)
        client.force_login(clinic_admin)
        url = admin_url(model, "change", record.pk)
        data = page_form(client.get(url), f"{model._meta.model_name}_form")
        assert door.field in data  # the admin offers the field
        data[door.field] = BEFORE_BIRTH.isoformat()
        response = client.post(url, data)
        assert response.status_code == 200
        assert escape(REFUSED) in response.content.decode()
        assert stored(model, record, door.field) == before

    def test_the_admin_add_page_refuses_it(self, client, clinic_admin, name):
        door, model = DOORS[name], MODELS[name]
        record = door.make()
        client.force_login(clinic_admin)
        change = admin_url(model, "change", record.pk)
        data = page_form(client.get(change), f"{model._meta.model_name}_form")
        data[door.field] = BEFORE_BIRTH.isoformat()
        count = model.objects.count()
        response = client.post(admin_url(model, "add"), data)
        assert response.status_code == 200
        assert escape(REFUSED) in response.content.decode()
        assert model.objects.count() == count

    def test_the_write_service_refuses_it(self, neurologist, name):
        door, model = DOORS[name], MODELS[name]
        record = door.make()
        before = stored(model, record, door.field)
        changed = model.objects.get(pk=record.pk)
        setattr(changed, door.field, BEFORE_BIRTH)
        with pytest.raises(ValidationError) as refused:
            door.write(changed, neurologist)
        assert refused.value.message_dict[door.field] == [REFUSED]
        assert stored(model, record, door.field) == before


class TestToxinSessionDoors:
    """A session is charted on the clinician page only: the admin offers neither
    add nor change (but for entered in error), and the write service refuses
    what the page refuses."""

    @pytest.fixture(autouse=True)
    def london(self, settings):
        settings.TIME_ZONE = "Europe/London"

    def records(self, user, *, performed_at=None, units="5", size=100, **session):
        course = TreatmentCourseFactory()
        built = ToxinSessionFactory.build(
            course=course,
            injector=user,
            vial=None,
            **({"performed_at": performed_at} if performed_at else {}),
            **session,
        )
        vial = VialFactory.build(
            session=built,
            size_units=size,
            reconstituted_at=built.performed_at - datetime.timedelta(hours=1),
        )
        site = InjectionFactory.build(session=built, vial=vial, units=Decimal(units))
        return built, [vial], [site]

    def chart(self, user, **changes):
        session, vials, sites = self.records(user, **changes)
        return charting.chart_toxin_session(
            session=session, vials=vials, sites=sites, by=user
        )

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            (
                lambda: {
                    "performed_at": datetime.datetime(
                        1960, 3, 2, 10, tzinfo=datetime.UTC
                    )
                },
                "performed_at",
            ),
            # Made when the test runs: "now" at collection is long past by then.
            (
                lambda: {
                    "performed_at": timezone.now() + datetime.timedelta(minutes=11)
                },
                "performed_at",
            ),
            (lambda: {"size": 400}, "size_units"),
        ],
        ids=["before-birth", "in-the-future", "vial-size-not-sold"],
    )
    def test_the_write_service_refuses(self, neurologist, changes, field):
        with pytest.raises(ValidationError) as refused:
            self.chart(neurologist, **changes())
        assert field in refused.value.message_dict
        assert not ToxinSession.objects.exists() and not Vial.objects.exists()

    def test_the_write_service_refuses_more_units_than_the_vial_holds(
        self, neurologist
    ):
        with pytest.raises(ValidationError):
            self.chart(neurologist, units="100.01")
        assert not ToxinSession.objects.exists()

    def test_no_override_replaces_consent_through_the_service(self, neurologist):
        session, vials, sites = self.records(neurologist, consent_obtained=False)
        message = charting.session_warnings(session=session, vials=vials, sites=sites)
        with pytest.raises(charting.OverrideRequired) as held:
            charting.chart_toxin_session(
                session=session,
                vials=vials,
                sites=sites,
                by=neurologist,
                override_reason="Verbal consent.",
                shown_warnings_digest=charting.warnings_digest(message),
            )
        assert held.value.may_override is False
        assert not ToxinSession.objects.exists()

    @pytest.mark.parametrize(
        "changes",
        [
            {
                "performed_at": "1960-03-02T10:00",
                "reconstituted_at": "1960-03-02T09:00",
            },
            {"size_units": "400"},
            {"size_units": "50", "diluent_volume_ml": "1"},
        ],
        ids=["before-birth", "vial-size-not-sold", "overdraw"],
    )
    def test_the_clinician_page_refuses_even_with_an_override(
        self, client, neurologist, changes
    ):
        course = TreatmentCourseFactory()
        client.force_login(neurologist)
        data = session_data(
            neurologist,
            rows=[("frontalis", "right", "30"), ("frontalis", "left", "30")],
            override="on",
            override_reason="Given as charted.",
            warnings_digest="any",
            given_already="on",
            **changes,
        )
        response = client.post(create_url(course), data)
        assert response.status_code == 200
        assert not ToxinSession.objects.exists()

    def test_the_admin_adds_no_session_and_changes_none(self, client, clinic_admin):
        session = ToxinSessionFactory()
        InjectionFactory(session=session)
        client.force_login(clinic_admin)
        for model in (ToxinSession, Vial, Injection):
            assert client.post(admin_url(model, "add"), {}).status_code == 403
        url = admin_url(ToxinSession, "change", session.pk)
        data = page_form(client.get(url), "toxinsession_form")
        data.update(
            {
                "performed_at_0": "1960-03-02",
                "performed_at_1": "10:00:00",
                "product": "abobotulinumtoxina",
                "consent_obtained": "",
            }
        )
        client.post(url, data)
        stored_session = ToxinSession.objects.get(pk=session.pk)
        assert stored_session.performed_at == session.performed_at
        assert stored_session.product == session.product
        assert stored_session.consent_obtained is True


class TestTheHistoricalImportDoor:
    """The admin's import of historical sessions charts through the same service:
    what the page and the service refuse, its dry run reports and its import
    refuses, even with the whole file overridden."""

    VIAL = "C1234AB,2027-01-31,{size},{diluent},{reconstituted}"

    @pytest.mark.parametrize(
        ("at", "size", "units", "message"),
        [
            ("1960-03-02 10:00", "100", "5", REFUSED),
            ("2099-03-02 10:00", "100", "5", "this time is in the future"),
            ("2026-03-02 10:00", "400", "5", "U vials"),
            ("2026-03-02 10:00", "50", "60", "come to more than the 50 U vial"),
        ],
        ids=["before-birth", "in-the-future", "vial-size-not-sold", "overdraw"],
    )
    def test_the_import_refuses_it(self, client, neurologist, at, size, units, message):
        course = TreatmentCourseFactory()
        client.force_login(neurologist)
        reconstituted = at[:11] + "09:00"
        vial = self.VIAL.format(size=size, diluent="1", reconstituted=reconstituted)
        text = (
            "mrn,performed_at,product,injector,consent,muscle,side,units,"
            "lot_number,expiry_date,vial_units,diluent_ml,reconstituted_at\n"
            f"{course.case.patient.mrn},{at},onabotulinumtoxina,"
            f"{neurologist.username},yes,frontalis,right,{units},{vial}\n"
        )
        url = reverse("admin:treatments_toxinsession_import")
        upload = SimpleUploadedFile("sessions.csv", text.encode())
        dry_run = client.post(url, {"file": upload})
        assert escape(message) in dry_run.content.decode()
        data = page_form(dry_run, "import-form")
        data.update(whole_file="on", override_reason="Transcribed from paper.")
        imported = client.post(url, data)
        assert escape(message) in imported.content.decode()
        assert not ToxinSession.objects.exists() and not Vial.objects.exists()


class TestACourseKeepsItsKindOnceItHasRecords:
    """Its sessions would otherwise sit on a course of another kind."""

    def test_the_admin_refuses_it(self, client, clinic_admin):
        session = ToxinSessionFactory()
        course = session.course
        client.force_login(clinic_admin)
        url = admin_url(TreatmentCourse, "change", course.pk)
        data = page_form(client.get(url), "treatmentcourse_form")
        data["kind"] = "medication"
        response = client.post(url, data)
        assert response.status_code == 200
        assert "its kind cannot change" in response.content.decode()
        assert TreatmentCourse.objects.get(pk=course.pk).kind == "botulinum_toxin"

    def test_the_service_refuses_it(self, neurologist):
        course = ToxinSessionFactory().course
        changed = TreatmentCourse.objects.get(pk=course.pk)
        changed.kind = "medication"
        with pytest.raises(ValidationError) as refused:
            services.save_course(course=changed, by=neurologist)
        assert "kind" in refused.value.message_dict
        assert TreatmentCourse.objects.get(pk=course.pk).kind == "botulinum_toxin"

    def test_the_clinician_page_does_not_offer_it(self, client, neurologist):
        course = ToxinSessionFactory().course
        client.force_login(neurologist)
        url = reverse("treatments:course_update", args=[course.pk])
        data = page_form(client.get(url))
        data["kind"] = "medication"
        client.post(url, data)
        assert TreatmentCourse.objects.get(pk=course.pk).kind == "botulinum_toxin"

    def test_a_course_without_records_may_change_kind(self, neurologist):
        course = TreatmentCourseFactory()
        course.kind = "physical_therapy"
        course.planned_interval_days = None
        services.save_course(course=course, by=neurologist)
        assert TreatmentCourse.objects.get(pk=course.pk).kind == "physical_therapy"
