import pytest

from patients.forms import PatientForm
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

VALID = {
    "mrn": " ab-1234 ",
    "given_name": "Ines",
    "family_name": "Okafor",
    "date_of_birth": "1971-02-03",
    "sex": "female",
}


def test_mrn_is_stripped_and_upper_cased():
    form = PatientForm(data=VALID)
    assert form.is_valid(), form.errors
    assert form.save().mrn == "AB-1234"


def test_duplicate_mrn_is_reported_next_to_the_field_after_normalising():
    PatientFactory(mrn="AB-1234")
    form = PatientForm(data=VALID)
    assert form.is_valid() is False
    assert form.errors["mrn"] == ["Another patient already has this MRN."]
