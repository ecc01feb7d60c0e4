"""The historical toxin-session import: every session through the charting
service, refused with its messages, warnings only with a neurologist's override,
nothing written by a dry run, nothing twice."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from tests.clinic.test_fhir_export import bundle_of, resources, unresolved
from tests.factories import (
    PatientFactory,
    ToxinSessionFactory,
    TreatmentCourseFactory,
    UserFactory,
)
from treatments import charting
from treatments.models import Injection, ToxinSession, Vial
from treatments.session_import_rows import (
    IMPORT_COLUMNS,
    NOT_RECORDED_CONSENT,
    NOT_RECORDED_TIME,
    NOT_RECORDED_VIAL,
    TEMPLATE_ROWS,
    ImportFileError,
)
from treatments.session_imports import (
    ALREADY,
    NEEDS_OVERRIDE,
    REFUSED,
    WOULD_WRITE,
    WRITTEN,
    Override,
    import_sessions,
)

pytestmark = pytest.mark.django_db


def csv_text(*rows: dict) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=IMPORT_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def site(mrn="A1001", at="2019-03-14 10:30", **values) -> dict:
    return {
        "mrn": mrn,
        "performed_at": at,
        "product": "onabotulinumtoxina",
        "injector": "drsmith",
        "consent": "yes",
        "muscle": "oo_pretarsal_upper_medial",
        "side": "right",
        "units": "2.5",
        **values,
    }


@pytest.fixture
def drsmith(db):
    return UserFactory(username="drsmith", roles=["Injector"])


@pytest.fixture
def course(db, drsmith):
    patient = PatientFactory(mrn="A1001", date_of_birth=datetime.date(1960, 1, 1))
    return TreatmentCourseFactory(case__patient=patient)


def sessions_of(course):
    return ToxinSession.objects.filter(course=course)


def test_the_template_rows_import_as_historical_sessions(course, neurologist):
    out = io.StringIO()
    csv.writer(out).writerows([IMPORT_COLUMNS, *TEMPLATE_ROWS])

    report = import_sessions(out.getvalue(), by=neurologist, dry_run=False)

    assert [s.outcome for s in report.sessions] == [WRITTEN, WRITTEN]
    first, second = sessions_of(course).order_by("performed_at")
    assert first.is_historical and not first.consent_obtained
    assert set(first.not_recorded) == {
        NOT_RECORDED_TIME,
        NOT_RECORDED_CONSENT,
        NOT_RECORDED_VIAL,
    }
    assert timezone.localtime(first.performed_at).time() == datetime.time(0, 0)
    assert sorted(first.injections.values_list("muscle", "vial")) == [
        ("oo_pretarsal_upper_lateral", None),
        ("oo_pretarsal_upper_medial", None),
    ]
    assert second.is_historical and second.consent_obtained
    assert second.not_recorded == []
    vial = Vial.objects.get(session=second)
    assert (vial.lot_number, vial.size_units) == ("C1234AB", 100)
    assert second.injections.get().vial == vial
    assert (second.benefit, second.wore_off_on) == (
        "marked",
        datetime.date(2019, 9, 30),
    )


def test_a_dry_run_reports_and_writes_nothing(course, neurologist):
    text = csv_text(site(), site(muscle="corrugator"))

    report = import_sessions(text, by=neurologist, dry_run=True)

    assert [s.outcome for s in report.sessions] == [WOULD_WRITE]
    assert not sessions_of(course).exists()
    assert not Injection.objects.exists()


def test_importing_the_same_file_again_adds_nothing(course, neurologist):
    text = csv_text(site(), site(at="2019-06-20 10:30"))
    import_sessions(text, by=neurologist, dry_run=False)

    again = import_sessions(text, by=neurologist, dry_run=False)

    assert [s.outcome for s in again.sessions] == [ALREADY, ALREADY]
    assert sessions_of(course).count() == 2
    assert Injection.objects.count() == 2


def test_a_session_charted_on_the_page_is_not_imported_again(course, neurologist):
    at = timezone.make_aware(datetime.datetime.fromisoformat("2019-03-14 10:30"))
    ToxinSessionFactory(course=course, performed_at=at)

    report = import_sessions(csv_text(site()), by=neurologist, dry_run=False)

    assert report.sessions[0].outcome == ALREADY
    assert sessions_of(course).count() == 1


def refusal_of_the_service(course, drsmith, **session_values) -> list[str]:
    """What chart_toxin_session itself says of such a session."""
    session = ToxinSession(
        course=course,
        injector=drsmith,
        product="onabotulinumtoxina",
        consent_obtained=True,
        is_historical=True,
        **session_values,
    )
    sites = [Injection(muscle="oo_pretarsal_upper_medial", side="right", units=2)]
    with pytest.raises(Exception) as refused:
        charting.chart_toxin_session(session=session, vials=[], sites=sites, by=drsmith)
    return list(refused.value.messages)


@pytest.mark.parametrize(
    "at, when",
    [("1959-06-01 10:00", "before birth"), ("2099-01-01 10:00", "in the future")],
)
def test_a_session_the_service_refuses_is_refused_with_its_message(
    course, drsmith, neurologist, at, when
):
    moment = timezone.make_aware(datetime.datetime.fromisoformat(at))
    expected = refusal_of_the_service(course, drsmith, performed_at=moment)

    report = import_sessions(csv_text(site(at=at)), by=neurologist, dry_run=False)

    outcome = report.sessions[0]
    assert outcome.outcome == REFUSED
    assert [m.split(": ", 1)[-1] for m in outcome.messages] == expected
    assert not sessions_of(course).exists()


def test_a_site_the_model_refuses_is_refused_on_its_line(course, neurologist):
    text = csv_text(site(), site(muscle="nasalis", side="midline"), site(units="0"))

    report = import_sessions(text, by=neurologist, dry_run=False)

    assert report.lines_with_errors() == [3, 4]
    rows = report.sessions[0].rows
    assert rows[1].errors == [
        "side: Only the procerus is injected in the midline; choose right or left."
    ]
    assert rows[2].errors == ["units: Units must be more than 0."]
    assert not sessions_of(course).exists()


def test_an_overdrawn_vial_is_refused_with_the_charting_message(course, neurologist):
    vial = {
        "lot_number": "C1234AB",
        "expiry_date": "2020-01-31",
        "vial_units": "50",
        "diluent_ml": "1",
        "reconstituted_at": "2019-03-14 10:00",
    }
    text = csv_text(
        site(units="40", **vial), site(muscle="corrugator", units="20", **vial)
    )

    report = import_sessions(text, by=neurologist, dry_run=False)

    assert report.sessions[0].messages == [
        "60 U charted and 0 U discarded come to more than the 50 U vial "
        "(lot C1234AB) holds."
    ]


@pytest.mark.parametrize(
    "values, column",
    [
        ({"mrn": "NOPE1"}, "mrn"),
        ({"injector": "nobody"}, "injector"),
        ({"product": "snake oil"}, "product"),
        ({"performed_at": "14/03/2019"}, "performed_at"),
        ({"muscle": "elbow"}, "muscle"),
        ({"units": "two"}, "units"),
        ({"consent": "no"}, "consent"),
        ({"lot_number": "C1"}, "expiry_date"),
    ],
)
def test_a_value_that_cannot_be_read_is_said_against_its_column(
    course, neurologist, values, column
):
    report = import_sessions(csv_text(site(**values)), by=neurologist, dry_run=True)

    errors = report.sessions[0].rows[0].errors
    assert report.sessions[0].outcome == REFUSED
    assert any(error.startswith(f"{column}: ") for error in errors), errors


def test_a_file_without_the_layout_is_refused_whole(neurologist):
    with pytest.raises(ImportFileError, match="missing: injector"):
        import_sessions(
            "mrn,performed_at,product\nA1,2019-01-01,x\n", by=neurologist, dry_run=True
        )


def test_session_columns_must_agree_across_its_lines(course, neurologist):
    text = csv_text(site(), site(muscle="corrugator", injector="drsmith", notes="x"))

    report = import_sessions(text, by=neurologist, dry_run=True)

    assert report.sessions[0].rows[1].errors == [
        "notes: differs from line 2, the session's first line."
    ]


def two_sessions_30_days_apart() -> str:
    return csv_text(site(at="2019-03-14 10:30"), site(at="2019-04-13 10:30"))


def test_warnings_are_shown_by_the_dry_run_and_block_the_import(course, neurologist):
    dry = import_sessions(two_sessions_30_days_apart(), by=neurologist, dry_run=True)

    warned = dry.sessions[1]
    assert warned.outcome == NEEDS_OVERRIDE
    assert any("30 days" in warning for warning in warned.warnings)
    report = import_sessions(
        two_sessions_30_days_apart(), by=neurologist, dry_run=False
    )
    assert [s.outcome for s in report.sessions] == [WRITTEN, NEEDS_OVERRIDE]
    assert sessions_of(course).count() == 1


@pytest.mark.parametrize("whole_file", [True, False])
def test_a_neurologist_overrides_per_session_or_for_the_file(
    course, neurologist, whole_file
):
    text = two_sessions_30_days_apart()
    dry = import_sessions(text, by=neurologist, dry_run=True)
    override = Override(
        reason="Transcribed from the paper chart",
        whole_file=whole_file,
        lines=frozenset() if whole_file else frozenset({3}),
        shown={s.line: s.digest for s in dry.sessions if s.digest},
    )

    report = import_sessions(text, by=neurologist, dry_run=False, override=override)

    assert [s.outcome for s in report.sessions] == [WRITTEN, WRITTEN]
    later = sessions_of(course).order_by("performed_at").last()
    assert later.override_reason == "Transcribed from the paper chart"
    assert later.overridden_by == neurologist
    assert later.overridden_warnings == dry.sessions[1].warnings


def test_only_a_neurologist_overrides(course, drsmith, neurologist):
    text = two_sessions_30_days_apart()
    dry = import_sessions(text, by=drsmith, dry_run=True)
    override = Override(
        reason="x", whole_file=True, shown={s.line: s.digest for s in dry.sessions}
    )

    report = import_sessions(text, by=drsmith, dry_run=False, override=override)

    assert report.sessions[1].outcome == NEEDS_OVERRIDE
    assert report.sessions[1].messages == [
        "Only a neurologist may override these warnings."
    ]
    assert sessions_of(course).count() == 1


def test_an_override_covers_only_the_warnings_shown(course, neurologist):
    text = two_sessions_30_days_apart()
    override = Override(reason="x", whole_file=True, shown={3: "not what was shown"})

    report = import_sessions(text, by=neurologist, dry_run=False, override=override)

    assert report.sessions[1].outcome == NEEDS_OVERRIDE
    assert sessions_of(course).count() == 1


def test_sessions_are_checked_in_time_order_whatever_the_file_order(
    course, neurologist
):
    text = csv_text(site(at="2019-04-13 10:30"), site(at="2019-03-14 10:30"))

    report = import_sessions(text, by=neurologist, dry_run=True)

    assert [s.outcome for s in report.sessions] == [NEEDS_OVERRIDE, WOULD_WRITE]


def test_a_patient_with_several_toxin_courses_needs_the_course_named(
    course, neurologist
):
    other = TreatmentCourseFactory(case=course.case)
    text = csv_text(site())

    refused = import_sessions(text, by=neurologist, dry_run=True)
    named = import_sessions(
        csv_text(site(course=str(other.pk))), by=neurologist, dry_run=False
    )

    assert (
        refused.sessions[0]
        .rows[0]
        .errors[0]
        .startswith("course: the patient has several")
    )
    assert named.sessions[0].outcome == WRITTEN
    assert ToxinSession.objects.get().course == other


def test_a_historical_site_has_no_volume(course, neurologist):
    import_sessions(csv_text(site()), by=neurologist, dry_run=False)

    assert Injection.objects.get().volume_ml() is None


def test_units_keep_their_decimals(course, neurologist):
    import_sessions(csv_text(site(units="1.25")), by=neurologist, dry_run=False)

    assert Injection.objects.get().units == Decimal("1.25")


def test_the_charting_page_repeats_a_historical_session_but_does_not_edit_it(
    client, course, neurologist
):
    import_sessions(csv_text(site()), by=neurologist, dry_run=False)
    session = ToxinSession.objects.get()
    client.force_login(neurologist)

    repeat = client.get(
        reverse("treatments:toxinsession_create", args=[course.pk]) + "?repeat=1"
    )
    edit = client.get(reverse("treatments:toxinsession_update", args=[session.pk]))

    assert repeat.status_code == 200
    assert "oo_pretarsal_upper_medial" in repeat.content.decode()
    assert edit.status_code == 302 and edit.url == session.get_absolute_url()
    assert ToxinSession.objects.get().injections.count() == 1


def test_a_historical_session_exports_as_valid_fhir(client, course, neurologist):
    import_sessions(csv_text(site()), by=neurologist, dry_run=False)

    bundle = bundle_of(client, neurologist, course.case.patient)

    Bundle.model_validate(bundle)
    (given,) = resources(bundle, "MedicationAdministration")
    assert "contained" not in given
    assert given["medicationCodeableConcept"]["coding"]
    assert unresolved(bundle) == []
