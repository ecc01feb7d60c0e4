"""The code systems of the FHIR export and the codes taken from them (DOMAIN.md
sections 6 and 7). Standard codes only where DOMAIN.md gives them; everything
else (scales, muscles, products, findings) is in the clinic's own code systems,
named under CLINIC_FHIR_BASE_URL."""

from django.conf import settings

ICD10_CM = "http://hl7.org/fhir/sid/icd-10-cm"
SNOMED = "http://snomed.info/sct"
CPT = "http://www.ama-assn.org/go/cpt"
HCPCS = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
ROUTE = "http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration"
ADVERSE_SEVERITY = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
ADVERSE_OUTCOME = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"

# Conditions with a SNOMED CT concept that DOMAIN.md 6.3 confirms; the rest carry
# their ICD-10-CM code only.
CONDITION_SNOMED = {
    "bells_palsy": ("193093009", "Bell's palsy"),
    "hemifacial_spasm": ("13753008", "Hemifacial spasm"),
    "facial_myokymia": ("1070000", "Facial myokymia"),
}
TOURETTE_ICD10 = "F95.2"
TOURETTE_SNOMED = ("5158005", "Gilles de la Tourette's syndrome")
LATERALITY_SNOMED = {
    "right": ("24028007", "Right"),
    "left": ("7771000", "Left"),
    "bilateral": ("51440002", "Right and left"),
}
CHEMODENERVATION_CPT = (
    "64612",
    "Chemodenervation of muscle(s); muscle(s) innervated by facial nerve, unilateral",
)
MVD_CPT = (
    "61458",
    "Craniectomy, suboccipital; for exploration or decompression of cranial nerves",
)
BODY_WEIGHT_LOINC = ("29463-7", "Body weight")
# HL7 v3 routes for the routes the clinic records; the others (topical,
# ophthalmic) are in its own code system.
ROUTES = {
    "im": ("IM", "Injection, intramuscular"),
    "sc": ("SQ", "Injection, subcutaneous"),
    "iv": ("IV", "Injection, intravenous"),
    "oral": ("PO", "Swallow, oral"),
}
GUARDIAN_ROLES = {
    "mother": ("MTH", "mother"),
    "father": ("FTH", "father"),
    "legal_guardian": ("GUARD", "guardian"),
}
GENDER = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}


def local(name: str) -> str:
    """One of the clinic's own code systems, e.g. local("facial-scales")."""
    return f"{settings.CLINIC_FHIR_BASE_URL}/CodeSystem/{name}"


def coding(system: str, code: str, display: str = "") -> dict:
    found = {"system": system, "code": code}
    if display:
        found["display"] = display
    return found


def concept(*codings: dict, text: str = "") -> dict:
    found = {}
    if codings:
        found["coding"] = list(codings)
    if text:
        found["text"] = text
    return found


def local_concept(system: str, code: str, display: str) -> dict:
    """A code of one of the clinic's code systems, its display as the text too."""
    return concept(coding(local(system), code, display), text=display)


def route(code: str, display: str) -> dict:
    """A route of administration: HL7 v3 where it has one, else the clinic's."""
    if code in ROUTES:
        v3_code, v3_display = ROUTES[code]
        return concept(coding(ROUTE, v3_code, v3_display), text=display)
    return local_concept("routes", code, display)


def laterality(side: str) -> dict | None:
    """The SNOMED CT laterality qualifier of a side; None for none or midline."""
    if side not in LATERALITY_SNOMED:
        return None
    code, display = LATERALITY_SNOMED[side]
    return concept(coding(SNOMED, code, display), text=display)
