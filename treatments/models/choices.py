"""The treatments' choice lists, at module level so that Meta.constraints can
reference them."""

from django.db import models


class CourseKind(models.TextChoices):
    BOTULINUM_TOXIN = "botulinum_toxin", "Botulinum toxin"
    PHYSICAL_THERAPY = "physical_therapy", "Physical therapy"
    MEDICATION = "medication", "Medication"
    SURGICAL_REFERRAL = "surgical_referral", "Surgical referral (MVD)"
    OBSERVATION = "observation", "Observation with lifestyle advice"


class CourseStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    COMPLETED = "completed", "Completed"
    STOPPED = "stopped", "Stopped"


class Product(models.TextChoices):
    ONABOTULINUMTOXINA = "onabotulinumtoxina", "onabotulinumtoxinA (Botox)"
    ABOBOTULINUMTOXINA = "abobotulinumtoxina", "abobotulinumtoxinA (Dysport)"
    INCOBOTULINUMTOXINA = "incobotulinumtoxina", "incobotulinumtoxinA (Xeomin)"
    RIMABOTULINUMTOXINB = "rimabotulinumtoxinb", "rimabotulinumtoxinB (Myobloc)"


class Guidance(models.TextChoices):
    NONE = "none", "None (anatomical landmarks)"
    EMG = "emg", "EMG"
    E_STIM = "e_stim", "Electrical stimulation"
    ULTRASOUND = "ultrasound", "Ultrasound"


class BenefitRating(models.TextChoices):
    NONE = "none", "No benefit"
    SLIGHT = "slight", "Slight"
    MODERATE = "moderate", "Moderate"
    MARKED = "marked", "Marked"


class Muscle(models.TextChoices):
    """The injection map of DOMAIN.md 2.3."""

    OO_PRETARSAL_UPPER_MEDIAL = (
        "oo_pretarsal_upper_medial",
        "Orbicularis oculi, pretarsal upper lid, medial",
    )
    OO_PRETARSAL_UPPER_LATERAL = (
        "oo_pretarsal_upper_lateral",
        "Orbicularis oculi, pretarsal upper lid, lateral",
    )
    OO_PRETARSAL_LOWER_LATERAL = (
        "oo_pretarsal_lower_lateral",
        "Orbicularis oculi, pretarsal lower lid, lateral",
    )
    OO_PRESEPTAL = "oo_preseptal", "Orbicularis oculi, preseptal"
    OO_ORBITAL = "oo_orbital", "Orbicularis oculi, orbital / lateral canthus"
    CORRUGATOR = "corrugator", "Corrugator"
    PROCERUS = "procerus", "Procerus"
    FRONTALIS = "frontalis", "Frontalis"
    NASALIS = "nasalis", "Nasalis"
    LEVATOR_LABII = (
        "levator_labii",
        "Levator labii superioris (alaeque nasi)",
    )
    ZYGOMATICUS_MAJOR = "zygomaticus_major", "Zygomaticus major"
    ZYGOMATICUS_MINOR = "zygomaticus_minor", "Zygomaticus minor"
    RISORIUS = "risorius", "Risorius"
    BUCCINATOR = "buccinator", "Buccinator"
    ORBICULARIS_ORIS = "orbicularis_oris", "Orbicularis oris"
    DEPRESSOR_ANGULI_ORIS = "depressor_anguli_oris", "Depressor anguli oris"
    DEPRESSOR_LABII_INFERIORIS = (
        "depressor_labii_inferioris",
        "Depressor labii inferioris",
    )
    MENTALIS = "mentalis", "Mentalis"
    PLATYSMA = "platysma", "Platysma"


class Side(models.TextChoices):
    RIGHT = "right", "Right"
    LEFT = "left", "Left"
    MIDLINE = "midline", "Midline"


# Only these muscles cross the midline; every other site is charted on one side.
MIDLINE_MUSCLES = [Muscle.PROCERUS]


class Route(models.TextChoices):
    INTRAMUSCULAR = "im", "Intramuscular"
    SUBCUTANEOUS = "sc", "Subcutaneous"


class AdverseEffectKind(models.TextChoices):
    """DOMAIN.md 2.7 picklist."""

    PTOSIS = "ptosis", "Ptosis"
    LAGOPHTHALMOS = "lagophthalmos", "Lagophthalmos / incomplete eye closure"
    KERATITIS_DRY_EYE = "keratitis_dry_eye", "Exposure keratitis / dry eye"
    EPIPHORA = "epiphora", "Epiphora"
    DIPLOPIA = "diplopia", "Diplopia"
    BLURRED_VISION = "blurred_vision", "Blurred vision"
    PHOTOPHOBIA = "photophobia", "Photophobia"
    ECTROPION_ENTROPION = "ectropion_entropion", "Ectropion / entropion"
    FACIAL_WEAKNESS = "facial_weakness", "Lower-face weakness / mouth asymmetry"
    DROOLING = "drooling", "Drooling"
    DYSPHAGIA = "dysphagia", "Dysphagia"
    DYSPHONIA = "dysphonia", "Dysphonia"
    DYSARTHRIA = "dysarthria", "Dysarthria"
    BREATHING_DIFFICULTY = "breathing_difficulty", "Breathing difficulty"
    GENERALISED_WEAKNESS = "generalised_weakness", "Generalised weakness"
    BRUISING = "bruising", "Bruising / ecchymosis"
    INJECTION_SITE_PAIN = "injection_site_pain", "Injection-site pain"
    HEADACHE = "headache", "Headache"
    DISTANT_SPREAD = "distant_spread", "Distant spread of toxin"


# Signs of distant spread (boxed warning): escalate urgently.
URGENT_ADVERSE_EFFECTS = [
    AdverseEffectKind.DYSPHAGIA,
    AdverseEffectKind.DYSPHONIA,
    AdverseEffectKind.DYSARTHRIA,
    AdverseEffectKind.BREATHING_DIFFICULTY,
    AdverseEffectKind.GENERALISED_WEAKNESS,
    AdverseEffectKind.DISTANT_SPREAD,
]
# What raises the red flag of distant spread (DOMAIN.md 5.1): the urgent signs,
# and double or blurred vision.
DISTANT_SPREAD_SIGNS = [
    *URGENT_ADVERSE_EFFECTS,
    AdverseEffectKind.DIPLOPIA,
    AdverseEffectKind.BLURRED_VISION,
]


class Severity(models.TextChoices):
    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    SEVERE = "severe", "Severe"


class TherapyFocus(models.TextChoices):
    FACIAL_RETRAINING = "facial_retraining", "Facial retraining"
    BIOFEEDBACK = "biofeedback", "Mirror / EMG biofeedback"
    SOFT_TISSUE = "soft_tissue", "Massage and stretching"
    EYE_CARE = "eye_care", "Eye-protection teaching"
    RELAXATION = "relaxation", "Relaxation / habit reversal"


class TherapyProgress(models.TextChoices):
    IMPROVED = "improved", "Improved"
    UNCHANGED = "unchanged", "Unchanged"
    WORSE = "worse", "Worse"


class DrugRoute(models.TextChoices):
    ORAL = "oral", "Oral"
    INTRAVENOUS = "iv", "Intravenous"
    INTRAMUSCULAR = "im", "Intramuscular"
    TOPICAL = "topical", "Topical"
    OPHTHALMIC = "ophthalmic", "Eye drops / ointment"


class DoseUnit(models.TextChoices):
    MG = "mg", "mg"
    MICROGRAM = "mcg", "microgram"
    ML = "ml", "mL"
    DROP = "drop", "drop"


class Specialty(models.TextChoices):
    NEUROSURGERY = "neurosurgery", "Neurosurgery"
    OPHTHALMOLOGY = "ophthalmology", "Ophthalmology"
    ENT = "ent", "ENT / otology"
    PLASTIC_SURGERY = "plastic_surgery", "Facial plastic surgery"
    OTHER = "other", "Other"


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    SOON = "soon", "Soon"
    URGENT = "urgent", "Urgent"


class ReferralStatus(models.TextChoices):
    SENT = "sent", "Sent"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    SEEN = "seen", "Seen by specialist"
    SURGERY_SCHEDULED = "surgery_scheduled", "Surgery scheduled"
    OPERATED = "operated", "Operated"
    OUTCOME_RECORDED = "outcome_recorded", "Outcome recorded"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"


AWAITING_REPLY_STATUSES = [ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED]


class MvdOutcome(models.TextChoices):
    """DOMAIN.md 3: delayed cure is common, so 'not yet' is not 'failed'."""

    COMPLETE_RESOLUTION = "complete_resolution", "Complete resolution"
    PARTIAL = "partial", "Partial improvement"
    AWAITING_DELAYED_CURE = "awaiting_delayed_cure", "No change yet (delayed cure)"
    NO_CHANGE = "no_change", "No change"
    RECURRENCE = "recurrence", "Recurrence"


class MvdComplication(models.TextChoices):
    TRANSIENT_FACIAL_PALSY = "transient_facial_palsy", "Transient facial palsy"
    TRANSIENT_HEARING_LOSS = "transient_hearing_loss", "Transient hearing loss"
    CSF_LEAK = "csf_leak", "CSF leak"
    PERMANENT_HEARING_LOSS = "permanent_hearing_loss", "Permanent hearing loss"
    PERMANENT_FACIAL_PALSY = "permanent_facial_palsy", "Permanent facial palsy"
    OTHER = "other", "Other"


class FollowUpTimepoint(models.TextChoices):
    """MVD follow-up at about 1 week, 1, 3, 6, 12 and 24 months (DOMAIN.md 3)."""

    WEEK_1 = "1w", "1 week"
    MONTH_1 = "1m", "1 month"
    MONTH_3 = "3m", "3 months"
    MONTH_6 = "6m", "6 months"
    MONTH_12 = "12m", "12 months"
    MONTH_24 = "24m", "24 months"
