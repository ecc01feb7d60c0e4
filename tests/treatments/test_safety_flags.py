"""What was already given is never refused for a warning: it is saved with its
warnings flagged for a neurologist, who acknowledges each with a note. Consent
is the one warning no override replaces before injecting."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.dashboard import panel, rows
from tests.factories import ToxinSessionFactory, TreatmentCourseFactory
from tests.treatments.charting_posts import create_url, earlier_session, session_data
from treatments.models import SafetyFlag, ToxinSession

pytestmark = pytest.mark.django_db

CONSENT = (
    "Consent to the injection is not recorded. Obtain and record it before "
    "injecting; a session already given without it is saved and flagged for a "
    "neurologist."
)


@pytest.fixture(autouse=True)
def london(settings):
    settings.TIME_ZONE = "Europe/London"


@pytest.fixture
def course(db):
    return TreatmentCourseFactory()


def confirm(client, url, data, **choices):
    """Post once to see the warnings, then confirm them with `choices`."""
    first = client.post(url, data)
    data = {
        **data,
        "warnings_digest": first.context["override_form"].digest,
        **choices,
    }
    return first, client.post(url, data)


class TestAlreadyGiven:
    def test_an_injector_saves_a_given_session_and_its_warnings_are_flagged(
        self, client, injector, course
    ):
        earlier_session(course.case.patient, days_before=30)
        client.force_login(injector)
        first, saved = confirm(
            client,
            create_url(course),
            session_data(injector, consent_obtained=""),
            given_already="on",
        )
        shown = [warning.message for warning in first.context["override_form"].warnings]
        assert saved.status_code == 302
        session = ToxinSession.objects.latest("pk")
        assert not session.is_overridden
        assert list(session.safety_flags.values_list("message", flat=True)) == shown
        assert {flag.raised_by for flag in session.safety_flags.all()} == {injector}
        page = client.get(saved["Location"]).content.decode()
        assert "Saved as already given, with safety warnings" in page
        assert "Awaiting a neurologist" in page

    def test_consent_is_not_overridden_before_injecting(
        self, client, neurologist, course
    ):
        client.force_login(neurologist)
        first, refused = confirm(
            client,
            create_url(course),
            session_data(neurologist, consent_obtained=""),
            override="on",
            override_reason="Verbal consent.",
        )
        assert [w.message for w in first.context["override_form"].warnings] == [CONSENT]
        assert 'name="override"' not in first.content.decode()
        assert refused.status_code == 200
        assert refused.context["override_form"].non_field_errors() == [
            "Consent must be obtained and recorded before injecting: no override "
            "replaces it."
        ]
        assert not ToxinSession.objects.exists()

    def test_a_neurologist_may_save_a_given_session_without_consent_flagged(
        self, client, neurologist, course
    ):
        client.force_login(neurologist)
        _, saved = confirm(
            client,
            create_url(course),
            session_data(neurologist, consent_obtained=""),
            given_already="on",
        )
        assert saved.status_code == 302
        [flag] = SafetyFlag.objects.all()
        assert (flag.code, flag.message) == ("consent_missing", CONSENT)

    def test_override_and_given_already_together_are_refused(
        self, client, neurologist, course
    ):
        earlier_session(course.case.patient, days_before=30)
        client.force_login(neurologist)
        _, refused = confirm(
            client,
            create_url(course),
            session_data(neurologist),
            given_already="on",
            override="on",
            override_reason="Both.",
        )
        assert refused.context["override_form"].errors["given_already"] == [
            "Override before injecting, or save a session already given: not both."
        ]
        assert ToxinSession.objects.count() == 1  # the earlier one

    def test_editing_a_flagged_session_raises_no_new_flag(
        self, client, injector, course
    ):
        client.force_login(injector)
        confirm(
            client,
            create_url(course),
            session_data(injector, consent_obtained=""),
            given_already="on",
        )
        session = ToxinSession.objects.get()
        data = session_data(
            injector,
            rows=[],
            existing=session.injections.all(),
            existing_vials=session.vials.all(),
            consent_obtained="",
            notes="Tolerated well.",
        )
        del data["form_token"]
        url = reverse("treatments:toxinsession_update", args=[session.pk])
        assert client.post(url, data).status_code == 302
        assert SafetyFlag.objects.count() == 1


class TestAcknowledging:
    @pytest.fixture
    def flag(self, injector):
        session = ToxinSessionFactory(consent_obtained=False)
        return SafetyFlag.objects.create(
            session=session, code="consent_missing", message=CONSENT, raised_by=injector
        )

    def url(self, flag):
        return reverse("treatments:safetyflag_acknowledge", args=[flag.pk])

    def test_a_neurologist_acknowledges_with_a_note(self, client, neurologist, flag):
        client.force_login(neurologist)
        response = client.post(self.url(flag), {"note": "Consent form found, scanned."})
        assert response["Location"] == flag.session.get_absolute_url()
        flag.refresh_from_db()
        assert flag.acknowledged_by == neurologist
        assert flag.acknowledgement_note == "Consent form found, scanned."
        assert flag.history.first().history_user == neurologist

    def test_a_note_is_required(self, client, neurologist, flag):
        client.force_login(neurologist)
        response = client.post(self.url(flag), {"note": "  "}, follow=True)
        assert "Say what was reviewed or done." in response.content.decode()
        flag.refresh_from_db()
        assert not flag.is_acknowledged

    def test_a_flag_is_acknowledged_once(self, client, neurologist, flag):
        client.force_login(neurologist)
        client.post(self.url(flag), {"note": "First."})
        response = client.post(self.url(flag), {"note": "Second."}, follow=True)
        assert "This flag was already acknowledged." in response.content.decode()
        flag.refresh_from_db()
        assert flag.acknowledgement_note == "First."


class TestDashboard:
    def test_neurologists_see_the_flags_still_to_acknowledge(
        self, client, neurologist, injector
    ):
        session = ToxinSessionFactory()
        open_flag = SafetyFlag.objects.create(
            session=session, code="x", message="Open.", raised_by=injector
        )
        SafetyFlag.objects.create(
            session=session,
            code="y",
            message="Done.",
            raised_by=injector,
            acknowledged_by=neurologist,
            acknowledged_at=session.performed_at,
            acknowledgement_note="Fine.",
        )
        client.force_login(neurologist)
        assert rows(client.get(reverse("home")), "safety-flags") == [open_flag]
        client.force_login(injector)
        assert panel(client.get(reverse("home")), "safety-flags") is None

    def test_the_list_costs_the_same_however_many_flags(
        self, client, neurologist, injector
    ):
        def flag():
            SafetyFlag.objects.create(
                session=ToxinSessionFactory(),
                code="x",
                message="Open.",
                raised_by=injector,
            )

        flag()
        client.force_login(neurologist)
        client.get(reverse("home"))
        with CaptureQueriesContext(connection) as baseline:
            client.get(reverse("home"))
        for _ in range(3):
            flag()
        with CaptureQueriesContext(connection) as grown:
            page = client.get(reverse("home"))
        assert len(grown) == len(baseline)
        assert len(rows(page, "safety-flags")) == 4
