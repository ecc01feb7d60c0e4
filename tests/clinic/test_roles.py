import pytest
from django.contrib.auth.models import Group, Permission

pytestmark = pytest.mark.django_db

ROLES = ["Neurologist", "Injector", "Therapist", "Scheduler", "Clinic admin"]


def codenames(role: str) -> set[str]:
    return set(
        Group.objects.get(name=role).permissions.values_list(
            "content_type__app_label", "codename"
        )
    )


def test_every_role_exists():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_no_role_may_delete_clinical_records(role):
    deletes = {
        codename
        for app_label, codename in codenames(role)
        if app_label in {"patients", "treatments", "scheduling"}
        and codename.startswith("delete_")
    }
    assert deletes == set()


def test_scheduler_sees_demographics_appointments_and_recall_only():
    assert codenames("Scheduler") == {
        ("patients", f"{action}_{model}")
        for action in ("view", "add", "change")
        for model in ("patient", "guardian")
    } | {
        ("treatments", "view_recall"),
        ("patients", "export_patient_lists"),
        ("clinic", "view_letter"),
        ("clinic", "add_letter"),
    } | {
        ("scheduling", codename)
        for codename in (
            "view_appointment",
            "add_appointment",
            "change_appointment",
            "view_recallcontact",
            "add_recallcontact",
            "view_waitlistentry",
            "add_waitlistentry",
            "change_waitlistentry",
            "view_reminder",
        )
    }


def test_the_roles_that_contact_patients_export_lists():
    holders = Group.objects.filter(
        permissions__codename="export_patient_lists"
    ).values_list("name", flat=True)
    assert sorted(holders) == ["Clinic admin", "Neurologist", "Scheduler"]


def test_only_neurologists_may_book_before_the_safe_date():
    holders = Group.objects.filter(
        permissions__codename="override_booking_interval"
    ).values_list("name", flat=True)
    assert list(holders) == ["Neurologist"]


@pytest.mark.parametrize(
    "codename", ["view_case", "view_diagnosticstudy", "view_assessment"]
)
def test_scheduler_cannot_see_clinical_findings(scheduler, codename):
    assert scheduler.has_perm(f"patients.{codename}") is False


def test_scheduler_cannot_see_toxin_sessions(scheduler):
    assert scheduler.has_perm("treatments.view_toxinsession") is False


def test_neurologist_can_chart_everything_clinical(neurologist):
    clinical = Permission.objects.filter(
        content_type__app_label__in=["patients", "treatments", "scheduling"],
        codename__regex=r"^(view|add|change)_",
    ).exclude(
        # Scheduling records (recall contacts, waitlist, reminders, calendar feeds)
        # are not clinical charting; their grants are tested above. Safety flags
        # are written by the charting service and acknowledged with their own
        # permission, never added or changed by hand.
        content_type__model__in=[
            "recallcontact",
            "waitlistentry",
            "reminder",
            "calendarfeed",
            "safetyflag",
        ]
    )
    clinical = clinical.exclude(codename__contains="historical")
    assert clinical.count() > 40
    assert all(
        neurologist.has_perm(f"{p.content_type.app_label}.{p.codename}")
        for p in clinical
    )


def test_injector_charts_toxin_sessions_but_not_cases(injector):
    assert injector.has_perm("treatments.add_toxinsession") is True
    assert injector.has_perm("treatments.add_injection") is True
    assert injector.has_perm("patients.change_case") is False
    assert injector.has_perm("treatments.add_treatmentcourse") is False


def test_therapist_charts_therapy_but_not_toxin(therapist):
    assert therapist.has_perm("treatments.add_therapysession") is True
    assert therapist.has_perm("treatments.add_toxinsession") is False


def test_clinic_admin_manages_users_but_cannot_delete_them(clinic_admin):
    assert clinic_admin.has_perm("clinic.add_user") is True
    assert clinic_admin.has_perm("clinic.change_user") is True
    assert clinic_admin.has_perm("clinic.delete_user") is False


def test_only_neurologist_and_admin_see_the_access_log(
    neurologist, clinic_admin, injector, scheduler
):
    assert [
        user.has_perm("clinic.view_accesslog")
        for user in (neurologist, clinic_admin, injector, scheduler)
    ] == [True, True, False, False]


def test_clinic_admin_reads_role_changes_but_edits_no_group(clinic_admin):
    assert [
        clinic_admin.has_perm(perm)
        for perm in (
            "clinic.view_rolechange",
            "clinic.change_rolechange",
            "auth.view_group",
            "auth.add_group",
            "auth.change_group",
        )
    ] == [True, False, True, False, False]


def test_only_neurologists_override_sign_off_or_acknowledge_red_flags():
    for codename in (
        "override_safety_warnings",
        "review_diagnosticstudy",
        "acknowledge_red_flag",
    ):
        holders = Group.objects.filter(permissions__codename=codename)
        assert list(holders.values_list("name", flat=True)) == ["Neurologist"]


def test_clinic_admin_sees_and_revokes_calendar_feeds(clinic_admin):
    assert [
        clinic_admin.has_perm(f"scheduling.{action}_calendarfeed")
        for action in ("view", "change", "add", "delete")
    ] == [True, True, False, False]
