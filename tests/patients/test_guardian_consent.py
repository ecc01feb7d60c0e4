"""A minor is never saved without a guardian who holds consent, through any door."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from patients.models import Guardian, Patient, adult_birth_cutoff
from tests.dashboard import panel, rows
from tests.factories import GuardianFactory, PatientFactory
from tests.patients.test_admin import admin_url

CHILD_BORN = datetime.date(2015, 4, 2)
REFUSAL = (
    "This patient is under 18: add at least one guardian who holds consent before "
    "saving."
)


def patient_data(patient: Patient | None = None, **changes) -> dict:
    """The patient fields as both the clinician page and the admin post them."""
    data = {
        "mrn": "NEW-001",
        "given_name": "Noor",
        "family_name": "Haddad",
        "date_of_birth": CHILD_BORN.isoformat(),
        "sex": "female",
    }
    if patient is not None:
        data.update(
            mrn=patient.mrn,
            given_name=patient.given_name,
            family_name=patient.family_name,
            date_of_birth=patient.date_of_birth.isoformat(),
            sex=patient.sex,
        )
    return {**data, **changes}


def guardian_rows(*guardians: Guardian, new: dict | None = None) -> dict:
    """The guardians formset: each existing guardian unchanged, and one new row."""
    rows = [
        {
            "id": str(guardian.pk),
            "patient": str(guardian.patient_id),
            "full_name": guardian.full_name,
            "relationship": guardian.relationship,
            "holds_consent": "on" if guardian.holds_consent else "",
        }
        for guardian in guardians
    ]
    if new is not None:
        rows.append(new)
    data = {
        "guardians-TOTAL_FORMS": str(len(rows)),
        "guardians-INITIAL_FORMS": str(len(guardians)),
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            if value != "":
                data[f"guardians-{index}-{name}"] = value
    return data


CONSENTING = {
    "full_name": "Rana Haddad",
    "relationship": "mother",
    "holds_consent": "on",
}
NOT_CONSENTING = {**CONSENTING, "holds_consent": ""}


class TestAdultBirthCutoff:
    def test_an_eighteenth_birthday_today_makes_an_adult(self, settings):
        settings.CLINIC_ADULT_AGE_YEARS = 18
        assert adult_birth_cutoff(datetime.date(2026, 12, 1)) == datetime.date(
            2008, 12, 1
        )

    def test_a_leap_day_falls_back_to_28_february(self, settings):
        settings.CLINIC_ADULT_AGE_YEARS = 18
        assert adult_birth_cutoff(datetime.date(2024, 2, 29)) == datetime.date(
            2006, 2, 28
        )

    @pytest.mark.django_db
    @pytest.mark.parametrize(
        ("today", "minor"),
        [
            (datetime.date(2026, 2, 28), True),  # born 29 Feb: adult from 1 March
            (datetime.date(2026, 3, 1), False),
        ],
    )
    def test_queryset_and_age_agree_on_a_leap_day_birthday(self, today, minor):
        patient = PatientFactory(date_of_birth=datetime.date(2008, 2, 29))
        assert patient.is_minor_on(today) is minor
        assert Patient.objects.minors_on(today).filter(pk=patient.pk).exists() is minor


@pytest.mark.django_db
class TestClinicianPage:
    CREATE = reverse("patients:patient_create")

    def test_a_guardian_who_does_not_hold_consent_is_not_enough(
        self, client, scheduler
    ):
        client.force_login(scheduler)
        response = client.post(
            self.CREATE, {**patient_data(), **guardian_rows(new=NOT_CONSENTING)}
        )
        assert response.context["guardians"].non_form_errors() == [REFUSAL]
        assert Patient.objects.count() == 0
        assert Guardian.objects.count() == 0

    def test_an_existing_minor_cannot_be_saved_until_a_guardian_is_added(
        self, client, scheduler
    ):
        patient = PatientFactory(date_of_birth=CHILD_BORN, phone="01632 960000")
        url = reverse("patients:patient_update", args=[patient.pk])
        client.force_login(scheduler)

        refused = client.post(
            url, {**patient_data(patient, phone="01632 960999"), **guardian_rows()}
        )
        patient.refresh_from_db()
        assert refused.context["guardians"].non_form_errors() == [REFUSAL]
        assert patient.phone == "01632 960000"  # nothing half-saved

        saved = client.post(
            url,
            {
                **patient_data(patient, phone="01632 960999"),
                **guardian_rows(new=CONSENTING),
            },
        )
        patient.refresh_from_db()
        assert saved.status_code == 302
        assert patient.phone == "01632 960999"
        assert list(patient.guardians.values_list("full_name", flat=True)) == [
            "Rana Haddad"
        ]

    def test_taking_consent_from_the_only_guardian_is_refused(self, client, scheduler):
        guardian = GuardianFactory()
        patient = guardian.patient
        client.force_login(scheduler)
        guardian.holds_consent = False  # what the form posts; not saved here
        response = client.post(
            reverse("patients:patient_update", args=[patient.pk]),
            {**patient_data(patient), **guardian_rows(guardian)},
        )
        assert response.context["guardians"].non_form_errors() == [REFUSAL]
        assert Guardian.objects.get(pk=guardian.pk).holds_consent is True

    def test_the_day_a_patient_turns_adult_no_guardian_is_needed(
        self, client, scheduler
    ):
        client.force_login(scheduler)
        eighteenth = adult_birth_cutoff(timezone.localdate())
        adult = client.post(
            self.CREATE,
            {
                **patient_data(date_of_birth=eighteenth.isoformat()),
                **guardian_rows(),
            },
        )
        a_day_younger = client.post(
            self.CREATE,
            {
                **patient_data(
                    mrn="NEW-002",
                    date_of_birth=(eighteenth + datetime.timedelta(days=1)).isoformat(),
                ),
                **guardian_rows(),
            },
        )
        assert adult.status_code == 302
        assert a_day_younger.context["guardians"].non_form_errors() == [REFUSAL]
        assert list(Patient.objects.values_list("mrn", flat=True)) == ["NEW-001"]

    def test_the_adult_age_comes_from_the_setting(self, client, scheduler, settings):
        settings.CLINIC_ADULT_AGE_YEARS = 16
        client.force_login(scheduler)
        seventeen = timezone.localdate().year - 17  # 17 years old today
        response = client.post(
            self.CREATE,
            {
                **patient_data(date_of_birth=f"{seventeen}-01-01"),
                **guardian_rows(),
            },
        )
        assert response.status_code == 302
        assert Patient.objects.count() == 1


@pytest.mark.django_db
class TestAdmin:
    def test_a_minor_without_guardian_is_refused_on_add(self, client, clinic_admin):
        client.force_login(clinic_admin)
        response = client.post(
            admin_url(Patient, "add"), {**patient_data(), **guardian_rows()}
        )
        formset = response.context["inline_admin_formsets"][0].formset
        assert formset.non_form_errors() == [REFUSAL]
        assert REFUSAL in response.content.decode()
        assert Patient.objects.count() == 0

    def test_a_minor_with_a_consenting_guardian_is_saved(self, client, clinic_admin):
        client.force_login(clinic_admin)
        response = client.post(
            admin_url(Patient, "add"),
            {**patient_data(), **guardian_rows(new=CONSENTING)},
        )
        assert response.status_code == 302
        patient = Patient.objects.get()
        assert [g.holds_consent for g in patient.guardians.all()] == [True]

    def test_taking_consent_from_the_only_guardian_is_refused(
        self, client, clinic_admin
    ):
        guardian = GuardianFactory()
        client.force_login(clinic_admin)
        guardian.holds_consent = False
        response = client.post(
            admin_url(Patient, "change", guardian.patient_id),
            {**patient_data(guardian.patient), **guardian_rows(guardian)},
        )
        formset = response.context["inline_admin_formsets"][0].formset
        assert formset.non_form_errors() == [REFUSAL]
        assert Guardian.objects.get(pk=guardian.pk).holds_consent is True

    def test_the_guardian_admin_does_not_change_guardians(self, client, clinic_admin):
        guardian = GuardianFactory()
        client.force_login(clinic_admin)
        response = client.post(
            admin_url(Guardian, "change", guardian.pk),
            {
                "patient": guardian.patient_id,
                "full_name": guardian.full_name,
                "relationship": guardian.relationship,
            },
        )
        assert response.status_code == 403
        assert Guardian.objects.get(pk=guardian.pk).holds_consent is True


@pytest.mark.django_db
class TestDashboard:
    def test_minors_nobody_may_consent_for_are_listed_until_fixed(
        self, client, scheduler
    ):
        alone = PatientFactory(family_name="Alone", date_of_birth=CHILD_BORN)
        unconsented = GuardianFactory(
            patient__family_name="Unconsented", holds_consent=False
        ).patient
        GuardianFactory(patient__family_name="Cared")
        PatientFactory(family_name="Grown")  # an adult needs no guardian
        PatientFactory(
            family_name="Archived", date_of_birth=CHILD_BORN, is_archived=True
        )
        client.force_login(scheduler)

        listed = rows(client.get(reverse("home")), "minors-without-guardian")
        assert listed == [alone, unconsented]

        GuardianFactory(patient=alone)
        listed = rows(client.get(reverse("home")), "minors-without-guardian")
        assert listed == [unconsented]

    def test_the_list_is_capped(self, client, scheduler, settings):
        PatientFactory.create_batch(27, date_of_birth=CHILD_BORN)
        client.force_login(scheduler)
        response = client.get(reverse("home"))
        assert len(rows(response, "minors-without-guardian")) == 10
        assert "The first 10 of 27" in response.content.decode()

    def test_query_count_does_not_grow_with_minors(
        self, client, scheduler, django_assert_num_queries
    ):
        # More than the panel shows, so both counts are asked: then 40 more.
        PatientFactory.create_batch(11, date_of_birth=CHILD_BORN)
        client.force_login(scheduler)
        client.get(reverse("home"))
        with CaptureQueriesContext(connection) as baseline:
            client.get(reverse("home"))
        PatientFactory.create_batch(37, date_of_birth=CHILD_BORN)
        GuardianFactory.create_batch(3, holds_consent=False)
        with django_assert_num_queries(len(baseline)):
            response = client.get(reverse("home"))
        assert panel(response, "minors-without-guardian")["count"] == 51


class TestMinorWithoutGuardianFlag:
    """The flag the dashboard's partial index holds follows the guardians
    through every save, and survives a save of a stale patient."""

    def stored(self, patient) -> bool:
        return Patient.objects.values_list("is_minor_without_guardian", flat=True).get(
            pk=patient.pk
        )

    def test_it_follows_the_guardians(self, db):
        child = PatientFactory(date_of_birth=CHILD_BORN)
        stale = Patient.objects.get(pk=child.pk)
        assert self.stored(child) is True
        guardian = GuardianFactory(patient=child, holds_consent=False)
        assert self.stored(child) is True
        guardian.holds_consent = True
        guardian.save()
        assert self.stored(child) is False
        stale.save()  # loaded before the guardian consented
        assert self.stored(child) is False

    def test_an_adult_needs_none_and_the_bulk_form_agrees(self, db):
        adult = PatientFactory()
        cared_for = GuardianFactory(
            patient__date_of_birth=CHILD_BORN, holds_consent=True
        ).patient
        alone = PatientFactory(date_of_birth=CHILD_BORN)
        Patient.objects.update(is_minor_without_guardian=False)
        Patient.objects.store_minor_without_guardian()
        assert [self.stored(p) for p in (adult, cared_for, alone)] == [
            False,
            False,
            True,
        ]
