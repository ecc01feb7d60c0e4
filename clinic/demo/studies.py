"""The diagnostic studies of the storylines as data: what was ordered, how far it
has gone, and what it found."""

from dataclasses import dataclass, field

from patients.models import FieldStrength, Modality, StudyStatus, Vessel


@dataclass(frozen=True)
class Study:
    """A study for DemoClinic.add_study, with the findings it has once resulted.
    The impression and the findings' text may name the case's {side}."""

    modality: str
    status: str
    description: str
    impression: str = ""
    findings: dict = field(default_factory=dict)


# Days from order to performed, from performed to result and from result to review.
STUDY_STEP_DAYS = {"performed": (5, 21), "resulted": (1, 4), "reviewed": (1, 6)}
MRI_SEQUENCES = "3D T2 CISS, 3D TOF MRA, T1 post-contrast"
NO_LESION_OR_CONFLICT = {
    "mri_field_strength": FieldStrength.T3,
    "mri_sequences": MRI_SEQUENCES,
    "mri_neurovascular_compression": False,
    "mri_offending_vessels": [Vessel.NONE.value],
    "mri_lesion_found": False,
}
NO_LATERAL_SPREAD = {"emg_lateral_spread_response": False}


def myokymic_emg(description: str, impression: str) -> Study:
    """A reviewed needle EMG: myokymic discharges, no lateral spread response."""
    findings = NO_LATERAL_SPREAD | {"emg_myokymic_discharges": True}
    return Study(Modality.EMG, StudyStatus.REVIEWED, description, impression, findings)


# Hemifacial spasm
HFS_MRI_DESCRIPTION = "MRI brain and posterior fossa with MRA"
HFS_MRI_ORDERED = Study(Modality.MRI, StudyStatus.ORDERED, HFS_MRI_DESCRIPTION)
HFS_MRI = Study(
    Modality.MRI,
    StudyStatus.REVIEWED,
    HFS_MRI_DESCRIPTION,
    findings={"mri_sequences": MRI_SEQUENCES, "mri_lesion_found": False},
)
HFS_MRI_COMPRESSION = (
    "{vessels} in contact with the {side} facial nerve root exit zone. "
    "No structural lesion."
)
HFS_MRI_NO_CONFLICT = (
    "No neurovascular conflict or structural lesion seen; a negative MRI does not "
    "exclude MVD."
)
HFS_EMG = Study(
    Modality.EMG,
    StudyStatus.REVIEWED,
    "Facial nerve conduction, blink reflex and needle EMG",
    impression="Lateral spread response present (latency {latency} ms); "
    "high-frequency bursts with the spasms. Typical of hemifacial spasm.",
    findings={
        "emg_lateral_spread_response": True,
        "emg_high_frequency_bursts": True,
        "emg_blink_reflex_synkinesis": True,
    },
)
CPA_LESION_MRI = Study(
    Modality.MRI,
    StudyStatus.RESULTED,
    "MRI brain with contrast, internal auditory meatus protocol",
    impression="12 mm enhancing lesion at the {side} cerebellopontine angle, most "
    "likely a vestibular schwannoma. Secondary hemifacial spasm.",
    findings=NO_LESION_OR_CONFLICT
    | {
        "mri_lesion_found": True,
        "mri_lesion_description": "12 mm enhancing {side} CPA lesion.",
    },
)
CHILD_EEG = Study(
    Modality.EEG,
    StudyStatus.REVIEWED,
    "Routine EEG with video",
    impression="Normal EEG. Spasms captured without an ictal correlate.",
    findings={
        "eeg_abnormal": False,
        "eeg_epileptiform_activity": False,
        "eeg_ictal_correlate": False,
    },
)
CHILD_MRI = Study(
    Modality.MRI,
    StudyStatus.RESULTED,
    "MRI brain and posterior fossa (under sedation)",
    impression="No posterior-fossa mass. No neurovascular conflict seen.",
    findings=NO_LESION_OR_CONFLICT,
)

# Synkinesis and myokymia
SYNKINESIS_EMG = Study(
    Modality.EMG,
    StudyStatus.REVIEWED,
    "Blink reflex and facial nerve conduction",
    impression="Blink-reflex synkinesis in the lower face: aberrant regeneration "
    "after facial palsy.",
    findings=NO_LATERAL_SPREAD | {"emg_blink_reflex_synkinesis": True},
)
EYELID_MYOKYMIA_EMG = myokymic_emg(
    "Needle EMG of orbicularis oculi",
    "Myokymic discharges in orbicularis oculi; no lateral spread response.",
)
PERIORAL_MYOKYMIA_EMG = myokymic_emg(
    "Needle EMG of the lower facial muscles",
    "Continuous myokymic discharges in orbicularis oris and mentalis.",
)
BRAINSTEM_MRI = Study(
    Modality.MRI,
    StudyStatus.RESULTED,
    "MRI brain with contrast, brainstem protocol",
    impression="No pontine or cerebellopontine-angle lesion.",
    findings={
        "mri_field_strength": FieldStrength.T3,
        "mri_sequences": "3D T2 CISS, FLAIR, T1 post-contrast",
        "mri_neurovascular_compression": False,
        "mri_lesion_found": False,
    },
)
MS_MRI = Study(
    Modality.MRI,
    StudyStatus.REVIEWED,
    "MRI brain with contrast",
    impression="Demyelinating lesion in the {side} dorsal pons near the facial "
    "nucleus, explaining the myokymia.",
    findings={
        "mri_field_strength": FieldStrength.T3,
        "mri_sequences": "FLAIR, T2, T1 post-contrast",
        "mri_neurovascular_compression": False,
        "mri_lesion_found": True,
        "mri_lesion_description": "T2-bright lesion, {side} dorsal pons.",
    },
)
MS_EMG = myokymic_emg(
    "Needle EMG of the facial muscles",
    "Myokymic discharges; no lateral spread response.",
)
