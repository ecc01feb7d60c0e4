import datetime
import re
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from patients.services import save_case
from tests.factories import (
    AdverseEffectFactory,
    CaseFactory,
    InjectionFactory,
    ToxinSessionFactory,
    TreatmentCourseFactory,
)
from tests.treatments.charting_posts import (
    create_url,
    earlier_session,
    field_errors,
    local,
    session_data,
)
from treatments.models import (
    AdverseEffect,
    CourseKind,
    Injection,
    Muscle,
    Product,
    Side,
    ToxinSession,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def london(settings):
    """The wall-clock times below are written for a clinic in Europe/London."""
    settings.TIME_ZONE = "Europe/London"


@pytest.fixture
def course():
    return TreatmentCourseFactory()


@pytest.fixture
def patient(course):
    return course.case.patient


class TestCreatePermissions:
    def test_unknown_course_is_404(self, client, injector):
        client.force_login(injector)
        url = reverse("treatments:toxinsession_create", args=[987654])
        assert client.get(url).status_code == 404

    def test_a_course_of_another_kind_is_404(self, client, injector):
        course = TreatmentCourseFactory(
            kind=CourseKind.PHYSICAL_THERAPY, planned_interval_days=None
        )
        client.force_login(injector)
        assert client.get(create_url(course)).status_code == 404


class TestCreate:
    def test_form_renders_with_date_inputs_and_a_one_time_token(
        self, client, injector, course, patient
    ):
        client.force_login(injector)
        response = client.get(create_url(course))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Chart toxin session" in html
        assert patient.full_name in html
        assert 'type="datetime-local"' in html
        assert 'type="date"' in html
        assert re.search(r'name="form_token" value="[0-9a-f-]{36}"', html)
        assert "Clinic time (Europe/London)" in html
        assert response.context["form"]["injector"].value() == injector.pk
        assert "patient's right</strong> is on <strong>your left" in html

    def test_valid_post_saves_session_and_sites_with_history(
        self, client, injector, course
    ):
        client.force_login(injector)
        data = session_data(
            injector,
            rows=[
                (Muscle.OO_PRETARSAL_UPPER_LATERAL, Side.RIGHT, "2.5"),
                (Muscle.OO_ORBITAL, Side.RIGHT, "5"),
            ],
        )
        response = client.post(create_url(course), data)
        session = ToxinSession.objects.get()
        assert response.status_code == 302
        assert response["Location"] == session.get_absolute_url()
        assert session.course == course
        assert session.injector == injector
        assert session.performed_at == local("2026-03-02T10:00")
        assert list(session.vials.values_list("lot_number", flat=True)) == ["C5678C3"]
        assert session.form_token == uuid.UUID(data["form_token"])
        assert session.is_overridden is False
        assert sorted(session.injections.values_list("muscle", "side", "units")) == [
            ("oo_orbital", "right", Decimal("5.00")),
            ("oo_pretarsal_upper_lateral", "right", Decimal("2.50")),
        ]
        assert session.history.get().history_user == injector
        assert {i.history.get().history_user for i in session.injections.all()} == {
            injector
        }

    def test_invalid_site_is_shown_next_to_the_field_and_nothing_is_saved(
        self, client, injector, course
    ):
        client.force_login(injector)
        data = session_data(
            injector,
            rows=[
                (Muscle.FRONTALIS, Side.LEFT, "7.5"),
                (Muscle.OO_ORBITAL, Side.RIGHT, "0"),
            ],
            lot_number="TYPED-LOT-42",
        )
        response = client.post(create_url(course), data)
        html = response.content.decode()
        assert response.status_code == 200
        rows = response.context["injections"].forms
        assert rows[1].errors["units"] == ["Units must be more than 0."]
        assert 'value="TYPED-LOT-42"' in html
        assert 'value="7.5"' in html
        assert ToxinSession.objects.count() == 0
        assert Injection.objects.count() == 0

    def test_missing_session_field_is_shown_next_to_it(self, client, injector, course):
        client.force_login(injector)
        data = session_data(injector, expiry_date="", lot_number="KEEP-ME")
        response = client.post(create_url(course), data)
        assert response.status_code == 200
        assert field_errors(response, "expiry_date") == ["This field is required."]
        assert 'value="KEEP-ME"' in response.content.decode()
        assert ToxinSession.objects.count() == 0

    def test_vial_reconstituted_after_the_session_is_refused_at_the_field(
        self, client, injector, course
    ):
        client.force_login(injector)
        data = session_data(injector, reconstituted_at="2026-03-02T11:00")
        response = client.post(create_url(course), data)
        assert field_errors(response, "reconstituted_at") == [
            "The vial must be reconstituted before the session."
        ]
        assert ToxinSession.objects.count() == 0

    def test_midline_is_only_for_the_procerus(self, client, injector, course):
        client.force_login(injector)
        data = session_data(injector, rows=[(Muscle.FRONTALIS, Side.MIDLINE, "5")])
        response = client.post(create_url(course), data)
        assert response.context["injections"].forms[0].errors["side"] == [
            "Only the procerus is injected in the midline; choose right or left."
        ]
        assert ToxinSession.objects.count() == 0

    def test_a_site_without_injection_points_is_refused_at_the_points(
        self, client, injector, course
    ):
        client.force_login(injector)
        data = session_data(injector, **{"injections-0-points": "0"})
        response = client.post(create_url(course), data)
        assert response.context["injections"].forms[0].errors["points"] == [
            "A site has at least one injection point."
        ]
        assert 'name="injections-0-points" value="0"' in response.content.decode()
        assert ToxinSession.objects.count() == 0

    def test_a_session_needs_at_least_one_site(self, client, injector, course):
        client.force_login(injector)
        response = client.post(create_url(course), session_data(injector, rows=[]))
        assert response.context["injections"].non_form_errors() == [
            "Chart at least one injected site."
        ]
        assert ToxinSession.objects.count() == 0

    def test_double_submit_creates_one_session(self, client, injector, course):
        client.force_login(injector)
        data = session_data(injector)
        first = client.post(create_url(course), data)
        second = client.post(create_url(course), data)
        session = ToxinSession.objects.get()
        assert first["Location"] == second["Location"] == session.get_absolute_url()
        assert session.injections.count() == 1

    def test_a_used_token_on_another_course_is_not_a_new_session(
        self, client, injector, course
    ):
        client.force_login(injector)
        data = session_data(injector)
        client.post(create_url(course), data)
        other = TreatmentCourseFactory()
        response = client.post(create_url(other), data)
        assert response.status_code == 302
        assert response["Location"] == create_url(other)
        assert ToxinSession.objects.count() == 1

    def test_shows_concentration_volume_per_site_totals_and_face_markers(
        self, client, injector, course
    ):
        client.force_login(injector)
        data = session_data(
            injector,
            rows=[
                (Muscle.OO_PRETARSAL_UPPER_LATERAL, Side.RIGHT, "2.5"),
                (Muscle.ZYGOMATICUS_MAJOR, Side.RIGHT, "5"),
                (Muscle.OO_PRETARSAL_UPPER_LATERAL, Side.LEFT, "1.25"),
            ],
            preview="1",
        )
        response = client.post(create_url(course), data)
        html = response.content.decode()
        assert "2.5 U per 0.1 mL (25 U/mL)" in html
        assert [row["volume_ml"] for row in response.context["rows"][:3]] == [
            "0.1",
            "0.2",
            "0.05",
        ]
        assert response.context["totals_by_side"] == [
            ("Right", "7.5"),
            ("Left", "1.25"),
        ]
        assert response.context["totals_by_product"] == [
            ("onabotulinumtoxinA (Botox)", "8.75")
        ]
        assert html.count('class="face-marker"') == 3
        assert 'data-muscle="zygomaticus_major" data-side="right"' in html
        assert ToxinSession.objects.count() == 0  # checking is not saving


class TestRepeatLastSession:
    @pytest.fixture
    def last(self, patient):
        session = ToxinSessionFactory(
            course=TreatmentCourseFactory(case=CaseFactory(patient=patient)),
            performed_at=local("2025-11-20T10:00"),
            product=Product.INCOBOTULINUMTOXINA,
            vial__size_units=50,
            vial__diluent_volume_ml=Decimal("1.25"),
        )
        InjectionFactory(
            session=session, muscle=Muscle.OO_ORBITAL, side=Side.RIGHT, units=4
        )
        InjectionFactory(
            session=session, muscle=Muscle.FRONTALIS, side=Side.LEFT, units=2
        )
        return session

    def test_prefills_product_dilution_and_sites(self, client, injector, course, last):
        client.force_login(injector)
        response = client.get(create_url(course), {"repeat": "1"})
        form = response.context["form"]
        assert form["product"].value() == Product.INCOBOTULINUMTOXINA
        vial = response.context["vials"].forms[0]
        assert vial["size_units"].value() == 50
        assert vial["diluent_volume_ml"].value() == Decimal("1.25")
        assert vial["lot_number"].value() in (None, "")
        prefilled = [f.site() for f in response.context["injections"].forms]
        assert prefilled[:3] == [
            ("frontalis", "left", Decimal("2")),
            ("oo_orbital", "right", Decimal("4")),
            None,
        ]
        assert [row["change"] for row in response.context["rows"]][:2] == ["", ""]
        assert "Repeat last session" in response.content.decode()

    def test_unchanged_prefilled_rows_are_saved(self, client, injector, course, last):
        """Rows copied from last time and left as they are still count."""
        client.force_login(injector)
        page = client.get(create_url(course), {"repeat": "1"})
        data = session_data(
            injector,
            rows=[
                (f.initial["muscle"], f.initial["side"], str(f.initial["units"]))
                for f in page.context["injections"].forms[:2]
            ],
            product=Product.INCOBOTULINUMTOXINA,
            expiry_date="2027-01-31",
        )
        client.post(create_url(course), data)
        session = ToxinSession.objects.exclude(pk=last.pk).get()
        assert sorted(session.injections.values_list("muscle", "units")) == [
            ("frontalis", Decimal("2.00")),
            ("oo_orbital", Decimal("4.00")),
        ]

    def test_changed_new_and_missing_rows_are_highlighted(
        self, client, injector, course, last
    ):
        client.force_login(injector)
        data = session_data(
            injector,
            rows=[
                (Muscle.OO_ORBITAL, Side.RIGHT, "5"),
                (Muscle.MENTALIS, Side.RIGHT, "2"),
            ],
            product=Product.INCOBOTULINUMTOXINA,
            preview="1",
        )
        response = client.post(create_url(course), data)
        rows = response.context["rows"]
        assert [row["change"] for row in rows[:3]] == ["changed", "added", ""]
        assert rows[0]["previous_units"] == "4"
        assert response.context["missing"] == [("Frontalis", "Left", "2")]
        html = response.content.decode()
        assert 'class="table-warning" data-change="changed"' in html
        assert "was 4 U" in html

    def test_a_removed_prefilled_row_is_not_saved(self, client, injector, course, last):
        client.force_login(injector)
        data = session_data(
            injector,
            rows=[
                (Muscle.OO_ORBITAL, Side.RIGHT, "4"),
                (Muscle.FRONTALIS, Side.LEFT, "2"),
            ],
            product=Product.INCOBOTULINUMTOXINA,
        )
        data["injections-1-DELETE"] = "on"
        client.post(create_url(course), data)
        session = ToxinSession.objects.exclude(pk=last.pk).get()
        assert list(session.injections.values_list("muscle", flat=True)) == [
            "oo_orbital"
        ]

    def test_without_an_earlier_session_nothing_is_prefilled(
        self, client, injector, course
    ):
        client.force_login(injector)
        response = client.get(create_url(course), {"repeat": "1"}, follow=True)
        assert "There is no earlier session to repeat." in response.content.decode()
        assert all(f.site() is None for f in response.context["injections"].forms)


class TestSafetyWarningsOnCreate:
    def test_injector_sees_the_warning_and_cannot_save(
        self, client, injector, course, patient
    ):
        earlier_session(patient, days_before=30)
        client.force_login(injector)
        response = client.post(create_url(course), session_data(injector))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Re-injection 30 days after the last session" in html
        assert "A neurologist must override these warnings" in html
        assert 'name="override"' not in html
        assert ToxinSession.objects.count() == 1  # only the earlier one

    def test_injector_cannot_force_an_override(self, client, injector, course, patient):
        earlier_session(patient, days_before=30)
        client.force_login(injector)
        first = client.post(create_url(course), session_data(injector))
        data = session_data(
            injector,
            form_token=first.context["form"]["form_token"].value(),
            override="on",
            override_reason="Patient is travelling.",
            warnings_digest=first.context["override_form"].digest,
        )
        response = client.post(create_url(course), data)
        assert response.status_code == 200
        assert response.context["override_form"].non_field_errors() == [
            "A neurologist must override these warnings before the session can be "
            "saved."
        ]
        assert ToxinSession.objects.count() == 1

    def test_neurologist_overrides_with_a_reason_and_it_is_stored(
        self, client, neurologist, course, patient
    ):
        earlier_session(patient, days_before=30)
        client.force_login(neurologist)
        data = session_data(neurologist)
        first = client.post(create_url(course), data)
        assert first.status_code == 200
        assert 'name="override"' in first.content.decode()
        assert ToxinSession.objects.count() == 1

        data.update(
            override="on",
            override_reason="Severe spasm; early top-up agreed with the patient.",
            warnings_digest=first.context["override_form"].digest,
        )
        response = client.post(create_url(course), data)
        session = ToxinSession.objects.get(form_token=data["form_token"])
        assert response.status_code == 302
        assert session.overridden_warnings == [
            "Re-injection 30 days after the last session on 31 Jan 2026: the "
            "minimum interval is 84 days."
        ]
        assert session.override_reason.startswith("Severe spasm")
        assert session.overridden_by == neurologist
        assert session.overridden_at is not None

    def test_override_without_a_reason_is_refused_at_the_reason(
        self, client, neurologist, course, patient
    ):
        earlier_session(patient, days_before=30)
        client.force_login(neurologist)
        data = session_data(neurologist)
        first = client.post(create_url(course), data)
        data.update(
            override="on",
            override_reason="  ",
            warnings_digest=first.context["override_form"].digest,
        )
        response = client.post(create_url(course), data)
        assert response.status_code == 200
        assert response.context["override_form"].errors["override_reason"] == [
            "Give the reason for overriding."
        ]
        assert re.search(
            r'id="id_override_reason_error"[^>]*>\s*<p[^>]*><strong>Give the reason',
            response.content.decode(),
        )
        assert ToxinSession.objects.count() == 1

    def test_override_without_the_tick_is_refused(
        self, client, neurologist, course, patient
    ):
        earlier_session(patient, days_before=30)
        client.force_login(neurologist)
        data = session_data(neurologist)
        first = client.post(create_url(course), data)
        data.update(
            override_reason="Reason given.",
            warnings_digest=first.context["override_form"].digest,
        )
        response = client.post(create_url(course), data)
        assert "override" in response.context["override_form"].errors
        assert ToxinSession.objects.count() == 1

    def test_warnings_that_changed_since_they_were_shown_need_a_new_confirmation(
        self, client, neurologist, course, patient
    ):
        earlier_session(patient, days_before=30)
        client.force_login(neurologist)
        data = session_data(neurologist)
        first = client.post(create_url(course), data)
        data.update(
            override="on",
            override_reason="Agreed.",
            warnings_digest=first.context["override_form"].digest,
            # a new warning nobody has seen yet
            **{"vials-0-expiry_date": "2026-02-01"},
        )
        response = client.post(create_url(course), data)
        assert response.status_code == 200
        assert response.context["override_form"].errors["override"] == [
            "The warnings have changed: review them and confirm again."
        ]
        assert "Lot C5678C3 expired on 1 Feb 2026" in response.content.decode()
        assert ToxinSession.objects.count() == 1

    def test_every_warning_shows_its_numbers(
        self, client, neurologist, course, patient
    ):
        earlier_session(patient, days_before=40, units="300")
        earlier_session(patient, days_before=10, product=Product.ABOBOTULINUMTOXINA)
        course.case.red_flags = ["long_tract_signs"]
        save_case(case=course.case, by=None)
        client.force_login(neurologist)
        data = session_data(
            neurologist,
            rows=[(Muscle.PLATYSMA, Side.RIGHT, "101")],
            expiry_date="2026-03-01",
            reconstituted_at="2026-03-01T09:59",
            size_units="200",
        )
        html = client.post(create_url(course), data).content.decode()
        assert "Re-injection 10 days" in html
        assert "401 U of onabotulinumtoxinA (Botox)" in html
        assert "limit of 400 U" in html
        assert "Lot C5678C3 expired on 1 Mar 2026" in html
        assert "reconstituted 24 h 1 min before the session" in html
        assert "Product switched from abobotulinumtoxinA (Dysport)" in html
        assert "Red flag on the case: Long-tract signs" in html

    def test_child_without_weight_needs_an_override(
        self, client, injector, course, patient
    ):
        patient.date_of_birth = datetime.date(2016, 1, 1)
        patient.save()
        client.force_login(injector)
        response = client.post(create_url(course), session_data(injector))
        assert "child and has no recorded weight" in response.content.decode()
        assert ToxinSession.objects.count() == 0

    def test_only_neurologists_may_override(
        self, neurologist, injector, clinic_admin, therapist, scheduler
    ):
        assert [
            user.has_perm("treatments.override_safety_warnings")
            for user in (neurologist, injector, clinic_admin, therapist, scheduler)
        ] == [True, False, False, False, False]


class TestUpdate:
    @pytest.fixture
    def session(self, course):
        session = ToxinSessionFactory(
            course=course, performed_at=local("2026-03-02T10:00")
        )
        InjectionFactory(
            session=session, muscle=Muscle.OO_ORBITAL, side=Side.RIGHT, units=5
        )
        return session

    def url(self, session):
        return reverse("treatments:toxinsession_update", args=[session.pk])

    def post_data(self, session, user, rows=(), **changes):
        values = dict(product=session.product)
        values.update(changes)
        data = session_data(
            user,
            rows=list(rows),
            existing=session.injections.all(),
            existing_vials=session.vials.all(),
            **values,
        )
        del data["form_token"]
        return data

    def test_unknown_session_is_404(self, client, injector):
        client.force_login(injector)
        url = reverse("treatments:toxinsession_update", args=[987654])
        assert client.get(url).status_code == 404

    def test_saved_sites_cannot_be_removed(self, client, injector, session):
        client.force_login(injector)
        response = client.get(self.url(session))
        forms = response.context["injections"].forms
        assert response.status_code == 200
        assert "Edit toxin session" in response.content.decode()
        assert "DELETE" not in forms[0].fields
        assert 'name="injections-0-DELETE"' not in response.content.decode()

    def test_a_wrongly_charted_site_is_corrected_and_a_site_added(
        self, client, injector, session
    ):
        client.force_login(injector)
        data = self.post_data(
            session, injector, rows=[(Muscle.FRONTALIS, Side.LEFT, "2.5")]
        )
        data["injections-0-units"] = "2.5"
        data["injections-0-DELETE"] = "on"  # ignored: saved sites stay
        response = client.post(self.url(session), data)
        assert response.status_code == 302
        assert sorted(session.injections.values_list("muscle", "units")) == [
            ("frontalis", Decimal("2.50")),
            ("oo_orbital", Decimal("2.50")),
        ]
        corrected = session.injections.get(muscle="oo_orbital")
        assert corrected.history.first().history_user == injector
        assert corrected.history.count() == 2

    def test_invalid_edit_changes_nothing(self, client, injector, session):
        client.force_login(injector)
        data = self.post_data(
            session,
            injector,
            rows=[(Muscle.FRONTALIS, Side.LEFT, "2.5")],
            lot_number="",
        )
        data["injections-0-units"] = "7"
        response = client.post(self.url(session), data)
        assert response.status_code == 200
        assert field_errors(response, "lot_number") == ["This field is required."]
        assert list(session.injections.values_list("units", flat=True)) == [
            Decimal("5.00")
        ]
        assert session.vials.get().lot_number != ""

    def test_an_edit_that_creates_a_warning_needs_an_override(
        self, client, injector, neurologist, session
    ):
        client.force_login(injector)
        data = self.post_data(session, injector, expiry_date="2026-03-01")
        response = client.post(self.url(session), data)
        lot = session.vials.get().lot_number
        assert f"Lot {lot} expired on 1 Mar 2026" in response.content.decode()
        assert session.vials.get().expiry_date == datetime.date(2027, 1, 31)

        client.force_login(neurologist)
        first = client.post(self.url(session), data)
        data.update(
            override="on",
            override_reason="Lot confirmed usable by pharmacy.",
            warnings_digest=first.context["override_form"].digest,
        )
        assert client.post(self.url(session), data).status_code == 302
        assert session.vials.get().expiry_date == datetime.date(2026, 3, 1)
        session.refresh_from_db()
        assert session.overridden_by == neurologist

    def test_warnings_already_overridden_need_no_new_override(
        self, client, injector, session
    ):
        vial = session.vials.get()
        vial.expiry_date = datetime.date(2026, 3, 1)
        vial.save()
        session.overridden_warnings = [
            f"Lot {vial.lot_number} expired on 1 Mar 2026, before the session on "
            "2 Mar 2026."
        ]
        session.override_reason = "Pharmacy agreed."
        session.overridden_by = injector
        session.overridden_at = timezone.now()
        session.save()
        client.force_login(injector)
        data = self.post_data(session, injector, notes="Patient tolerated well.")
        assert client.post(self.url(session), data).status_code == 302
        session.refresh_from_db()
        assert session.notes == "Patient tolerated well."

    def test_the_session_is_not_compared_with_itself(self, client, injector, session):
        client.force_login(injector)
        response = client.post(self.url(session), self.post_data(session, injector))
        assert response.status_code == 302


class TestDetail:
    @pytest.fixture
    def session(self, course):
        return ToxinSessionFactory(course=course, vial__lot_number="C9999C1")

    def url(self, session):
        return reverse("treatments:toxinsession_detail", args=[session.pk])

    def test_unknown_session_is_404(self, client, neurologist):
        client.force_login(neurologist)
        url = reverse("treatments:toxinsession_detail", args=[987654])
        assert client.get(url).status_code == 404

    def test_shows_everything_charted(self, client, therapist, session, neurologist):
        InjectionFactory(
            session=session, muscle=Muscle.OO_ORBITAL, side=Side.RIGHT, units=5
        )
        InjectionFactory(
            session=session, muscle=Muscle.FRONTALIS, side=Side.LEFT, units=2.5
        )
        AdverseEffectFactory(session=session, kind="ptosis")
        session.onset_day = 3
        session.peak_day = 14
        session.wore_off_on = datetime.date(2026, 6, 1)
        session.record_override(
            warnings=["Re-injection 70 days after the last session."],
            reason="Agreed with patient.",
            by=neurologist,
            at=timezone.now(),
        )
        session.save()
        client.force_login(therapist)
        response = client.get(self.url(session))
        html = response.content.decode()
        assert response.status_code == 200
        for text in [
            "onabotulinumtoxinA (Botox)",
            "C9999C1",
            "2.5 U per 0.1 mL (25 U/mL)",
            "Orbicularis oculi, orbital / lateral canthus",
            "7.5 U",
            "Re-injection 70 days after the last session.",
            "Agreed with patient.",
            "Ptosis",
            "day 14",
            "91 days",
        ]:
            assert text in html, text
        assert response.context["totals_by_side"] == [("Right", "5"), ("Left", "2.5")]
        assert html.count('class="face-marker"') == 2
        assert re.search(r"<text [^>]*>5</text>", html)

    def test_query_count_does_not_grow_with_injections(
        self, client, neurologist, session
    ):
        InjectionFactory(session=session)
        AdverseEffectFactory(session=session)
        client.force_login(neurologist)
        with CaptureQueriesContext(connection) as baseline:
            client.get(self.url(session))
        for muscle in [Muscle.FRONTALIS, Muscle.MENTALIS, Muscle.PLATYSMA]:
            InjectionFactory(session=session, muscle=muscle, side=Side.LEFT)
        AdverseEffectFactory.create_batch(3, session=session)
        with CaptureQueriesContext(connection) as grown:
            client.get(self.url(session))
        assert len(grown) == len(baseline)

    def test_fixed_query_count(
        self, client, neurologist, session, django_assert_num_queries
    ):
        InjectionFactory(session=session)
        client.force_login(neurologist)
        # Queries: the login session; the user; the second-factor device; the
        # user's own and group permissions (two, for the view's permission check);
        # the session with its course, case, patient and people; the access-log
        # row; its vials; its injections; its adverse effects; its safety flags;
        # the days since the patient's previous session.
        with django_assert_num_queries(12):
            client.get(self.url(session))


class TestFollowUp:
    @pytest.fixture
    def session(self, course):
        return ToxinSessionFactory(
            course=course, performed_at=local("2026-03-02T10:00")
        )

    def url(self, session):
        return reverse("treatments:toxinsession_followup", args=[session.pk])

    def data(self, effects=(), **changes):
        data = {
            "onset_day": "3",
            "peak_day": "14",
            "wore_off_on": "2026-06-01",
            "benefit": "marked",
            "effects-TOTAL_FORMS": str(len(effects) + 1),
            "effects-INITIAL_FORMS": "0",
            "effects-MIN_NUM_FORMS": "0",
            "effects-MAX_NUM_FORMS": "1000",
        }
        for index, (kind, onset, severity) in enumerate([*effects, ("", "", "")]):
            data.update(
                {
                    f"effects-{index}-kind": kind,
                    f"effects-{index}-onset_on": onset,
                    f"effects-{index}-severity": severity,
                    f"effects-{index}-resolved_on": "",
                    f"effects-{index}-notes": "",
                }
            )
        data.update(changes)
        return data

    def test_unknown_session_is_404(self, client, injector):
        client.force_login(injector)
        url = reverse("treatments:toxinsession_followup", args=[987654])
        assert client.get(url).status_code == 404

    def test_form_renders(self, client, injector, session):
        client.force_login(injector)
        response = client.get(self.url(session))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Follow-up of the toxin session on 02 Mar 2026" in html
        assert 'name="wore_off_on"' in html and 'type="date"' in html
        assert "Adverse effects" in html

    def test_valid_follow_up_saves_with_adverse_effects(
        self, client, injector, session
    ):
        client.force_login(injector)
        response = client.post(
            self.url(session),
            self.data(effects=[("ptosis", "2026-03-06", "mild")]),
        )
        assert response.status_code == 302
        assert response["Location"] == session.get_absolute_url()
        session.refresh_from_db()
        assert (session.onset_day, session.peak_day, session.benefit) == (
            3,
            14,
            "marked",
        )
        assert session.wore_off_on == datetime.date(2026, 6, 1)
        effect = session.adverse_effects.get()
        assert effect.kind == "ptosis"
        assert effect.history.get().history_user == injector

    def test_invalid_follow_up_keeps_input_and_saves_nothing(
        self, client, injector, session
    ):
        client.force_login(injector)
        response = client.post(
            self.url(session),
            self.data(effects=[("ptosis", "2026-03-06", "mild")], peak_day="2"),
        )
        assert response.status_code == 200
        assert response.context["form"].errors["peak_day"] == [
            "The peak cannot come before the onset."
        ]
        assert 'value="2026-03-06"' in response.content.decode()
        session.refresh_from_db()
        assert session.onset_day is None
        assert AdverseEffect.objects.count() == 0

    def test_adverse_effect_before_the_session_is_refused_at_its_date(
        self, client, injector, session
    ):
        client.force_login(injector)
        response = client.post(
            self.url(session), self.data(effects=[("ptosis", "2026-03-01", "mild")])
        )
        assert response.context["effects"].forms[0].errors["onset_on"] == [
            "An adverse effect cannot begin before the session."
        ]
        assert AdverseEffect.objects.count() == 0

    def test_signs_of_distant_spread_ask_for_urgent_escalation(
        self, client, injector, session
    ):
        client.force_login(injector)
        response = client.post(
            self.url(session),
            self.data(effects=[("dysphagia", "2026-03-09", "moderate")]),
            follow=True,
        )
        assert "escalate urgently" in response.content.decode()
