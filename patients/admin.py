from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV
from simple_history.admin import SimpleHistoryAdmin

from clinic.access import record_access
from clinic.admin_records import (
    ENTERED_IN_ERROR,
    CheapChangelist,
    KeptRowsInline,
    NeverDeleted,
    WrittenElsewhere,
)
from clinic.list_exports import csv_lines
from clinic.models import CLINICAL_ROLES, Role, User
from patients.forms import BaseGuardianFormSet, PatientForm
from patients.import_jobs import ImportsInBackground
from patients.imports import IMPORT_COLUMNS, TEMPLATE_ROWS, PatientResource
from patients.models import (
    SIGN_OFF_FIELDS,
    SIGNED_STUDY_FIELDS,
    Case,
    DiagnosticStudy,
    Guardian,
    Patient,
    RedFlagAcknowledgement,
    StudyAmendment,
)
from patients.search import parse_search_date
from patients.services import ReportNotStored, save_case, save_study

PATIENT_SEARCH_FIELDS = ("mrn", "family_name", "given_name")


def _patient_search_fields(path: str) -> tuple[str, ...]:
    """Patient search (name, MRN) through a relation such as "case__patient"."""
    return tuple(f"{path}__{name}" for name in PATIENT_SEARCH_FIELDS)


def _patient_column(path: str):
    """A "Patient" list column reached through `path`, e.g. "case__patient"
    (ReachesPatient fetches it with the rows)."""

    @admin.display(description=_("Patient"), ordering=f"{path}__family_name")
    def patient(self, obj):
        for name in path.split("__"):
            obj = getattr(obj, name)
        return obj

    return patient


class ReachesPatient:
    """An admin of records that belong to a patient through `patient_path`, e.g.
    "course__case__patient": the patient is fetched with the rows and searched by
    name and MRN, besides the admin's own list_select_related and search_fields.

    Reached through a relation, the patient gets a "Patient" column; a direct
    foreign key ("patient") is a column already.
    """

    patient_path = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__" in cls.patient_path and "patient" not in cls.__dict__:
            cls.patient = _patient_column(cls.patient_path)

    def get_list_select_related(self, request):
        related = super().get_list_select_related(request)
        if not self.patient_path or related is True:
            return related
        return (self.patient_path, *(related or ()))

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        if not self.patient_path:
            return fields
        return (*fields, *_patient_search_fields(self.patient_path))

    # Opening a record's page, or its history, is in the access log, as on the
    # clinician pages (clinic.access); the lists are not, as there.
    def render_change_form(self, request, context, add=False, change=False, **kw):
        obj = kw.get("obj")
        if change and obj is not None:
            record_access(request, self._patient_id(obj.pk), obj)
        return super().render_change_form(request, context, add, change, **kw)

    def history_view(self, request, object_id, extra_context=None):
        self._record_history_access(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._record_history_access(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _record_history_access(self, request, object_id) -> None:
        obj = self.get_object(request, object_id)
        if obj is not None and self.has_view_or_change_permission(request, obj):
            record_access(request, self._patient_id(obj.pk), obj)

    def _patient_id(self, pk) -> int:
        if not self.patient_path:  # the patient's own page
            return pk
        rows = self.model._default_manager.filter(pk=pk)
        return rows.values_list(self.patient_path, flat=True).get()


class ClinicalRecordAdmin(
    CheapChangelist, ReachesPatient, NeverDeleted, SimpleHistoryAdmin
):
    """Clinical records are archived or marked entered in error, never deleted.

    Not even a superuser deletes one from the admin; the roles hold no delete
    permission either (clinic/migrations/0003_roles.py).
    """

    # The roles each user field offers (clinic.admin.UserAdmin's autocomplete reads
    # this too): field name -> role names.
    user_roles: dict[str, tuple[str, ...]] = {}

    def save_model(self, request, obj, form, change):
        self.write(obj, by=request.user)

    def write(self, obj, *, by):
        """Save through the record's write service (the one the clinician pages
        call); a record with none is saved as it is."""
        obj.save()

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        for name, roles in self.user_roles.items():
            if name in form.base_fields:
                form.base_fields[name].queryset = User.objects.in_roles(
                    *roles, also=getattr(obj, f"{name}_id", None)
                )
        return form


class GuardianInline(KeptRowsInline):
    model = Guardian
    formset = BaseGuardianFormSet  # a minor needs a guardian who holds consent
    fields = ("full_name", "relationship", "phone", "email", "holds_consent")
    show_change_link = True


MERGE_FIELDS = ("merged_into", "merged_at", "merged_by", "merge_reason")


@admin.register(Patient)
class PatientAdmin(ImportsInBackground, ImportMixin, ClinicalRecordAdmin):
    form = PatientForm  # strips and upper-cases the MRN before it is checked
    # CSV import: each row checked by PatientForm (patients/imports.py).
    resource_classes = [PatientResource]
    import_formats = [CSV]
    import_template_name = "admin/patients/patient/import.html"

    def get_urls(self):
        template = path(
            "import-template/",
            self.admin_site.admin_view(self.import_template_view),
            name="patients_patient_import_template",
        )
        return [template, *super().get_urls()]

    def import_template_view(self, request):
        """The import's columns, with an adult's row and a child's."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        response = HttpResponse(
            "".join(csv_lines(IMPORT_COLUMNS, TEMPLATE_ROWS)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="patients-import.csv"'
        return response

    list_display = (
        "mrn",
        "family_name",
        "given_name",
        "date_of_birth",
        "age",
        "sex",
        "responsible_neurologist",
        "is_archived",
    )
    list_display_links = ("mrn", "family_name")
    list_filter = ("sex", "is_archived", "reminder_consent")
    list_select_related = ("responsible_neurologist",)
    search_fields = PATIENT_SEARCH_FIELDS
    search_help_text = _("MRN, name, or date of birth (1968-05-17 or 17/05/1968).")
    autocomplete_fields = ("responsible_neurologist",)
    user_roles = {"responsible_neurologist": (Role.NEUROLOGIST,)}
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "mrn",
                    ("given_name", "family_name"),
                    ("date_of_birth", "sex"),
                    "responsible_neurologist",
                    "referring_clinician",
                    ("is_archived", "date_of_death"),
                )
            },
        ),
        (
            _("Contact and reminders"),
            {
                "fields": (
                    "email",
                    "phone",
                    "address",
                    ("reminder_consent", "reminder_channel"),
                    "language",
                )
            },
        ),
        (_("Weight"), {"fields": (("weight_kg", "weight_measured_on"),)}),
        (_("Toxin precautions"), {"fields": ("toxin_precautions",)}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None:  # a new record is checked for likely duplicates
            fieldsets.append((gettext("Duplicates"), {"fields": ("not_a_duplicate",)}))
        elif obj.merged_into_id is not None:
            fieldsets.append((gettext("Merged"), {"fields": MERGE_FIELDS}))
        if request.user.has_perm("patients.view_case"):
            return fieldsets
        # Contraindications are clinical: not for who books appointments.
        return [f for f in fieldsets if "toxin_precautions" not in f[1]["fields"]]

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *MERGE_FIELDS)

    inlines = (GuardianInline,)
    actions = ("archive_patients", "unarchive_patients")

    @admin.display(description=_("Age"))
    def age(self, obj):
        return obj.age

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        born = parse_search_date(search_term)
        if born is not None:
            results |= queryset.filter(date_of_birth=born)
        return results, may_have_duplicates

    @admin.action(description=_("Archive selected patients"), permissions=["change"])
    def archive_patients(self, request, queryset):
        self._set_archived(request, queryset, archived=True)

    @admin.action(description=_("Unarchive selected patients"), permissions=["change"])
    def unarchive_patients(self, request, queryset):
        self._set_archived(request, queryset, archived=False)

    def _set_archived(self, request, queryset, *, archived: bool) -> None:
        # One save per row, never QuerySet.update(): update() writes no history.
        changed = 0
        with transaction.atomic():
            # A merged record stays archived: its records are on the other one.
            for patient in queryset.filter(
                is_archived=not archived, merged_into__isnull=True
            ):
                patient.is_archived = archived
                patient._history_user = request.user
                patient.save()
                self.log_change(
                    request, patient, "Archived." if archived else "Unarchived."
                )
                changed += 1
        if archived:
            # The English says "patient(s)" for any count; ngettext lets Spanish
            # choose the singular or the plural.
            done = ngettext(
                "Archived %(count)d patient(s).",
                "Archived %(count)d patient(s).",
                changed,
            )
        else:
            done = ngettext(
                "Unarchived %(count)d patient(s).",
                "Unarchived %(count)d patient(s).",
                changed,
            )
        self.message_user(request, done % {"count": changed}, messages.SUCCESS)


@admin.register(Guardian)
class GuardianAdmin(WrittenElsewhere, ClinicalRecordAdmin):
    """Guardians are added and changed on their patient's page, where the rule that
    a minor keeps a guardian who holds consent is checked with the patient."""

    patient_path = "patient"
    list_display = ("full_name", "relationship", "patient", "phone", "holds_consent")
    list_filter = ("relationship", "holds_consent")
    search_fields = ("full_name",)
    autocomplete_fields = ("patient",)


@admin.register(Case)
class CaseAdmin(ClinicalRecordAdmin):
    patient_path = "patient"
    list_display = (
        "patient",
        "condition",
        "icd10_code",
        "laterality",
        "status",
        "opened_on",
        "red_flag",
        "responsible_neurologist",
    )
    # A date filter, not date_hierarchy: its year links read every row's date.
    list_filter = (
        ("opened_on", admin.DateFieldListFilter),
        "condition",
        "status",
        "laterality",
        "entered_in_error",
    )
    list_select_related = ("responsible_neurologist",)
    search_fields = ("icd10_code",)
    autocomplete_fields = ("patient", "responsible_neurologist")
    user_roles = {"responsible_neurologist": (Role.NEUROLOGIST,)}
    readonly_fields = ("code_system_version", "raised_flags", "flags_waiting")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "patient",
                    "condition",
                    ("icd10_code", "code_system_version"),
                    "laterality",
                    "responsible_neurologist",
                    ("status", "opened_on", "closed_on"),
                )
            },
        ),
        (
            _("Onset and spread"),
            {
                "fields": (
                    ("onset_date", "onset_at"),
                    "onset_site",
                    "spread_sites",
                    "triggers",
                )
            },
        ),
        (
            _("Red flags"),
            {
                "description": _(
                    "The examination checklist and the hand-ticked flags are saved "
                    "through the case's write path, which raises the flags the record "
                    "shows; a neurologist acknowledges them on the chart."
                ),
                "fields": ("findings", "red_flags", "raised_flags", "flags_waiting"),
            },
        ),
        (_("Notes"), {"fields": ("notes",)}),
        ENTERED_IN_ERROR,
    )

    @admin.display(description=_("Red flag"), boolean=True)
    def red_flag(self, obj):
        return obj.has_red_flag

    @admin.display(description=_("Red flags (ticked or raised), with why"))
    def raised_flags(self, obj):
        entries = obj.red_flag_entries() if obj else []
        if not entries:
            return "-"
        return format_html_join(
            "",
            "<p><strong>{}</strong>: {}</p>",
            ((e.label, " ".join(e.why)) for e in entries),
        )

    @admin.display(description=_("Waiting for a neurologist's acknowledgement"))
    def flags_waiting(self, obj):
        return "; ".join(obj.red_flag_labels_waiting()) if obj else "-"

    def write(self, obj, *, by):
        save_case(case=obj, by=by)


class StudyAmendmentInline(WrittenElsewhere, KeptRowsInline):
    """Amendments, read-only: they are added on the clinician's study page, by a
    user who may sign off, and never changed."""

    model = StudyAmendment
    fields = ("text", "reason", "amended_by", "amended_at")
    readonly_fields = fields


@admin.register(DiagnosticStudy)
class DiagnosticStudyAdmin(ClinicalRecordAdmin):
    """Studies; the sign-off is never set here.

    Status, reviewer and review time are read-only (the result is entered, and
    signed off, on the clinician page, which the page links). A signed-off study is
    read-only but for "entered in error"; its amendments are shown below it.
    """

    patient_path = "case__patient"
    list_display = (
        "modality",
        "status",
        "patient",
        "ordered_on",
        "resulted_on",
        "reviewed_by",
    )
    # A date filter, not date_hierarchy: its year links read every row's date.
    list_filter = (
        ("ordered_on", admin.DateFieldListFilter),
        "modality",
        "status",
        "entered_in_error",
    )
    list_select_related = ("reviewed_by",)
    search_fields = ("description",)
    autocomplete_fields = ("case", "ordered_by")
    user_roles = {"ordered_by": CLINICAL_ROLES}
    readonly_fields = ("clinician_page", "report_link", *SIGN_OFF_FIELDS)
    inlines = (StudyAmendmentInline,)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "clinician_page",
                    "case",
                    ("modality", "status"),
                    "description",
                    ("ordered_on", "ordered_by"),
                    ("performed_on", "performed_externally", "resulted_on"),
                    ("reviewed_at", "reviewed_by"),
                )
            },
        ),
        (
            _("MRI findings"),
            {
                "classes": ("collapse",),
                "fields": (
                    ("mri_field_strength", "mri_sequences"),
                    ("mri_neurovascular_compression", "mri_compression_side"),
                    "mri_offending_vessels",
                    "mri_lesion_found",
                    "mri_lesion_description",
                ),
            },
        ),
        (
            _("EMG findings"),
            {
                "classes": ("collapse",),
                "fields": (
                    ("emg_lateral_spread_response", "emg_lsr_latency_ms"),
                    "emg_high_frequency_bursts",
                    "emg_myokymic_discharges",
                    "emg_blink_reflex_synkinesis",
                ),
            },
        ),
        (
            _("EEG findings"),
            {
                "classes": ("collapse",),
                "fields": (
                    "eeg_abnormal",
                    "eeg_epileptiform_activity",
                    "eeg_ictal_correlate",
                ),
            },
        ),
        (_("Result"), {"fields": ("impression", "report", "report_link")}),
        ENTERED_IN_ERROR,
    )

    @admin.display(description=_("Clinician page"))
    def clinician_page(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a>',
            gettext("Enter the result, sign off or amend on the clinician page"),
            obj.get_absolute_url(),
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is None or not obj.is_signed:
            return readonly
        # Signed: everything shown is as signed, but for "entered in error" (and
        # the case, which only a merge of duplicate patients moves).
        return list(dict.fromkeys([*readonly, "case", *SIGNED_STUDY_FIELDS]))

    def save_model(self, request, obj, form, change):
        save_study(form=form, by=request.user)

    def changeform_view(self, request, *args, **kwargs):
        # The storage refusing the report fails the whole save (the admin's
        # transaction rolls back); the page says so instead of a server error.
        try:
            return super().changeform_view(request, *args, **kwargs)
        except ReportNotStored as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(request.get_full_path())

    @admin.display(description=_("Report on file"))
    def report_link(self, obj):
        if obj is None or obj.pk is None or not obj.report:
            return "-"
        return format_html(
            '<a href="{}">{}</a>', obj.get_report_url(), gettext("Download the report")
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "report":
            # The admin's file widget links to the raw media URL, which is not
            # served; the report is reached through report_link instead.
            kwargs["widget"] = forms.FileInput
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(StudyAmendment)
class StudyAmendmentAdmin(WrittenElsewhere, ClinicalRecordAdmin):
    """Read-only: an amendment is added on the clinician's study page and never
    changed."""

    patient_path = "study__case__patient"
    list_display = ("study", "patient", "amended_by", "amended_at")
    list_filter = ("amended_at",)
    list_select_related = ("amended_by",)
    search_fields = ("text", "reason")
    fields = ("study", "text", "reason", "amended_by", "amended_at")
    readonly_fields = fields


@admin.register(RedFlagAcknowledgement)
class RedFlagAcknowledgementAdmin(WrittenElsewhere, ClinicalRecordAdmin):
    """Read-only: a neurologist acknowledges a red flag on the chart or the
    dashboard (patients.services.acknowledge_red_flag), and it is never changed."""

    patient_path = "case__patient"
    list_display = ("flag", "patient", "acknowledged_by", "acknowledged_at")
    list_filter = ("flag",)
    list_select_related = ("acknowledged_by",)
    search_fields = ("note",)
    # Newest first, served by patients_redflagack_newest.
    ordering = ("-acknowledged_at", "-id")
    fields = ("case", "flag", "evidence", "note", "acknowledged_by", "acknowledged_at")
    readonly_fields = fields


# Assessment is registered in treatments/admin/assessments.py: saving one stamps
# the days since the patient's last toxin session, which needs treatments, and
# patients never imports treatments.
