"""The toxin recall list: active toxin courses whose next session is due soon or
overdue, with nothing booked yet (issue 4, "Recall").

The dates are the course's stored recall facts (TreatmentCourse.
refresh_recall_facts, from the pure rules of `treatments.intervals`), so the list
is filtered, sorted, counted and paginated in SQL; only the rows shown fetch
their latest contact attempt and guardians (two more queries, however many).
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    QuerySet,
    prefetch_related_objects,
)
from django.utils import timezone
from django.utils.http import urlencode

from patients.models import Guardian, Patient
from scheduling.models import Appointment, AppointmentKind, RecallContact
from treatments import intervals
from treatments.models import Product, TreatmentCourse

DEFAULT_HORIZON_WEEKS = 4
# The recall list counts the due courses up to this many: at 100,000 patients
# thousands may be due, and counting them all costs more than the page; past it
# the page says "more than", and the filters narrow the list.
COUNT_CAP = 500


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


def due_courses(
    *,
    today: datetime.date,
    horizon_days: int = DEFAULT_HORIZON_WEEKS * 7,
    clinician=None,
    product: str = "",
) -> QuerySet:
    """Active toxin courses suggested for a date up to `horizon_days` from today
    (or overdue), with no toxin session booked for the patient, soonest first.

    `clinician` is the course's responsible clinician; `product` is the product of
    the last valid session. A booking today counts even if its start time has
    passed: the patient may be in the waiting room."""
    booked = Appointment.objects.open().filter(
        patient=OuterRef("case__patient"),
        kind=AppointmentKind.TOXIN_SESSION,
        starts_at__gte=_start_of(today),
    )
    courses = (
        TreatmentCourse.objects.active_toxin()
        .suggested_by(today + datetime.timedelta(days=horizon_days))
        # Nobody recalls a patient who has died.
        .filter(case__patient__date_of_death__isnull=True)
        .exclude(Exists(booked))
        .select_related("case__patient", "responsible_clinician")
        .order_by(
            "suggested_next_on",
            "case__patient__family_name",
            "case__patient__given_name",
            "pk",
        )
    )
    if clinician is not None:
        courses = courses.filter(responsible_clinician=clinician)
    if product:
        courses = courses.filter(last_session_product=product)
    return courses


@dataclass(frozen=True)
class DueCounts:
    """How many courses are due and overdue, each at most COUNT_CAP."""

    # Each up to COUNT_CAP + 1: more than COUNT_CAP when it says so.
    counted: int
    overdue_counted: int

    @property
    def capped(self) -> bool:
        return self.counted > COUNT_CAP

    @property
    def total(self) -> int:
        return min(self.counted, COUNT_CAP)

    @property
    def overdue_capped(self) -> bool:
        return self.overdue_counted > COUNT_CAP

    @property
    def overdue(self) -> int:
        return min(self.overdue_counted, COUNT_CAP)


def due_counts(courses: QuerySet, *, today: datetime.date) -> DueCounts:
    """Both counts of due_courses in one query over the first COUNT_CAP + 1 by
    suggested date: the overdue ones come first, so they are counted exactly
    unless more than COUNT_CAP are overdue."""
    dates = list(
        courses.order_by("suggested_next_on").values_list(
            "suggested_next_on", flat=True
        )[: COUNT_CAP + 1]
    )
    overdue = sum(1 for suggested in dates if suggested < today)
    return DueCounts(counted=len(dates), overdue_counted=overdue)


def recall_items(courses, *, today: datetime.date) -> list[RecallItem]:
    """The rows shown for these courses (a page of due_courses, or one course
    with select_related patient): their latest contact attempt and guardians are
    fetched for these alone."""
    courses = [course for course in courses if course.last_session_at is not None]
    latest_contact = RecallContact.objects.select_related("contacted_by").order_by(
        "-contacted_at", "-pk"
    )
    prefetch_related_objects(
        courses,
        Prefetch("recall_contacts", queryset=latest_contact[:1], to_attr="latest"),
        "case__patient__guardians",
    )
    return [_recall_item(course, today=today) for course in courses]


def _recall_item(course: TreatmentCourse, *, today: datetime.date) -> RecallItem:
    # The attempts of an earlier recall (before the last session) are not this one's.
    contact = next(iter(course.latest), None)
    if contact is not None and contact.contacted_at < course.last_session_at:
        contact = None
    return RecallItem(
        course=course,
        last_session_at=course.last_session_at,
        product=course.last_session_product,
        earliest_on=course.earliest_next_on,
        suggested_on=course.suggested_next_on,
        today=today,
        latest_contact=contact,
    )


def due_for_recall(*, today: datetime.date, **filters) -> list[RecallItem]:
    """Every row of the recall list (due_courses' filters), soonest first."""
    return recall_items(due_courses(today=today, **filters), today=today)
