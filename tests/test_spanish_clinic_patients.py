"""A Spanish user gets the Python code's strings of clinic/ and patients/ in
Spanish: a choice label, a form error, a merge refusal and a coding warning (the
catalogs' completeness: test_python_translations)."""

import pytest
from django.utils import translation

from clinic.merging import merge_refusals
from patients import coding
from patients.forms import StudyAmendmentForm
from patients.models import Condition, Patient


def test_a_choice_label_is_in_spanish():
    with translation.override("es"):
        assert str(Condition.HEMIFACIAL_SPASM.label) == "Espasmo hemifacial"
    with translation.override("en-gb"):
        assert str(Condition.HEMIFACIAL_SPASM.label) == "Hemifacial spasm"


@pytest.mark.django_db
def test_a_form_error_is_in_spanish():
    with translation.override("es"):
        form = StudyAmendmentForm(data={"text": "", "reason": ""})
        assert form.errors["text"] == ["Escriba la enmienda."]
        assert form.errors["reason"] == [
            "Indique por qué se enmienda el resultado firmado."
        ]
    with translation.override("en-gb"):
        form = StudyAmendmentForm(data={"text": "", "reason": ""})
        assert form.errors["text"] == ["Write the amendment."]


def test_a_refusal_and_a_coding_warning_are_in_spanish():
    patient = Patient(pk=1, mrn="MRN-1")
    with translation.override("es"):
        assert merge_refusals(patient, patient, "") == [
            "Un registro no puede fusionarse consigo mismo."
        ]
        assert coding.code_problem("hemifacial_spasm", "G51.32", "right") == (
            "G51.32 no corresponde al lado derecho; use G51.31."
        )
    with translation.override("en-gb"):
        assert coding.code_problem("hemifacial_spasm", "G51.32", "right") == (
            "G51.32 does not match the right side; use G51.31."
        )
