"""The charting page's live parts: what its script posts as the injector types
(preview=live) is answered with the concentrations, volumes, totals, face
diagram and warnings worked out by the server, and nothing is saved."""

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.models import AccessLog
from tests.factories import (
    InjectionFactory,
    ToxinSessionFactory,
    TreatmentCourseFactory,
)
from tests.treatments.charting_posts import (
    create_url,
    earlier_session,
    local,
    session_data,
)
from treatments.models import Injection, Muscle, Side, ToxinSession, Vial

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def london(settings):
    """The wall-clock times posted are written for a clinic in Europe/London."""
    settings.TIME_ZONE = "Europe/London"


@pytest.fixture
def course():
    return TreatmentCourseFactory()


@pytest.fixture
def patient(course):
    return course.case.patient


class LiveParts(HTMLParser):
    """The text of each data-live element of a fragment, by its name."""

    def __init__(self):
        super().__init__()
        self.parts: dict[str, str] = {}
        self.attributes: dict[str, dict] = {}
        self.open: list[tuple[str, int]] = []  # (name, depth) being read
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"input", "br", "img", "meta"}:
            return
        self.depth += 1
        self.handle_data(" ")  # elements read apart
        attrs = dict(attrs)
        if "data-live" in attrs:
            name = attrs["data-live"]
            self.parts[name] = ""
            self.attributes[name] = attrs
            self.open.append((name, self.depth))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        self.handle_data(" ")
        if self.open and self.open[-1][1] == self.depth:
            self.open.pop()
        self.depth -= 1

    def handle_data(self, data):
        for name, _ in self.open:
            self.parts[name] += data


def live_parts(response) -> tuple[dict[str, str], dict[str, dict]]:
    parser = LiveParts()
    parser.feed(response.content.decode())
    text = {name: " ".join(value.split()) for name, value in parser.parts.items()}
    return text, parser.attributes


def override_ticked(response) -> bool:
    """Whether the override checkbox is rendered ticked."""
    box = re.search(
        r'<input type="checkbox" name="override"[^>]*>', response.content.decode()
    )
    return " checked" in box[0]


def live_data(injector, rows=None, **changes) -> dict:
    return session_data(injector, rows, preview="live", **changes)


THREE_SITES = [
    (Muscle.OO_PRETARSAL_UPPER_LATERAL, Side.RIGHT, "2.5"),
    (Muscle.ZYGOMATICUS_MAJOR, Side.RIGHT, "5"),
    (Muscle.OO_PRETARSAL_UPPER_LATERAL, Side.LEFT, "1.25"),
]


class TestAccess:
    def test_anonymous_is_sent_to_sign_in(self, client, course):
        response = client.post(create_url(course), {"preview": "live"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_a_role_that_may_not_chart_is_refused(
        self, client, therapist, injector, course
    ):
        client.force_login(therapist)
        response = client.post(create_url(course), live_data(injector))
        assert response.status_code == 403

    def test_editing_needs_the_permission_to_change(self, client, therapist):
        session = ToxinSessionFactory()
        client.force_login(therapist)
        url = reverse("treatments:toxinsession_update", args=[session.pk])
        assert client.post(url, live_data(therapist)).status_code == 403

    def test_another_kind_of_course_is_404(self, client, injector):
        client.force_login(injector)
        url = reverse("treatments:toxinsession_create", args=[987654])
        assert client.post(url, live_data(injector)).status_code == 404


class TestWorkedOut:
    def test_concentration_volumes_totals_and_markers_of_the_rows_posted(
        self, client, injector, course
    ):
        client.force_login(injector)
        response = client.post(create_url(course), live_data(injector, THREE_SITES))

        assert response.status_code == 200
        assert "<form" not in response.content.decode()  # parts, not the page
        text, _ = live_parts(response)
        assert text["concentration-1"] == "2.5 U per 0.1 mL (25 U/mL)"
        assert text["injections-0-volume"] == "Volume (mL), row 1 0.1"
        assert text["injections-1-volume"] == "Volume (mL), row 2 0.2"
        assert text["injections-2-volume"] == "Volume (mL), row 3 0.05"
        assert text["injections-3-volume"] == ""  # a blank row
        assert "onabotulinumtoxinA (Botox) 8.75 U" in text["totals"]
        assert "Right side 7.5 U Left side 1.25 U" in text["totals"]
        assert "No safety warnings." in text["totals"]
        assert "Zygomaticus major, right: 5 U" in text["form-face-desc"]
        assert response.content.decode().count('class="face-marker"') == 3
        assert text["warnings"] == ""  # checked: none to show

    def test_a_changed_dose_is_marked_against_the_last_session(
        self, client, injector, course, patient
    ):
        earlier = earlier_session(patient, days_before=120, units="2.5")
        InjectionFactory(session=earlier, muscle=Muscle.FRONTALIS, units=4)
        client.force_login(injector)
        rows = [(Muscle.OO_PRETARSAL_UPPER_LATERAL, Side.RIGHT, "5")]

        response = client.post(create_url(course), live_data(injector, rows))

        text, attributes = live_parts(response)
        assert text["injections-0-change"] == "changed was 2.5 U"
        assert attributes["injections-0-change"]["data-row-class"] == "table-warning"
        assert "Frontalis, right: 4 U" in text["missing"]

    def test_complete_sites_count_while_another_part_is_unfinished(
        self, client, injector, course
    ):
        client.force_login(injector)
        data = live_data(injector, THREE_SITES, lot_number="", performed_at="")
        data["injections-3-muscle"] = Muscle.FRONTALIS  # side and units to come

        response = client.post(create_url(course), data)

        assert response.status_code == 200
        text, _ = live_parts(response)
        assert "onabotulinumtoxinA (Botox) 8.75 U" in text["totals"]
        assert "checked once every required field is filled in" in text["totals"]
        assert "warnings" not in text  # the page keeps the warnings it shows

    def test_a_vial_overdrawn_is_said_as_the_injector_types(
        self, client, injector, course
    ):
        client.force_login(injector)
        rows = [
            (Muscle.FRONTALIS, Side.RIGHT, "60"),
            (Muscle.FRONTALIS, Side.LEFT, "50"),
        ]
        response = client.post(create_url(course), live_data(injector, rows))
        text, _ = live_parts(response)
        assert "come to more than the 100 U vial" in text["totals"]


class TestWarnings:
    def test_the_warnings_a_save_would_raise_with_the_override_box(
        self, client, neurologist, course, patient
    ):
        earlier_session(patient, days_before=30)
        client.force_login(neurologist)

        response = client.post(create_url(course), live_data(neurologist))

        text, _ = live_parts(response)
        assert "Re-injection 30 days after the last session" in text["warnings"]
        assert "1 safety warning: review it at the top" in text["totals"]
        html = response.content.decode()
        assert 'name="override"' in html and 'name="warnings_digest"' in html

    def test_an_injector_is_told_a_neurologist_must_override(
        self, client, injector, course, patient
    ):
        earlier_session(patient, days_before=30)
        client.force_login(injector)
        response = client.post(create_url(course), live_data(injector))
        text, _ = live_parts(response)
        assert "A neurologist must override these warnings" in text["warnings"]

    def test_the_override_ticked_stays_while_the_warnings_are_the_same(
        self, client, neurologist, course, patient
    ):
        earlier_session(patient, days_before=30)
        client.force_login(neurologist)
        first = client.post(create_url(course), live_data(neurologist))
        digest = first.context["override_form"].digest
        ticked = {
            "warnings_digest": digest,
            "override": "on",
            "override_reason": "Travelling abroad.",
        }

        same = client.post(create_url(course), live_data(neurologist, **ticked))
        expired = {"expiry_date": "2026-01-31", **ticked}  # one warning more
        changed = client.post(create_url(course), live_data(neurologist, **expired))

        assert override_ticked(same) is True
        assert len(changed.context["override_form"].warnings) == 2
        assert override_ticked(changed) is False
        assert "Travelling abroad." in changed.content.decode()  # the reason stays


class TestNothingIsSaved:
    def test_a_new_session_is_not_saved_nor_its_opening_logged(
        self, client, neurologist, course, patient
    ):
        client.force_login(neurologist)
        data = live_data(neurologist, THREE_SITES)
        client.post(create_url(course), data)
        data["override"] = "on"
        data["override_reason"] = "Should not matter."
        client.post(create_url(course), data)

        assert ToxinSession.objects.count() == 0
        assert Vial.objects.count() == 0 and Injection.objects.count() == 0
        assert not AccessLog.objects.exists()
        # The form's one-time token is still unused: saving works afterwards.
        del data["preview"]
        response = client.post(create_url(course), data)
        assert response.status_code == 302
        assert ToxinSession.objects.get().injections.count() == 3

    def test_an_edited_session_keeps_what_was_saved(self, client, injector, course):
        session = ToxinSessionFactory(
            course=course, performed_at=local("2026-03-02T10:00")
        )
        site = InjectionFactory(session=session, units=Decimal("2.5"))
        client.force_login(injector)
        url = reverse("treatments:toxinsession_update", args=[session.pk])
        data = session_data(
            injector,
            rows=[],
            existing=[site],
            existing_vials=list(session.vials.all()),
            preview="live",
        )
        data["injections-0-units"] = "5"
        del data["form_token"]

        response = client.post(url, data)

        text, _ = live_parts(response)
        assert "Right side 5 U" in text["totals"]
        site.refresh_from_db()
        assert site.units == Decimal("2.50")
        assert session.history.count() == 1 and site.history.count() == 1


class TestMalformed:
    @pytest.mark.parametrize(
        "changes",
        [
            {"injections-TOTAL_FORMS": None},
            {"injections-TOTAL_FORMS": "many"},
            {"vials-INITIAL_FORMS": None},
            {"injections-TOTAL_FORMS": "5000"},
        ],
        ids=["no-row-count", "row-count-not-a-number", "no-vial-rows", "too-many"],
    )
    def test_malformed_rows_are_a_bad_request(self, client, injector, course, changes):
        client.force_login(injector)
        data = live_data(injector)
        for name, value in changes.items():
            if value is None:
                del data[name]
            else:
                data[name] = value
        response = client.post(create_url(course), data)
        assert response.status_code == 400

    def test_nothing_but_the_flag_is_a_bad_request(self, client, injector, course):
        client.force_login(injector)
        response = client.post(create_url(course), {"preview": "live"})
        assert response.status_code == 400

    @pytest.mark.parametrize(
        "changes",
        [
            {"diluent_volume_ml": "1e400"},
            {"diluent_volume_ml": "0"},
            {"diluent_volume_ml": "-4"},
            {"size_units": "1e999999"},
            {"size_units": "-100"},
            {"product": "snake-oil"},
            {"injections-0-units": "a lot"},
            {"injections-0-units": "1e30"},
            {"injections-0-muscle": "masseter"},
            {"injections-0-vial_number": "99"},
            {"performed_at": "yesterday"},
        ],
    )
    def test_nonsense_in_a_field_is_answered_not_a_server_error(
        self, client, injector, course, changes
    ):
        client.force_login(injector)
        response = client.post(create_url(course), live_data(injector, **changes))
        assert response.status_code == 200
        assert ToxinSession.objects.count() == 0


class TestQueries:
    def test_query_count_does_not_grow_with_the_rows(
        self, client, neurologist, course, patient, django_assert_num_queries
    ):
        earlier_session(patient, days_before=30)  # warnings are worked out too
        client.force_login(neurologist)
        two = THREE_SITES[:2]
        with CaptureQueriesContext(connection) as baseline:
            response = client.post(create_url(course), live_data(neurologist, two))
        assert response.context["live"]["warning_count"] == 1
        many = [
            (muscle, side, "1")
            for muscle in [Muscle.FRONTALIS, Muscle.CORRUGATOR, Muscle.NASALIS]
            + [Muscle.MENTALIS, Muscle.PLATYSMA, Muscle.RISORIUS]
            for side in (Side.RIGHT, Side.LEFT)
        ]
        with django_assert_num_queries(len(baseline)):
            response = client.post(create_url(course), live_data(neurologist, many))
        assert "Right side 6 U" in live_parts(response)[0]["totals"]
