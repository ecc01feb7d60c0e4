"""List pages take the query parameters their own links and forms send, and
answer 400 to any other (a misspelt filter is not silently ignored)."""

import pytest
from django.urls import reverse

from clinic import worklists
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

NOT_UNDERSTOOD = "Address not understood"


def pages():
    """Each list page, with every parameter its links and forms send."""
    slug = next(iter(worklists.WORKLISTS))
    return [
        ("patients:patient_list", {"q": "smith", "archived": "on", "page": "1"}),
        ("home", {"appointments": "all"}),
        ("worklist", {"page": "2"}, slug),
        ("scheduling:recall_list", {"weeks": "4", "clinician": "", "product": ""}),
        ("scheduling:waitlist_list", {"page": "1"}),
        ("scheduling:lot_lookup", {"lot": "C09520", "page": "1"}),
        ("scheduling:calendar_day", {"date": "2026-03-02", "clinician": ""}),
        ("scheduling:calendar_week", {"date": "2026-03-02", "columns": "1"}),
    ]


def url_of(page) -> str:
    name, _, *args = page
    return reverse(name, args=args)


@pytest.mark.parametrize("page", pages(), ids=lambda page: page[0])
def test_the_pages_own_parameters_are_taken(client, superuser, page):
    client.force_login(superuser)
    assert client.get(url_of(page), page[1]).status_code == 200


@pytest.mark.parametrize("page", pages(), ids=lambda page: page[0])
@pytest.mark.parametrize("unknown", ["sort", "archive", "order_by", "q2"])
def test_an_unknown_parameter_is_400(client, superuser, page, unknown):
    client.force_login(superuser)
    response = client.get(url_of(page), {**page[1], unknown: "1"})
    assert response.status_code == 400
    assert NOT_UNDERSTOOD in response.content.decode()


def test_the_chart_takes_its_kind_filter_only(client, superuser):
    patient = PatientFactory()
    client.force_login(superuser)
    for name in ("patient_chart", "patient_chart_print"):
        url = reverse(name, args=[patient.pk])
        assert client.get(url, {"kind": "study"}).status_code == 200
        assert client.get(url, {"sort": "date"}).status_code == 400


def test_an_unknown_value_of_a_fixed_choice_is_400(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("home"), {"appointments": "everything"})
    assert response.status_code == 400


def test_a_role_without_access_is_still_refused_first(client, outsider):
    client.force_login(outsider)
    url = reverse("patients:patient_list")
    assert client.get(url, {"sort": "name"}).status_code == 403


def test_a_signed_out_visitor_is_still_sent_to_sign_in(client):
    response = client.get(reverse("patients:patient_list"), {"sort": "name"})
    assert response.status_code == 302


@pytest.fixture
def prefill_pages(records):
    """Each page that a link fills in, with every parameter the links send."""
    patient, course = records["patient"], records["course"]
    return {
        "booking": (
            reverse("scheduling:appointment_book"),
            {
                "patient": patient.pk,
                "course": course.pk,
                "kind": "toxin_session",
                "clinician": course.responsible_clinician_id,
                "start": "2026-03-02T09:00",
                "date": "2026-03-02",
                "minutes": "30",
                "waitlist": "1",
            },
        ),
        "booking, finding the patient": (
            reverse("scheduling:appointment_book"),
            {"q": patient.family_name, "course": course.pk},
        ),
        "waitlist": (
            reverse("scheduling:waitlist_create"),
            {"patient": patient.pk, "course": course.pk},
        ),
        "waitlist, finding the patient": (
            reverse("scheduling:waitlist_create"),
            {"q": patient.family_name, "archived": "on"},
        ),
        "assessment": (
            reverse("treatments:assessment_create", args=[records["case"].pk]),
            {"instrument": "jrs", "version": "hfs-adapted"},
        ),
        "toxin charting": (
            reverse("treatments:toxinsession_create", args=[course.pk]),
            {"repeat": "1"},
        ),
    }


PREFILL = [
    "booking",
    "booking, finding the patient",
    "waitlist",
    "waitlist, finding the patient",
    "assessment",
    "toxin charting",
]


@pytest.mark.parametrize("name", PREFILL)
def test_a_prefilled_page_takes_what_its_links_send(
    client, superuser, prefill_pages, name
):
    url, params = prefill_pages[name]
    client.force_login(superuser)
    assert client.get(url, params).status_code == 200


@pytest.mark.parametrize("name", PREFILL)
def test_a_prefilled_page_answers_400_to_an_unknown_parameter(
    client, superuser, prefill_pages, name
):
    url, params = prefill_pages[name]
    client.force_login(superuser)
    response = client.get(url, {**params, "pateint": "1"})
    assert response.status_code == 400
    assert NOT_UNDERSTOOD in response.content.decode()


def test_charting_repeats_only_when_asked_as_its_links_ask(
    client, superuser, prefill_pages
):
    url, _ = prefill_pages["toxin charting"]
    client.force_login(superuser)
    assert client.get(url, {"repeat": "yes"}).status_code == 400
