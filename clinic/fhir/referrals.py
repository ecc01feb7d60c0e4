"""Referrals and appointments as FHIR: a referral is a ServiceRequest, the MVD it
led to a Procedure (CPT 61458) and each follow-up an Observation; an appointment
is an Appointment."""

from clinic.fhir import codes
from clinic.fhir.references import References, day, instant, without_empty
from treatments.models import MvdComplication

REFERRAL_STATUS = {
    "operated": "completed",
    "outcome_recorded": "completed",
    "declined": "revoked",
    "cancelled": "revoked",
}
PRIORITY = {"routine": "routine", "soon": "urgent", "urgent": "asap"}
OPERATED = frozenset({"operated", "outcome_recorded"})
APPOINTMENT_STATUS = {
    "booked": "booked",
    "confirmed": "booked",
    "arrived": "arrived",
    "completed": "fulfilled",
    "cancelled": "cancelled",
    "no_show": "noshow",
}
COMPLICATIONS = dict(MvdComplication.choices)


def _complications(values: list[str]) -> list[dict]:
    return [
        codes.local_concept(
            "mvd-complications", value, str(COMPLICATIONS.get(value, value))
        )
        for value in values
    ]


def has_surgery(referral) -> bool:
    return referral.surgery_on is not None and referral.status in OPERATED


def referral_resources(referral, refs: References) -> list[dict]:
    """The referral, and the operation when one was done."""
    course = referral.course
    patient = {"reference": f"Patient/{course.case.patient_id}"}
    condition = refs.to("case", "Condition", f"case-{course.case_id}")
    status = REFERRAL_STATUS.get(referral.status, "active")
    request = without_empty(
        {
            "resourceType": "ServiceRequest",
            "id": f"referral-{referral.pk}",
            "basedOn": [refs.to("course", "CarePlan", f"course-{course.pk}")],
            "status": "entered-in-error" if referral.entered_in_error else status,
            "intent": "order",
            "category": [codes.concept(text="Referral")],
            "priority": PRIORITY.get(referral.urgency),
            "code": codes.local_concept(
                "referral-specialties",
                referral.specialty,
                f"Referral to {referral.get_specialty_display().lower()}",
            ),
            "subject": patient,
            "authoredOn": day(referral.sent_on),
            "requester": refs.practitioner(course.responsible_clinician_id),
            "performer": [{"display": referral.to_name}] if referral.to_name else [],
            "reasonCode": [codes.concept(text=referral.reason)]
            if referral.reason
            else [],
            "reasonReference": [condition],
            "note": [{"text": referral.notes}] if referral.notes else [],
        }
    )
    if not has_surgery(referral):
        return [request]
    code, display = codes.MVD_CPT
    surgery = without_empty(
        {
            "resourceType": "Procedure",
            "id": f"referral-{referral.pk}-surgery",
            "basedOn": [{"reference": f"ServiceRequest/referral-{referral.pk}"}],
            "status": "entered-in-error" if referral.entered_in_error else "completed",
            "code": codes.concept(
                codes.coding(codes.CPT, code, display),
                text="Microvascular decompression",
            ),
            "subject": patient,
            "performedDateTime": day(referral.surgery_on),
            "reasonReference": [condition],
            "outcome": codes.local_concept(
                "mvd-outcomes", referral.outcome, referral.get_outcome_display()
            )
            if referral.outcome
            else None,
            "complication": _complications(referral.complications),
        }
    )
    return [request, surgery]


def followup_resource(followup, refs: References) -> dict:
    referral = followup.referral
    label = f"MVD follow-up at {followup.get_timepoint_display()}"
    return without_empty(
        {
            "resourceType": "Observation",
            "id": f"followup-{followup.pk}",
            "partOf": [
                {"reference": f"Procedure/referral-{referral.pk}-surgery"}
                if has_surgery(referral) and refs.holds("referral")
                else None
            ],
            "status": "final",
            "category": [
                codes.concept(codes.coding(codes.OBSERVATION_CATEGORY, "exam"))
            ],
            "code": codes.local_concept("mvd-follow-ups", followup.timepoint, label),
            "subject": {"reference": f"Patient/{referral.course.case.patient_id}"},
            "effectiveDateTime": day(followup.seen_on),
            "valueCodeableConcept": codes.local_concept(
                "mvd-outcomes",
                followup.spasm_status,
                followup.get_spasm_status_display(),
            )
            if followup.spasm_status
            else None,
            "dataAbsentReason": None
            if followup.spasm_status
            else codes.concept(text="Not recorded"),
            "component": [
                {"code": complication, "valueBoolean": True}
                for complication in _complications(followup.complications)
            ],
            "note": [{"text": followup.notes}] if followup.notes else [],
        }
    )


def appointment_resource(appointment, refs: References) -> dict:
    minutes = int((appointment.ends_at - appointment.starts_at).total_seconds() // 60)
    participants = [
        {
            "actor": {"reference": f"Patient/{appointment.patient_id}"},
            "status": "accepted",
        },
        {"actor": refs.practitioner(appointment.clinician_id), "status": "accepted"},
    ]
    return without_empty(
        {
            "resourceType": "Appointment",
            "id": f"appointment-{appointment.pk}",
            "status": APPOINTMENT_STATUS[appointment.status],
            "cancelationReason": codes.concept(text=appointment.cancel_reason)
            if appointment.cancel_reason
            else None,
            "serviceType": [
                codes.local_concept(
                    "appointment-kinds",
                    appointment.kind,
                    appointment.get_kind_display(),
                )
            ],
            "start": instant(appointment.starts_at),
            "end": instant(appointment.ends_at),
            "minutesDuration": minutes,
            "comment": appointment.notes,
            "supportingInformation": [
                refs.to("course", "CarePlan", f"course-{appointment.course_id}")
                if appointment.course_id
                else None
            ],
            "participant": participants,
        }
    )
