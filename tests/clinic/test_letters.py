"""Letters as PDF (clinic/letters, templates/letters): the post-session letter to
the referrer, the MVD referral letter and the appointment letter say what they
should (the PDF's text extracted and read), are kept on the chart with who
produced them and when, and go only to the roles that may read what they tell."""

import datetime
import io
from decimal import Decimal

import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clinic.models import AccessAction, AccessLog, Letter, LetterKind
from tests.factories import (
    AppointmentFactory,
    AssessmentFactory,
    GuardianFactory,
    InjectionFactory,
    PatientFactory,
    ReferralFactory,
    ResultedStudyFactory,
    ToxinSessionFactory,
    TreatmentCourseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def letterhead(settings):
    settings.CLINIC_NAME = "Northgate Facial Nerve Clinic"
    settings.CLINIC_ADDRESS = "12 Mill Lane, Northgate NG1 2AB"
    settings.CLINIC_PHONE = "01632 960000"


def preview_url(kind, record) -> str:
    return reverse("letter_preview", args=[kind, record.pk])


def produce(client, user, kind, record) -> Letter:
    client.force_login(user)
    response = client.post(preview_url(kind, record))
    assert response.status_code == 302, response.content[:500]
    return Letter.objects.get()


def pdf_text(letter: Letter) -> str:
    with letter.pdf.open("rb") as pdf:
        reader = pypdf.PdfReader(io.BytesIO(pdf.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def session():
    """The second session of a Botox course for right hemifacial spasm; the first
    helped for 84 days."""
    clinician = UserFactory(first_name="Helen", last_name="Ashcombe", credentials="MD")
    course = TreatmentCourseFactory(
        responsible_clinician=clinician,
        goal="Control of spasm with the lowest effective dose.",
        case__patient__referring_clinician="Dr A. Referrer",
    )
    performed = timezone.now() - datetime.timedelta(days=7)
    ToxinSessionFactory(
        course=course,
        performed_at=performed - datetime.timedelta(days=100),
        benefit="marked",
        wore_off_on=timezone.localdate(performed) - datetime.timedelta(days=16),
    )
    session = ToxinSessionFactory(course=course, performed_at=performed)
    InjectionFactory(session=session, units=Decimal("2.5"))
    InjectionFactory(session=session, muscle="zygomaticus_major", units=Decimal("5"))
    return session


class TestPostSessionLetter:
    def test_says_what_was_given_how_the_last_helped_and_what_next(
        self, client, neurologist, session
    ):
        letter = produce(client, neurologist, "post_session", session)
        text = pdf_text(letter)
        for expected in [
            "Northgate Facial Nerve Clinic",
            "12 Mill Lane, Northgate NG1 2AB",
            "Dr A. Referrer",
            "Hemifacial spasm, Right (G51.31)",
            "Orbicularis oculi, pretarsal upper lid, lateral",
            "Zygomaticus major",
            "Right: 7.5 U; Total: 7.5 U onabotulinumtoxinA (Botox)",
            "the benefit was marked",
            "it lasted 84 days",
            "Control of spasm with the lowest effective dose.",
            "The next session is suggested for",
            "Helen Ashcombe, MD",
        ]:
            assert expected in text, expected
        assert (letter.kind, letter.toxin_session, letter.produced_by) == (
            LetterKind.POST_SESSION,
            session,
            neurologist,
        )
        assert letter.signed_by == session.course.responsible_clinician
        assert letter.recipient == "Dr A. Referrer"

    def test_the_preview_shows_the_same_letter_and_writes_nothing(
        self, client, neurologist, session
    ):
        client.force_login(neurologist)
        page = client.get(preview_url("post_session", session)).content.decode()
        assert "Zygomaticus major" in page and "Produce the PDF" in page
        assert not Letter.objects.exists()
        entry = AccessLog.objects.get()
        assert (entry.record_type, entry.record_id) == (
            "treatments.toxinsession",
            session.pk,
        )

    def test_a_session_entered_in_error_has_none(self, client, neurologist, session):
        session.entered_in_error = True
        session.entered_in_error_reason = "Wrong patient."
        session.save()
        client.force_login(neurologist)
        response = client.post(preview_url("post_session", session), follow=True)
        assert "A session entered in error has no letter." in response.content.decode()
        assert not Letter.objects.exists()

    def test_preview_queries_do_not_grow_with_the_record(
        self, client, neurologist, session
    ):
        client.force_login(neurologist)
        with CaptureQueriesContext(connection) as baseline:
            client.get(preview_url("post_session", session))
        for _ in range(4):
            InjectionFactory(session=session)
            ToxinSessionFactory(
                course=session.course,
                performed_at=session.performed_at - datetime.timedelta(days=400),
            )
        with CaptureQueriesContext(connection) as grown:
            client.get(preview_url("post_session", session))
        assert len(grown) == len(baseline)


class TestMvdReferralLetter:
    def test_tells_history_mri_vessel_scores_and_toxin_response(
        self, client, neurologist
    ):
        referral = ReferralFactory(to_name="Ms E. Marsh, consultant neurosurgeon")
        case = referral.course.case
        ResultedStudyFactory(
            case=case,
            mri_neurovascular_compression=True,
            mri_compression_side="right",
            mri_offending_vessels=["aica"],
        )
        AssessmentFactory(case=case, assessed_on=datetime.date(2026, 1, 5))
        ToxinSessionFactory(course__case=case, benefit="slight")
        letter = produce(client, neurologist, "mvd_referral", referral)
        text = pdf_text(letter)
        for expected in [
            "Dear Ms E. Marsh, consultant neurosurgeon",
            "microvascular decompression",
            "neurovascular compression on the right side, offending vessel AICA",
            "Left AICA loop contacting the facial nerve root exit zone.",
            "5 Jan 2026 Jankovic Rating Scale 5",
            "Slight",
        ]:
            assert expected in text, expected

    def test_only_for_a_referral_to_neurosurgery(self, client, neurologist):
        referral = ReferralFactory(specialty="ophthalmology")
        client.force_login(neurologist)
        response = client.get(preview_url("mvd_referral", referral), follow=True)
        assert "for a referral to neurosurgery" in response.content.decode()


class TestAppointmentLetter:
    def test_a_child_s_letter_goes_to_the_guardian_in_plain_words(
        self, client, scheduler, settings
    ):
        settings.TIME_ZONE = "America/New_York"
        child = PatientFactory(
            given_name="Mia", date_of_birth=datetime.date(2016, 4, 1)
        )
        GuardianFactory(patient=child, full_name="Rosa Diaz", holds_consent=True)
        starts = datetime.datetime(2027, 3, 4, 15, 30, tzinfo=datetime.UTC)
        booked = AppointmentFactory(
            patient=child,
            kind="toxin_session",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(minutes=30),
            clinician=UserFactory(first_name="Tom", last_name="Fairweather"),
        )
        letter = produce(client, scheduler, "appointment", booked)
        text = pdf_text(letter)
        assert "Dear Rosa Diaz" in text
        assert "Mia has a treatment session on Thursday 4 March 2027 at 10:30" in text
        assert "with Tom Fairweather" in text
        assert "01632 960000" in text
        for clinical in ["botox", "toxin", "spasm", "g51"]:
            assert clinical not in text.lower()
        assert letter.signed_by is None

    def test_a_cancelled_appointment_has_none(self, client, scheduler):
        booked = AppointmentFactory(status="cancelled", cancel_reason="Unwell.")
        client.force_login(scheduler)
        client.post(preview_url("appointment", booked))
        assert not Letter.objects.exists()


class TestKeptCopies:
    def test_the_chart_lists_it_and_it_downloads_as_pdf(
        self, client, neurologist, session
    ):
        letter = produce(client, neurologist, "post_session", session)
        patient = session.course.case.patient
        chart = client.get(reverse("patient_chart", args=[patient.pk])).content.decode()
        assert reverse("letter_pdf", args=[letter.pk]) in chart
        response = client.get(reverse("letter_pdf", args=[letter.pk]))
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        download = AccessLog.objects.filter(action=AccessAction.DOWNLOAD).get()
        assert (download.record_type, download.record_id) == (
            "clinic.letter",
            letter.pk,
        )

    def test_a_scheduler_neither_reads_nor_lists_a_clinical_letter(
        self, client, neurologist, scheduler, session
    ):
        letter = produce(client, neurologist, "post_session", session)
        client.force_login(scheduler)
        assert client.get(reverse("letter_pdf", args=[letter.pk])).status_code == 403
        assert client.get(preview_url("post_session", session)).status_code == 403
        patient = session.course.case.patient
        chart = client.get(reverse("patient_chart", args=[patient.pk])).content.decode()
        assert reverse("letter_pdf", args=[letter.pk]) not in chart

    def test_a_therapist_reads_but_does_not_produce(self, client, therapist, session):
        client.force_login(therapist)
        assert client.post(preview_url("post_session", session)).status_code == 403
        assert not Letter.objects.exists()

    def test_an_unknown_kind_is_not_found(self, client, neurologist, session):
        client.force_login(neurologist)
        assert client.get(preview_url("postcard", session)).status_code == 404


def test_a_letter_whose_file_is_gone_is_not_found(client, neurologist, session):
    letter = produce(client, neurologist, "post_session", session)
    letter.pdf.delete(save=False)
    response = client.get(reverse("letter_pdf", args=[letter.pk]))
    assert response.status_code == 404
