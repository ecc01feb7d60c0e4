"""A hemifacial spasm that began in childhood is a red flag raised from the record
itself, through every door that saves a case, and the chart suggests the MRI
(DOMAIN.md 5.1)."""

import datetime

import pytest
from django.urls import reverse

from patients.models import Case
from patients.services import save_case
from tests.factories import CaseFactory, DiagnosticStudyFactory, PatientFactory

pytestmark = pytest.mark.django_db

CHILD_HFS = "child_hemifacial_spasm"
OPENED = datetime.date(2026, 3, 2)


def flags(case: Case) -> list[str]:
    """The case's flags as stored, ticked or raised."""
    return [entry.flag for entry in Case.objects.get(pk=case.pk).red_flag_entries()]


def case_of(born: datetime.date, **fields) -> Case:
    fields = {
        "condition": "hemifacial_spasm",
        "icd10_code": "G51.32",
        "laterality": "left",
        "onset_date": None,
        "opened_on": OPENED,
        **fields,
    }
    case = CaseFactory.build(patient=PatientFactory(date_of_birth=born), **fields)
    return save_case(case=case, by=None)


class TestRaised:
    def test_for_a_nine_year_old(self):
        assert CHILD_HFS in flags(case_of(datetime.date(2017, 1, 5)))

    def test_from_the_onset_in_childhood_of_an_adult_now(self):
        case = case_of(datetime.date(2007, 1, 5), onset_date=datetime.date(2020, 6, 1))
        assert CHILD_HFS in flags(case)

    def test_not_for_an_adult(self):
        assert flags(case_of(datetime.date(1970, 1, 5))) == []

    def test_not_for_a_childs_tics(self):
        case = case_of(
            datetime.date(2017, 1, 5),
            condition="tic_disorder",
            icd10_code="F95.9",
            laterality="n/a",
        )
        assert CHILD_HFS not in flags(case)

    def test_a_clinicians_own_flags_are_kept(self):
        case = case_of(datetime.date(2017, 1, 5), red_flags=["facial_weakness"])
        stored = Case.objects.get(pk=case.pk)
        assert stored.red_flags == ["facial_weakness"]
        assert flags(case) == ["facial_weakness", CHILD_HFS]
        assert stored.red_flags_to_review == ["facial_weakness", CHILD_HFS]

    def test_through_the_admin_too(self, client, clinic_admin):
        case = CaseFactory(
            patient=PatientFactory(date_of_birth=datetime.date(2017, 1, 5)),
            condition="hemifacial_spasm",
            icd10_code="G51.32",
            laterality="left",
        )
        assert case.red_flags == []
        client.force_login(clinic_admin)
        url = reverse("admin:patients_case_change", args=[case.pk])
        data = client.get(url).context["adminform"].form.initial
        form = {
            key: value
            for key, value in data.items()
            if value is not None and not isinstance(value, list)
        }
        form.update(
            patient=case.patient_id,
            opened_on=case.opened_on.isoformat(),
            onset_date=case.onset_date.isoformat(),
        )
        response = client.post(url, form)
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert CHILD_HFS in flags(case)


def chart_flags(response, case):
    """The chart's flags of the case, with what their next steps need."""
    [group] = [g for g in response.context["red_flag_cases"] if g.case == case]
    return group


class TestTheChartSuggestsTheMri:
    def test_with_a_link_to_order_it(self, client, neurologist):
        case = case_of(datetime.date(2017, 1, 5))
        client.force_login(neurologist)

        response = client.get(reverse("patient_chart", args=[case.patient_id]))

        group = chart_flags(response, case)
        assert [row.entry.actions for row in group.rows] == [("order_mri",)]
        assert group.mri_study is None
        order = f"/patients/cases/{case.pk}/studies/new/?modality=mri"
        assert f'href="{order}">Order an MRI</a>' in response.content.decode()
        page = client.get(order)
        assert page.context["form"]["modality"].value() == "mri"

    def test_not_once_an_mri_is_ordered(self, client, neurologist):
        case = case_of(datetime.date(2017, 1, 5))
        study = DiagnosticStudyFactory(case=case, modality="mri")
        client.force_login(neurologist)

        response = client.get(reverse("patient_chart", args=[case.patient_id]))

        assert chart_flags(response, case).mri_study == study
        html = response.content.decode()
        assert "Order an MRI" not in html
        assert f'href="{study.get_absolute_url()}">MRI ordered on 01 Jun 2025' in html

    def test_an_unknown_modality_is_400(self, client, neurologist):
        case = case_of(datetime.date(2017, 1, 5))
        client.force_login(neurologist)
        url = reverse("patients:study_create", args=[case.pk])
        assert client.get(url, {"modality": "xray"}).status_code == 400
