import datetime
import uuid
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from patients.models import Case
from tests.factories import (
    CaseFactory,
    DiagnosticStudyFactory,
    PatientFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields, self.labelled = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label" and attrs.get("for"):
            self.labelled.add(attrs["for"])
        elif tag in ("select", "textarea") or (
            tag == "input" and attrs.get("type") not in ("hidden", "submit")
        ):
            self.fields.append(attrs.get("id") or attrs.get("name"))


def unlabelled_inputs(response) -> list[str]:
    """The form controls on the page that no <label for=...> names."""
    parser = _Inputs()
    parser.feed(response.content.decode())
    return [field for field in parser.fields if field not in parser.labelled]


def input_types(response) -> dict[str, str]:
    """The type= of each <input>, by name."""
    types = {}

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "input" and "name" in attrs:
                types[attrs["name"]] = attrs.get("type")

    Collect().feed(response.content.decode())
    return types


def create_url(patient) -> str:
    return reverse("patients:case_create", args=[patient.pk])


def update_url(case) -> str:
    return reverse("patients:case_update", args=[case.pk])


def valid_case(**changes) -> dict:
    data = {
        "condition": "hemifacial_spasm",
        "laterality": "left",
        "icd10_code": "",
        "onset_date": "2025-01-10",
        "onset_site": "lower_eyelid",
        "spread_sites": ["cheek", "mouth"],
        "triggers": ["stress", "fatigue"],
        "status": "assessment",
        "opened_on": "2025-06-01",
        "notes": "Left eyelid twitching for a year, now the cheek.",
        "form_token": str(uuid.uuid4()),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def patient():
    return PatientFactory(given_name="Ines", family_name="Okafor")


class TestCaseCreate:
    def test_scheduler_page_shows_no_clinical_text(self, client, scheduler, patient):
        client.force_login(scheduler)
        content = client.get(create_url(patient)).content.decode()
        assert "Hemifacial" not in content
        assert "Okafor" not in content

    def test_unknown_patient_is_404(self, client, neurologist):
        client.force_login(neurologist)
        response = client.get(reverse("patients:case_create", args=[999999]))
        assert response.status_code == 404

    def test_form_renders_accessibly(self, client, neurologist, patient):
        client.force_login(neurologist)
        response = client.get(create_url(patient))
        assert response.status_code == 200
        content = response.content.decode()
        assert "OKAFOR, Ines" in content
        assert '<optgroup label="Hemifacial spasm">' in content
        assert "G51.32 (left)" in content
        assert "G51.8 (not confirmed)" in content
        assert unlabelled_inputs(response) == []
        types = input_types(response)
        assert (types["onset_date"], types["opened_on"], types["closed_on"]) == (
            "date",
            "date",
            "date",
        )
        assert types["onset_at"] == "datetime-local"
        assert types["form_token"] == "hidden"
        uuid.UUID(str(response.context["form"]["form_token"].value()))

    def test_neurologist_opens_a_case(self, client, neurologist, patient):
        client.force_login(neurologist)
        response = client.post(
            create_url(patient),
            valid_case(red_flags=["facial_weakness"], responsible_neurologist=""),
        )
        assert response.status_code == 302
        assert response["Location"] == patient.get_absolute_url()
        case = Case.objects.get()
        assert (case.patient, case.condition, case.icd10_code, case.laterality) == (
            patient,
            "hemifacial_spasm",
            "G51.32",
            "left",
        )
        assert case.spread_sites == ["cheek", "mouth"]
        assert case.red_flags == ["facial_weakness"]
        assert case.opened_on == datetime.date(2025, 6, 1)
        assert case.history.get().history_user == neurologist

    @pytest.mark.parametrize(
        ("side", "code"),
        [("right", "G51.31"), ("left", "G51.32"), ("bilateral", "G51.33")],
    )
    def test_hemifacial_spasm_side_picks_the_code(
        self, client, neurologist, patient, side, code
    ):
        client.force_login(neurologist)
        client.post(create_url(patient), valid_case(laterality=side))
        assert Case.objects.get().icd10_code == code

    def test_a_condition_with_one_code_takes_it(self, client, neurologist, patient):
        client.force_login(neurologist)
        client.post(
            create_url(patient),
            valid_case(condition="blepharospasm", laterality="bilateral"),
        )
        assert Case.objects.get().icd10_code == "G24.5"

    def test_a_condition_with_several_codes_needs_a_choice(
        self, client, neurologist, patient
    ):
        client.force_login(neurologist)
        response = client.post(
            create_url(patient), valid_case(condition="tic_disorder", laterality="n/a")
        )
        assert response.context["form"].errors["icd10_code"] == [
            "Choose the ICD-10-CM code."
        ]
        assert Case.objects.exists() is False

    def test_category_header_is_refused_next_to_the_code(
        self, client, neurologist, patient
    ):
        client.force_login(neurologist)
        response = client.post(create_url(patient), valid_case(icd10_code="G51.3"))
        assert response.status_code == 200
        form = response.context["form"]
        assert form.errors["icd10_code"] == [
            "G51.3 is a non-billable category header; choose a leaf code: "
            "G51.31, G51.32, G51.33."
        ]
        assert form.non_field_errors() == []
        content = response.content.decode()
        assert "non-billable category header" in content
        assert "Left eyelid twitching for a year, now the cheek." in content
        assert Case.objects.exists() is False

    def test_code_for_the_other_side_is_refused(self, client, neurologist, patient):
        client.force_login(neurologist)
        response = client.post(create_url(patient), valid_case(icd10_code="G51.31"))
        assert response.context["form"].errors["icd10_code"] == [
            "G51.31 does not match the left side; use G51.32."
        ]
        assert Case.objects.exists() is False

    @pytest.mark.parametrize(
        ("changes", "field", "message"),
        [
            (
                {"status": "resolved", "closed_on": "2025-05-01"},
                "closed_on",
                "A case cannot close before it was opened.",
            ),
            (
                {"status": "discharged"},
                "closed_on",
                "A resolved or discharged case needs a closing date.",
            ),
            (
                {"closed_on": "2025-07-01"},
                "closed_on",
                "Clear the closing date or choose resolved or discharged: an open "
                "case has none.",
            ),
            (
                {"onset_date": "2025-07-01"},
                "onset_date",
                "The onset cannot be after the case opened.",
            ),
            (
                {"laterality": "n/a", "icd10_code": "G51.31"},
                "laterality",
                "Hemifacial spasm needs a side: right, left or bilateral.",
            ),
            (
                {"condition": "bells_palsy", "icd10_code": "G51.0"},
                "onset_at",
                "Bell's palsy needs the onset date and time.",
            ),
        ],
    )
    def test_rules_are_explained_next_to_their_field(
        self, client, neurologist, patient, changes, field, message
    ):
        client.force_login(neurologist)
        response = client.post(create_url(patient), valid_case(**changes))
        assert response.status_code == 200
        form = response.context["form"]
        assert form.errors[field] == [message]
        assert form.non_field_errors() == []
        assert 'value="2025-06-01"' in response.content.decode()
        assert Case.objects.exists() is False

    def test_bells_palsy_onset_time_is_clinic_time(
        self, client, neurologist, patient, settings
    ):
        settings.TIME_ZONE = "Europe/London"
        client.force_login(neurologist)
        client.post(
            create_url(patient),
            valid_case(
                condition="bells_palsy",
                laterality="right",
                onset_date=None,
                onset_at="2025-05-31T23:30",
            ),
        )
        case = Case.objects.get()
        assert case.icd10_code == "G51.0"
        # 23:30 British Summer Time is 22:30 UTC, and still 31 May in the clinic.
        assert case.onset_at == datetime.datetime(
            2025, 5, 31, 22, 30, tzinfo=datetime.UTC
        )
        assert case.onset_date == datetime.date(2025, 5, 31)

    def test_only_neurologists_may_be_responsible(
        self, client, neurologist, injector, patient
    ):
        client.force_login(neurologist)
        choices = client.get(create_url(patient)).context["form"][
            "responsible_neurologist"
        ]
        offered = {value for value, _ in choices.field.choices if value}
        assert {int(str(value)) for value in offered} == {neurologist.pk}
        response = client.post(
            create_url(patient), valid_case(responsible_neurologist=injector.pk)
        )
        assert "responsible_neurologist" in response.context["form"].errors
        client.post(
            create_url(patient), valid_case(responsible_neurologist=neurologist.pk)
        )
        assert Case.objects.get().responsible_neurologist == neurologist

    def test_patients_neurologist_is_proposed(self, client, neurologist):
        patient = PatientFactory(responsible_neurologist=neurologist)
        client.force_login(neurologist)
        form = client.get(create_url(patient)).context["form"]
        assert form["responsible_neurologist"].value() == neurologist.pk

    def test_a_double_submit_creates_one_case(self, client, neurologist, patient):
        client.force_login(neurologist)
        data = valid_case()
        first = client.post(create_url(patient), data)
        second = client.post(create_url(patient), data, follow=True)
        assert first.status_code == 302
        assert second.redirect_chain == [(patient.get_absolute_url(), 302)]
        assert "This case was already saved." in second.content.decode()
        assert Case.objects.count() == 1
        assert str(Case.objects.get().form_token) == data["form_token"]

    def test_a_fresh_form_saves_another_case(self, client, neurologist, patient):
        client.force_login(neurologist)
        client.post(create_url(patient), valid_case())
        client.post(create_url(patient), valid_case())
        assert Case.objects.count() == 2

    def test_a_corrected_resubmit_keeps_the_token(self, client, neurologist, patient):
        client.force_login(neurologist)
        data = valid_case(icd10_code="G51.3")
        response = client.post(create_url(patient), data)
        assert f'value="{data["form_token"]}"' in response.content.decode()
        client.post(create_url(patient), {**data, "icd10_code": "G51.32"})
        client.post(create_url(patient), {**data, "icd10_code": "G51.32"})
        assert Case.objects.count() == 1

    def test_query_count_does_not_grow_with_the_patients_records(
        self, client, neurologist, patient, django_assert_num_queries
    ):
        CaseFactory(patient=patient)
        client.force_login(neurologist)
        client.get(create_url(patient))
        with CaptureQueriesContext(connection) as baseline:
            client.get(create_url(patient))
        for case in CaseFactory.create_batch(4, patient=patient):
            DiagnosticStudyFactory.create_batch(3, case=case)
        UserFactory.create_batch(3, roles=["Neurologist"])
        with django_assert_num_queries(len(baseline)):
            client.get(create_url(patient))


class TestCaseUpdate:
    def test_unknown_case_is_404(self, client, neurologist):
        client.force_login(neurologist)
        response = client.get(reverse("patients:case_update", args=[999999]))
        assert response.status_code == 404

    def test_form_shows_the_case(self, client, neurologist):
        case = CaseFactory(laterality="right", icd10_code="G51.31")
        client.force_login(neurologist)
        response = client.get(update_url(case))
        assert response.status_code == 200
        content = response.content.decode()
        assert '<option value="G51.31" selected>' in content
        assert "form_token" not in content
        assert unlabelled_inputs(response) == []

    def test_edit_changes_the_case_and_keeps_history(self, client, neurologist):
        case = CaseFactory(laterality="right", icd10_code="G51.31")
        client.force_login(neurologist)
        response = client.post(
            update_url(case),
            valid_case(
                laterality="bilateral",
                icd10_code="G51.33",
                status="resolved",
                closed_on="2026-01-15",
                form_token=None,
            ),
        )
        assert response.status_code == 302
        assert response["Location"] == case.patient.get_absolute_url()
        case.refresh_from_db()
        assert (case.icd10_code, case.status, case.closed_on) == (
            "G51.33",
            "resolved",
            datetime.date(2026, 1, 15),
        )
        assert case.history.first().history_user == neurologist
        assert case.form_token is None

    def test_invalid_edit_keeps_what_was_typed_and_saves_nothing(
        self, client, neurologist
    ):
        case = CaseFactory(notes="Original")
        client.force_login(neurologist)
        response = client.post(
            update_url(case),
            valid_case(
                condition="blepharospasm",
                laterality="bilateral",
                notes="Typed but not saved",
                status="resolved",
                form_token=None,
            ),
        )
        assert response.status_code == 200
        assert response.context["form"].errors["closed_on"] == [
            "A resolved or discharged case needs a closing date."
        ]
        content = response.content.decode()
        assert "Typed but not saved" in content
        assert "Edit case <small" in content and "Hemifacial spasm</small>" in content
        case.refresh_from_db()
        assert (case.notes, case.status) == ("Original", "assessment")
        assert case.history.count() == 1

    def test_a_code_no_longer_offered_stays_visible_and_is_explained(
        self, client, neurologist
    ):
        case = CaseFactory.build(icd10_code="G51.39")
        case.patient.save()
        case.save()  # an older record, coded before the side was required
        client.force_login(neurologist)
        response = client.get(update_url(case))
        assert "G51.39 (current code)" in response.content.decode()
        response = client.post(
            update_url(case),
            valid_case(laterality="right", icd10_code="G51.39", form_token=None),
        )
        assert (
            "not a code for this condition"
            in response.context["form"].errors["icd10_code"][0]
        )

    def test_a_neurologist_who_left_the_role_stays_on_the_case(
        self, client, neurologist
    ):
        former = UserFactory()
        case = CaseFactory(responsible_neurologist=former, notes="Original")
        client.force_login(neurologist)
        response = client.post(
            update_url(case),
            valid_case(
                laterality="right",
                icd10_code="G51.31",
                responsible_neurologist=former.pk,
                notes="Seen again",
                form_token=None,
            ),
        )
        assert response.status_code == 302
        case.refresh_from_db()
        assert (case.responsible_neurologist, case.notes) == (former, "Seen again")

    def test_query_count_does_not_grow_with_the_patients_records(
        self, client, neurologist, django_assert_num_queries
    ):
        case = CaseFactory()
        client.force_login(neurologist)
        client.get(update_url(case))
        with CaptureQueriesContext(connection) as baseline:
            client.get(update_url(case))
        DiagnosticStudyFactory.create_batch(5, case=case)
        CaseFactory.create_batch(3, patient=case.patient)
        with django_assert_num_queries(len(baseline)):
            client.get(update_url(case))
