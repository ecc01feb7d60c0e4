"""The red flags on the chart: for each open case, each flag (ticked by hand or
raised from the record) with why, whether a neurologist has acknowledged it (with
the last note), and what its next steps need: the case's latest MRI and EEG
ordered, its ophthalmology referral, and the referral course one is sent from.
templates/clinic/_red_flag_action.html makes each step a link, or says it is
taken.

Built from the chart's loaded sections (clinic/chart.py): no query of its own,
and nothing from a section the user may not view.
"""

from dataclasses import dataclass

from patients import red_flags
from patients.models import Case, Modality, StudyStatus
from treatments.models import CourseKind, CourseStatus, ReferralStatus, Specialty

CLOSED_COURSE_STATUSES = (CourseStatus.COMPLETED, CourseStatus.STOPPED)
NOT_SENT = (ReferralStatus.CANCELLED, ReferralStatus.DECLINED)


@dataclass(frozen=True)
class FlagRow:
    entry: red_flags.RaisedFlag
    waiting: bool
    acknowledgement: object  # the latest RedFlagAcknowledgement, or None


@dataclass(frozen=True)
class CaseFlags:
    case: Case
    rows: list[FlagRow]
    mri_study: object = None
    eeg_study: object = None
    ophthalmology_referral: object = None
    referral_course: object = None  # the case's open referral course

    @property
    def waiting(self) -> bool:
        return any(row.waiting for row in self.rows)


def chart_flags(records: dict) -> list[CaseFlags]:
    """The open cases with a flag, each flag with its state."""
    studies = records.get("studies", [])
    courses = records.get("courses", [])
    referrals = records.get("referrals", [])
    panels = []
    for case in records.get("cases", []):
        entries = case.red_flag_entries()
        if not entries or not case.is_open or case.entered_in_error:
            continue
        waiting = set(case.red_flags_to_review)
        latest = {ack.flag: ack for ack in case.red_flag_acknowledgements.all()}
        course_ids = {course.pk for course in courses if course.case_id == case.pk}
        panels.append(
            CaseFlags(
                case,
                [
                    FlagRow(entry, entry.flag in waiting, latest.get(entry.flag))
                    for entry in entries
                ],
                mri_study=_latest_study(case, studies, Modality.MRI),
                eeg_study=_latest_study(case, studies, Modality.EEG),
                ophthalmology_referral=_latest_referral(course_ids, referrals),
                referral_course=_referral_course(case, courses),
            )
        )
    return panels


def _latest_study(case, studies, modality):
    ordered = [
        study
        for study in studies
        if study.case_id == case.pk
        and study.modality == modality
        and not study.entered_in_error
        and study.status != StudyStatus.CANCELLED
    ]
    return max(ordered, key=lambda study: (study.ordered_on, study.pk), default=None)


def _latest_referral(course_ids, referrals):
    sent = [
        referral
        for referral in referrals
        if referral.course_id in course_ids
        and referral.specialty == Specialty.OPHTHALMOLOGY
        and not referral.entered_in_error
        and referral.status not in NOT_SENT
    ]
    return max(sent, key=lambda referral: (referral.sent_on, referral.pk), default=None)


def _referral_course(case, courses):
    """Referrals are sent from a referral course: the case's latest open one."""
    open_courses = [
        course
        for course in courses
        if course.case_id == case.pk
        and course.kind == CourseKind.SURGICAL_REFERRAL
        and course.status not in CLOSED_COURSE_STATUSES
    ]
    return max(open_courses, key=lambda c: (c.started_on, c.pk), default=None)
