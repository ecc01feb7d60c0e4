"""Signed records stay signed: every door to a signed-off study is closed.

Each refusal is tried through every way in (the clinician edit page, the admin, the
write service, the model's save(), QuerySet.update() and, on PostgreSQL, raw SQL),
and the database is read again to show that nothing changed.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.forms import modelform_factory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from patients.forms import StudyResultForm
from patients.models import (
    SIGNED_STUDY_FIELDS,
    DiagnosticStudy,
    SignedStudyError,
    StudyAmendment,
    StudyStatus,
)
from patients.services import amend_study, save_study, sign_off_study
from tests.factories import (
    CaseFactory,
    DiagnosticStudyFactory,
    ResultedStudyFactory,
    StudyAmendmentFactory,
    UserFactory,
)
from tests.patients.test_admin import admin_url

pytestmark = pytest.mark.django_db

only_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the trigger that refuses raw SQL is installed on PostgreSQL only",
)

ORIGINAL = "Left AICA loop contacting the facial nerve root exit zone."


def stored(study) -> dict:
    """What the database holds of the columns a sign-off locks, read afresh."""
    attnames = [DiagnosticStudy._meta.get_field(f).attname for f in SIGNED_STUDY_FIELDS]
    return DiagnosticStudy.objects.filter(pk=study.pk).values(*attnames).get()


@pytest.fixture
def signed(neurologist):
    study = ResultedStudyFactory(
        modality="mri", mri_offending_vessels=["aica"], impression=ORIGINAL
    )
    return sign_off_study(study=study, by=neurologist)


def detail_url(study) -> str:
    return reverse("patients:study_detail", args=[study.pk])


def amend_url(study) -> str:
    return reverse("patients:study_amend", args=[study.pk])


def admin_data(study, **changes) -> dict:
    """The study admin form as a browser would post it, with `changes`."""
    data = {
        "case": study.case_id,
        "modality": study.modality,
        "description": study.description,
        "ordered_on": study.ordered_on.isoformat(),
        "ordered_by": study.ordered_by_id,
        "performed_on": study.performed_on.isoformat() if study.performed_on else "",
        "resulted_on": study.resulted_on.isoformat() if study.resulted_on else "",
        "impression": study.impression,
        "entered_in_error_reason": "",
        "amendments-TOTAL_FORMS": 0,
        "amendments-INITIAL_FORMS": 0,
        "amendments-MIN_NUM_FORMS": 0,
        "amendments-MAX_NUM_FORMS": 1000,
        "_save": "Save",
    }
    data.update(changes)
    return data


SIGN_OFF_BY_POST = {
    "status": "reviewed",
    "reviewed_at_0": "2025-06-13",
    "reviewed_at_1": "09:00:00",
}


class TestEveryDoorIsClosed:
    def test_the_edit_page_sends_a_signed_study_to_its_page(
        self, client, neurologist, signed
    ):
        client.force_login(neurologist)
        response = client.get(
            reverse("patients:study_update", args=[signed.pk]), follow=True
        )
        assert response.redirect_chain == [(detail_url(signed), 302)]
        assert "Add an amendment to correct it." in response.content.decode()

    def test_a_crafted_edit_post_changes_nothing(self, client, neurologist, signed):
        before = stored(signed)
        client.force_login(neurologist)
        response = client.post(
            reverse("patients:study_update", args=[signed.pk]),
            {
                "status": "resulted",
                "performed_on": "2025-06-11",
                "resulted_on": "2025-06-12",
                "impression": "Rewritten",
                "mri_offending_vessels": ["vein"],
            },
        )
        assert response.status_code == 302
        assert stored(signed) == before

    def test_the_result_form_takes_nothing_locked_from_the_post(
        self, neurologist, signed
    ):
        before = stored(signed)
        form = StudyResultForm(
            {"status": "ordered", "impression": "Rewritten", "performed_on": ""},
            instance=DiagnosticStudy.objects.get(pk=signed.pk),
        )
        assert all(field.disabled for field in form.fields.values())
        assert form.is_valid(), form.errors
        assert form.cleaned_data["impression"] == ORIGINAL
        save_study(form=form, by=neurologist)
        assert stored(signed) == before

    def test_the_admin_changes_nothing_but_entered_in_error(
        self, client, clinic_admin, signed
    ):
        before = stored(signed)
        client.force_login(clinic_admin)
        response = client.post(
            admin_url(DiagnosticStudy, "change", signed.pk),
            admin_data(
                signed,
                impression="Rewritten",
                performed_externally="on",
                reviewed_by=clinic_admin.pk,
                entered_in_error="on",
                entered_in_error_reason="Belongs to another patient.",
                **SIGN_OFF_BY_POST,
            ),
        )
        assert response.status_code == 302
        assert stored(signed) == before
        saved = DiagnosticStudy.objects.get(pk=signed.pk)
        assert saved.entered_in_error is True
        assert saved.history.first().history_user == clinic_admin

    def test_the_admin_page_of_a_signed_study_offers_no_locked_input(
        self, client, clinic_admin, signed
    ):
        client.force_login(clinic_admin)
        response = client.get(admin_url(DiagnosticStudy, "change", signed.pk))
        fields = response.context["adminform"].form.fields
        assert set(fields) == {"entered_in_error", "entered_in_error_reason"}
        assert signed.get_absolute_url() in response.content.decode()

    @pytest.mark.parametrize(
        "changes",
        [
            {"impression": "Rewritten"},
            {"mri_offending_vessels": ["vein"]},
            {"performed_on": datetime.date(2025, 6, 11)},
            {"performed_externally": True},
            {"report": "reports/other.pdf"},
            {"status": StudyStatus.RESULTED},
            {"reviewed_at": None, "reviewed_by_id": None},
        ],
    )
    def test_queryset_update_is_refused(self, signed, changes):
        before = stored(signed)
        with pytest.raises(SignedStudyError):
            DiagnosticStudy.objects.filter(pk=signed.pk).update(**changes)
        with pytest.raises(SignedStudyError):
            signed.case.studies.update(**changes)
        assert stored(signed) == before

    def test_bulk_update_is_refused(self, signed):
        before = stored(signed)
        signed.impression = "Rewritten"
        with pytest.raises(SignedStudyError), transaction.atomic():
            DiagnosticStudy.objects.bulk_update([signed], ["impression"])
        assert stored(signed) == before

    def test_sign_off_fields_are_never_updated_in_bulk(self):
        study = ResultedStudyFactory()
        with pytest.raises(SignedStudyError):
            DiagnosticStudy.objects.filter(pk=study.pk).update(status="reviewed")
        assert DiagnosticStudy.objects.get(pk=study.pk).status == StudyStatus.RESULTED

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("impression", "Rewritten"),
            ("mri_lesion_found", True),
            ("ordered_on", datetime.date(2025, 5, 1)),
            ("status", StudyStatus.CANCELLED),
            ("reviewed_at", datetime.datetime(2025, 7, 1, tzinfo=datetime.UTC)),
        ],
    )
    def test_save_is_refused(self, signed, field, value):
        before = stored(signed)
        setattr(signed, field, value)
        with pytest.raises(SignedStudyError, match="Add an amendment"):
            signed.save()
        with pytest.raises(SignedStudyError):
            signed.save(update_fields=[field])
        assert stored(signed) == before

    def test_the_service_refuses_a_locked_change(self, neurologist, signed):
        before = stored(signed)
        ImpressionForm = modelform_factory(DiagnosticStudy, fields=["impression"])
        form = ImpressionForm(
            {"impression": "Rewritten"},
            instance=DiagnosticStudy.objects.get(pk=signed.pk),
        )
        with pytest.raises(SignedStudyError):
            save_study(form=form, by=neurologist)
        assert stored(signed) == before

    def test_entered_in_error_and_a_merge_are_not_changes_of_content(
        self, neurologist, signed
    ):
        before = stored(signed)
        other_case = CaseFactory()
        signed.case = other_case  # a merge of duplicate patients moves the study
        signed.entered_in_error = True
        signed.entered_in_error_reason = "Duplicate record."
        signed.save()
        DiagnosticStudy.objects.filter(pk=signed.pk).update(case=other_case)
        assert stored(signed) == before
        assert DiagnosticStudy.objects.get(pk=signed.pk).case == other_case

    def test_nothing_but_the_service_signs_off(self, neurologist):
        study = ResultedStudyFactory()
        study.status = StudyStatus.REVIEWED
        study.reviewed_by = neurologist
        study.reviewed_at = timezone.now()
        with pytest.raises(SignedStudyError, match="only by signing it off"):
            study.save()
        saved = DiagnosticStudy.objects.get(pk=study.pk)
        assert (saved.status, saved.reviewed_by) == (StudyStatus.RESULTED, None)


@only_postgresql
class TestTheDatabaseRefusesRawWrites:
    def test_raw_sql_update_is_refused(self, signed):
        before = stored(signed)
        with pytest.raises(IntegrityError, match="signed off"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE patients_diagnosticstudy SET impression = %s WHERE id = %s",
                    ["Rewritten", signed.pk],
                )
        assert stored(signed) == before

    @pytest.mark.parametrize(
        "changes",
        [
            {"impression": "Rewritten"},
            {"mri_offending_vessels": ["vein"]},
            {"status": StudyStatus.RESULTED},
            {"reviewed_by_id": None, "reviewed_at": None, "status": "resulted"},
        ],
    )
    def test_an_update_past_the_guard_is_refused(self, signed, changes):
        before = stored(signed)
        past_the_guard = models.QuerySet.update  # the guard is the subclass's
        with pytest.raises(IntegrityError), transaction.atomic():
            past_the_guard(DiagnosticStudy.objects.filter(pk=signed.pk), **changes)
        assert stored(signed) == before

    def test_raw_sql_may_mark_entered_in_error_and_move_the_case(self, signed):
        other_case = CaseFactory()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE patients_diagnosticstudy SET case_id = %s, "
                "entered_in_error = true, entered_in_error_reason = 'Duplicate' "
                "WHERE id = %s",
                [other_case.pk, signed.pk],
            )
        saved = DiagnosticStudy.objects.get(pk=signed.pk)
        assert (saved.case, saved.entered_in_error) == (other_case, True)

    def test_an_amendment_is_never_updated_or_deleted(self, signed):
        amendment = StudyAmendmentFactory(study=signed)
        for sql in (
            "UPDATE patients_studyamendment SET text = 'Other' WHERE id = %s",
            "DELETE FROM patients_studyamendment WHERE id = %s",
        ):
            with pytest.raises(Exception, match="Cannot update or delete"):
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(sql, [amendment.pk])
        assert StudyAmendment.objects.get(pk=amendment.pk).text == amendment.text


class TestSignOffNeedsThePermission:
    def test_a_clinic_admin_cannot_sign_off_through_the_admin_change_form(
        self, client, clinic_admin
    ):
        study = ResultedStudyFactory()
        client.force_login(clinic_admin)
        response = client.post(
            admin_url(DiagnosticStudy, "change", study.pk),
            admin_data(study, reviewed_by=clinic_admin.pk, **SIGN_OFF_BY_POST),
        )
        assert response.status_code == 302
        saved = DiagnosticStudy.objects.get(pk=study.pk)
        assert (saved.status, saved.reviewed_by, saved.reviewed_at) == (
            StudyStatus.RESULTED,
            None,
            None,
        )

    def test_a_clinic_admin_cannot_sign_off_through_the_admin_add_form(
        self, client, clinic_admin
    ):
        template = DiagnosticStudyFactory.build(
            case=CaseFactory(),
            ordered_by=UserFactory(roles=["Neurologist"]),
            performed_on=datetime.date(2025, 6, 10),
            resulted_on=datetime.date(2025, 6, 12),
            impression=ORIGINAL,
        )
        client.force_login(clinic_admin)
        response = client.post(
            admin_url(DiagnosticStudy, "add"),
            admin_data(template, reviewed_by=clinic_admin.pk, **SIGN_OFF_BY_POST),
        )
        assert response.status_code == 302
        saved = DiagnosticStudy.objects.get()
        assert (saved.status, saved.reviewed_by, saved.reviewed_at) == (
            StudyStatus.ORDERED,
            None,
            None,
        )
        assert saved.history.get().history_user == clinic_admin

    def test_the_service_refuses_a_user_without_the_permission(self, clinic_admin):
        study = ResultedStudyFactory()
        with pytest.raises(PermissionDenied):
            sign_off_study(study=study, by=clinic_admin)
        assert DiagnosticStudy.objects.get(pk=study.pk).status == StudyStatus.RESULTED

    @pytest.mark.parametrize(
        "changes",
        [
            {"status": StudyStatus.PERFORMED, "resulted_on": None},
            {"entered_in_error": True, "entered_in_error_reason": "Wrong patient."},
        ],
    )
    def test_the_service_signs_results_only(self, neurologist, changes):
        study = ResultedStudyFactory(**changes)
        with pytest.raises(ValidationError):
            sign_off_study(study=study, by=neurologist)
        saved = DiagnosticStudy.objects.get(pk=study.pk)
        assert (saved.reviewed_by, saved.reviewed_at) == (None, None)

    def test_the_service_signs_off_with_history(self, neurologist):
        moment = datetime.datetime(2025, 6, 13, 9, 0, tzinfo=datetime.UTC)
        study = sign_off_study(study=ResultedStudyFactory(), by=neurologist, at=moment)
        saved = DiagnosticStudy.objects.get(pk=study.pk)
        assert (saved.status, saved.reviewed_by, saved.reviewed_at) == (
            StudyStatus.REVIEWED,
            neurologist,
            moment,
        )
        assert saved.history.first().history_user == neurologist

    def test_a_signed_study_is_not_signed_again(self, neurologist, signed):
        before = stored(signed)
        with pytest.raises(ValidationError, match="Only a resulted study"):
            sign_off_study(study=signed, by=UserFactory(roles=["Neurologist"]))
        assert stored(signed) == before


class TestPerformedExternally:
    """Ordered on 1 June: performed on 31 May is impossible unless done elsewhere."""

    def test_a_day_before_the_order_is_refused_unless_external(self):
        study = DiagnosticStudyFactory.build(
            case=CaseFactory(),
            ordered_by=UserFactory(),
            performed_on=datetime.date(2025, 5, 31),
            status=StudyStatus.PERFORMED,
        )
        with pytest.raises(ValidationError) as excinfo:
            study.full_clean()
        assert excinfo.value.message_dict["performed_on"] == [
            "A study cannot be performed before it was ordered. If it was performed "
            'at another centre, mark it "performed externally".'
        ]
        with pytest.raises(IntegrityError), transaction.atomic():
            study.save()
        study.performed_externally = True
        study.full_clean()
        study.save()
        assert DiagnosticStudy.objects.get(pk=study.pk).performed_externally is True

    def test_the_day_of_the_order_needs_no_flag(self):
        study = DiagnosticStudyFactory.build(
            case=CaseFactory(),
            ordered_by=UserFactory(),
            performed_on=datetime.date(2025, 6, 1),
            status=StudyStatus.PERFORMED,
        )
        study.full_clean()

    @pytest.mark.parametrize(("external", "saved"), [("", False), ("on", True)])
    def test_the_result_page_offers_the_flag(
        self, client, neurologist, external, saved
    ):
        study = DiagnosticStudyFactory()
        client.force_login(neurologist)
        response = client.post(
            reverse("patients:study_update", args=[study.pk]),
            {
                "status": "performed",
                "performed_on": "2025-05-31",
                "performed_externally": external,
            },
        )
        assert (response.status_code == 302) is saved
        if not saved:
            assert (
                "performed externally"
                in response.context["form"].errors["performed_on"][0]
            )
        assert DiagnosticStudy.objects.get(pk=study.pk).performed_externally is saved

    def test_the_admin_shows_the_flag(self, client, clinic_admin):
        study = DiagnosticStudyFactory()
        client.force_login(clinic_admin)
        response = client.get(admin_url(DiagnosticStudy, "change", study.pk))
        assert "performed_externally" in response.context["adminform"].form.fields


class TestAmendments:
    def test_unknown_study_is_404(self, client, neurologist):
        client.force_login(neurologist)
        assert (
            client.get(reverse("patients:study_detail", args=[999999])).status_code
            == 404
        )

    def test_the_amendment_is_shown_beside_the_original(
        self, client, neurologist, signed
    ):
        client.force_login(neurologist)
        response = client.post(
            amend_url(signed),
            {
                "text": "The loop is of the PICA, not the AICA.",
                "reason": "Vessel misnamed.",
            },
            follow=True,
        )
        assert response.redirect_chain == [(detail_url(signed), 302)]
        amendment = StudyAmendment.objects.get()
        assert (amendment.study, amendment.amended_by) == (signed, neurologist)
        assert amendment.history.get().history_user == neurologist
        content = response.content.decode()
        assert "Amendment added." in content
        assert ORIGINAL in content  # the original stays, as signed
        assert "The loop is of the PICA, not the AICA." in content
        assert "Reason: Vessel misnamed." in content
        assert str(neurologist) in content
        assert DiagnosticStudy.objects.get(pk=signed.pk).impression == ORIGINAL

    def test_a_missing_reason_is_explained_next_to_it(
        self, client, neurologist, signed
    ):
        client.force_login(neurologist)
        response = client.post(amend_url(signed), {"text": "PICA.", "reason": "  "})
        assert response.status_code == 200
        assert response.context["amendment_form"].errors["reason"] == [
            "Say why the signed result is amended."
        ]
        assert "PICA." in response.content.decode()
        assert StudyAmendment.objects.exists() is False

    @pytest.mark.parametrize("persona", ["clinic_admin", "injector"])
    def test_only_those_who_sign_off_amend(self, client, request, persona, signed):
        client.force_login(request.getfixturevalue(persona))
        response = client.post(amend_url(signed), {"text": "x", "reason": "y"})
        assert response.status_code == 403
        page = client.get(detail_url(signed)).content.decode()
        assert amend_url(signed) not in page
        assert StudyAmendment.objects.exists() is False

    def test_an_unsigned_study_is_changed_not_amended(self, client, neurologist):
        study = ResultedStudyFactory()
        client.force_login(neurologist)
        assert amend_url(study) not in client.get(detail_url(study)).content.decode()
        response = client.post(
            amend_url(study), {"text": "x", "reason": "y"}, follow=True
        )
        assert "Not amended: Only a signed-off study is amended" in (
            response.content.decode()
        )
        assert StudyAmendment.objects.exists() is False

    def test_the_service_needs_the_sign_off_permission(self, clinic_admin, signed):
        with pytest.raises(PermissionDenied):
            amend_study(study=signed, by=clinic_admin, text="x", reason="y")
        assert StudyAmendment.objects.exists() is False

    def test_an_amendment_is_never_changed(self, signed):
        amendment = StudyAmendmentFactory(study=signed)
        amendment.text = "Other"
        with pytest.raises(SignedStudyError):
            amendment.save()
        assert StudyAmendment.objects.get(pk=amendment.pk).text != "Other"

    def test_query_count_does_not_grow_with_amendments(
        self, client, neurologist, signed, django_assert_num_queries
    ):
        StudyAmendmentFactory(study=signed)
        client.force_login(neurologist)
        client.get(detail_url(signed))  # Warm process-wide caches first.
        with CaptureQueriesContext(connection) as baseline:
            client.get(detail_url(signed))
        StudyAmendmentFactory.create_batch(4, study=signed)
        with django_assert_num_queries(len(baseline)):
            response = client.get(detail_url(signed))
        assert len(response.context["amendments"]) == 5

    def test_detail_page_query_count(
        self, client, neurologist, signed, django_assert_num_queries
    ):
        StudyAmendmentFactory.create_batch(3, study=signed)
        client.force_login(neurologist)
        client.get(detail_url(signed))
        # Session, user, the second-factor device, the user's own and group
        # permissions, the study with its case, patient and users, the access-log
        # row, its amendments with their authors.
        with django_assert_num_queries(8):
            client.get(detail_url(signed))
