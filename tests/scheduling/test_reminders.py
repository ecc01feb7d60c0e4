import datetime
import smtplib
import threading
import time
from io import StringIO
from unittest import mock

import pytest
from django.core.mail import EmailMessage
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from scheduling import reminders
from scheduling.models import AppointmentKind, AppointmentStatus, Reminder
from tests.factories import (
    AppointmentFactory,
    CaseFactory,
    ConsentingPatientFactory,
    GuardianFactory,
    TreatmentCourseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
# Monday 6 July 2026, 09:00 in London (BST, UTC+1).
NOW = datetime.datetime(2026, 7, 6, 8, 0, tzinfo=UTC)
# Wednesday 8 July 2026, 10:30 in London.
IN_TWO_DAYS = datetime.datetime(2026, 7, 8, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clinic_in_london(settings):
    settings.TIME_ZONE = "Europe/London"
    settings.CLINIC_REMINDER_DAYS_BEFORE = 2
    settings.CLINIC_REMINDER_FROM_EMAIL = "reminders@clinic.example"


def appointment_for(patient, starts_at=IN_TWO_DAYS, **kwargs):
    return AppointmentFactory(patient=patient, starts_at=starts_at, **kwargs)


def send(now=NOW, days=2):
    return reminders.send_reminders(days=days, now=now)


@pytest.fixture
def adult():
    return ConsentingPatientFactory(mrn="HFS-123456", email="maria@example.org")


def test_consenting_adult_gets_one_plain_reminder_in_clinic_time(adult, mailoutbox):
    clinician = UserFactory(first_name="Priya", last_name="Raman")
    case = CaseFactory(patient=adult, notes="Left hemifacial spasm, AICA loop on MRI.")
    appointment = appointment_for(
        adult,
        clinician=clinician,
        kind=AppointmentKind.TOXIN_SESSION,
        course=TreatmentCourseFactory(case=case),
        notes="Botox 100U vial, bring lot",
    )

    result = send()

    assert (result.sent, result.failed, result.no_address) == (1, 0, 0)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["maria@example.org"]
    assert message.from_email == "reminders@clinic.example"
    text = f"{message.subject}\n{message.body}"
    assert "Wednesday 8 July" in message.subject
    assert "10:30" in message.subject
    assert "Wednesday 8 July 2026" in message.body
    assert "10:30" in message.body
    assert "09:30" not in text  # UTC, not the clinic's clocks
    assert "treatment session" in text
    assert "Priya Raman" in message.body
    assert "call the clinic" in message.body
    for clinical in (
        "toxin",
        "botulinum",
        "botox",
        "spasm",
        "hemifacial",
        "aica",
        "mri",
        "g51",
        "hfs-123456",
        "maria",  # no patient name either: the address is enough
    ):
        assert clinical not in text.lower().replace("maria@example.org", "")
    reminder = Reminder.objects.get()
    assert reminder.appointment == appointment
    assert reminder.for_starts_at == IN_TWO_DAYS
    assert reminder.recipient == "maria@example.org"
    assert reminder.status == "sent"
    assert reminder.attempts == 1
    assert reminder.sent_at is not None
    assert reminder.last_error == ""


def test_minor_is_reminded_through_the_guardian_who_holds_consent(mailoutbox):
    child = ConsentingPatientFactory(
        date_of_birth=datetime.date(2015, 9, 1), email="child@example.org"
    )
    GuardianFactory(patient=child, email="", holds_consent=True)
    GuardianFactory(patient=child, email="uncle@example.org", holds_consent=False)
    GuardianFactory(patient=child, email="mum@example.org", holds_consent=True)
    appointment_for(child)

    send()

    assert [message.to for message in mailoutbox] == [["mum@example.org"]]
    assert Reminder.objects.get().recipient == "mum@example.org"


def test_minor_without_a_consenting_guardian_address_is_not_e_mailed(mailoutbox):
    child = ConsentingPatientFactory(
        date_of_birth=datetime.date(2015, 9, 1), email="child@example.org"
    )
    GuardianFactory(patient=child, email="uncle@example.org", holds_consent=False)
    appointment_for(child)

    result = send()

    assert mailoutbox == []
    assert result.no_address == 1
    assert Reminder.objects.exists() is False


@pytest.mark.parametrize(
    "patient_fields",
    [
        {"reminder_consent": False, "reminder_channel": ""},
        {"reminder_consent": False, "reminder_channel": "email"},
        {"reminder_consent": True, "reminder_channel": "sms"},
        {"reminder_consent": True, "reminder_channel": "email", "email": ""},
        {"is_archived": True},
    ],
    ids=["no-consent", "channel-but-no-consent", "sms", "no-address", "archived"],
)
def test_no_e_mail_without_consent_channel_and_address(patient_fields, mailoutbox):
    appointment_for(ConsentingPatientFactory(**patient_fields))

    send()

    assert mailoutbox == []
    assert Reminder.objects.exists() is False


@pytest.mark.parametrize(
    "status", [AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW]
)
def test_cancelled_and_no_show_appointments_get_no_reminder(adult, status, mailoutbox):
    appointment_for(adult, status=status, cancel_reason="Patient unwell")

    send()

    assert mailoutbox == []
    assert Reminder.objects.exists() is False


def test_confirmed_appointment_is_reminded(adult, mailoutbox):
    appointment_for(adult, status=AppointmentStatus.CONFIRMED)

    send()

    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("starts_at", "reminded"),
    [
        (NOW - datetime.timedelta(minutes=1), False),  # already started
        (NOW + datetime.timedelta(hours=2), True),  # booked at short notice today
        (datetime.datetime(2026, 7, 8, 22, 59, tzinfo=UTC), True),  # 23:59 day +2
        (datetime.datetime(2026, 7, 8, 23, 0, tzinfo=UTC), False),  # 00:00 day +3
        (datetime.datetime(2026, 7, 9, 9, 30, tzinfo=UTC), False),
    ],
    ids=["past", "later-today", "end-of-day-2", "midnight-day-3", "day-3"],
)
def test_reminds_from_now_to_the_end_of_the_day_n_days_ahead(
    adult, starts_at, reminded, mailoutbox
):
    appointment_for(adult, starts_at=starts_at)

    send()

    assert len(mailoutbox) == (1 if reminded else 0)


def test_window_follows_days(adult, mailoutbox):
    appointment_for(adult, starts_at=datetime.datetime(2026, 7, 9, 9, 30, tzinfo=UTC))

    send(days=2)
    assert mailoutbox == []
    send(days=3)
    assert len(mailoutbox) == 1


def test_running_twice_sends_once(adult, mailoutbox):
    appointment_for(adult)

    first = send()
    second = send(now=NOW + datetime.timedelta(minutes=15))

    assert (first.sent, second.sent, second.due) == (1, 0, 0)
    assert len(mailoutbox) == 1
    assert Reminder.objects.count() == 1


def test_failed_send_is_recorded_without_patient_data_and_retried(
    adult, mailoutbox, caplog
):
    appointment_for(adult)
    refused = smtplib.SMTPRecipientsRefused(
        {"maria@example.org": (550, b"maria@example.org: mailbox unavailable")}
    )

    with mock.patch.object(EmailMessage, "send", side_effect=refused):
        failed = send()

    assert (failed.sent, failed.failed) == (0, 1)
    reminder = Reminder.objects.get()
    assert reminder.status == "failed"
    assert reminder.attempts == 1
    assert reminder.last_error == "SMTPRecipientsRefused"
    assert reminder.sent_at is None
    assert "maria" not in caplog.text

    retried = send(now=NOW + datetime.timedelta(minutes=15))

    assert retried.sent == 1
    assert len(mailoutbox) == 1
    reminder.refresh_from_db()
    assert reminder.status == "sent"
    assert reminder.attempts == 2
    assert reminder.last_error == ""


def test_one_failure_does_not_stop_the_other_reminders(mailoutbox):
    first = appointment_for(ConsentingPatientFactory())
    second = appointment_for(
        ConsentingPatientFactory(), starts_at=IN_TWO_DAYS + datetime.timedelta(hours=1)
    )

    with mock.patch.object(
        EmailMessage, "send", side_effect=[smtplib.SMTPServerDisconnected(), 1]
    ):
        result = send()

    assert (result.sent, result.failed) == (1, 1)
    assert Reminder.objects.get(appointment=first).status == "failed"
    assert Reminder.objects.get(appointment=second).status == "sent"


def test_gives_up_after_the_last_attempt(adult, mailoutbox):
    appointment = appointment_for(adult)
    Reminder.objects.create(
        appointment=appointment,
        for_starts_at=appointment.starts_at,
        recipient=adult.email,
        status="failed",
        attempts=reminders.MAX_ATTEMPTS - 1,
        last_error="SMTPServerDisconnected",
    )

    with mock.patch.object(EmailMessage, "send", side_effect=ConnectionError):
        last = send()
    with mock.patch.object(EmailMessage, "send") as after:
        later = send()

    assert (last.failed, last.gave_up) == (0, 1)
    reminder = Reminder.objects.get()
    assert reminder.status == "failed"
    assert reminder.attempts == reminders.MAX_ATTEMPTS
    assert reminder.last_error == "ConnectionError"
    assert later.due == 0
    after.assert_not_called()


def test_rescheduled_appointment_gets_a_second_reminder(adult, mailoutbox):
    appointment = appointment_for(adult)
    send()

    appointment.starts_at = IN_TWO_DAYS - datetime.timedelta(days=1)
    appointment.ends_at = appointment.starts_at + datetime.timedelta(minutes=30)
    appointment.save()
    send(now=NOW + datetime.timedelta(minutes=15))

    assert len(mailoutbox) == 2
    assert "Tuesday 7 July" in mailoutbox[1].subject
    assert sorted(
        Reminder.objects.values_list("for_starts_at", "status").order_by(
            "for_starts_at"
        )
    ) == [(appointment.starts_at, "sent"), (IN_TWO_DAYS, "sent")]


def test_appointment_cancelled_after_a_failed_attempt_is_not_retried(adult, mailoutbox):
    appointment = appointment_for(adult)
    with mock.patch.object(EmailMessage, "send", side_effect=smtplib.SMTPException):
        send()

    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancel_reason = "Patient request"
    appointment.save()
    send()

    assert mailoutbox == []
    assert Reminder.objects.get().status == "failed"


def test_command_sends_and_prints_counts_only(adult, mailoutbox):
    appointment_for(adult, starts_at=timezone.now() + datetime.timedelta(hours=3))
    out = StringIO()

    call_command("send_reminders", stdout=out)

    assert len(mailoutbox) == 1
    assert "1 sent" in out.getvalue()
    assert adult.email not in out.getvalue()
    assert adult.mrn not in out.getvalue()


def test_command_days_defaults_to_the_setting(adult, settings, mailoutbox):
    appointment_for(adult, starts_at=timezone.now() + datetime.timedelta(days=4))

    settings.CLINIC_REMINDER_DAYS_BEFORE = 2
    call_command("send_reminders", stdout=StringIO())
    assert mailoutbox == []
    settings.CLINIC_REMINDER_DAYS_BEFORE = 4
    call_command("send_reminders", stdout=StringIO())
    assert len(mailoutbox) == 1


def test_dry_run_sends_and_records_nothing(adult, mailoutbox):
    appointment_for(adult, starts_at=timezone.now() + datetime.timedelta(hours=3))
    out = StringIO()

    call_command("send_reminders", "--dry-run", "--days", "1", stdout=out)

    assert mailoutbox == []
    assert Reminder.objects.exists() is False
    assert "1 reminder(s) due" in out.getvalue()
    assert adult.email not in out.getvalue()


def test_negative_days_is_refused():
    with pytest.raises(CommandError, match="cannot be negative"):
        call_command("send_reminders", "--days", "-1")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_runs_send_each_reminder_exactly_once():
    for n in range(8):
        appointment_for(
            ConsentingPatientFactory(email=f"patient{n}@example.org"),
            starts_at=IN_TWO_DAYS + datetime.timedelta(minutes=30 * n),
        )
    sent_to = []
    lock = threading.Lock()

    def slow_send(message, fail_silently=False):
        time.sleep(0.05)  # hold the row lock long enough for the runs to overlap
        with lock:
            sent_to.extend(message.to)
        return 1

    start = threading.Barrier(3)
    errors = []

    def run():
        try:
            start.wait()
            send()
        except Exception as error:  # surfaced below: a thread cannot fail the test
            errors.append(error)
        finally:
            connection.close()

    with mock.patch.object(EmailMessage, "send", autospec=True, side_effect=slow_send):
        threads = [threading.Thread(target=run) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == []
    assert sorted(sent_to) == sorted(f"patient{n}@example.org" for n in range(8))
    assert Reminder.objects.count() == 8
    assert set(Reminder.objects.values_list("status", "attempts")) == {("sent", 1)}
