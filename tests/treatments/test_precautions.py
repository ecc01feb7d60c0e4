"""The labels' contraindications and precautions recorded on the patient are
warnings for every session of a product they apply to (treatments/labels.py)."""

import datetime

import pytest
from django.urls import reverse

from patients.models import ToxinPrecaution
from tests.factories import (
    MedicationOrderFactory,
    PatientFactory,
    TreatmentCourseFactory,
)
from tests.treatments.charting_posts import create_url, session_data
from treatments import labels, safety, services
from treatments.models import Product, ToxinSession

pytestmark = pytest.mark.django_db

ONA, ABO, INCO, RIMA = (
    Product.ONABOTULINUMTOXINA,
    Product.ABOBOTULINUMTOXINA,
    Product.INCOBOTULINUMTOXINA,
    Product.RIMABOTULINUMTOXINB,
)
DAY = datetime.date(2026, 3, 2)


def warned(product, *codes):
    recorded = [(code, ToxinPrecaution(code).label) for code in codes]
    return safety.recorded_precautions(product=product, recorded=recorded)


class TestTheTable:
    @pytest.mark.parametrize("product", [ONA, ABO, INCO, RIMA])
    @pytest.mark.parametrize(
        ("code", "kind"),
        [
            ("toxin_hypersensitivity", "contraindication"),
            ("injection_site_infection", "contraindication"),
            ("neuromuscular_disorder", "precaution"),
            ("aminoglycoside", "precaution"),
            ("pregnant", "precaution"),
            ("breastfeeding", "precaution"),
        ],
    )
    def test_applies_to_every_product(self, product, code, kind):
        [warning] = warned(product, code)
        assert warning.code == kind

    def test_cows_milk_protein_is_dysports_contraindication_only(self):
        [warning] = warned(ABO, "cows_milk_allergy")
        assert warning.message == (
            "Allergy to cow's-milk protein: abobotulinumtoxinA (Dysport) is "
            "contraindicated (Dysport US PI 4, Contraindications)."
        )
        for product in (ONA, INCO, RIMA):
            assert warned(product, "cows_milk_allergy") == []

    def test_the_message_names_the_label_section(self):
        [warning] = warned(ONA, "pregnant")
        assert warning.message == (
            "Pregnant: a precaution for onabotulinumtoxinA (Botox) "
            "(US PI 8.1, Pregnancy)."
        )

    def test_every_precaution_on_the_patient_has_a_rule(self):
        assert set(labels.PRECAUTIONS) == set(ToxinPrecaution.values)

    @pytest.mark.parametrize(
        ("drug", "found"),
        [
            ("gentamicin", True),
            ("Tobramycin eye drops", True),
            ("neomycin-polymyxin", True),
            ("clonazepam", False),
            ("azithromycin", False),
        ],
    )
    def test_aminoglycosides_by_name(self, drug, found):
        assert labels.is_aminoglycoside(drug) is found


class TestFromThePatientsRecord:
    def test_recorded_precautions_and_a_current_aminoglycoside(self):
        patient = PatientFactory(toxin_precautions=["pregnant"])
        MedicationOrderFactory(
            course__case__patient=patient, drug="gentamicin", start_on=DAY
        )
        MedicationOrderFactory(
            course__case__patient=patient,
            drug="tobramycin",
            start_on=DAY - datetime.timedelta(days=30),
            stop_on=DAY - datetime.timedelta(days=1),
        )
        MedicationOrderFactory(
            course__case__patient=patient,
            drug="amikacin",
            start_on=DAY,
            entered_in_error=True,
            entered_in_error_reason="Other patient.",
        )
        assert services.patient_precautions(patient, on=DAY) == [
            ("pregnant", "Pregnant"),
            ("aminoglycoside", "Current medication gentamicin, an aminoglycoside"),
        ]


class TestOnTheChartingPage:
    @pytest.fixture(autouse=True)
    def london(self, settings):
        settings.TIME_ZONE = "Europe/London"

    def test_a_dysport_session_for_a_milk_allergic_patient_is_warned(
        self, client, neurologist
    ):
        course = TreatmentCourseFactory(
            case__patient__toxin_precautions=["cows_milk_allergy"]
        )
        client.force_login(neurologist)
        data = session_data(neurologist, product=ABO, size_units="500")
        response = client.post(create_url(course), data)
        codes = [w.code for w in response.context["override_form"].warnings]
        assert codes == ["contraindication"]
        assert not ToxinSession.objects.exists()
        botox = client.post(create_url(course), session_data(neurologist))
        assert botox.status_code == 302


class TestRecordingThem:
    def data(self, patient, **changes):
        return {
            "mrn": patient.mrn,
            "given_name": patient.given_name,
            "family_name": patient.family_name,
            "date_of_birth": patient.date_of_birth.isoformat(),
            "sex": patient.sex,
            "guardians-TOTAL_FORMS": "0",
            "guardians-INITIAL_FORMS": "0",
            **changes,
        }

    def test_a_clinician_records_them_and_the_chart_shows_them(
        self, client, neurologist
    ):
        patient = PatientFactory()
        client.force_login(neurologist)
        url = reverse("patients:patient_update", args=[patient.pk])
        data = self.data(patient, toxin_precautions=["breastfeeding"])
        assert client.post(url, data).status_code == 302
        patient.refresh_from_db()
        assert patient.toxin_precautions == ["breastfeeding"]
        chart = client.get(reverse("patient_chart", args=[patient.pk]))
        assert "Toxin precautions:</strong> Breastfeeding" in chart.content.decode()

    def test_a_scheduler_neither_sees_nor_changes_them(self, client, scheduler):
        patient = PatientFactory(toxin_precautions=["pregnant"])
        client.force_login(scheduler)
        url = reverse("patients:patient_update", args=[patient.pk])
        assert "toxin_precautions" not in client.get(url).context["form"].fields
        client.post(url, self.data(patient, toxin_precautions=[]))
        patient.refresh_from_db()
        assert patient.toxin_precautions == ["pregnant"]
        chart = client.get(reverse("patient_chart", args=[patient.pk]))
        assert "Toxin precautions" not in chart.content.decode()
        admin = client.get(reverse("admin:patients_patient_change", args=[patient.pk]))
        assert "toxin_precautions" not in admin.content.decode()
