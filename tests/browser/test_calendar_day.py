"""In Chromium: the whole clinic's day shows every clinician's column whole, at
1366 px four in a row and at 820 px two, and the page never scrolls sideways."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import AppointmentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def column_boxes(page) -> list[dict]:
    """Each column's box, and whether it lies inside the page's main container
    (a column past its edge is cut off, or hidden in a sideways scroll)."""
    return page.evaluate(
        """(() => {
            const main = document.querySelector('main').getBoundingClientRect();
            return Array.from(document.querySelectorAll('.calendar-column')).map(c => {
                const box = c.getBoundingClientRect();
                return {top: box.top,
                        inside: box.left >= main.left && box.right <= main.right};
            });
        })()"""
    )


@pytest.mark.parametrize(("width", "per_row"), [(1366, 4), (820, 2)])
def test_every_clinicians_column_is_whole(page, log_in, scheduler, width, per_row):
    day = timezone.localdate()
    while day.weekday() > 4:
        day += datetime.timedelta(days=1)
    for n in range(4):
        clinician = UserFactory(roles=["Neurologist"], last_name=f"Clinician{n}")
        AppointmentFactory(
            clinician=clinician,
            starts_at=timezone.make_aware(
                datetime.datetime.combine(day, datetime.time(9 + n))
            ),
        )
    page.set_viewport_size({"width": width, "height": 900})
    log_in(scheduler)

    page.goto(f"/treatments/calendar/day/?date={day.isoformat()}")

    boxes = column_boxes(page)
    assert len(boxes) == 4
    assert all(box["inside"] for box in boxes)
    first_row = [box for box in boxes if box["top"] == boxes[0]["top"]]
    assert len(first_row) == per_row
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
