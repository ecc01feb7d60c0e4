"""What a Bundle holds and how its resources point at each other.

A reader is sent only the kinds of record their role may view (as on the chart),
so a reference is made only to a kind the Bundle holds: every reference in it
resolves inside it. Practitioners are written for each user referenced.
"""

import datetime

from django.utils import timezone

# Each kind of record in the export, and the permission that lets a user read it.
KIND_PERMISSIONS = {
    "patient": "patients.view_patient",
    "guardian": "patients.view_guardian",
    "case": "patients.view_case",
    "study": "patients.view_diagnosticstudy",
    "assessment": "patients.view_assessment",
    "course": "treatments.view_treatmentcourse",
    "session": "treatments.view_toxinsession",
    "injection": "treatments.view_injection",
    "adverse_effect": "treatments.view_adverseeffect",
    "therapy": "treatments.view_therapysession",
    "medication": "treatments.view_medicationorder",
    "referral": "treatments.view_referral",
    "followup": "treatments.view_referralfollowup",
    "appointment": "scheduling.view_appointment",
}


def readable_kinds(user) -> frozenset[str]:
    return frozenset(
        kind
        for kind, permission in KIND_PERMISSIONS.items()
        if user.has_perm(permission)
    )


class References:
    """The kinds the Bundle holds, and the practitioners its resources name."""

    def __init__(self, kinds: frozenset[str]):
        self.kinds = kinds
        self.practitioner_ids: set[int] = set()

    def holds(self, kind: str) -> bool:
        return kind in self.kinds

    def to(self, kind: str, resource_type: str, resource_id: str) -> dict | None:
        """A reference to a record of `kind`, or None if the Bundle holds none."""
        if kind not in self.kinds:
            return None
        return {"reference": f"{resource_type}/{resource_id}"}

    def practitioner(self, user_id: int | None) -> dict | None:
        if user_id is None:
            return None
        self.practitioner_ids.add(user_id)
        return {"reference": f"Practitioner/{user_id}"}


def without_empty(resource: dict) -> dict:
    """The resource without the elements left None or empty, and lists without
    their None items (a reference to a kind the Bundle does not hold): FHIR has
    no empty elements."""
    found = {}
    for key, value in resource.items():
        if isinstance(value, list):
            value = [item for item in value if item is not None]
        if value not in (None, "", [], {}):
            found[key] = value
    return found


def instant(value: datetime.datetime | None) -> str | None:
    """A date-time with its offset, in the clinic's time zone."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None
