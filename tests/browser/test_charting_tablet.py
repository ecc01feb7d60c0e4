"""In Chromium at 820 px (a tablet): the charting page's injected sites show
each muscle's whole name, with each field's label, and neither the sites table
nor the page scrolls sideways; at 1366 px they stay a table with its header."""

import pytest

from tests.factories import InjectionFactory, ToxinSessionFactory
from treatments.models import Muscle, Side

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MUSCLES = (
    Muscle.OO_PRETARSAL_UPPER_LATERAL,
    Muscle.OO_PRETARSAL_UPPER_MEDIAL,
    Muscle.OO_PRETARSAL_LOWER_LATERAL,
)


def layout(page) -> dict:
    return page.evaluate(
        """(() => {
            const table = document.querySelector('.sites-table');
            const box = table.closest('.table-responsive');
            const muscle = table.querySelector('select[name$="-muscle"]');
            const option = muscle.options[muscle.selectedIndex].text;
            const probe = document.createElement('canvas').getContext('2d');
            probe.font = getComputedStyle(muscle).font;
            return {
                tableScrolls: box.scrollWidth > box.clientWidth,
                pageScrolls: document.documentElement.scrollWidth > innerWidth,
                muscleFits: probe.measureText(option).width + 40 <= muscle.clientWidth,
                headerShown: getComputedStyle(table.tHead).display !== 'none',
                labelShown: table.querySelector('td > .visually-hidden')
                    .getBoundingClientRect().width > 1,
            };
        })()"""
    )


@pytest.mark.parametrize("width", [820, 1366])
def test_the_sites_read_apart(page, log_in, injector, width):
    previous = ToxinSessionFactory()
    for muscle in MUSCLES:
        InjectionFactory(session=previous, muscle=muscle, side=Side.LEFT)
    page.set_viewport_size({"width": width, "height": 1000})
    log_in(injector)

    page.goto(f"/treatments/courses/{previous.course.pk}/sessions/new/?repeat=1")

    found = layout(page)
    assert not found["tableScrolls"] and not found["pageScrolls"]
    if width == 820:
        assert found["muscleFits"] and found["labelShown"]
        assert not found["headerShown"]
    else:
        assert found["headerShown"] and not found["labelShown"]
