"""An admin list that exports the rows it shows, with the same search and
filters, as CSV or Excel (clinic.list_exports): for the roles that may export
lists of patients."""

from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpResponseNotAllowed
from django.urls import path, reverse

from clinic import list_exports


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
        """The rows the list shows with the same search and filters, up to the
        export limit."""
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
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters as error:
            raise BadRequest("Unknown filter in the export's address.") from error
        limit = list_exports.row_limit()
        rows = list(self.export_queryset(changelist.get_queryset(request))[: limit + 1])
        if len(rows) > limit:
            return list_exports.refuse_too_many(
                request,
                what=str(self.opts.verbose_name_plural),
                list_url=reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"
                ),
            )
        table = list_exports.ExportTable(
            name=str(self.opts.verbose_name_plural).replace(" ", "-"),
            headings=self.export_headings,
            rows=[self.export_row(obj) for obj in rows],
            logged=[(self.export_patient_id(obj), obj) for obj in rows],
        )
        return list_exports.export_response(request, table, file_format)
