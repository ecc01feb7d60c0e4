"""The toxin recall list: active toxin courses whose next session is due soon or
overdue, with nothing booked yet (issue 4, "Recall").

The dates come from the pure rules of `treatments.intervals`; this module only
fetches what they need, in a constant number of queries however many patients
there are:

1. the courses, with the date and product of the last valid session annotated
   (correlated subqueries) and with patient and responsible clinician joined;
2. the latest three valid sessions with a wear-off date per course (a sliced
   Prefetch, which Django runs as one ROW_NUMBER() window query);
3. the latest contact attempt per course (the same, sliced to one);
4. the patients' guardians.

Courses whose last session is too recent for any suggestion to fall inside the
horizon are left out in SQL (a suggestion is never before the earliest safe
date); the exact due date of the rest is worked out in Python.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone
from django.utils.http import urlencode

from patients.models import Guardian, Patient
from scheduling.models import Appointment, AppointmentKind, RecallContact
from treatments import intervals
from treatments.models import (
    CourseKind,
    CourseStatus,
    Product,
    ToxinSession,
    TreatmentCourse,
)

DEFAULT_HORIZON_WEEKS = 4


@dataclass(frozen=True)
class RecallItem:
    """One row of the recall list: scheduling facts only, no clinical findings."""

    course: TreatmentCourse
    last_session_at: datetime.datetime
    product: str
    earliest_on: datetime.date
    suggested_on: datetime.date
    today: datetime.date
    latest_contact: RecallContact | None

    @property
    def patient(self) -> Patient:
        return self.course.case.patient

    @property
    def last_session_on(self) -> datetime.date:
        return timezone.localtime(self.last_session_at).date()

    @property
    def product_label(self) -> str:
        return dict(Product.choices).get(self.product, self.product)

    @property
    def days_overdue(self) -> int:
        return intervals.days_overdue(self.suggested_on, self.today)

    @property
    def days_until_due(self) -> int:
        return max((self.suggested_on - self.today).days, 0)

    @property
    def is_overdue(self) -> bool:
        return self.days_overdue > 0

    @property
    def is_minor(self) -> bool:
        return self.patient.is_minor_on(self.today)

    @property
    def guardians(self) -> list[Guardian]:
        """Who to contact for a minor (prefetched); nobody extra for an adult."""
        return list(self.patient.guardians.all()) if self.is_minor else []

    @property
    def book_on(self) -> datetime.date:
        """The date offered to the booking page: the suggested date, or today for
        a patient already overdue (a past date cannot be booked)."""
        return max(self.suggested_on, self.today)

    def booking_query(self) -> str:
        """The query string of the booking page for this patient and course."""
        return urlencode(
            {
                "patient": self.patient.pk,
                "course": self.course.pk,
                "kind": AppointmentKind.TOXIN_SESSION,
                "date": self.book_on.isoformat(),
            }
        )


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _last_valid_session(field: str) -> Subquery:
    return Subquery(
        ToxinSession.objects.valid()
        .filter(course=OuterRef("pk"))
        .order_by("-performed_at", "-pk")
        .values(field)[:1]
    )


def with_recall_facts(courses: QuerySet, *, today: datetime.date) -> QuerySet:
    """The courses with what a recall row shows: the last valid session's time and
    product, whether a toxin session is booked from today on, the latest three
    durations of benefit, the latest contact attempt and the guardians.

    A booking today counts even if its start time has passed: the patient may be
    in the waiting room."""
    # An open toxin appointment takes the patient off the list.
    booked = Appointment.objects.open().filter(
        patient=OuterRef("case__patient"),
        kind=AppointmentKind.TOXIN_SESSION,
        starts_at__gte=_start_of(today),
    )
    history = (
        ToxinSession.objects.valid()
        .filter(wore_off_on__isnull=False)
        .order_by("-performed_at", "-pk")
        .only("pk", "course", "performed_at", "wore_off_on")
    )
    latest_contact = RecallContact.objects.select_related("contacted_by").order_by(
        "-contacted_at", "-pk"
    )
    return (
        courses.annotate(
            last_session_at=_last_valid_session("performed_at"),
            last_product=_last_valid_session("product"),
            booked=Exists(booked),
        )
        .select_related("case__patient", "responsible_clinician")
        .prefetch_related(
            Prefetch(
                "toxin_sessions",
                queryset=history[: intervals.HISTORY_SESSIONS],
                to_attr="benefit_history",
            ),
            Prefetch(
                "recall_contacts",
                queryset=latest_contact[:1],
                to_attr="latest_contacts",
            ),
            "case__patient__guardians",
        )
    )


def recall_item(
    course: TreatmentCourse,
    *,
    today: datetime.date,
    minimum_days: int | None = None,
) -> RecallItem | None:
    """The recall facts of a course loaded through `with_recall_facts`; None when
    it has no valid session yet (there is nothing to count from)."""
    if course.last_session_at is None:
        return None
    if minimum_days is None:
        minimum_days = settings.CLINIC_MIN_REINJECTION_DAYS
    last_on = timezone.localtime(course.last_session_at).date()
    # The attempts of an earlier recall (before the last session) are not this one's.
    contact = next(iter(course.latest_contacts), None)
    if contact is not None and contact.contacted_at < course.last_session_at:
        contact = None
    return RecallItem(
        course=course,
        last_session_at=course.last_session_at,
        product=course.last_product,
        earliest_on=intervals.earliest_safe_date(last_on, minimum_days),
        suggested_on=intervals.suggested_date(
            last_on,
            [session.benefit_days for session in course.benefit_history],
            course.planned_interval_days,
            minimum_days,
        ),
        today=today,
        latest_contact=contact,
    )


def due_for_recall(
    *,
    today: datetime.date,
    horizon_days: int = DEFAULT_HORIZON_WEEKS * 7,
    clinician=None,
    product: str = "",
    minimum_days: int | None = None,
) -> list[RecallItem]:
    """Active toxin courses with a valid session, suggested for a date up to
    `horizon_days` from today (or overdue), with no toxin session booked for the
    patient, soonest first.

    `clinician` is the course's responsible clinician; `product` is the product of
    the last valid session."""
    if minimum_days is None:
        minimum_days = settings.CLINIC_MIN_REINJECTION_DAYS
    horizon_end = today + datetime.timedelta(days=horizon_days)
    # A suggestion is never before last session + minimum, so a later last session
    # cannot be due inside the horizon.
    latest_possible = horizon_end - datetime.timedelta(days=minimum_days)
    courses = with_recall_facts(
        TreatmentCourse.objects.filter(
            kind=CourseKind.BOTULINUM_TOXIN, status=CourseStatus.ACTIVE
        ),
        today=today,
    ).filter(
        booked=False,
        last_session_at__lt=_start_of(latest_possible + datetime.timedelta(days=1)),
    )
    if clinician is not None:
        courses = courses.filter(responsible_clinician=clinician)
    if product:
        courses = courses.filter(last_product=product)
    items = [
        item
        for item in (
            recall_item(course, today=today, minimum_days=minimum_days)
            for course in courses
        )
        if item is not None and item.suggested_on <= horizon_end
    ]
    return sorted(
        items,
        key=lambda item: (
            item.suggested_on,
            item.patient.family_name,
            item.patient.given_name,
            item.course.pk,
        ),
    )
