"""A session draws from one or more vials: charting, checks per vial, lot look-up,
billing, the write path, and sessions charted before the rules."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    InjectionFactory,
    ToxinSessionFactory,
    TreatmentCourseFactory,
    UserFactory,
    VialFactory,
)
from tests.treatments.charting_posts import (
    create_url,
    local,
    session_data,
    vial_data,
    vial_formset_data,
)
from treatments import billing, charting, services
from treatments.models import (
    Guidance,
    Injection,
    Muscle,
    Product,
    Side,
    ToxinSession,
    Vial,
)
from treatments.review import rule_breaches

pytestmark = pytest.mark.django_db

RIMA = Product.RIMABOTULINUMTOXINB


@pytest.fixture(autouse=True)
def london(settings):
    settings.TIME_ZONE = "Europe/London"


@pytest.fixture
def course():
    return TreatmentCourseFactory()


def two_vial_data(injector, rows, **second):
    """A session from a 100 U and a 50 U vial of another lot."""
    data = session_data(injector, rows=rows)
    vials = [
        vial_data(0),
        vial_data(1, size_units="50", lot_number="C2222C2", **second),
    ]
    data.update(vial_formset_data(vials))
    return data


class TestChartingTwoVials:
    def test_one_visit_with_two_lots_is_one_session(self, client, injector, course):
        client.force_login(injector)
        data = two_vial_data(
            injector,
            rows=[
                (Muscle.FRONTALIS, Side.RIGHT, "90", 1),
                (Muscle.FRONTALIS, Side.LEFT, "40", 2),
            ],
        )
        response = client.post(create_url(course), data)
        assert response.status_code == 302
        session = ToxinSession.objects.get()
        assert list(session.vials.values_list("lot_number", "size_units")) == [
            ("C5678C3", 100),
            ("C2222C2", 50),
        ]
        assert sorted(
            session.injections.values_list("side", "units", "vial__lot_number")
        ) == [
            ("left", Decimal("40.00"), "C2222C2"),
            ("right", Decimal("90.00"), "C5678C3"),
        ]
        assert not session.overridden_warnings  # no "re-injection 0 days"

    def test_each_vial_holds_only_its_own_units(self, client, injector, course):
        client.force_login(injector)
        data = two_vial_data(
            injector,
            rows=[
                (Muscle.FRONTALIS, Side.RIGHT, "40", 1),
                (Muscle.FRONTALIS, Side.LEFT, "51", 2),
            ],
        )
        response = client.post(create_url(course), data)
        assert response.status_code == 200
        assert response.context["injections"].non_form_errors() == [
            "51 U charted and 0 U discarded come to more than the 50 U vial "
            "(lot C2222C2) holds."
        ]
        assert not ToxinSession.objects.exists()

    def test_a_site_from_a_vial_not_charted_is_refused(self, client, injector, course):
        client.force_login(injector)
        data = session_data(injector, rows=[(Muscle.FRONTALIS, Side.RIGHT, "5", 2)])
        response = client.post(create_url(course), data)
        assert response.status_code == 200
        [row] = [f for f in response.context["injections"].forms if f.errors]
        assert row.errors["vial_number"] == ["Vial 2 is not charted above."]
        assert not ToxinSession.objects.exists()

    def test_a_session_needs_a_vial(self, client, injector, course):
        client.force_login(injector)
        data = {
            key: value
            for key, value in session_data(injector).items()
            if not key.startswith("vials-")
        }
        data.update(vial_formset_data([]))
        response = client.post(create_url(course), data)
        assert response.status_code == 200
        assert response.context["vials"].non_form_errors() == [
            "Please submit at least 1 form."
        ]
        assert not ToxinSession.objects.exists()

    def test_expiry_and_in_use_are_checked_per_vial(self, client, neurologist, course):
        client.force_login(neurologist)
        data = two_vial_data(
            neurologist,
            rows=[(Muscle.FRONTALIS, Side.RIGHT, "5", 2)],
            expiry_date="2026-03-01",
            reconstituted_at="2026-03-01T09:00",
        )
        response = client.post(create_url(course), data)
        messages = [w.message for w in response.context["override_form"].warnings]
        assert messages == [
            "Lot C2222C2 expired on 1 Mar 2026, before the session on 2 Mar 2026.",
            "The vial of lot C2222C2 was reconstituted 25 h before the session: "
            "onabotulinumtoxinA (Botox) must be used within 24 h.",
        ]

    def test_volume_per_site_follows_its_vials_dilution(self, client, injector, course):
        client.force_login(injector)
        data = two_vial_data(
            injector,
            rows=[
                (Muscle.FRONTALIS, Side.RIGHT, "5", 1),
                (Muscle.FRONTALIS, Side.LEFT, "5", 2),
            ],
            diluent_volume_ml="1",
        )
        data["preview"] = "1"
        response = client.post(create_url(course), data)
        assert [row["volume_ml"] for row in response.context["rows"][:2]] == [
            "0.2",  # 100 U in 4 mL
            "0.1",  # 50 U in 1 mL
        ]
        assert [row["concentration"] for row in response.context["vial_rows"]][:2] == [
            "2.5 U per 0.1 mL (25 U/mL)",
            "5 U per 0.1 mL (50 U/mL)",
        ]

    def test_editing_keeps_each_site_on_its_vial(self, client, injector, course):
        session = ToxinSessionFactory(
            course=course, performed_at=local("2026-03-02T10:00")
        )
        first = session.vials.get()
        second = VialFactory(session=session, size_units=50, lot_number="C2")
        InjectionFactory(session=session, vial=second, units=Decimal("5"))
        client.force_login(injector)
        response = client.get(
            reverse("treatments:toxinsession_update", args=[session.pk])
        )
        [row] = [f for f in response.context["injections"].forms if f.instance.pk]
        assert row["vial_number"].value() == 2
        data = session_data(
            injector,
            rows=[],
            existing=session.injections.all(),
            existing_vials=[first, second],
        )
        del data["form_token"]
        data["injections-0-vial_number"] = "1"
        response = client.post(
            reverse("treatments:toxinsession_update", args=[session.pk]), data
        )
        assert response.status_code == 302
        assert session.injections.get().vial == first
        assert first.history.count() == 1  # unchanged vials get no new history


class TestReadyMadeSolution:
    def test_myobloc_is_charted_without_reconstitution(self, client, injector, course):
        client.force_login(injector)
        data = session_data(
            injector,
            rows=[(Muscle.PLATYSMA, Side.RIGHT, "1250")],
            product=RIMA,
            size_units="5000",
            diluent="",
            diluent_volume_ml="",
            reconstituted_at="",
        )
        data["preview"] = "1"
        preview = client.post(create_url(course), data)
        assert preview.context["rows"][0]["volume_ml"] == "0.25"
        del data["preview"]
        response = client.post(create_url(course), data)
        assert response.status_code == 302
        vial = Vial.objects.get()
        assert (vial.diluent_volume_ml, vial.reconstituted_at) == (None, None)

    def test_a_reconstitution_time_for_myobloc_is_refused(
        self, client, injector, course
    ):
        client.force_login(injector)
        data = session_data(injector, product=RIMA, size_units="5000")
        response = client.post(create_url(course), data)
        assert response.context["vials"].forms[0].errors["reconstituted_at"] == [
            "rimabotulinumtoxinB (Myobloc/NeuroBloc) is a ready-made solution "
            "(5,000 U/mL): it is not reconstituted."
        ]
        assert not ToxinSession.objects.exists()


class TestWritePath:
    """chart_toxin_session is what every door calls."""

    def records(self, user, units="5", **vial):
        session = ToxinSessionFactory.build(
            course=TreatmentCourseFactory(), injector=user, vial=None
        )
        bottle = VialFactory.build(session=session, lot_number="W1", **vial)
        site = InjectionFactory.build(
            session=session, vial=bottle, units=Decimal(units), side=Side.RIGHT
        )
        return session, [bottle], [site]

    def test_saves_the_session_vials_and_sites_together(self):
        user = UserFactory()
        session, vials, sites = self.records(user)
        charting.chart_toxin_session(session=session, vials=vials, sites=sites, by=user)
        saved = ToxinSession.objects.get()
        assert saved.vials.get().lot_number == "W1"
        assert saved.injections.get().vial == saved.vials.get()

    def test_a_vial_overdraw_is_refused_and_nothing_saved(self):
        user = UserFactory()
        session, vials, sites = self.records(user, units="101")
        with pytest.raises(ValidationError) as refused:
            charting.chart_toxin_session(
                session=session, vials=vials, sites=sites, by=user
            )
        assert "more than the 100 U vial (lot W1) holds" in str(refused.value)
        assert not ToxinSession.objects.exists() and not Vial.objects.exists()

    def test_warnings_need_an_override_by_a_permitted_user(self, neurologist):
        injector = UserFactory()
        session, vials, sites = self.records(
            injector, expiry_date=datetime.date(2026, 1, 1)
        )
        with pytest.raises(charting.OverrideRequired) as held:
            charting.chart_toxin_session(
                session=session,
                vials=vials,
                sites=sites,
                by=injector,
                override_reason="Because.",
                shown_warnings_digest="anything",
            )
        assert held.value.may_override is False
        [warning] = held.value.warnings
        assert warning.code == "expired_lot"
        assert not ToxinSession.objects.exists()
        with pytest.raises(charting.OverrideRequired):  # not confirmed
            charting.chart_toxin_session(
                session=session,
                vials=vials,
                sites=sites,
                by=neurologist,
                override_reason="Pharmacy confirmed.",
            )
        charting.chart_toxin_session(
            session=session,
            vials=vials,
            sites=sites,
            by=neurologist,
            override_reason="Pharmacy confirmed.",
            shown_warnings_digest=charting.warnings_digest([warning]),
        )
        saved = ToxinSession.objects.get()
        assert saved.overridden_by == neurologist
        assert saved.overridden_warnings == [warning.message]


class TestLotLookup:
    def test_a_lot_of_any_vial_finds_the_session_once(self):
        session = ToxinSessionFactory(vial__lot_number="A1")
        VialFactory(session=session, lot_number="B2")
        VialFactory(session=session, lot_number="b2", size_units=50)
        ToxinSessionFactory(vial__lot_number="C3")
        assert list(services.sessions_with_lot("B2")) == [session]


class TestBilling:
    def test_one_64612_per_treated_side_and_units_per_hcpcs_unit(self):
        lines = billing.procedure_lines(["right", "right", "left"], Guidance.NONE)
        assert [(line.code, line.modifiers) for line in lines] == [
            ("64612", ("RT",)),
            ("64612", ("LT",)),
        ]
        [given, wasted] = billing.drug_lines(
            product=Product.ABOBOTULINUMTOXINA,
            given_units=Decimal("120"),
            discarded_units=Decimal("380"),
        )
        assert (given.code, given.modifiers, given.quantity) == ("J0586", (), 24)
        assert (wasted.code, wasted.modifiers, wasted.quantity) == (
            "J0586",
            ("JW",),
            76,
        )

    def test_jz_when_nothing_was_discarded(self):
        [given] = billing.drug_lines(
            product=RIMA, given_units=Decimal("2500"), discarded_units=Decimal(0)
        )
        assert (given.code, given.modifiers, given.quantity) == ("J0587", ("JZ",), 25)

    def test_emg_guidance_adds_95874_and_midline_only_is_one_side(self):
        lines = billing.procedure_lines(["midline"], Guidance.EMG)
        assert [(line.code, line.modifiers) for line in lines] == [
            ("64612", ()),
            ("95874", ()),
        ]

    def test_the_session_page_shows_the_summary_in_the_us(
        self, client, neurologist, settings
    ):
        session = ToxinSessionFactory(vial__units_discarded=Decimal("90"))
        InjectionFactory(session=session, side=Side.RIGHT, units=Decimal("5"))
        InjectionFactory(session=session, side=Side.LEFT, units=Decimal("5"))
        client.force_login(neurologist)
        url = reverse("treatments:toxinsession_detail", args=[session.pk])
        settings.CLINIC_JURISDICTION = "US"
        rows = [
            (line.code, line.modifiers, quantity)
            for line, quantity in client.get(url).context["billing"]
        ]
        assert rows == [
            ("64612", ("RT",), "1"),
            ("64612", ("LT",), "1"),
            ("J0585", (), "10"),
            ("J0585", ("JW",), "90"),
        ]
        settings.CLINIC_JURISDICTION = "UK"
        assert client.get(url).context["billing"] is None


def test_the_session_page_costs_the_same_with_more_vials(client, neurologist):
    session = ToxinSessionFactory()
    InjectionFactory(session=session)
    client.force_login(neurologist)
    url = reverse("treatments:toxinsession_detail", args=[session.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as baseline:
        client.get(url)
    for lot in ("V2", "V3", "V4"):
        InjectionFactory(
            session=session, vial=VialFactory(session=session, lot_number=lot)
        )
    with CaptureQueriesContext(connection) as grown:
        page = client.get(url)
    assert len(grown) == len(baseline)
    assert [row[0] for row in page.context["vials"]] == [1, 2, 3, 4]


class TestRuleReview:
    """Rows charted before a rule are listed, never changed."""

    def test_lists_sessions_that_break_a_rule_added_later(self, capsys):
        fine = ToxinSessionFactory()
        InjectionFactory(session=fine, units=Decimal("10"))
        odd_size = ToxinSessionFactory()
        Vial.objects.filter(session=odd_size).update(size_units=400)
        overdrawn = ToxinSessionFactory()
        Injection.objects.create(
            session=overdrawn,
            vial=overdrawn.vials.get(),
            muscle="frontalis",
            side="right",
            units=Decimal("101"),
        )
        myobloc = ToxinSessionFactory(product=RIMA, vial__size_units=5000)
        before_birth = ToxinSessionFactory()
        ToxinSession.objects.filter(pk=before_birth.pk).update(
            performed_at=local("1950-01-01T10:00")
        )
        assert rule_breaches() == sorted(
            [
                (odd_size.pk, "vial size the product is not sold in"),
                (overdrawn.pk, "more units charted than the vial held"),
                (myobloc.pk, "ready-made solution charted as reconstituted"),
                (before_birth.pk, "given before the patient's birth"),
            ]
        )
        assert Vial.objects.get(session=odd_size).size_units == 400  # unchanged
        call_command("toxin_rule_review")
        out = capsys.readouterr().out
        assert f"session {odd_size.pk} (" in out
        assert out.endswith("4 to review.\n")
