"""POSTs of the toxin charting page as a browser sends them, and the records
the charting tests start from; shared by the tests of every door that charts."""

import datetime
import uuid
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    CaseFactory,
    InjectionFactory,
    ToxinSessionFactory,
    TreatmentCourseFactory,
)
from treatments.models import (
    Muscle,
    Product,
    Side,
)

ONA = Product.ONABOTULINUMTOXINA
LOCAL = datetime.timezone(datetime.timedelta(0))  # Europe/London in winter is UTC


def local(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=LOCAL)


def create_url(course) -> str:
    return reverse("treatments:toxinsession_create", args=[course.pk])


VIAL_FIELDS = (
    "size_units",
    "lot_number",
    "expiry_date",
    "diluent",
    "diluent_volume_ml",
    "reconstituted_at",
    "units_discarded",
    "waste_reason",
)


def vial_data(index: int, vial=None, **values) -> dict:
    """One vial row of the charting form: a saved `vial` as rendered, or a new
    one with the usual values, changed by `values`."""
    prefix = f"vials-{index}-"
    if vial is not None:
        reconstituted = vial.reconstituted_at and timezone.localtime(
            vial.reconstituted_at
        )
        row = {
            "id": str(vial.pk),
            "session": str(vial.session_id),
            "size_units": str(vial.size_units),
            "lot_number": vial.lot_number,
            "expiry_date": vial.expiry_date.isoformat(),
            "diluent": vial.diluent,
            "diluent_volume_ml": str(vial.diluent_volume_ml or ""),
            "reconstituted_at": f"{reconstituted:%Y-%m-%dT%H:%M}"
            if reconstituted
            else "",
            "units_discarded": str(vial.units_discarded),
            "waste_reason": vial.waste_reason,
        }
    else:
        row = {
            "size_units": "100",
            "lot_number": "C5678C3",
            "expiry_date": "2027-01-31",
            "diluent": "0.9% sodium chloride, preservative-free",
            "diluent_volume_ml": "4",
            "reconstituted_at": "2026-03-02T09:00",
            "units_discarded": "0",
            "waste_reason": "",
        }
    row.update(values)
    return {prefix + name: value for name, value in row.items()}


def vial_formset_data(vials: list[dict], *, initial: int = 0) -> dict:
    """The vial rows (already prefixed) and one blank row, as on the page."""
    data = {
        "vials-TOTAL_FORMS": str(len(vials) + 1),
        "vials-INITIAL_FORMS": str(initial),
        "vials-MIN_NUM_FORMS": "1",
        "vials-MAX_NUM_FORMS": "1000",
        f"vials-{len(vials)}-diluent": "0.9% sodium chloride, preservative-free",
        f"vials-{len(vials)}-units_discarded": "0",
    }
    for row in vials:
        data.update(row)
    return data


def injection_data(existing: list, rows, vial_numbers: dict) -> dict:
    """The injection rows: saved ones first, then new ones, then two blank."""
    total = len(existing) + len(rows) + 2
    data = {
        "injections-TOTAL_FORMS": str(total),
        "injections-INITIAL_FORMS": str(len(existing)),
        "injections-MIN_NUM_FORMS": "0",
        "injections-MAX_NUM_FORMS": "1000",
    }
    for index, injection in enumerate(existing):
        prefix = f"injections-{index}-"
        data.update(
            {
                prefix + "id": str(injection.pk),
                prefix + "session": str(injection.session_id),
                prefix + "muscle": injection.muscle,
                prefix + "side": injection.side,
                prefix + "units": str(injection.units),
                prefix + "points": str(injection.points),
                prefix + "route": injection.route,
                prefix + "vial_number": str(vial_numbers.get(injection.vial_id, 1)),
            }
        )
    for index in range(len(existing), total):
        prefix = f"injections-{index}-"
        offset = index - len(existing)
        row = rows[offset] if offset < len(rows) else ("", "", "")
        muscle, side, units = row[:3]
        data.update(
            {
                prefix + "muscle": muscle,
                prefix + "side": side,
                prefix + "units": units,
                prefix + "points": "1",
                prefix + "route": "im",
                prefix + "vial_number": str(row[3]) if len(row) > 3 else "1",
            }
        )
    return data


def session_data(
    injector, rows=None, *, existing=(), existing_vials=(), **changes
) -> dict:
    """A POST of the charting form: session fields, the vial rows, then the
    injection rows.

    `existing_vials` are saved vials (sent first); without them there is one new
    vial. Changes named like a vial field go to the first vial. `existing` are
    saved Injection rows (sent first, as the formset renders them); `rows` are
    new rows as (muscle, side, units) or (muscle, side, units, vial number);
    blank rows follow, as on the page.
    """
    if rows is None:
        rows = [(Muscle.OO_PRETARSAL_UPPER_LATERAL, Side.RIGHT, "2.5")]
    vial_changes = {k: changes.pop(k) for k in VIAL_FIELDS if k in changes}
    data = {
        "form_token": str(uuid.uuid4()),
        "product": ONA,
        "performed_at": "2026-03-02T10:00",
        "consent_obtained": "on",
        "consent_information_version": "v3",
        "distant_spread_risk_discussed": "on",
        "guidance": "none",
        "injector": str(injector.pk),
        "assistant": "",
        "notes": "",
    }
    existing_vials = list(existing_vials)
    if existing_vials:
        vials = [
            vial_data(index, vial, **(vial_changes if index == 0 else {}))
            for index, vial in enumerate(existing_vials)
        ]
    else:
        vials = [vial_data(0, **vial_changes)]
    data.update(vial_formset_data(vials, initial=len(existing_vials)))
    numbers = {vial.pk: n for n, vial in enumerate(existing_vials, start=1)}
    data.update(injection_data(list(existing), rows, numbers))
    data.update(changes)
    return data


def field_errors(response, name: str, *, vial: int = 0) -> list[str]:
    """The errors of a session field, or of a vial field on vial `vial`."""
    if name in VIAL_FIELDS:
        return response.context["vials"].forms[vial].errors.get(name, [])
    return response.context["form"].errors.get(name, [])


def earlier_session(patient, days_before: int, product=ONA, units="25"):
    """A valid session `days_before` days before 2 March 2026, in another course."""
    session = ToxinSessionFactory(
        course=TreatmentCourseFactory(case=CaseFactory(patient=patient)),
        performed_at=local("2026-03-02T10:00") - datetime.timedelta(days=days_before),
        product=product,
    )
    InjectionFactory(session=session, units=Decimal(units))
    return session
