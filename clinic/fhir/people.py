"""The people of the FHIR export: the patient (and their weight), guardians as
RelatedPerson, clinicians as Practitioner, and the clinic as Organization."""

from django.conf import settings

from clinic.fhir import codes
from clinic.fhir.references import References, day, without_empty

ORGANIZATION_ID = "clinic"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"


def mrn_system() -> str:
    return f"{settings.CLINIC_FHIR_BASE_URL}/sid/mrn"


def _telecom(phone: str, email: str) -> list[dict]:
    found = []
    if phone:
        found.append({"system": "phone", "value": phone})
    if email:
        found.append({"system": "email", "value": email})
    return found


def patient_resource(patient, refs: References) -> dict:
    return without_empty(
        {
            "resourceType": "Patient",
            "id": str(patient.pk),
            "identifier": [
                {
                    "use": "usual",
                    "type": codes.concept(codes.coding(IDENTIFIER_TYPE, "MR")),
                    "system": mrn_system(),
                    "value": patient.mrn,
                }
            ],
            "active": not patient.is_archived,
            "name": [
                {
                    "use": "official",
                    "family": patient.family_name,
                    "given": [patient.given_name],
                }
            ],
            "telecom": _telecom(patient.phone, patient.email),
            "gender": codes.GENDER[patient.sex],
            "birthDate": day(patient.date_of_birth),
            "deceasedDateTime": day(patient.date_of_death),
            "address": [{"text": patient.address}] if patient.address else [],
            "generalPractitioner": [
                ref
                for ref in [refs.practitioner(patient.responsible_neurologist_id)]
                if ref
            ],
            "managingOrganization": {"reference": f"Organization/{ORGANIZATION_ID}"},
        }
    )


def weight_resource(patient) -> dict | None:
    """The last recorded weight (the children's dose ceilings rest on it)."""
    if patient.weight_kg is None:
        return None
    code, display = codes.BODY_WEIGHT_LOINC
    return {
        "resourceType": "Observation",
        "id": f"weight-{patient.pk}",
        "status": "final",
        "category": [
            codes.concept(codes.coding(codes.OBSERVATION_CATEGORY, "vital-signs"))
        ],
        "code": codes.concept(codes.coding(codes.LOINC, code, display), text=display),
        "subject": {"reference": f"Patient/{patient.pk}"},
        "effectiveDateTime": day(patient.weight_measured_on),
        "valueQuantity": {
            "value": float(patient.weight_kg),
            "unit": "kg",
            "system": codes.UCUM,
            "code": "kg",
        },
    }


def guardian_resource(guardian) -> dict:
    role = codes.GUARDIAN_ROLES.get(guardian.relationship)
    relationship = (
        codes.concept(codes.coding(codes.ROLE_CODE, *role))
        if role
        else codes.concept(text=guardian.get_relationship_display())
    )
    return without_empty(
        {
            "resourceType": "RelatedPerson",
            "id": f"guardian-{guardian.pk}",
            "patient": {"reference": f"Patient/{guardian.patient_id}"},
            "relationship": [relationship],
            "name": [{"text": guardian.full_name}],
            "telecom": _telecom(guardian.phone, guardian.email),
        }
    )


def practitioner_resource(user) -> dict:
    name = {"text": user.display_name}
    if user.last_name:
        name["family"] = user.last_name
    if user.first_name:
        name["given"] = [user.first_name]
    return without_empty(
        {
            "resourceType": "Practitioner",
            "id": str(user.pk),
            "active": user.is_active,
            "name": [name],
            "qualification": [{"code": codes.concept(text=user.credentials)}]
            if user.credentials
            else [],
        }
    )


def organization_resource() -> dict:
    return without_empty(
        {
            "resourceType": "Organization",
            "id": ORGANIZATION_ID,
            "active": True,
            "name": settings.CLINIC_NAME,
            "telecom": _telecom(settings.CLINIC_PHONE, ""),
        }
    )
