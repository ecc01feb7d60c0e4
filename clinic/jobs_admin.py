"""The background jobs (clinic.jobs) in the admin: who asked for what, and how
it ended; read-only. Neither a job's parameters (a search may name a patient)
nor its file (only its requester downloads it) are shown here.

django-tasks-db's own admin of its queue is taken away: the queue's rows name
only the job they run, and the job says the rest."""

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

from clinic.admin_records import ReadOnlyAdmin
from clinic.models import BackgroundJob

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


@admin.register(BackgroundJob)
class BackgroundJobAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "requested_by",
        "title",
        "status",
        "rows_done",
        "rows_total",
        "finished_at",
    )
    list_filter = ("status", ("created_at", admin.DateFieldListFilter))
    list_select_related = ("requested_by",)
    search_fields = ("title", "requested_by__username", "requested_by__last_name")
    fields = (
        "requested_by",
        "title",
        "runner",
        "status",
        ("rows_done", "rows_total"),
        ("created_at", "started_at", "finished_at"),
        "file_removed_at",
        "error",
    )
    readonly_fields = (
        "requested_by",
        "title",
        "runner",
        "status",
        "rows_done",
        "rows_total",
        "created_at",
        "started_at",
        "finished_at",
        "file_removed_at",
        "error",
    )
