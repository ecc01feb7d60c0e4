"""Patients imported from a CSV file (django-import-export, in the admin): one
row a patient, keyed by MRN, in the layout of IMPORT_COLUMNS (README "CSV
import"; the admin's import page offers the template).

Every row is checked by the patient form, exactly as the clinician page and the
admin check a patient typed in, likely duplicates included (the column
`not_a_duplicate` says "yes" for a different person), and a minor needs a
guardian who holds consent (the guardian columns). The dry run shows each row's
errors next to it and writes nothing; the import writes the rows without errors
through the same form. A row that changes nothing is skipped, so importing the
same file again creates nothing new.
"""

from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from import_export import fields, resources

from patients.forms import PatientForm
from patients.models import Guardian, Patient

PATIENT_COLUMNS = (
    "mrn",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "email",
    "phone",
    "address",
    "referring_clinician",
)
GUARDIAN_COLUMNS = (
    "guardian_name",
    "guardian_relationship",
    "guardian_phone",
    "guardian_email",
)
IMPORT_COLUMNS = (*PATIENT_COLUMNS, *GUARDIAN_COLUMNS, "not_a_duplicate")
YES = {"yes", "y", "true", "1"}
# The template's example rows, in IMPORT_COLUMNS order: an adult, and a child
# with the guardian who holds consent.
TEMPLATE_ROWS = (
    (
        "A1001",
        "Ada",
        "Lovelace",
        "1965-12-10",
        "female",
        "ada@example.org",
        "01632 960001",
        "12 Mill Lane, Northgate",
        "Dr A. Referrer",
        "",
        "",
        "",
        "",
        "",
    ),
    (
        "A1002",
        "Tom",
        "Finch",
        "2016-03-04",
        "male",
        "",
        "",
        "",
        "",
        "Mary Finch",
        "mother",
        "01632 960002",
        "mary@example.org",
        "",
    ),
)
MINOR_MESSAGE = (
    "This patient is a minor: give a guardian who holds consent "
    "(guardian_name and guardian_relationship)."
)


def _text(row, column: str) -> str:
    value = row.get(column)
    return "" if value is None else str(value).strip()


class PatientResource(resources.ModelResource):
    # Read from the row, not stored on the patient.
    guardian_name = fields.Field(column_name="guardian_name", readonly=True)
    guardian_relationship = fields.Field(
        column_name="guardian_relationship", readonly=True
    )
    guardian_phone = fields.Field(column_name="guardian_phone", readonly=True)
    guardian_email = fields.Field(column_name="guardian_email", readonly=True)
    not_a_duplicate = fields.Field(column_name="not_a_duplicate", readonly=True)

    class Meta:
        model = Patient
        fields = IMPORT_COLUMNS
        import_id_fields = ("mrn",)
        skip_unchanged = True
        report_skipped = True
        # The patient form checks each row, the model's rules among them.
        clean_model_instances = False

    def before_import_row(self, row, **kwargs):
        # The MRN as the form stores it: a re-import finds the patient it made.
        row["mrn"] = _text(row, "mrn").upper()

    def import_instance(self, instance, row, **kwargs):
        """The row's values checked by the patient form over what is stored; the
        form is kept for the save."""
        stored = Patient.objects.filter(pk=instance.pk).first()
        data = model_to_dict(stored, fields=PatientForm.Meta.fields) if stored else {}
        data = {key: value for key, value in data.items() if value is not None}
        data |= {column: _text(row, column) for column in PATIENT_COLUMNS}
        if _text(row, "not_a_duplicate").lower() in YES:
            data["not_a_duplicate"] = "on"
        form = PatientForm(data, instance=stored or Patient())
        self._forms = getattr(self, "_forms", {})
        if not form.is_valid():
            raise ValidationError(
                {field: list(errors) for field, errors in form.errors.items()}
            )
        patient = form.instance
        guardian = self._guardian(row)
        if not stored and patient.needs_guardian(0) and guardian is None:
            raise ValidationError({"guardian_name": [MINOR_MESSAGE]})
        self._forms[id(instance)] = (form, guardian)
        for column in PATIENT_COLUMNS:
            setattr(instance, column, getattr(patient, column))

    @staticmethod
    def _guardian(row) -> Guardian | None:
        """The row's guardian, checked, not yet saved: one who holds consent."""
        name = _text(row, "guardian_name")
        if not name:
            return None
        guardian = Guardian(
            full_name=name,
            relationship=_text(row, "guardian_relationship"),
            phone=_text(row, "guardian_phone"),
            email=_text(row, "guardian_email"),
            holds_consent=True,
        )
        try:
            guardian.full_clean(exclude=["patient"])
        except ValidationError as error:
            raise ValidationError(
                {
                    f"guardian_{field}".replace("guardian_full_", "guardian_"): messages
                    for field, messages in error.message_dict.items()
                }
            ) from error
        return guardian

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def do_instance_save(self, instance, is_create):
        """Saved by the patient form, as a patient typed in is, then the new
        guardian (unless the patient has one of that name already)."""
        form, guardian = self._forms.pop(id(instance))
        saved = form.save()
        instance.pk = saved.pk
        if (
            guardian is not None
            and not saved.guardians.filter(full_name=guardian.full_name).exists()
        ):
            guardian.patient = saved
            guardian.save()
