"""The patients' choice lists, at module level so that Meta.constraints can
reference them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not known")


class ReminderChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message")
    PHONE = "phone", _("Phone call")
    LETTER = "letter", _("Letter")


class GuardianRelationship(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    LEGAL_GUARDIAN = "legal_guardian", _("Legal guardian")
    OTHER = "other", _("Other")


class Condition(models.TextChoices):
    HEMIFACIAL_SPASM = "hemifacial_spasm", _("Hemifacial spasm")
    BLEPHAROSPASM = "blepharospasm", _("Blepharospasm")
    FACIAL_MYOKYMIA = "facial_myokymia", _("Facial myokymia")
    BELLS_PALSY = "bells_palsy", _("Bell's palsy")
    POST_PARALYTIC_SYNKINESIS = (
        "post_paralytic_synkinesis",
        _("Synkinesis / twitching after Bell's palsy"),
    )
    TIC_DISORDER = "tic_disorder", _("Tic disorder (incl. Tourette syndrome)")
    MULTIPLE_SCLEROSIS = "multiple_sclerosis", _("Twitching in multiple sclerosis")
    DYSTONIA = "dystonia", _("Twitching in dystonia")
    PARKINSONS = "parkinsons", _("Twitching in Parkinson's disease")
    BENIGN_TWITCHING = "benign_twitching", _("Benign stress / fatigue twitching")


class Laterality(models.TextChoices):
    RIGHT = "right", _("Right")
    LEFT = "left", _("Left")
    BILATERAL = "bilateral", _("Bilateral")
    NOT_APPLICABLE = "n/a", _("Not applicable")


class FaceRegion(models.TextChoices):
    UPPER_EYELID = "upper_eyelid", _("Upper eyelid")
    LOWER_EYELID = "lower_eyelid", _("Lower eyelid")
    BROW = "brow", _("Brow / forehead")
    CHEEK = "cheek", _("Cheek")
    NOSE = "nose", _("Nose")
    MOUTH = "mouth", _("Mouth / perioral")
    CHIN = "chin", _("Chin")
    NECK = "neck", _("Neck / platysma")


class Trigger(models.TextChoices):
    STRESS = "stress", _("Stress")
    FATIGUE = "fatigue", _("Fatigue / lack of sleep")
    CAFFEINE = "caffeine", _("Caffeine")
    BRIGHT_LIGHT = "bright_light", _("Bright light / wind")
    READING_SCREENS = "reading_screens", _("Reading / screens")
    TALKING_EATING = "talking_eating", _("Talking / eating")
    FACIAL_MOVEMENT = "facial_movement", _("Voluntary facial movement")
    LYING_DOWN = "lying_down", _("Lying down")


class RedFlag(models.TextChoices):
    """DOMAIN.md 5.1: any one of these escalates the case to a neurologist."""

    FACIAL_WEAKNESS = "facial_weakness", _("Twitching with facial weakness")
    CRANIAL_NERVE_SIGNS = (
        "cranial_nerve_signs",
        _("Hearing loss, facial numbness or other cranial-nerve signs"),
    )
    LONG_TRACT_SIGNS = "long_tract_signs", _("Long-tract signs")
    SPASM_BEFORE_WEAKNESS = "spasm_before_weakness", _("Spasm preceded facial weakness")
    ATYPICAL_BELLS = (
        "atypical_bells",
        _("Atypical Bell's palsy (bilateral, progressive, no recovery by 4 months)"),
    )
    FOREHEAD_SPARING = "forehead_sparing", _("Forehead-sparing weakness")
    UNILATERAL_PERIORAL_MYOKYMIA = (
        "unilateral_perioral_myokymia",
        _("Unilateral myokymia involving the lower face"),
    )
    MS_CONTINUOUS_MYOKYMIA = (
        "ms_continuous_myokymia",
        _("Continuous facial myokymia in multiple sclerosis"),
    )
    MYOKYMIA_WITH_CONTRACTURE = (
        "myokymia_with_contracture",
        _("Facial myokymia with contracture"),
    )
    CHILD_HEMIFACIAL_SPASM = "child_hemifacial_spasm", _("Child with hemifacial spasm")
    POST_TOXIN_DISTANT_SPREAD = (
        "post_toxin_distant_spread",
        _("Swallowing, speech, breathing or vision problems after toxin"),
    )
    EYE_PAIN_VISION = "eye_pain_vision", _("Eye pain, red eye or visual change")
    ATYPICAL_SPREAD = (
        "atypical_spread",
        _("Atypical spread (lower face upwards) or bilateral spasm"),
    )


class ExamFinding(models.TextChoices):
    """The red-flag checklist of the examination (DOMAIN.md 5.1): what the rules
    of patients/red_flags.py cannot read elsewhere in the record. A ticked
    finding raises its flag when the case is saved."""

    FACIAL_WEAKNESS = "facial_weakness", _("Facial weakness")
    FOREHEAD_SPARED = "forehead_spared", _("Forehead spared (lower-face weakness only)")
    WEAKNESS_AFTER_SPASM = (
        "weakness_after_spasm",
        _("Weakness began after the twitching"),
    )
    HEARING_LOSS = "hearing_loss", _("Hearing loss (VIII)")
    FACIAL_NUMBNESS = "facial_numbness", _("Facial numbness (V)")
    OTHER_CRANIAL_NERVE_SIGNS = (
        "other_cranial_nerve_signs",
        _("Other cranial-nerve signs (eye movements, swallowing, tongue)"),
    )
    LONG_TRACT_SIGNS = (
        "long_tract_signs",
        _(
            "Long-tract signs (limb weakness or numbness, brisk reflexes, extensor "
            "plantar)"
        ),
    )
    CONTINUOUS_MYOKYMIA = "continuous_myokymia", _("Continuous facial myokymia")
    FACIAL_CONTRACTURE = "facial_contracture", _("Facial contracture")
    SEIZURE_LIKE_EPISODES = (
        "seizure_like_episodes",
        _("Episodes taken for facial seizures"),
    )
    INCOMPLETE_EYE_CLOSURE = "incomplete_eye_closure", _("Incomplete eye closure")
    EYE_PAIN_OR_VISUAL_CHANGE = (
        "eye_pain_or_visual_change",
        _("Eye pain, red eye or visual change"),
    )
    SYSTEMIC_SIGNS = (
        "systemic_signs",
        _("Systemic signs (fever, rash, weight loss, enlarged lymph nodes)"),
    )
    SUDDEN_MAXIMAL_ONSET = (
        "sudden_maximal_onset",
        _("Sudden onset, at its worst within minutes"),
    )
    INSIDIOUS_ONSET = "insidious_onset", _("Insidious onset over weeks to months")
    WORSENING_AFTER_3_WEEKS = (
        "worsening_after_3_weeks",
        _("Still worsening more than 3 weeks after onset"),
    )


class ToxinPrecaution(models.TextChoices):
    """What the botulinum-toxin labels contraindicate or warn about, recorded on
    the patient; which products each applies to is treatments/labels.py's."""

    TOXIN_HYPERSENSITIVITY = (
        "toxin_hypersensitivity",
        _("Hypersensitivity to a botulinum toxin product or an excipient"),
    )
    COWS_MILK_ALLERGY = "cows_milk_allergy", _("Allergy to cow's-milk protein")
    INJECTION_SITE_INFECTION = (
        "injection_site_infection",
        _("Infection at a planned injection site"),
    )
    NEUROMUSCULAR_DISORDER = (
        "neuromuscular_disorder",
        _(
            "Neuromuscular junction disorder (myasthenia gravis, Lambert-Eaton "
            "syndrome) or ALS"
        ),
    )
    AMINOGLYCOSIDE = (
        "aminoglycoside",
        _("Taking an aminoglycoside antibiotic (prescribed elsewhere)"),
    )
    PREGNANT = "pregnant", _("Pregnant")
    BREASTFEEDING = "breastfeeding", _("Breastfeeding")


class CaseStatus(models.TextChoices):
    ASSESSMENT = "assessment", _("Assessment")
    ACTIVE = "active", _("Active treatment")
    OBSERVATION = "observation", _("Observation")
    RESOLVED = "resolved", _("Resolved")
    DISCHARGED = "discharged", _("Discharged")


CLOSED_CASE_STATUSES = [CaseStatus.RESOLVED, CaseStatus.DISCHARGED]


class Modality(models.TextChoices):
    MRI = "mri", _("MRI")
    EEG = "eeg", _("EEG")
    EMG = "emg", _("EMG")
    BLOOD = "blood", _("Blood test")
    OTHER = "other", _("Other")


class StudyStatus(models.TextChoices):
    ORDERED = "ordered", _("Ordered")
    PERFORMED = "performed", _("Performed")
    RESULTED = "resulted", _("Resulted")
    REVIEWED = "reviewed", _("Reviewed")
    CANCELLED = "cancelled", _("Cancelled")


class FieldStrength(models.TextChoices):
    T1_5 = "1.5T", _("1.5 T")
    T3 = "3T", _("3 T")
    OTHER = "other", _("Other")


class Vessel(models.TextChoices):
    AICA = "aica", _("AICA")
    PICA = "pica", _("PICA")
    VERTEBRAL = "vertebral", _("Vertebral artery")
    VEIN = "vein", _("Vein")
    OTHER = "other", _("Other vessel")
    NONE = "none", _("None identified")
