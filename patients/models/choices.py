"""The patients' choice lists, at module level so that Meta.constraints can
reference them."""

from django.db import models


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not known"


class ReminderChannel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "Text message"
    PHONE = "phone", "Phone call"
    LETTER = "letter", "Letter"


class GuardianRelationship(models.TextChoices):
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    LEGAL_GUARDIAN = "legal_guardian", "Legal guardian"
    OTHER = "other", "Other"


class Condition(models.TextChoices):
    HEMIFACIAL_SPASM = "hemifacial_spasm", "Hemifacial spasm"
    BLEPHAROSPASM = "blepharospasm", "Blepharospasm"
    FACIAL_MYOKYMIA = "facial_myokymia", "Facial myokymia"
    BELLS_PALSY = "bells_palsy", "Bell's palsy"
    POST_PARALYTIC_SYNKINESIS = (
        "post_paralytic_synkinesis",
        "Synkinesis / twitching after Bell's palsy",
    )
    TIC_DISORDER = "tic_disorder", "Tic disorder (incl. Tourette syndrome)"
    MULTIPLE_SCLEROSIS = "multiple_sclerosis", "Twitching in multiple sclerosis"
    DYSTONIA = "dystonia", "Twitching in dystonia"
    PARKINSONS = "parkinsons", "Twitching in Parkinson's disease"
    BENIGN_TWITCHING = "benign_twitching", "Benign stress / fatigue twitching"


class Laterality(models.TextChoices):
    RIGHT = "right", "Right"
    LEFT = "left", "Left"
    BILATERAL = "bilateral", "Bilateral"
    NOT_APPLICABLE = "n/a", "Not applicable"


class FaceRegion(models.TextChoices):
    UPPER_EYELID = "upper_eyelid", "Upper eyelid"
    LOWER_EYELID = "lower_eyelid", "Lower eyelid"
    BROW = "brow", "Brow / forehead"
    CHEEK = "cheek", "Cheek"
    NOSE = "nose", "Nose"
    MOUTH = "mouth", "Mouth / perioral"
    CHIN = "chin", "Chin"
    NECK = "neck", "Neck / platysma"


class Trigger(models.TextChoices):
    STRESS = "stress", "Stress"
    FATIGUE = "fatigue", "Fatigue / lack of sleep"
    CAFFEINE = "caffeine", "Caffeine"
    BRIGHT_LIGHT = "bright_light", "Bright light / wind"
    READING_SCREENS = "reading_screens", "Reading / screens"
    TALKING_EATING = "talking_eating", "Talking / eating"
    FACIAL_MOVEMENT = "facial_movement", "Voluntary facial movement"
    LYING_DOWN = "lying_down", "Lying down"


class RedFlag(models.TextChoices):
    """DOMAIN.md 5.1: any one of these escalates the case to a neurologist."""

    FACIAL_WEAKNESS = "facial_weakness", "Twitching with facial weakness"
    CRANIAL_NERVE_SIGNS = (
        "cranial_nerve_signs",
        "Hearing loss, facial numbness or other cranial-nerve signs",
    )
    LONG_TRACT_SIGNS = "long_tract_signs", "Long-tract signs"
    SPASM_BEFORE_WEAKNESS = "spasm_before_weakness", "Spasm preceded facial weakness"
    ATYPICAL_BELLS = (
        "atypical_bells",
        "Atypical Bell's palsy (bilateral, progressive, no recovery by 4 months)",
    )
    FOREHEAD_SPARING = "forehead_sparing", "Forehead-sparing weakness"
    UNILATERAL_PERIORAL_MYOKYMIA = (
        "unilateral_perioral_myokymia",
        "Unilateral myokymia involving the lower face",
    )
    MS_CONTINUOUS_MYOKYMIA = (
        "ms_continuous_myokymia",
        "Continuous facial myokymia in multiple sclerosis",
    )
    MYOKYMIA_WITH_CONTRACTURE = (
        "myokymia_with_contracture",
        "Facial myokymia with contracture",
    )
    CHILD_HEMIFACIAL_SPASM = "child_hemifacial_spasm", "Child with hemifacial spasm"
    POST_TOXIN_DISTANT_SPREAD = (
        "post_toxin_distant_spread",
        "Swallowing, speech, breathing or vision problems after toxin",
    )
    EYE_PAIN_VISION = "eye_pain_vision", "Eye pain, red eye or visual change"
    ATYPICAL_SPREAD = (
        "atypical_spread",
        "Atypical spread (lower face upwards) or bilateral spasm",
    )


class ExamFinding(models.TextChoices):
    """The red-flag checklist of the examination (DOMAIN.md 5.1): what the rules
    of patients/red_flags.py cannot read elsewhere in the record. A ticked
    finding raises its flag when the case is saved."""

    FACIAL_WEAKNESS = "facial_weakness", "Facial weakness"
    FOREHEAD_SPARED = "forehead_spared", "Forehead spared (lower-face weakness only)"
    WEAKNESS_AFTER_SPASM = (
        "weakness_after_spasm",
        "Weakness began after the twitching",
    )
    HEARING_LOSS = "hearing_loss", "Hearing loss (VIII)"
    FACIAL_NUMBNESS = "facial_numbness", "Facial numbness (V)"
    OTHER_CRANIAL_NERVE_SIGNS = (
        "other_cranial_nerve_signs",
        "Other cranial-nerve signs (eye movements, swallowing, tongue)",
    )
    LONG_TRACT_SIGNS = (
        "long_tract_signs",
        "Long-tract signs (limb weakness or numbness, brisk reflexes, extensor "
        "plantar)",
    )
    CONTINUOUS_MYOKYMIA = "continuous_myokymia", "Continuous facial myokymia"
    FACIAL_CONTRACTURE = "facial_contracture", "Facial contracture"
    SEIZURE_LIKE_EPISODES = (
        "seizure_like_episodes",
        "Episodes taken for facial seizures",
    )
    INCOMPLETE_EYE_CLOSURE = "incomplete_eye_closure", "Incomplete eye closure"
    EYE_PAIN_OR_VISUAL_CHANGE = (
        "eye_pain_or_visual_change",
        "Eye pain, red eye or visual change",
    )
    SYSTEMIC_SIGNS = (
        "systemic_signs",
        "Systemic signs (fever, rash, weight loss, enlarged lymph nodes)",
    )
    SUDDEN_MAXIMAL_ONSET = (
        "sudden_maximal_onset",
        "Sudden onset, at its worst within minutes",
    )
    INSIDIOUS_ONSET = "insidious_onset", "Insidious onset over weeks to months"
    WORSENING_AFTER_3_WEEKS = (
        "worsening_after_3_weeks",
        "Still worsening more than 3 weeks after onset",
    )


class ToxinPrecaution(models.TextChoices):
    """What the botulinum-toxin labels contraindicate or warn about, recorded on
    the patient; which products each applies to is treatments/labels.py's."""

    TOXIN_HYPERSENSITIVITY = (
        "toxin_hypersensitivity",
        "Hypersensitivity to a botulinum toxin product or an excipient",
    )
    COWS_MILK_ALLERGY = "cows_milk_allergy", "Allergy to cow's-milk protein"
    INJECTION_SITE_INFECTION = (
        "injection_site_infection",
        "Infection at a planned injection site",
    )
    NEUROMUSCULAR_DISORDER = (
        "neuromuscular_disorder",
        "Neuromuscular junction disorder (myasthenia gravis, Lambert-Eaton "
        "syndrome) or ALS",
    )
    AMINOGLYCOSIDE = (
        "aminoglycoside",
        "Taking an aminoglycoside antibiotic (prescribed elsewhere)",
    )
    PREGNANT = "pregnant", "Pregnant"
    BREASTFEEDING = "breastfeeding", "Breastfeeding"


class CaseStatus(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment"
    ACTIVE = "active", "Active treatment"
    OBSERVATION = "observation", "Observation"
    RESOLVED = "resolved", "Resolved"
    DISCHARGED = "discharged", "Discharged"


CLOSED_CASE_STATUSES = [CaseStatus.RESOLVED, CaseStatus.DISCHARGED]


class Modality(models.TextChoices):
    MRI = "mri", "MRI"
    EEG = "eeg", "EEG"
    EMG = "emg", "EMG"
    BLOOD = "blood", "Blood test"
    OTHER = "other", "Other"


class StudyStatus(models.TextChoices):
    ORDERED = "ordered", "Ordered"
    PERFORMED = "performed", "Performed"
    RESULTED = "resulted", "Resulted"
    REVIEWED = "reviewed", "Reviewed"
    CANCELLED = "cancelled", "Cancelled"


class FieldStrength(models.TextChoices):
    T1_5 = "1.5T", "1.5 T"
    T3 = "3T", "3 T"
    OTHER = "other", "Other"


class Vessel(models.TextChoices):
    AICA = "aica", "AICA"
    PICA = "pica", "PICA"
    VERTEBRAL = "vertebral", "Vertebral artery"
    VEIN = "vein", "Vein"
    OTHER = "other", "Other vessel"
    NONE = "none", "None identified"
