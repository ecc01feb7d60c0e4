"""Minimum necessary: each section of the chart (and of its print view) is sent
only to the roles whose permissions allow that kind of record; what a role may
not view is not loaded, so it cannot appear anywhere on the page (timeline,
alerts, trends)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

ALL = [
    "cases",
    "studies",
    "assessments",
    "courses",
    "toxin_sessions",
    "therapy_sessions",
    "medication_orders",
    "referrals",
    "appointments",
    "letters",
]
# The roles' grants (clinic/migrations/0003_roles.py and later): a therapist
# opens no medication orders or referrals; a scheduler only appointments.
SHOWN = {
    "neurologist": ALL,
    "injector": ALL,
    "admin": ALL,
    "therapist": [s for s in ALL if s not in ("medication_orders", "referrals")],
    "scheduler": ["appointments", "letters"],
}
# A scheduler's letters section leaves out the records' letter: it tells of a
# toxin session (clinic.letters.service.LETTER_PERMISSIONS).
LETTER_UNREAD = {"scheduler"}
# Text each section puts on the page, from the records of tests/clinic/conftest.py.
TEXT = {
    "cases": "G51.31",
    "studies": "AICA loop at the root exit zone",
    "assessments": "Jankovic",
    "courses": "every 91 days",
    "toxin_sessions": "onabotulinumtoxinA",
    "therapy_sessions": "Facial retraining",
    "medication_orders": "clonazepam",
    "referrals": "Mr K. Surgeon",
    "appointments": "Next appointment",
    "letters": "Dr A. Referrer",
}


@pytest.mark.parametrize("page", ["patient_chart", "patient_chart_print"])
@pytest.mark.parametrize("role", SHOWN)
def test_each_role_is_sent_only_the_sections_it_may_view(
    client, records, users, role, page
):
    client.force_login(users[role])

    response = client.get(reverse(page, args=[records["patient"].pk]))

    assert response.status_code == 200
    assert response.context["shown"] == SHOWN[role]
    content = response.content.decode()
    present = {section for section, text in TEXT.items() if text in content}
    unread = {"letters"} if role in LETTER_UNREAD else set()
    assert present == set(SHOWN[role]) - unread
    for section in ALL:
        assert (section in response.context) == (section in SHOWN[role]), section


def test_a_therapist_is_sent_no_referral_or_medication_anywhere(client, records, users):
    client.force_login(users["therapist"])

    response = client.get(reverse("patient_chart", args=[records["patient"].pk]))

    content = response.content.decode()
    assert "Surgeon" not in content
    assert "clonazepam" not in content
    assert set(response.context["kinds"]) == {
        "study",
        "assessment",
        "toxin",
        "therapy",
        "appointment",
    }
    assert {entry.kind for entry in response.context["entries"]} <= set(
        response.context["kinds"]
    )


def test_a_timeline_filter_of_a_kind_not_shown_shows_everything_allowed(
    client, records, users
):
    """?kind=medication from a therapist is not a way in: it is ignored."""
    client.force_login(users["therapist"])
    url = reverse("patient_chart", args=[records["patient"].pk])

    response = client.get(url, {"kind": "medication"})

    assert response.context["kind"] == ""
    assert "clonazepam" not in response.content.decode()


def test_the_alerts_come_from_the_sections_shown_only(client, records, users):
    client.force_login(users["scheduler"])

    response = client.get(reverse("patient_chart", args=[records["patient"].pk]))

    assert response.context["alerts"] == []
    assert response.context["score_charts"] == []
    assert response.context["units_charts"] == []


def test_a_role_with_fewer_sections_makes_fewer_queries(client, records, users):
    url = reverse("patient_chart", args=[records["patient"].pk])
    counts = {}
    for role in ("neurologist", "therapist", "scheduler"):
        client.force_login(users[role])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts[role] = len(queries)
    # One query per section not sent: medication orders and referrals for the
    # therapist; eight sections for the scheduler (the toxin sessions' vials
    # and the cases' red-flag acknowledgements are a second query each).
    assert counts["neurologist"] - counts["therapist"] == 2
    assert counts["neurologist"] - counts["scheduler"] == 10
