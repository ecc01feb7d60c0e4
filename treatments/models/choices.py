"""The treatments' choice lists, at module level so that Meta.constraints can
reference them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CourseKind(models.TextChoices):
    BOTULINUM_TOXIN = "botulinum_toxin", _("Botulinum toxin")
    PHYSICAL_THERAPY = "physical_therapy", _("Physical therapy")
    MEDICATION = "medication", _("Medication")
    SURGICAL_REFERRAL = "surgical_referral", _("Surgical referral (MVD)")
    OBSERVATION = "observation", _("Observation with lifestyle advice")


class CourseStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped")


class Product(models.TextChoices):
    ONABOTULINUMTOXINA = "onabotulinumtoxina", "onabotulinumtoxinA (Botox)"
    ABOBOTULINUMTOXINA = "abobotulinumtoxina", "abobotulinumtoxinA (Dysport)"
    INCOBOTULINUMTOXINA = "incobotulinumtoxina", "incobotulinumtoxinA (Xeomin)"
    RIMABOTULINUMTOXINB = "rimabotulinumtoxinb", "rimabotulinumtoxinB (Myobloc)"


class Guidance(models.TextChoices):
    NONE = "none", _("None (anatomical landmarks)")
    EMG = "emg", "EMG"
    E_STIM = "e_stim", _("Electrical stimulation")
    ULTRASOUND = "ultrasound", _("Ultrasound")


class BenefitRating(models.TextChoices):
    NONE = "none", _("No benefit")
    SLIGHT = "slight", _("Slight")
    MODERATE = "moderate", _("Moderate")
    MARKED = "marked", _("Marked")


class Muscle(models.TextChoices):
    """The injection map of DOMAIN.md 2.3."""

    OO_PRETARSAL_UPPER_MEDIAL = (
        "oo_pretarsal_upper_medial",
        _("Orbicularis oculi, pretarsal upper lid, medial"),
    )
    OO_PRETARSAL_UPPER_LATERAL = (
        "oo_pretarsal_upper_lateral",
        _("Orbicularis oculi, pretarsal upper lid, lateral"),
    )
    OO_PRETARSAL_LOWER_LATERAL = (
        "oo_pretarsal_lower_lateral",
        _("Orbicularis oculi, pretarsal lower lid, lateral"),
    )
    OO_PRESEPTAL = "oo_preseptal", _("Orbicularis oculi, preseptal")
    OO_ORBITAL = "oo_orbital", _("Orbicularis oculi, orbital / lateral canthus")
    CORRUGATOR = "corrugator", _("Corrugator")
    PROCERUS = "procerus", _("Procerus")
    FRONTALIS = "frontalis", _("Frontalis")
    NASALIS = "nasalis", _("Nasalis")
    LEVATOR_LABII = (
        "levator_labii",
        _("Levator labii superioris (alaeque nasi)"),
    )
    ZYGOMATICUS_MAJOR = "zygomaticus_major", _("Zygomaticus major")
    ZYGOMATICUS_MINOR = "zygomaticus_minor", _("Zygomaticus minor")
    RISORIUS = "risorius", _("Risorius")
    BUCCINATOR = "buccinator", _("Buccinator")
    ORBICULARIS_ORIS = "orbicularis_oris", _("Orbicularis oris")
    DEPRESSOR_ANGULI_ORIS = "depressor_anguli_oris", _("Depressor anguli oris")
    DEPRESSOR_LABII_INFERIORIS = (
        "depressor_labii_inferioris",
        _("Depressor labii inferioris"),
    )
    MENTALIS = "mentalis", _("Mentalis")
    PLATYSMA = "platysma", _("Platysma")


class Side(models.TextChoices):
    RIGHT = "right", _("Right")
    LEFT = "left", _("Left")
    MIDLINE = "midline", _("Midline")


# Only these muscles cross the midline; every other site is charted on one side.
MIDLINE_MUSCLES = [Muscle.PROCERUS]


class Route(models.TextChoices):
    INTRAMUSCULAR = "im", _("Intramuscular")
    SUBCUTANEOUS = "sc", _("Subcutaneous")


class AdverseEffectKind(models.TextChoices):
    """DOMAIN.md 2.7 picklist."""

    PTOSIS = "ptosis", _("Ptosis")
    LAGOPHTHALMOS = "lagophthalmos", _("Lagophthalmos / incomplete eye closure")
    KERATITIS_DRY_EYE = "keratitis_dry_eye", _("Exposure keratitis / dry eye")
    EPIPHORA = "epiphora", _("Epiphora")
    DIPLOPIA = "diplopia", _("Diplopia")
    BLURRED_VISION = "blurred_vision", _("Blurred vision")
    PHOTOPHOBIA = "photophobia", _("Photophobia")
    ECTROPION_ENTROPION = "ectropion_entropion", _("Ectropion / entropion")
    FACIAL_WEAKNESS = "facial_weakness", _("Lower-face weakness / mouth asymmetry")
    DROOLING = "drooling", _("Drooling")
    DYSPHAGIA = "dysphagia", _("Dysphagia")
    DYSPHONIA = "dysphonia", _("Dysphonia")
    DYSARTHRIA = "dysarthria", _("Dysarthria")
    BREATHING_DIFFICULTY = "breathing_difficulty", _("Breathing difficulty")
    GENERALISED_WEAKNESS = "generalised_weakness", _("Generalised weakness")
    BRUISING = "bruising", _("Bruising / ecchymosis")
    INJECTION_SITE_PAIN = "injection_site_pain", _("Injection-site pain")
    HEADACHE = "headache", _("Headache")
    DISTANT_SPREAD = "distant_spread", _("Distant spread of toxin")


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
    MILD = "mild", _("Mild")
    MODERATE = "moderate", _("Moderate")
    SEVERE = "severe", _("Severe")


class TherapyFocus(models.TextChoices):
    FACIAL_RETRAINING = "facial_retraining", _("Facial retraining")
    BIOFEEDBACK = "biofeedback", _("Mirror / EMG biofeedback")
    SOFT_TISSUE = "soft_tissue", _("Massage and stretching")
    EYE_CARE = "eye_care", _("Eye-protection teaching")
    RELAXATION = "relaxation", _("Relaxation / habit reversal")


class TherapyProgress(models.TextChoices):
    IMPROVED = "improved", _("Improved")
    UNCHANGED = "unchanged", _("Unchanged")
    WORSE = "worse", _("Worse")


class DrugRoute(models.TextChoices):
    ORAL = "oral", _("Oral")
    INTRAVENOUS = "iv", _("Intravenous")
    INTRAMUSCULAR = "im", _("Intramuscular")
    TOPICAL = "topical", _("Topical")
    OPHTHALMIC = "ophthalmic", _("Eye drops / ointment")


class DoseUnit(models.TextChoices):
    MG = "mg", "mg"
    MICROGRAM = "mcg", _("microgram")
    ML = "ml", "mL"
    DROP = "drop", _("drop")


class Specialty(models.TextChoices):
    NEUROSURGERY = "neurosurgery", _("Neurosurgery")
    OPHTHALMOLOGY = "ophthalmology", _("Ophthalmology")
    ENT = "ent", _("ENT / otology")
    PLASTIC_SURGERY = "plastic_surgery", _("Facial plastic surgery")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    SOON = "soon", _("Soon")
    URGENT = "urgent", _("Urgent")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    SEEN = "seen", _("Seen by specialist")
    SURGERY_SCHEDULED = "surgery_scheduled", _("Surgery scheduled")
    OPERATED = "operated", _("Operated")
    OUTCOME_RECORDED = "outcome_recorded", _("Outcome recorded")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


AWAITING_REPLY_STATUSES = [ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED]


class MvdOutcome(models.TextChoices):
    """DOMAIN.md 3: delayed cure is common, so 'not yet' is not 'failed'."""

    COMPLETE_RESOLUTION = "complete_resolution", _("Complete resolution")
    PARTIAL = "partial", _("Partial improvement")
    AWAITING_DELAYED_CURE = "awaiting_delayed_cure", _("No change yet (delayed cure)")
    NO_CHANGE = "no_change", _("No change")
    RECURRENCE = "recurrence", _("Recurrence")


class MvdComplication(models.TextChoices):
    TRANSIENT_FACIAL_PALSY = "transient_facial_palsy", _("Transient facial palsy")
    TRANSIENT_HEARING_LOSS = "transient_hearing_loss", _("Transient hearing loss")
    CSF_LEAK = "csf_leak", _("CSF leak")
    PERMANENT_HEARING_LOSS = "permanent_hearing_loss", _("Permanent hearing loss")
    PERMANENT_FACIAL_PALSY = "permanent_facial_palsy", _("Permanent facial palsy")
    OTHER = "other", _("Other")


class FollowUpTimepoint(models.TextChoices):
    """MVD follow-up at about 1 week, 1, 3, 6, 12 and 24 months (DOMAIN.md 3)."""

    WEEK_1 = "1w", _("1 week")
    MONTH_1 = "1m", _("1 month")
    MONTH_3 = "3m", _("3 months")
    MONTH_6 = "6m", _("6 months")
    MONTH_12 = "12m", _("12 months")
    MONTH_24 = "24m", _("24 months")
