"""A case's red flags at the toxin sessions: the warning shown before every
session while a flag waits for a neurologist's acknowledgement, and the flag the
adverse effects after a session raise (the distant spread of toxin, DOMAIN.md
5.1), kept on the case by the follow-up that records them.

The rule itself is patients/red_flags.py's, with the others; where flags are
kept is patients/flagging.py's.
"""

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext

from patients import flagging
from patients import red_flags as rules
from patients.models import Case
from treatments.models import DISTANT_SPREAD_SIGNS, AdverseEffect
from treatments.safety import SafetyWarning

RED_FLAG = "red_flag"


def red_flag_warning(labels: Iterable[str]) -> list[SafetyWarning]:
    """Flags acknowledged by a neurologist no longer warn; a new one does."""
    labels = list(labels)
    if not labels:
        return []
    return [
        SafetyWarning(
            RED_FLAG,
            gettext(
                "Red flag on the case: %(flags)s. Review before injecting; a "
                "neurologist acknowledges it on the chart."
            )
            % {"flags": "; ".join(labels)},
        )
    ]


def distant_spread_signs(case: Case) -> list[rules.SpreadSign]:
    """The adverse effects after the case's valid toxin sessions that may be the
    toxin's distant spread (one query)."""
    effects = (
        AdverseEffect.objects.filter(
            session__course__case=case,
            session__entered_in_error=False,
            kind__in=DISTANT_SPREAD_SIGNS,
        )
        .select_related("session")
        .order_by("onset_on", "pk")
    )
    return [
        rules.SpreadSign(
            evidence=f"adverse_effect:{effect.pk}",
            what=effect.get_kind_display(),
            onset_on=effect.onset_on,
            session_on=timezone.localtime(effect.session.performed_at).date(),
        )
        for effect in effects
    ]


def refresh_toxin_flags(case: Case, *, by) -> bool:
    return flagging.store_toxin_flags(
        case, rules.distant_spread(distant_spread_signs(case)), by=by
    )
