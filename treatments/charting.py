"""The one write path for a toxin session with its vials and sites.

Every door (the charting page, management commands, importers) hands the
session, its vials and its sites to `chart_toxin_session`, which applies the hard
refusals, computes the safety warnings, requires an override for new ones and
saves everything in one transaction, with history."""

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from clinic.overrides import digest_of
from treatments import safety, services
from treatments.models import Injection, SafetyFlag, ToxinSession, Vial
from treatments.signals import toxin_session_charted

OVERRIDE_PERMISSION = "treatments.override_safety_warnings"


ACKNOWLEDGE_PERMISSION = "treatments.acknowledge_safetyflag"


class OverrideRequired(Exception):
    """The session raises safety warnings that were not overridden: nothing was
    saved. `warnings` are the new ones, `may_override` whether the user may
    override them (never a warning no override replaces, such as consent)."""

    def __init__(self, warnings: list[safety.SafetyWarning], *, may_override: bool):
        super().__init__("; ".join(warning.message for warning in warnings))
        self.warnings = warnings
        self.may_override = may_override


def may_override(user, warnings: Sequence[safety.SafetyWarning]) -> bool:
    """Whether `user` may override these warnings before injecting."""
    return user.has_perm(OVERRIDE_PERMISSION) and not any(
        warning.code in safety.NOT_OVERRIDABLE for warning in warnings
    )


def session_warnings(
    *, session: ToxinSession, vials: Sequence[Vial], sites: Sequence[Injection]
) -> list[safety.SafetyWarning]:
    """The safety warnings for the session as charted (DESIGN.md 5)."""
    return services.toxin_safety_warnings(
        course=session.course,
        product=session.product,
        performed_at=session.performed_at,
        vials=[
            safety.VialCheck(vial.lot_number, vial.expiry_date, vial.reconstituted_at)
            for vial in vials
        ],
        sites=[(site.muscle, site.side, site.units) for site in sites],
        # An imported historical session's consent was the injector's to take
        # when it was given: not recorded, it is listed (not_recorded), not warned.
        consent_obtained=session.consent_obtained or session.is_historical,
        exclude_pk=session.pk,
    )


def pending_warnings(
    *, session: ToxinSession, vials: Sequence[Vial], sites: Sequence[Injection]
) -> list[safety.SafetyWarning]:
    """The session's warnings not overridden or flagged on an earlier save: the
    ones an override must cover."""
    return _not_covered(
        session, session_warnings(session=session, vials=vials, sites=sites)
    )


def _not_covered(
    session: ToxinSession, warnings: list[safety.SafetyWarning]
) -> list[safety.SafetyWarning]:
    """One whose numbers changed since it was overridden is a new warning."""
    seen = set(session.overridden_warnings) | _flagged(session)
    return [w for w in warnings if w.message not in seen]


def warnings_digest(warnings: Sequence[safety.SafetyWarning]) -> str:
    """clinic.overrides.digest_of these warnings' messages, as a page shows them."""
    return digest_of(warning.message for warning in warnings)


def refuse_overdraw(vials: Sequence[Vial], sites: Sequence[Injection]) -> None:
    """Hard refusal: more units charted from a vial than it holds, net of the
    units discarded from it."""
    drawn: dict[int, Decimal] = defaultdict(Decimal)
    for site in sites:
        drawn[id(site.vial)] += site.units
    problems = [vial.overdraw(drawn[id(vial)]) for vial in vials]
    if any(problems):
        raise ValidationError([text for text in problems if text])


def _check_records(
    session: ToxinSession, vials: Sequence[Vial], sites: Sequence[Injection]
) -> None:
    """The model rules of every record, before anything is written. Only a
    historical session, imported from a record without vial data, has none."""
    if not vials and not session.is_historical:
        raise ValidationError(gettext("Chart the vial the session used."))
    if not sites:
        raise ValidationError(gettext("Chart at least one injected site."))
    # The database holds the constraints; a form has shown their messages.
    checks = {"validate_unique": False, "validate_constraints": False}
    session.full_clean(exclude=["form_token"], **checks)
    for vial in vials:
        vial.session = session
        vial.full_clean(exclude=["session"], **checks)
    for site in sites:
        if (vials or site.vial is not None) and not any(
            site.vial is vial for vial in vials
        ):
            raise ValidationError(
                gettext("Each site must come from one of the session's vials.")
            )
        site.session = session
        site.full_clean(exclude=["session", "vial"], **checks)
    refuse_overdraw(vials, sites)


def _changed(record, saved) -> bool:
    return saved is None or any(
        getattr(record, field.attname) != getattr(saved, field.attname)
        for field in record._meta.concrete_fields
    )


def _save_changed(records, model) -> None:
    """Save the new records and those that differ from the stored row: an
    unchanged vial or site gets no new history entry."""
    stored = model.objects.in_bulk([r.pk for r in records if r.pk is not None])
    for record in records:
        if _changed(record, stored.get(record.pk)):
            record.save()


@transaction.atomic
def chart_toxin_session(
    *,
    session: ToxinSession,
    vials: Sequence[Vial],
    sites: Sequence[Injection],
    by,
    override_reason: str = "",
    shown_warnings_digest: str | None = None,
    given_already: bool = False,
) -> ToxinSession:
    """Chart a new session or correct one, with its vials and sites.

    Each site's `vial` is one of `vials` (saved or not). Raises ValidationError
    for a hard refusal. New warnings need, before injecting, a user with the
    override permission who saw exactly them (`shown_warnings_digest`, the
    warnings_digest of the warnings shown) and gave an `override_reason`; for a
    session `given_already`, whoever charts it saves it once they saw them, and
    each is flagged for a neurologist. Otherwise OverrideRequired is raised and
    nothing is saved. A booked toxin appointment that day is completed with a
    new session.
    """
    creating = session.pk is None
    _check_records(session, vials, sites)
    warnings = session_warnings(session=session, vials=vials, sites=sites)
    new = _not_covered(session, warnings)
    if new:
        allowed = may_override(by, new)
        seen = shown_warnings_digest == warnings_digest(new)
        overridden = allowed and bool(override_reason.strip())
        if not seen or not (given_already or overridden):
            raise OverrideRequired(new, may_override=allowed)
        if not given_already:
            session.record_override(
                warnings=[
                    w.message for w in warnings if w.message not in _flagged(session)
                ],
                reason=override_reason,
                by=by,
                at=timezone.now(),
            )
    session.save()
    for record in (*vials, *sites):
        record.session = session
    _save_changed(vials, Vial)
    _save_changed(sites, Injection)
    if given_already:
        for warning in new:
            SafetyFlag(
                session=session,
                code=warning.code,
                message=warning.message,
                raised_by=by,
            ).save()
    if creating:
        # A signal, not a call, because scheduling is built on treatments and
        # treatments never imports it; sent here, inside this transaction and not
        # on commit, so that the appointment is completed with the session or,
        # if that fails, neither is saved.
        toxin_session_charted.send(sender=ToxinSession, session=session)
    return session


def _flagged(session: ToxinSession) -> set[str]:
    if session.pk is None:
        return set()
    return set(session.safety_flags.values_list("message", flat=True))


@transaction.atomic
def acknowledge_flag(*, flag: SafetyFlag, by, note: str) -> SafetyFlag:
    """A neurologist has reviewed a flagged warning of a session already given."""
    if not by.has_perm(ACKNOWLEDGE_PERMISSION):
        raise PermissionDenied(gettext("Only a neurologist acknowledges safety flags."))
    note = note.strip()
    if not note:
        raise ValidationError({"note": gettext("Say what was reviewed or done.")})
    locked = SafetyFlag.objects.select_for_update().get(pk=flag.pk)
    if locked.is_acknowledged:
        raise ValidationError(gettext("This flag was already acknowledged."))
    locked.acknowledged_by = by
    locked.acknowledged_at = timezone.now()
    locked.acknowledgement_note = note
    locked.save()
    return locked
