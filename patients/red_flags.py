"""The red flags of DOMAIN.md 5.1 that the record itself shows, one rule each.

Pure: each rule reads plain values (the case's fields and examination
findings, the patient's age at onset, the patient's other cases, the case's
scores, the adverse effects after toxin) and answers a `RaisedFlag` or None: the
flag, why it is raised (the facts, with their dates), the next steps it
suggests, and its evidence. The evidence names the facts that raised it, so that
an acknowledgement covers the flag as those facts raised it, and a new fact
raising it again (a new adverse effect, a worse grade, another finding) makes it
a flag to review again.

Where the facts come from, and when the rules are evaluated, is
patients/flagging.py's.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from patients.models.choices import (
    Condition,
    ExamFinding,
    FaceRegion,
    Laterality,
    RedFlag,
)
from patients.scales import written_score


class Action:
    """A suggested next step; clinic/templates/_red_flag_action.html makes each a
    link to the page that takes it."""

    MRI = "order_mri"
    EEG = "order_eeg"
    OPHTHALMOLOGY = "refer_ophthalmology"
    URGENT_REVIEW = "urgent_review"

    LABELS = {
        MRI: _("Order an MRI"),
        EEG: _("Order an EEG"),
        OPHTHALMOLOGY: _("Refer to ophthalmology, urgently"),
        URGENT_REVIEW: _("Book an urgent review"),
    }


# The next step of a flag ticked by hand, as a rule raising it would suggest.
DEFAULT_ACTIONS = {
    **{flag: (Action.MRI,) for flag in RedFlag.values},
    RedFlag.POST_TOXIN_DISTANT_SPREAD: (Action.URGENT_REVIEW,),
    RedFlag.EYE_PAIN_VISION: (Action.OPHTHALMOLOGY,),
}
TICKED = "ticked"

# Conditions whose weakness is the condition itself, not a sign beside it.
WEAKNESS_CONDITIONS = (Condition.BELLS_PALSY, Condition.POST_PARALYTIC_SYNKINESIS)
# Twitching whose onset before a Bell's-like palsy points at a tumour.
SPASM_CONDITIONS = (Condition.HEMIFACIAL_SPASM, Condition.FACIAL_MYOKYMIA)
LOWER_FACE = (FaceRegion.MOUTH, FaceRegion.CHIN)
# Hemifacial spasm typically starts around the eye and spreads down.
PERIOCULAR = (FaceRegion.UPPER_EYELID, FaceRegion.LOWER_EYELID, FaceRegion.BROW)
# A score this soon after toxin may show the toxin's weakness, not the nerve's:
# 15 weeks, the longest mean benefit for hemifacial spasm (DOMAIN.md 2.6).
TOXIN_WEAKNESS_DAYS = 105
# Bell's palsy: worsening past 3 weeks, no improvement by 4 months (DOMAIN.md 5.1).
BELLS_WORSENING_DAYS = 21
BELLS_IMPROVEMENT_DAYS = 122
HOUSE_BRACKMANN = "house_brackmann"
SUNNYBROOK = "sunnybrook"
LOWER_FACE_MOVEMENTS = ("vol_open_mouth_smile", "vol_snarl", "vol_lip_pucker")


@dataclass(frozen=True)
class Score:
    """A valid score of the case: its instrument, day, headline score (the
    House-Brackmann grade, the Sunnybrook composite), answers, and the days since
    the patient's last toxin session when it was taken (None: no toxin before)."""

    instrument: str
    assessed_on: date
    score: Decimal
    answers: Mapping[str, object] = field(default_factory=dict)
    days_since_last_toxin: int | None = None

    @property
    def after_toxin(self) -> bool:
        days = self.days_since_last_toxin
        return days is not None and days <= TOXIN_WEAKNESS_DAYS


@dataclass(frozen=True)
class OtherCase:
    """Another valid case of the same patient."""

    condition: str
    laterality: str
    onset_on: date | None


@dataclass(frozen=True)
class CaseFacts:
    condition: str
    laterality: str
    onset_on: date | None
    onset_site: str
    spread_sites: tuple[str, ...]
    findings: tuple[str, ...]
    is_open: bool
    today: date
    age_at_onset: int | None = None  # at the onset, else at the case's opening
    adult_age: int = 18
    scores: tuple[Score, ...] = ()  # in the order they were taken
    other_cases: tuple[OtherCase, ...] = ()

    def has(self, finding: str) -> bool:
        return finding in self.findings

    def of(self, instrument: str) -> list[Score]:
        return [score for score in self.scores if score.instrument == instrument]

    @property
    def is_twitching(self) -> bool:
        return self.condition not in WEAKNESS_CONDITIONS


@dataclass(frozen=True)
class SpreadSign:
    """An adverse effect after a toxin session that may be the toxin's distant
    spread: its record ("adverse_effect:12"), what it is, and when."""

    evidence: str
    what: str
    onset_on: date
    session_on: date


@dataclass(frozen=True)
class RaisedFlag:
    flag: str
    why: tuple[str, ...]
    actions: tuple[str, ...]
    evidence: tuple[str, ...]

    @property
    def label(self) -> str:
        return str(RedFlag(self.flag).label)

    def as_stored(self) -> dict:
        return {
            "why": list(self.why),
            "actions": list(self.actions),
            "evidence": list(self.evidence),
        }

    @classmethod
    def from_stored(cls, flag: str, stored: Mapping) -> "RaisedFlag":
        return cls(
            flag,
            tuple(stored.get("why", ())),
            tuple(stored.get("actions", ())),
            tuple(stored.get("evidence", ())),
        )


def day_text(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def _lower_first(label: str) -> str:
    """A label inside a sentence: "Hearing loss (VIII)" as "hearing loss (VIII)"."""
    return label[:1].lower() + label[1:]


def _finding(finding: str) -> tuple[str, str]:
    """The why and the evidence of a ticked examination finding."""
    label = _lower_first(ExamFinding(finding).label)
    return f"Examination: {label}.", f"finding:{finding}"


def _raised(flag, reasons: list[tuple[str, str]], actions) -> RaisedFlag | None:
    if not reasons:
        return None
    return RaisedFlag(
        flag,
        tuple(why for why, _ in reasons),
        tuple(actions),
        tuple(dict.fromkeys(evidence for _, evidence in reasons)),
    )


def _findings(facts: CaseFacts, *findings: str) -> list[tuple[str, str]]:
    return [_finding(finding) for finding in findings if facts.has(finding)]


def _grade(score: Score) -> int:
    return int(score.score)


def _weakness_grade(facts: CaseFacts) -> Score | None:
    """The latest House-Brackmann grade, if above I and not taken while toxin may
    be what weakens the face."""
    grades = facts.of(HOUSE_BRACKMANN)
    if not grades:
        return None
    latest = grades[-1]
    if _grade(latest) < 2 or latest.after_toxin:
        return None
    return latest


def _grade_reason(score: Score, prefix: str = "") -> tuple[str, str]:
    grade = written_score(HOUSE_BRACKMANN, _grade(score))
    return (
        f"{prefix}House-Brackmann grade {grade} on {day_text(score.assessed_on)}.",
        f"house_brackmann:{_grade(score)}",
    )


# The rules


def child_with_facial_spasm(facts: CaseFacts) -> RaisedFlag | None:
    """A hemifacial spasm, or episodes taken for facial seizures, that began in
    childhood: a cerebellar or cerebellopontine-angle tumour can present so, and
    scalp EEG may be normal: an MRI by default, an EEG beside it for the
    seizures."""
    if facts.age_at_onset is None or facts.age_at_onset >= facts.adult_age:
        return None
    seizures = facts.has(ExamFinding.SEIZURE_LIKE_EPISODES)
    if facts.condition != Condition.HEMIFACIAL_SPASM and not seizures:
        return None
    what = "Hemifacial spasm" if not seizures else "Episodes taken for facial seizures"
    reasons = [
        (
            f"{what} beginning at age {facts.age_at_onset}: a posterior-fossa "
            "tumour can present so.",
            "child_onset",
        )
    ]
    actions = (Action.MRI, Action.EEG) if seizures else (Action.MRI,)
    return _raised(RedFlag.CHILD_HEMIFACIAL_SPASM, reasons, actions)


def twitching_with_weakness(facts: CaseFacts) -> RaisedFlag | None:
    """Twitching with facial weakness, from the examination or a House-Brackmann
    grade above I not explained by recent toxin: a secondary cause (a
    cerebellopontine-angle mass, a pontine lesion) is imaged."""
    if not facts.is_twitching:
        return None
    reasons = _findings(facts, ExamFinding.FACIAL_WEAKNESS)
    graded = _weakness_grade(facts)
    if graded is not None:
        reasons.append(_grade_reason(graded))
    return _raised(RedFlag.FACIAL_WEAKNESS, reasons, (Action.MRI,))


def cranial_nerve_signs(facts: CaseFacts) -> RaisedFlag | None:
    reasons = _findings(
        facts,
        ExamFinding.HEARING_LOSS,
        ExamFinding.FACIAL_NUMBNESS,
        ExamFinding.OTHER_CRANIAL_NERVE_SIGNS,
    )
    return _raised(RedFlag.CRANIAL_NERVE_SIGNS, reasons, (Action.MRI,))


def long_tract_signs(facts: CaseFacts) -> RaisedFlag | None:
    reasons = _findings(facts, ExamFinding.LONG_TRACT_SIGNS)
    return _raised(RedFlag.LONG_TRACT_SIGNS, reasons, (Action.MRI,))


def _same_side(one: str, other: str) -> bool:
    sided = (Laterality.LEFT, Laterality.RIGHT)
    return one not in sided or other not in sided or one == other


def spasm_before_weakness(facts: CaseFacts) -> RaisedFlag | None:
    """Twitching that came before the weakness suggests a nerve irritated by a
    tumour: from the examination, a Bell's-like palsy after a twitching case of
    the same side, or a grade I that became a weakness on a twitching case."""
    reasons = _findings(facts, ExamFinding.WEAKNESS_AFTER_SPASM)
    if facts.condition == Condition.BELLS_PALSY and facts.onset_on:
        for other in facts.other_cases:
            if (
                other.condition in SPASM_CONDITIONS
                and other.onset_on
                and other.onset_on < facts.onset_on
                and _same_side(other.laterality, facts.laterality)
            ):
                reasons.append(
                    (
                        f"{Condition(other.condition).label} since "
                        f"{day_text(other.onset_on)}, before this palsy.",
                        f"earlier_spasm:{other.condition}",
                    )
                )
                break
    grades = facts.of(HOUSE_BRACKMANN)
    weak = _weakness_grade(facts)
    if facts.is_twitching and weak and any(_grade(g) == 1 for g in grades[:-1]):
        reasons.append(_grade_reason(weak, "Weakness since a grade I: "))
    return _raised(RedFlag.SPASM_BEFORE_WEAKNESS, reasons, (Action.MRI,))


def _bells_improvement(facts: CaseFacts) -> bool:
    """Any later grade better than the first: a lower House-Brackmann grade or a
    higher Sunnybrook composite."""
    grades = facts.of(HOUSE_BRACKMANN)
    composites = facts.of(SUNNYBROOK)
    return any(g.score < grades[0].score for g in grades[1:]) or any(
        c.score > composites[0].score for c in composites[1:]
    )


def _bells_worsening(facts: CaseFacts) -> Score | None:
    """A grade worse than an earlier one, taken more than 3 weeks after onset."""
    grades = facts.of(HOUSE_BRACKMANN)
    since = facts.onset_on + timedelta(days=BELLS_WORSENING_DAYS)
    for index, grade in enumerate(grades):
        if grade.assessed_on > since and any(
            earlier.score < grade.score for earlier in grades[:index]
        ):
            return grade
    return None


def atypical_bells(facts: CaseFacts) -> RaisedFlag | None:
    """A Bell's-like palsy with atypical features suggests another diagnosis;
    MRI is the first choice. Other cranial-nerve and long-tract signs raise
    their own flags."""
    if facts.condition != Condition.BELLS_PALSY or facts.onset_on is None:
        return None
    reasons = []
    if facts.laterality == Laterality.BILATERAL:
        reasons.append(("Both sides are weak.", "bilateral"))
    reasons += _findings(
        facts,
        ExamFinding.SYSTEMIC_SIGNS,
        ExamFinding.SUDDEN_MAXIMAL_ONSET,
        ExamFinding.INSIDIOUS_ONSET,
        ExamFinding.WORSENING_AFTER_3_WEEKS,
    )
    worse = _bells_worsening(facts)
    if worse is not None:
        reasons.append(_grade_reason(worse, "Still worsening after 3 weeks: "))
    due = facts.onset_on + timedelta(days=BELLS_IMPROVEMENT_DAYS)
    if facts.is_open and facts.today >= due and not _bells_improvement(facts):
        scored = facts.of(HOUSE_BRACKMANN) or facts.of(SUNNYBROOK)
        shown = "no grade shows it" if scored else "no grade recorded since onset"
        reasons.append(
            (
                f"No improvement 4 months after the onset on "
                f"{day_text(facts.onset_on)}: {shown}.",
                "no_improvement",
            )
        )
    return _raised(RedFlag.ATYPICAL_BELLS, reasons, (Action.MRI,))


def forehead_sparing(facts: CaseFacts) -> RaisedFlag | None:
    """Weakness of the lower face with the forehead spared is central (a stroke, a
    tumour): from the examination, or a Sunnybrook with a full brow lift and a
    weak smile, snarl or pucker (not soon after toxin)."""
    reasons = _findings(facts, ExamFinding.FOREHEAD_SPARED)
    graded = facts.of(SUNNYBROOK)
    latest = graded[-1] if graded else None
    if latest and not latest.after_toxin and _brow_spared(latest.answers):
        reasons.append(
            (
                f"Sunnybrook on {day_text(latest.assessed_on)}: full brow lift, "
                "weak lower face.",
                "sunnybrook_forehead_spared",
            )
        )
    return _raised(RedFlag.FOREHEAD_SPARING, reasons, (Action.MRI,))


def _brow_spared(answers: Mapping[str, object]) -> bool:
    def value(code: str) -> int | None:
        try:
            return int(answers.get(code))
        except (TypeError, ValueError):
            return None

    lower = [value(code) for code in LOWER_FACE_MOVEMENTS]
    return value("vol_brow") == 5 and any(v is not None and v <= 3 for v in lower)


def unilateral_lower_face_myokymia(facts: CaseFacts) -> RaisedFlag | None:
    """Strictly one-sided myokymia reaching the mouth or chin (not the eyelid
    alone) suggests a structural pontine lesion."""
    if facts.condition != Condition.FACIAL_MYOKYMIA:
        return None
    if facts.laterality not in (Laterality.LEFT, Laterality.RIGHT):
        return None
    sites = [facts.onset_site, *facts.spread_sites]
    lower = [FaceRegion(site).label.lower() for site in LOWER_FACE if site in sites]
    if not lower:
        return None
    reasons = [
        (
            f"Myokymia of the {facts.laterality} side only, in the "
            f"{' and '.join(lower)}.",
            "one_sided_lower_face",
        )
    ]
    return _raised(RedFlag.UNILATERAL_PERIORAL_MYOKYMIA, reasons, (Action.MRI,))


def _has_ms(facts: CaseFacts) -> bool:
    return facts.condition == Condition.MULTIPLE_SCLEROSIS or any(
        other.condition == Condition.MULTIPLE_SCLEROSIS for other in facts.other_cases
    )


def myokymia_in_ms(facts: CaseFacts) -> RaisedFlag | None:
    """Continuous facial myokymia in MS: a pontine tegmental lesion in 11 of 12."""
    if not _has_ms(facts) or not facts.has(ExamFinding.CONTINUOUS_MYOKYMIA):
        return None
    why, evidence = _finding(ExamFinding.CONTINUOUS_MYOKYMIA)
    reasons = [(f"{why[:-1]}, in multiple sclerosis.", evidence)]
    return _raised(RedFlag.MS_CONTINUOUS_MYOKYMIA, reasons, (Action.MRI,))


def myokymia_with_contracture(facts: CaseFacts) -> RaisedFlag | None:
    """Facial myokymia with contracture may be the first sign of a pontine glioma
    (or of Guillain-Barre syndrome)."""
    myokymia = facts.condition == Condition.FACIAL_MYOKYMIA or facts.has(
        ExamFinding.CONTINUOUS_MYOKYMIA
    )
    if not myokymia or not facts.has(ExamFinding.FACIAL_CONTRACTURE):
        return None
    reasons = _findings(facts, ExamFinding.FACIAL_CONTRACTURE)
    return _raised(RedFlag.MYOKYMIA_WITH_CONTRACTURE, reasons, (Action.MRI,))


def atypical_or_bilateral_hfs(facts: CaseFacts) -> RaisedFlag | None:
    """A hemifacial spasm on both sides, or starting away from the eye (in the
    lower face) and spreading up: reconsider the diagnosis."""
    if facts.condition != Condition.HEMIFACIAL_SPASM:
        return None
    reasons = []
    if facts.laterality == Laterality.BILATERAL:
        reasons.append(
            ("Spasm on both sides: bilateral HFS is very rare.", "bilateral")
        )
    if facts.onset_site and facts.onset_site not in PERIOCULAR:
        began = FaceRegion(facts.onset_site).label.lower()
        up = [
            FaceRegion(s).label.lower() for s in facts.spread_sites if s in PERIOCULAR
        ]
        spread = f", spreading up to the {' and '.join(up)}" if up else ""
        reasons.append((f"Began in the {began}{spread}.", "lower_face_onset"))
    return _raised(RedFlag.ATYPICAL_SPREAD, reasons, (Action.MRI,))


def eye_symptoms_with_incomplete_closure(facts: CaseFacts) -> RaisedFlag | None:
    """Eye pain, a red eye or a visual change in an eye that does not close (the
    examination, a House-Brackmann grade of IV or more, or a Bell's palsy) may be
    exposure keratitis or an ulcer: urgent ophthalmology."""
    if not facts.has(ExamFinding.EYE_PAIN_OR_VISUAL_CHANGE):
        return None
    grades = facts.of(HOUSE_BRACKMANN)
    closure = []
    if facts.has(ExamFinding.INCOMPLETE_EYE_CLOSURE):
        closure.append("the eye does not close fully")
    elif grades and _grade(grades[-1]) >= 4:
        closure.append(
            f"House-Brackmann {written_score(HOUSE_BRACKMANN, _grade(grades[-1]))}"
        )
    elif facts.condition == Condition.BELLS_PALSY:
        closure.append("Bell's palsy")
    if not closure:
        return None
    why, evidence = _finding(ExamFinding.EYE_PAIN_OR_VISUAL_CHANGE)
    reasons = [(f"{why[:-1]}; {closure[0]}.", evidence)]
    return _raised(RedFlag.EYE_PAIN_VISION, reasons, (Action.OPHTHALMOLOGY,))


RECORD_RULES = (
    child_with_facial_spasm,
    twitching_with_weakness,
    cranial_nerve_signs,
    long_tract_signs,
    spasm_before_weakness,
    atypical_bells,
    forehead_sparing,
    unilateral_lower_face_myokymia,
    myokymia_in_ms,
    myokymia_with_contracture,
    atypical_or_bilateral_hfs,
    eye_symptoms_with_incomplete_closure,
)


def record_flags(facts: CaseFacts) -> list[RaisedFlag]:
    """Every flag the case's own record raises."""
    return [raised for rule in RECORD_RULES if (raised := rule(facts)) is not None]


def distant_spread(signs: Iterable[SpreadSign]) -> list[RaisedFlag]:
    """Swallowing, speech, breathing or vision problems, or generalised weakness,
    after a toxin session may be the toxin's distant spread: urgent."""
    reasons = [
        (
            f"{sign.what} from {day_text(sign.onset_on)}, after the toxin session "
            f"of {day_text(sign.session_on)}.",
            sign.evidence,
        )
        for sign in sorted(signs, key=lambda sign: (sign.onset_on, sign.evidence))
    ]
    raised = _raised(
        RedFlag.POST_TOXIN_DISTANT_SPREAD, reasons, (Action.URGENT_REVIEW,)
    )
    return [raised] if raised else []


def ticked(flag: str) -> RaisedFlag:
    """A flag a clinician ticked on the case."""
    return RaisedFlag(flag, ("Ticked on the case.",), DEFAULT_ACTIONS[flag], (TICKED,))


def merged(
    ticked_flags: Iterable[str], raised: Mapping[str, Mapping[str, Mapping]]
) -> list[RaisedFlag]:
    """The case's flags in the list's order: those ticked by hand and those
    raised from each source of facts ({source: {flag: stored}}), one entry a
    flag with every reason, step and evidence."""
    entries: dict[str, list[RaisedFlag]] = {}
    for flag in ticked_flags:
        if flag in RedFlag.values:
            entries.setdefault(flag, []).append(ticked(flag))
    for by_flag in raised.values():
        for flag, stored in by_flag.items():
            if flag in RedFlag.values:
                entries.setdefault(flag, []).append(
                    RaisedFlag.from_stored(flag, stored)
                )
    return [
        RaisedFlag(
            flag,
            tuple(why for part in parts for why in part.why),
            tuple(dict.fromkeys(a for part in parts for a in part.actions)),
            tuple(dict.fromkeys(e for part in parts for e in part.evidence)),
        )
        for flag in RedFlag.values
        if (parts := entries.get(flag))
    ]


def to_review(
    flags: Iterable[RaisedFlag], acknowledged: Iterable[tuple[str, Iterable[str]]]
) -> list[str]:
    """The flags whose evidence no acknowledgement has covered: a flag is
    acknowledged with the evidence it had, and raised again by new evidence."""
    covered: dict[str, set[str]] = {}
    for flag, evidence in acknowledged:
        covered.setdefault(flag, set()).update(evidence)
    return [
        raised.flag
        for raised in flags
        if not set(raised.evidence) <= covered.get(raised.flag, set())
    ]
