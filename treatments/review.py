"""Toxin sessions charted before a rule existed that break it now.

Rows are never changed to fit a new rule: they are listed here for a clinician
to review and correct (or mark entered in error) on the clinician page. Each
check is one query, however many sessions there are.
"""

from collections.abc import Iterator
from typing import NamedTuple

from django.db.models import DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from treatments import dosing
from treatments.models import FUTURE_TOLERANCE, ToxinSession, Vial, vial_sizes_sold

ZERO = Value(0, output_field=DecimalField(max_digits=9, decimal_places=2))


class Breach(NamedTuple):
    session_id: int
    rule: str


def _vial_size_not_sold() -> Q:
    unsold = Q(pk__in=[])
    for product in dosing.PRODUCTS:
        unsold |= Q(session__product=product) & ~Q(
            size_units__in=vial_sizes_sold(product)
        )
    return unsold


def _ready_made_reconstituted() -> Q:
    ready_made = [
        code for code, facts in dosing.PRODUCTS.items() if facts.ready_made_units_per_ml
    ]
    return Q(session__product__in=ready_made, diluent_volume_ml__isnull=False)


def _vial_breaches() -> Iterator[Breach]:
    vials = Vial.objects.filter(session__entered_in_error=False)
    for rule, condition in (
        ("vial size the product is not sold in", _vial_size_not_sold()),
        ("ready-made solution charted as reconstituted", _ready_made_reconstituted()),
    ):
        for session_id in vials.filter(condition).values_list("session", flat=True):
            yield Breach(session_id, rule)
    overdrawn = (
        vials.annotate(charted=Coalesce(Sum("injections__units"), ZERO))
        .filter(charted__gt=F("size_units") - F("units_discarded"))
        .values_list("session", flat=True)
    )
    for session_id in overdrawn:
        yield Breach(session_id, "more units charted than the vial held")


def _session_breaches() -> Iterator[Breach]:
    sessions = ToxinSession.objects.valid()
    before_birth = sessions.annotate(
        day=TruncDate("performed_at", tzinfo=timezone.get_current_timezone())
    ).filter(day__lt=F("course__case__patient__date_of_birth"))
    for session_id in before_birth.values_list("pk", flat=True):
        yield Breach(session_id, "given before the patient's birth")
    future = sessions.filter(performed_at__gt=timezone.now() + FUTURE_TOLERANCE)
    for session_id in future.values_list("pk", flat=True):
        yield Breach(session_id, "charted as given in the future")


def rule_breaches() -> list[Breach]:
    """Every valid session that breaks a hard rule, by session, then rule."""
    breaches = [*_vial_breaches(), *_session_breaches()]
    return sorted(set(breaches), key=lambda b: (b.session_id, b.rule))
