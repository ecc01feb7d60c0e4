"""An admin list that exports the rows it shows, with the same search and
filters, as CSV or Excel (clinic.list_exports; a long list in the background,
clinic.jobs_exports): for the roles that may export lists of patients."""

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpResponseNotAllowed
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext

from clinic import jobs_exports, list_exports
from clinic.jobs import PERMISSION_LOST, JobFile, JobRefused


class ExportsListedRows:
    """Mixed into a ModelAdmin: `export_headings` and `export_row(obj)` say what
    a row holds, `export_patient_id(obj)` whose record it is, and
    `export_queryset(queryset)` what the rows need fetched with them."""

    change_list_template = "admin/change_list_with_export.html"
    export_headings: tuple[str, ...] = ()

    def export_queryset(self, queryset):
        return queryset

    def _export_url_name(self) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_export"

    def get_urls(self):
        export = path(
            "export/",
            self.admin_site.admin_view(self.export_view),
            name=self._export_url_name(),
        )
        return [export, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        may_export = request.user.has_perm(list_exports.PERMISSION)
        extra_context = {
            **(extra_context or {}),
            "export_url": reverse(f"admin:{self._export_url_name()}")
            if may_export
            else "",
        }
        return super().changelist_view(request, extra_context)

    def export_view(self, request):
        """The rows the list shows with the same search and filters; a long
        list in the background (clinic.jobs_exports)."""
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        if not (
            self.has_view_permission(request)
            and request.user.has_perm(list_exports.PERMISSION)
        ):
            raise PermissionDenied
        file_format = list_exports.chosen_format(request)
        # The changelist reads every other parameter as a filter.
        request.GET = request.GET.copy()
        request.GET.pop("format")
        return jobs_exports.export_or_queue(
            request,
            self.export_listed(
                request, BadRequest("Unknown filter in the export's address.")
            ),
            file_format=file_format,
            table=self.export_table,
            runner="clinic.admin_exports.admin_export_job",
            parameters={"model": self.opts.label_lower},
            permissions=[list_exports.PERMISSION],
            title=capfirst(self.opts.verbose_name_plural),
            what=str(self.opts.verbose_name_plural),
            list_url=reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"
            ),
        )

    def export_listed(self, request, refusal: Exception):
        """The rows the changelist shows for the request's search and filters."""
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            raise refusal from None
        return self.export_queryset(changelist.get_queryset(request))

    def export_table(self, rows) -> list_exports.ExportTable:
        return list_exports.ExportTable(
            name=str(self.opts.verbose_name_plural).replace(" ", "-"),
            headings=self.export_headings,
            rows=[self.export_row(obj) for obj in rows],
            logged=[(self.export_patient_id(obj), obj) for obj in rows],
        )


def admin_export_job(*, model: str, **parameters) -> JobFile:
    """The worker's half of ExportsListedRows.export_view, for the admin of
    `model` (its label)."""
    model_admin = admin.site.get_model_admin(apps.get_model(model))

    def listed(request):
        if not model_admin.has_view_permission(request):
            raise JobRefused(PERMISSION_LOST)
        return model_admin.export_listed(
            request,
            JobRefused(gettext("A filter of this list is not known any more.")),
        )

    return jobs_exports.run_export(
        items=listed,
        table=lambda request, rows: model_admin.export_table(rows),
        **parameters,
    )
