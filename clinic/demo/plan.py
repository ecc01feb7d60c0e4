"""How many of each: the demo clinic's patients by condition, storyline and age,
and how far ahead it books."""

from dataclasses import dataclass

from patients.models import (
    Condition,
)

SEED = 6061  # any fixed number: another one makes another demo clinic
DEMO_MRN_PREFIX = "DEMO-"
BOOKING_WINDOW_DAYS = 42  # upcoming appointments: the next six weeks
# A toxin recall is booked only when due this early, so a weekday slot always exists
# in the window and the number of appointments does not depend on the day of seeding.
RECALL_DUE_WITHIN_DAYS = 35
TODAY_VISITS = 5  # planned visits seen today, so the dashboard has a list


@dataclass(frozen=True)
class PlanRow:
    condition: str
    story: str  # a key of builder.STORIES: the storyline of the patient's history
    count: int
    ages: tuple[int, int]


# About 60 patients, every condition, weighted towards hemifacial spasm and
# blepharospasm; the rows with ages under 18 are the ten children.
PATIENT_PLAN = (
    PlanRow(Condition.HEMIFACIAL_SPASM, "hfs_toxin", 10, (42, 79)),
    PlanRow(Condition.HEMIFACIAL_SPASM, "hfs_mvd", 5, (36, 66)),
    PlanRow(Condition.HEMIFACIAL_SPASM, "hfs_medication", 1, (55, 75)),
    PlanRow(Condition.HEMIFACIAL_SPASM, "hfs_red_flag", 1, (45, 70)),
    PlanRow(Condition.HEMIFACIAL_SPASM, "new_referral", 1, (40, 70)),
    PlanRow(Condition.HEMIFACIAL_SPASM, "hfs_child", 1, (9, 13)),
    PlanRow(Condition.BLEPHAROSPASM, "blepharospasm_toxin", 11, (52, 84)),
    PlanRow(Condition.BLEPHAROSPASM, "new_referral", 1, (50, 75)),
    PlanRow(Condition.POST_PARALYTIC_SYNKINESIS, "synkinesis", 5, (28, 68)),
    PlanRow(Condition.BELLS_PALSY, "bells", 3, (24, 71)),
    PlanRow(Condition.BELLS_PALSY, "bells", 2, (8, 15)),
    PlanRow(Condition.FACIAL_MYOKYMIA, "myokymia", 2, (24, 55)),
    PlanRow(Condition.FACIAL_MYOKYMIA, "myokymia_red_flag", 1, (35, 60)),
    PlanRow(Condition.FACIAL_MYOKYMIA, "myokymia", 1, (12, 16)),
    PlanRow(Condition.MULTIPLE_SCLEROSIS, "multiple_sclerosis", 2, (26, 52)),
    PlanRow(Condition.DYSTONIA, "dystonia", 2, (48, 72)),
    PlanRow(Condition.PARKINSONS, "parkinsons", 2, (62, 84)),
    PlanRow(Condition.TIC_DISORDER, "tics", 4, (6, 14)),
    PlanRow(Condition.TIC_DISORDER, "tics", 1, (20, 30)),
    PlanRow(Condition.BENIGN_TWITCHING, "benign", 1, (20, 45)),
    PlanRow(Condition.BENIGN_TWITCHING, "benign", 2, (13, 17)),
    PlanRow(Condition.BENIGN_TWITCHING, "benign_archived", 1, (25, 50)),
)
