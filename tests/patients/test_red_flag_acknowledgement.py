"""Only a neurologist acknowledges a red flag, and only with a note (said next to
the field when missing): the flag stops warning at every toxin session, and a
new flag (another one, or the same one raised again by new evidence) warns
again. The admin shows acknowledgements and writes none. (The chart and the
dashboard: tests/clinic/test_red_flag_panels.py.)"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import escape

from patients.models import Case, RedFlagAcknowledgement
from patients.services import acknowledge_red_flag, save_case
from tests.factories import (
    CaseFactory,
    PatientFactory,
    ToxinSessionFactory,
    TreatmentCourseFactory,
)
from tests.test_doors import admin_url
from treatments import services
from treatments.models import AdverseEffect

pytestmark = pytest.mark.django_db

NOTE_REQUIRED = "Say what was reviewed or decided."


def flagged_case(patient=None, **fields) -> Case:
    """A hemifacial spasm with hearing loss on examination."""
    fields = {"findings": ["hearing_loss"], **fields}
    case = CaseFactory.build(patient=patient or PatientFactory(), **fields)
    return save_case(case=case, by=None)


def url(case, **query) -> str:
    address = reverse("patients:red_flag_acknowledge", args=[case.pk])
    if query:
        address += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return address


def waiting(case) -> list[str]:
    return Case.objects.get(pk=case.pk).red_flags_to_review


def toxin_warnings(case) -> list[str]:
    course = TreatmentCourseFactory.build(case=Case.objects.get(pk=case.pk))
    return [
        warning.message
        for warning in services.toxin_safety_warnings(
            course=course,
            product="onabotulinumtoxina",
            performed_at=datetime.datetime(2026, 6, 1, 10, tzinfo=datetime.UTC),
            vials=[],
            sites=[("frontalis", "right", Decimal("5"))],
            consent_obtained=True,
        )
        if warning.code == "red_flag"
    ]


def report_dysphagia(session, onset: datetime.date, by):
    effect = AdverseEffect(kind="dysphagia", onset_on=onset, severity="moderate")
    services.record_toxin_follow_up(session=session, adverse_effects=[effect], by=by)


class TestWhoMayAcknowledge:
    def test_anonymous_users_go_to_the_login_page(self, client):
        case = flagged_case()
        response = client.get(url(case))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    @pytest.mark.parametrize("persona", ["injector", "clinic_admin", "scheduler"])
    def test_other_roles_are_refused_and_nothing_is_saved(
        self, client, request, persona
    ):
        case = flagged_case()
        client.force_login(request.getfixturevalue(persona))
        assert client.get(url(case)).status_code == 403
        response = client.post(url(case), {"flag": "cranial_nerve_signs", "note": "x"})
        assert response.status_code == 403
        assert not RedFlagAcknowledgement.objects.exists()
        assert waiting(case) == ["cranial_nerve_signs"]

    def test_the_service_refuses_them_too(self, injector):
        case = flagged_case()
        with pytest.raises(PermissionDenied):
            acknowledge_red_flag(
                case=case, flag="cranial_nerve_signs", note="Seen.", by=injector
            )
        assert waiting(case) == ["cranial_nerve_signs"]

    def test_an_unknown_case_is_404(self, client, neurologist):
        client.force_login(neurologist)
        address = reverse("patients:red_flag_acknowledge", args=[987654])
        assert client.get(address).status_code == 404

    def test_an_unknown_flag_in_the_address_is_400(self, client, neurologist):
        case = flagged_case()
        client.force_login(neurologist)
        assert client.get(url(case, flag="headache")).status_code == 400


class TestTheNote:
    def test_the_page_offers_the_waiting_flag_chosen(self, client, neurologist):
        case = flagged_case()
        client.force_login(neurologist)
        response = client.get(url(case, flag="cranial_nerve_signs"))
        assert response.status_code == 200
        assert response.context["form"]["flag"].value() == "cranial_nerve_signs"
        assert "Examination: hearing loss (VIII)." in response.content.decode()

    @pytest.mark.parametrize("note", ["", "   "])
    def test_a_missing_note_is_said_next_to_the_field(self, client, neurologist, note):
        case = flagged_case()
        client.force_login(neurologist)
        response = client.post(url(case), {"flag": "cranial_nerve_signs", "note": note})
        assert response.status_code == 200
        assert response.context["form"].errors["note"] == [NOTE_REQUIRED]
        html = response.content.decode()
        assert 'id="error_1_id_note"' in html and escape(NOTE_REQUIRED) in html
        assert not RedFlagAcknowledgement.objects.exists()
        assert waiting(case) == ["cranial_nerve_signs"]

    def test_the_service_refuses_an_empty_note(self, neurologist):
        case = flagged_case()
        with pytest.raises(ValidationError, match="Say what was reviewed"):
            acknowledge_red_flag(
                case=case, flag="cranial_nerve_signs", note=" ", by=neurologist
            )
        assert not RedFlagAcknowledgement.objects.exists()

    def test_a_flag_not_waiting_is_refused(self, client, neurologist):
        case = flagged_case()
        client.force_login(neurologist)
        response = client.post(url(case), {"flag": "long_tract_signs", "note": "x"})
        assert response.status_code == 200
        assert "flag" in response.context["form"].errors
        assert not RedFlagAcknowledgement.objects.exists()


class TestAcknowledged:
    def acknowledge(self, client, neurologist, case, flag="cranial_nerve_signs"):
        client.force_login(neurologist)
        return client.post(
            url(case), {"flag": flag, "note": "MRI ordered; audiogram requested."}
        )

    def test_it_is_kept_with_who_when_why_and_its_evidence(self, client, neurologist):
        case = flagged_case()
        response = self.acknowledge(client, neurologist, case)
        assert response.status_code == 302
        assert response["Location"] == reverse("patient_chart", args=[case.patient_id])
        ack = RedFlagAcknowledgement.objects.get()
        assert (ack.case, ack.flag, ack.acknowledged_by) == (
            case,
            "cranial_nerve_signs",
            neurologist,
        )
        assert ack.note == "MRI ordered; audiogram requested."
        assert ack.evidence == ["finding:hearing_loss"]
        assert ack.history.get().history_user == neurologist
        assert waiting(case) == []

    def test_from_the_dashboard_it_returns_there(self, client, neurologist):
        case = flagged_case()
        client.force_login(neurologist)
        response = client.post(
            url(case, back="dashboard"),
            {"flag": "cranial_nerve_signs", "note": "Reviewed."},
        )
        assert response["Location"] == reverse("home")

    def test_it_no_longer_warns_at_a_toxin_session(self, client, neurologist):
        case = flagged_case()
        [warning] = toxin_warnings(case)
        assert "Hearing loss, facial numbness or other cranial-nerve signs" in warning
        self.acknowledge(client, neurologist, case)
        assert toxin_warnings(case) == []

    def test_another_flag_warns_again(self, client, neurologist):
        case = flagged_case()
        self.acknowledge(client, neurologist, case)
        case = Case.objects.get(pk=case.pk)
        case.findings = ["hearing_loss", "long_tract_signs"]
        save_case(case=case, by=neurologist)
        assert waiting(case) == ["long_tract_signs"]
        [warning] = toxin_warnings(case)
        assert "Long-tract signs" in warning and "Hearing loss" not in warning

    def test_the_same_flag_raised_again_by_new_evidence_warns_again(
        self, client, neurologist
    ):
        session = ToxinSessionFactory()
        case = session.course.case
        report_dysphagia(session, datetime.date(2026, 3, 4), neurologist)
        self.acknowledge(client, neurologist, case, "post_toxin_distant_spread")
        assert toxin_warnings(case) == []
        later = ToxinSessionFactory(
            course=session.course,
            performed_at=datetime.datetime(2026, 6, 1, 10, tzinfo=datetime.UTC),
        )
        report_dysphagia(later, datetime.date(2026, 6, 3), neurologist)
        assert waiting(case) == ["post_toxin_distant_spread"]
        assert len(toxin_warnings(case)) == 1

    def test_the_same_evidence_saved_again_stays_acknowledged(
        self, client, neurologist
    ):
        case = flagged_case()
        self.acknowledge(client, neurologist, case)
        case = Case.objects.get(pk=case.pk)
        case.notes = "Audiogram booked."
        save_case(case=case, by=neurologist)
        assert waiting(case) == []

    def test_twice_is_refused(self, client, neurologist):
        case = flagged_case()
        self.acknowledge(client, neurologist, case)
        response = self.acknowledge(client, neurologist, case)
        assert response.status_code == 200
        assert RedFlagAcknowledgement.objects.count() == 1


class TestTheAdminIsNoSideDoor:
    def test_acknowledgements_are_read_only_there(self, client, neurologist):
        case = flagged_case()
        ack = acknowledge_red_flag(
            case=case, flag="cranial_nerve_signs", note="Seen.", by=neurologist
        )
        superuser = type(neurologist).objects.create_superuser(
            "root", "root@example.org", "x"
        )
        client.force_login(superuser)
        assert client.get(admin_url(RedFlagAcknowledgement, "add")).status_code == 403
        change = admin_url(RedFlagAcknowledgement, "change", ack.pk)
        assert client.get(change).status_code == 200
        client.post(change, {"note": "Changed.", "flag": "long_tract_signs"})
        assert RedFlagAcknowledgement.objects.get().note == "Seen."
        delete = admin_url(RedFlagAcknowledgement, "delete", ack.pk)
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert RedFlagAcknowledgement.objects.count() == 1

    def test_the_cases_flags_are_not_edited_there(self, client, clinic_admin):
        case = flagged_case()
        client.force_login(clinic_admin)
        html = client.get(admin_url(Case, "change", case.pk)).content.decode()
        assert 'name="raised_red_flags"' not in html
        assert 'name="red_flags_to_review"' not in html
        assert "Examination: hearing loss (VIII)." in html
