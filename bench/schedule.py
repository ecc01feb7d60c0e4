"""Appointments (never two active ones at once for a clinician or a patient),
reminders, recall contacts, the waitlist, calendar feeds and the access log."""

import datetime

from clinic.models import AccessLog
from scheduling.models import (
    Appointment,
    CalendarFeed,
    RecallContact,
    Reminder,
    WaitlistEntry,
)

DAY = datetime.timedelta(days=1)
OPENS, CLOSES = 8 * 60, 18 * 60  # minutes after midnight
MINUTES = {
    "new_patient": 45,
    "follow_up": 20,
    "toxin_session": 30,
    "therapy": 45,
    "study": 30,
}
BOOKING_WINDOW_DAYS = 42
RECALL_WINDOW_DAYS = 35


class Calendar:
    """Each clinician's days filled from opening time, one appointment after
    another, so that no two active appointments of a clinician overlap; a
    patient gets at most one appointment a day, so theirs never overlap either."""

    def __init__(self):
        self.next_free = {}  # (clinician, day) -> minutes after midnight
        self.patient_days = set()

    def slot(self, clinician, patient, day, minutes, step) -> tuple | None:
        """The first free (day, minute) for the visit on `day` or the clinic
        days after it (step +1) or before it (step -1)."""
        for _ in range(60):
            if day.weekday() < 5 and (patient, day) not in self.patient_days:
                start = self.next_free.get((clinician, day), OPENS)
                if start + minutes <= CLOSES:
                    self.next_free[clinician, day] = start + -(-minutes // 15) * 15
                    self.patient_days.add((patient, day))
                    return day, start
            day += step * DAY
        return None


class Schedule:
    def __init__(self, stories):
        self.stories = stories
        self.spool = stories.spool
        self.rng = stories.rng
        self.today = stories.today
        self.calendar = Calendar()

    def book(self, person, clinician, kind, day, step, *, status, course=None):
        found = self.calendar.slot(clinician, person["id"], day, MINUTES[kind], step)
        if found is None:
            return None
        day, minute = found
        starts = self.stories.at(day, minute)
        appointment = self.spool[Appointment].add(
            patient=person["id"],
            clinician=clinician,
            kind=kind,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(minutes=MINUTES[kind]),
            status=status,
            course=course,
            cancel_reason="Patient unwell." if status == "cancelled" else "",
        )
        if status in ("booked", "confirmed") and person["email"] and day > self.today:
            self.spool[Reminder].add(
                appointment=appointment,
                for_starts_at=starts,
                recipient=person["email"],
            )
        return appointment

    def patient(self, person: dict) -> None:
        """About half an appointment per patient: mostly past visits, some
        today and in the coming weeks."""
        rng, staff = self.rng, self.stories.staff
        if rng.random() < 0.32:
            kind = rng.choice(("follow_up", "follow_up", "new_patient", "study"))
            day = self.today - rng.randint(1, 730) * DAY
            status = rng.choices(("completed", "cancelled", "no_show"), (85, 8, 7))[0]
            self.book(
                person, rng.choice(staff.neurologists), kind, day, -1, status=status
            )
        if rng.random() < 0.03:
            status = rng.choice(("booked", "confirmed", "arrived"))
            clinician = rng.choice(staff.clinicians)
            self.book(person, clinician, "follow_up", self.today, 0, status=status)
        for course in person["courses"]:
            if course["kind"] == "pt" and rng.random() < 0.3:
                day = self.today + rng.randint(1, BOOKING_WINDOW_DAYS) * DAY
                self.book(
                    person,
                    course["injector"],
                    "therapy",
                    day,
                    1,
                    status="booked",
                    course=course["id"],
                )
        self.access_log(person)

    def recalls(self) -> None:
        """Book the next toxin session of some patients who are due; try to
        reach some of the others; put a few on the waitlist."""
        rng, staff = self.rng, self.stories.staff
        horizon = self.today + BOOKING_WINDOW_DAYS * DAY
        for person, course, due in self.stories.recalls:
            if due <= horizon and rng.random() < 0.45:
                day = max(due, self.today + DAY)
                status = rng.choice(("booked", "confirmed"))
                self.book(
                    person,
                    course["injector"],
                    "toxin_session",
                    day,
                    1,
                    status=status,
                    course=course["id"],
                )
            elif due <= self.today + RECALL_WINDOW_DAYS * DAY and rng.random() < 0.2:
                self.spool[RecallContact].add(
                    course=course["id"],
                    method=rng.choice(("called", "left_message", "letter_sent")),
                    contacted_at=self.stories.at(
                        self.today - rng.randint(0, 14) * DAY, 600
                    ),
                    contacted_by=rng.choice(staff.schedulers),
                )
            if rng.random() < 0.01:
                self.spool[WaitlistEntry].add(
                    patient=person["id"],
                    course=course["id"],
                    kind="toxin_session",
                    clinician=course["injector"],
                    wanted_from=self.today,
                    wanted_until=self.today + 28 * DAY,
                    note="Any weekday morning.",
                )

    def access_log(self, person: dict) -> None:
        """About three chart openings per patient over the last three years."""
        rng, staff = self.rng, self.stories.staff
        for _ in range(rng.randint(1, 5)):
            when = self.stories.at(
                self.today - rng.randint(0, 1095) * DAY, rng.randint(480, 1080)
            )
            self.spool[AccessLog].add(
                user=rng.choice(staff.clinicians),
                patient=person["id"],
                action=rng.choices(("view", "print", "export"), (90, 8, 2))[0],
                at=when,
            )

    def feeds(self) -> None:
        for clinician in self.stories.staff.clinicians:
            if self.rng.random() < 0.5:
                self.spool[CalendarFeed].add(
                    clinician=clinician, token=f"{self.rng.getrandbits(256):064x}"
                )
