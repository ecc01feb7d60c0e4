"""Treatments as FHIR (DOMAIN.md section 7): a course is a CarePlan; a toxin
session a Procedure (CPT 64612) with one MedicationAdministration per injection
site, its vial a contained Medication with the lot and expiry; adverse effects
AdverseEvent; therapy a Procedure; medication a MedicationRequest."""

from django.utils import timezone

from clinic.fhir import codes
from clinic.fhir.references import References, day, instant, without_empty
from treatments import dosing

COURSE_STATUS = {
    "planned": "draft",
    "active": "active",
    "on_hold": "on-hold",
    "completed": "completed",
    "stopped": "revoked",
}
ACTIVITY_STATUS = {
    "planned": "not-started",
    "active": "in-progress",
    "on_hold": "on-hold",
    "completed": "completed",
    "stopped": "stopped",
}
DOSE_UNITS_UCUM = {"mg": "mg", "mcg": "ug", "ml": "mL"}


def _condition(refs: References, case_id: int) -> list:
    return [refs.to("case", "Condition", f"case-{case_id}")]


def _plan(refs: References, course_id: int) -> list:
    return [refs.to("course", "CarePlan", f"course-{course_id}")]


def course_resource(course, refs: References) -> dict:
    detail = {
        "code": codes.local_concept(
            "course-kinds", course.kind, course.get_kind_display()
        ),
        "status": ACTIVITY_STATUS[course.status],
    }
    if course.planned_interval_days:
        detail["scheduledTiming"] = {
            "repeat": {
                "frequency": 1,
                "period": course.planned_interval_days,
                "periodUnit": "d",
            }
        }
    return without_empty(
        {
            "resourceType": "CarePlan",
            "id": f"course-{course.pk}",
            "status": COURSE_STATUS[course.status],
            "intent": "plan",
            "category": [detail["code"]],
            "title": course.get_kind_display(),
            "description": course.goal,
            "subject": {"reference": f"Patient/{course.case.patient_id}"},
            "period": without_empty(
                {"start": day(course.started_on), "end": day(course.ended_on)}
            ),
            "author": refs.practitioner(course.responsible_clinician_id),
            "addresses": _condition(refs, course.case_id),
            "activity": [{"detail": detail}],
            "note": [{"text": course.stop_reason}] if course.stop_reason else [],
        }
    )


def product_concept(product: str) -> dict:
    """The product in the clinic's code system and its HCPCS drug code."""
    facts = dosing.PRODUCTS[product]
    label = f"{facts.generic} ({facts.brand})"
    return codes.concept(
        codes.coding(codes.local("toxin-products"), product, label),
        codes.coding(codes.HCPCS, facts.hcpcs),
        text=label,
    )


def units(value, product: str) -> dict:
    """Toxin units: product-specific, so a unit of the clinic's own, never UCUM's
    enzyme unit (DOMAIN.md section 7)."""
    return {
        "value": float(value),
        "unit": "U",
        "system": codes.local("toxin-units"),
        "code": f"U-{product}",
    }


def session_resource(session, refs: References) -> dict:
    code, display = codes.CHEMODENERVATION_CPT
    sides = sorted({injection.side for injection in session.injections.all()})
    performers = [
        {"actor": ref}
        for ref in (
            refs.practitioner(session.injector_id),
            refs.practitioner(session.assistant_id),
        )
        if ref
    ]
    return without_empty(
        {
            "resourceType": "Procedure",
            "id": f"toxinsession-{session.pk}",
            "basedOn": _plan(refs, session.course_id),
            "status": "entered-in-error" if session.entered_in_error else "completed",
            "code": codes.concept(
                codes.coding(codes.CPT, code, display),
                text=f"Chemodenervation with {session.get_product_display()}",
            ),
            "subject": {"reference": f"Patient/{session.course.case.patient_id}"},
            "performedDateTime": instant(session.performed_at),
            "performer": performers,
            "reasonReference": _condition(refs, session.course.case_id),
            "bodySite": [side for side in map(codes.laterality, sides) if side],
            "outcome": codes.local_concept(
                "toxin-benefit", session.benefit, session.get_benefit_display()
            )
            if session.benefit
            else None,
            "complication": [
                codes.local_concept(
                    "adverse-effects", effect.kind, effect.get_kind_display()
                )
                for effect in session.adverse_effects.all()
            ]
            if refs.holds("adverse_effect")
            else [],
            "note": [{"text": session.notes}] if session.notes else [],
        }
    )


def _medication(vial, product: str) -> dict:
    """The vial as a contained Medication: the product, lot, expiry and the
    strength it was made up to."""
    medication = {
        "resourceType": "Medication",
        "id": "vial",
        "code": product_concept(product),
        "batch": without_empty(
            {"lotNumber": vial.lot_number, "expirationDate": day(vial.expiry_date)}
        ),
    }
    if vial.size_units and (
        vial.diluent_volume_ml or dosing.ready_made_units_per_ml(product)
    ):
        medication["ingredient"] = [
            {
                "itemCodeableConcept": product_concept(product),
                "strength": {
                    "numerator": units(vial.units_per_ml(product), product),
                    "denominator": {
                        "value": 1,
                        "unit": "mL",
                        "system": codes.UCUM,
                        "code": "mL",
                    },
                },
            }
        ]
    return without_empty(medication)


def injection_resource(injection, session, refs: References) -> dict:
    site = f"{injection.get_muscle_display()}, {injection.get_side_display().lower()}"
    dose = units(injection.units, session.product)
    resource = {
        "resourceType": "MedicationAdministration",
        "id": f"injection-{injection.pk}",
        "partOf": [{"reference": f"Procedure/toxinsession-{session.pk}"}],
        "status": "entered-in-error" if session.entered_in_error else "completed",
        "subject": {"reference": f"Patient/{session.course.case.patient_id}"},
        "effectiveDateTime": instant(session.performed_at),
        "performer": [
            {"actor": ref} for ref in [refs.practitioner(session.injector_id)] if ref
        ],
        "reasonReference": _condition(refs, session.course.case_id),
        "dosage": {
            "text": f"{dosing.format_units(injection.units)} U in {injection.points} "
            f"point{'s' if injection.points != 1 else ''}, {site}",
            "site": codes.local_concept(
                "injection-sites", f"{injection.muscle}.{injection.side}", site
            ),
            "route": codes.route(injection.route, injection.get_route_display()),
            "dose": dose,
        },
    }
    if injection.vial_id is not None:
        resource["contained"] = [_medication(injection.vial, session.product)]
        resource["medicationReference"] = {"reference": "#vial"}
    else:
        resource["medicationCodeableConcept"] = product_concept(session.product)
    return without_empty(resource)


def adverse_effect_resource(effect, session, refs: References) -> dict:
    return without_empty(
        {
            "resourceType": "AdverseEvent",
            "id": f"adverseeffect-{effect.pk}",
            "actuality": "actual",
            "event": codes.local_concept(
                "adverse-effects", effect.kind, effect.get_kind_display()
            ),
            "subject": {"reference": f"Patient/{session.course.case.patient_id}"},
            "date": day(effect.onset_on),
            "severity": codes.concept(
                codes.coding(codes.ADVERSE_SEVERITY, effect.severity)
            )
            if effect.severity
            else None,
            "outcome": codes.concept(
                codes.coding(
                    codes.ADVERSE_OUTCOME,
                    "resolved" if effect.resolved_on else "ongoing",
                )
            ),
            "suspectEntity": [
                {
                    "instance": refs.to(
                        "session", "Procedure", f"toxinsession-{session.pk}"
                    )
                }
            ]
            if refs.holds("session")
            else [],
        }
    )


def therapy_resource(therapy, refs: References) -> dict:
    notes = [therapy.exercises, therapy.home_programme, therapy.notes]
    return without_empty(
        {
            "resourceType": "Procedure",
            "id": f"therapysession-{therapy.pk}",
            "basedOn": _plan(refs, therapy.course_id),
            "status": "entered-in-error" if therapy.entered_in_error else "completed",
            "code": codes.local_concept(
                "therapy-focus", therapy.focus, therapy.get_focus_display()
            ),
            "subject": {"reference": f"Patient/{therapy.course.case.patient_id}"},
            "performedDateTime": day(therapy.session_on),
            "performer": [
                {"actor": ref}
                for ref in [refs.practitioner(therapy.therapist_id)]
                if ref
            ],
            "reasonReference": _condition(refs, therapy.course.case_id),
            "outcome": codes.local_concept(
                "therapy-progress", therapy.progress, therapy.get_progress_display()
            )
            if therapy.progress
            else None,
            "note": [{"text": text} for text in notes if text],
        }
    )


def _medication_status(order) -> str:
    if order.entered_in_error:
        return "entered-in-error"
    if order.stop_on is not None and order.stop_on <= timezone.localdate():
        return "stopped" if order.stop_reason else "completed"
    return "active"


def medication_resource(order, refs: References) -> dict:
    dose = {"value": float(order.dose), "unit": order.get_dose_unit_display()}
    if order.dose_unit in DOSE_UNITS_UCUM:
        dose |= {"system": codes.UCUM, "code": DOSE_UNITS_UCUM[order.dose_unit]}
    instruction = {
        "text": f"{order.drug} {order.dose} {order.get_dose_unit_display()} "
        f"{order.get_route_display().lower()} {order.frequency}".strip(),
        "timing": {
            "code": codes.concept(text=order.frequency),
            "repeat": {
                "boundsPeriod": without_empty(
                    {"start": day(order.start_on), "end": day(order.stop_on)}
                )
            },
        },
        "route": codes.route(order.route, order.get_route_display()),
        "doseAndRate": [{"doseQuantity": dose}],
    }
    return without_empty(
        {
            "resourceType": "MedicationRequest",
            "id": f"medication-{order.pk}",
            "basedOn": _plan(refs, order.course_id),
            "status": _medication_status(order),
            "intent": "order",
            "medicationCodeableConcept": codes.concept(text=order.drug),
            "subject": {"reference": f"Patient/{order.course.case.patient_id}"},
            "authoredOn": day(order.start_on),
            "requester": refs.practitioner(order.prescriber_id),
            "reasonCode": [codes.concept(text=order.indication)]
            if order.indication
            else [],
            "reasonReference": _condition(refs, order.course.case_id),
            "dosageInstruction": [instruction],
            "note": [{"text": order.stop_reason}] if order.stop_reason else [],
        }
    )
