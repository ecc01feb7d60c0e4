"""Duplicates: a new patient like one on record is warned of before saving, on
the clinician page and in the admin; a duplicate is merged into the record kept
(clinic/merging.py) with every record moved in one transaction, the duplicate
archived as merged, audit rows left as they were, and overlapping appointments
refused."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from clinic.merging import MergeRefused, merge_patients
from clinic.models import AccessLog, Letter
from patients.models import Case, Guardian, Patient
from scheduling.models import Appointment
from tests.factories import (
    AppointmentFactory,
    AssessmentFactory,
    CaseFactory,
    GuardianFactory,
    PatientFactory,
    ToxinSessionFactory,
    WaitlistEntryFactory,
)

pytestmark = pytest.mark.django_db

AUDIT = {"clinic.accesslog"}
BORN = datetime.date(1961, 4, 12)


def pointing_at(patient) -> dict[str, int]:
    """Every non-audit row that still names the patient, by model."""
    found = {}
    for relation in Patient._meta.related_objects:
        label = relation.related_model._meta.label_lower
        if label in AUDIT or not relation.one_to_many:
            continue
        count = relation.related_model._default_manager.filter(
            **{relation.field.name: patient}
        ).count()
        if count:
            found[label] = count
    return found


@pytest.fixture
def pair():
    kept = PatientFactory(family_name="Okafor", given_name="Grace", date_of_birth=BORN)
    CaseFactory(patient=kept)
    merged = PatientFactory(
        family_name="Okafor", given_name="Grace", date_of_birth=BORN
    )
    session = ToxinSessionFactory(course__case__patient=merged)
    AssessmentFactory(case=session.course.case)
    GuardianFactory(patient=merged)
    soon = timezone.now().replace(microsecond=0) + datetime.timedelta(days=3)
    AppointmentFactory(patient=merged, starts_at=soon)
    WaitlistEntryFactory(patient=merged)
    Letter.objects.create(
        kind="post_session",
        patient=merged,
        toxin_session=session,
        recipient="Dr A. Referrer",
        pdf=SimpleUploadedFile("l.pdf", b"%PDF-1.7"),
        produced_by=session.injector,
    )
    AccessLog.objects.create(user=session.injector, patient=merged, action="view")
    return kept, merged, session


class TestMerge:
    def test_moves_every_record_and_archives_the_duplicate(self, pair, neurologist):
        kept, merged, session = pair
        moved = merge_patients(
            merged=merged, kept=kept, by=neurologist, reason="Registered twice."
        )
        assert moved == 5  # a case, a guardian, an appointment, an entry, a letter
        assert pointing_at(merged) == {}
        assert Case.objects.filter(patient=kept).count() == 2
        session.refresh_from_db()
        assert session.course.case.patient == kept
        merged.refresh_from_db()
        assert (merged.merged_into, merged.merged_by, merged.is_archived) == (
            kept,
            neurologist,
            True,
        )
        assert merged.merge_reason == "Registered twice."
        # History records each move, by whom; the access log is not rewritten.
        case = session.course.case
        assert case.history.first().patient_id == kept.pk
        assert case.history.first().history_user == neurologist
        assert AccessLog.objects.get().patient_id == merged.pk

    def test_overlapping_appointments_are_refused_and_listed(self, pair, neurologist):
        kept, merged, _ = pair
        theirs = Appointment.objects.get(patient=merged)
        AppointmentFactory(
            patient=kept,
            starts_at=theirs.starts_at + datetime.timedelta(minutes=10),
            ends_at=theirs.ends_at + datetime.timedelta(minutes=10),
        )
        with pytest.raises(MergeRefused) as refused:
            merge_patients(merged=merged, kept=kept, by=neurologist, reason="Twice.")
        assert "overlaps" in refused.value.reasons[0]
        assert pointing_at(merged)["scheduling.appointment"] == 1
        assert Patient.objects.get(pk=merged.pk).merged_into is None

    @pytest.mark.parametrize(
        "case, message",
        [
            ("itself", "cannot be merged into itself"),
            ("no reason", "Give the reason"),
            ("kept archived", "is archived"),
            ("already merged", "was already merged"),
        ],
    )
    def test_refusals_change_nothing(self, pair, neurologist, case, message):
        kept, merged, _ = pair
        reason = "" if case == "no reason" else "Twice."
        if case == "itself":
            merged = kept
        elif case == "kept archived":
            Patient.objects.filter(pk=kept.pk).update(is_archived=True)
        elif case == "already merged":
            other = PatientFactory()
            merge_patients(merged=merged, kept=other, by=neurologist, reason="First.")
        before = pointing_at(merged)
        with pytest.raises(MergeRefused, match=message):
            merge_patients(merged=merged, kept=kept, by=neurologist, reason=reason)
        assert pointing_at(merged) == before


class TestMergePage:
    def url(self, kept):
        return reverse("patient_merge", args=[kept.pk])

    def test_shows_both_records_and_what_moves_then_merges(
        self, client, pair, clinic_admin
    ):
        kept, merged, _ = pair
        client.force_login(clinic_admin)
        page = client.get(self.url(kept), {"duplicate": merged.mrn.lower()})
        html = page.content.decode()
        assert f"MRN {merged.mrn}" in html and "1 case," in html
        response = client.post(
            self.url(kept), {"duplicate": merged.mrn, "reason": "Same person."}
        )
        assert response["Location"] == kept.get_absolute_url()
        assert pointing_at(merged) == {}
        kept_chart = client.get(kept.get_absolute_url()).content.decode()
        assert f"MRN {merged.mrn}" in kept_chart and "Same person." in kept_chart
        merged_chart = client.get(merged.get_absolute_url()).content.decode()
        assert "This record was merged into" in merged_chart

    def test_a_refusal_is_shown_and_nothing_moves(self, client, pair, neurologist):
        kept, merged, _ = pair
        client.force_login(neurologist)
        response = client.post(self.url(kept), {"duplicate": merged.mrn, "reason": ""})
        assert "Give the reason for the merge." in response.content.decode()
        assert pointing_at(merged) != {}

    def test_an_unknown_mrn_is_said_next_to_the_field(self, client, pair, neurologist):
        kept, _, _ = pair
        client.force_login(neurologist)
        response = client.get(self.url(kept), {"duplicate": "NOPE"})
        assert "No patient has MRN NOPE." in response.content.decode()

    @pytest.mark.parametrize("persona", ["injector", "therapist", "scheduler"])
    def test_other_roles_may_not_merge(self, client, request, pair, persona):
        kept, merged, _ = pair
        client.force_login(request.getfixturevalue(persona))
        response = client.post(self.url(kept), {"duplicate": merged.mrn, "reason": "x"})
        assert response.status_code == 403
        assert pointing_at(merged) != {}


def new_patient(**overrides) -> dict:
    return {
        "mrn": "NEW-1",
        "given_name": "Grace",
        "family_name": "Okafer",
        "date_of_birth": BORN.isoformat(),
        "sex": "female",
        "guardians-TOTAL_FORMS": "0",
        "guardians-INITIAL_FORMS": "0",
        **overrides,
    }


class TestDuplicateWarning:
    URL = reverse("patients:patient_create")

    def test_a_similar_name_born_the_same_day_is_warned_of(self, client, neurologist):
        on_record = PatientFactory(
            family_name="Okafor", given_name="Grace", date_of_birth=BORN
        )
        client.force_login(neurologist)
        response = client.post(self.URL, new_patient())
        html = response.content.decode()
        assert response.status_code == 200
        assert "This may be a patient already on record" in html
        assert on_record.get_absolute_url() in html
        assert not Patient.objects.filter(mrn="NEW-1").exists()
        client.post(self.URL, new_patient(not_a_duplicate="on"))
        assert Patient.objects.filter(mrn="NEW-1").exists()

    @pytest.mark.parametrize(
        "field, stored, typed",
        [
            ("email", "grace@example.org", "Grace@Example.org"),
            ("phone", "07700 900123", "07700 900123"),
        ],
    )
    def test_the_same_email_or_phone_is_warned_of(
        self, client, neurologist, field, stored, typed
    ):
        PatientFactory(
            family_name="Someone",
            date_of_birth=datetime.date(1990, 1, 1),
            **{field: stored},
        )
        client.force_login(neurologist)
        response = client.post(self.URL, new_patient(**{field: typed}))
        assert "This may be a patient already on record" in response.content.decode()

    def test_a_different_person_is_saved_at_once(self, client, neurologist):
        PatientFactory(family_name="Okafor", given_name="Grace", date_of_birth=BORN)
        client.force_login(neurologist)
        client.post(self.URL, new_patient(family_name="Lindqvist", given_name="Per"))
        assert Patient.objects.filter(mrn="NEW-1").exists()

    def test_a_merged_record_is_not_offered(self, client, neurologist, pair):
        kept, merged, _ = pair
        merge_patients(merged=merged, kept=kept, by=neurologist, reason="Twice.")
        client.force_login(neurologist)
        response = client.post(self.URL, new_patient())
        assert kept.mrn in response.content.decode()
        assert merged.mrn not in response.content.decode()

    def test_the_admin_asks_the_same(self, client, superuser):
        PatientFactory(family_name="Okafor", given_name="Grace", date_of_birth=BORN)
        client.force_login(superuser)
        url = reverse("admin:patients_patient_add")
        data = new_patient(
            **{
                "guardians-TOTAL_FORMS": "0",
                "guardians-INITIAL_FORMS": "0",
                "reminder_channel": "",
            }
        )
        response = client.post(url, data)
        assert "This may be a patient already on record" in response.content.decode()
        assert not Patient.objects.filter(mrn="NEW-1").exists()
        client.post(url, {**data, "not_a_duplicate": "on"})
        assert Patient.objects.filter(mrn="NEW-1").exists()


def test_the_admin_keeps_a_merged_record_archived(client, superuser, pair, neurologist):
    kept, merged, _ = pair
    merge_patients(merged=merged, kept=kept, by=neurologist, reason="Twice.")
    client.force_login(superuser)
    client.post(
        reverse("admin:patients_patient_changelist"),
        {"action": "unarchive_patients", "_selected_action": [merged.pk]},
    )
    assert Patient.objects.get(pk=merged.pk).is_archived
    assert Guardian.objects.filter(patient=merged).count() == 0
