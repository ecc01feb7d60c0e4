"""What the admin pages of every app share: records that are kept, never deleted;
records written elsewhere and only read here; rows shown on their parent's page;
and the entered-in-error fieldset."""

from django.contrib import admin

# Collapsed: marking a record entered in error is rare, and says why.
ENTERED_IN_ERROR = (
    "Entered in error",
    {
        "classes": ("collapse",),
        "fields": ("entered_in_error", "entered_in_error_reason"),
    },
)


class NeverDeleted:
    """Records that are kept: not even a superuser deletes one from the admin, one
    at a time or in bulk."""

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class WrittenElsewhere:
    """Records written elsewhere (a service, a clinician or scheduling page, where
    their rules are checked) and only read in the admin.

    For a model admin and an inline alike: an inline is also given its parent.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(WrittenElsewhere, NeverDeleted, admin.ModelAdmin):
    """Append-only records the application writes (logs, reminders sent): read
    here, never added, changed or deleted."""


class KeptRowsInline(admin.TabularInline):
    """A record's rows on its parent's page: no blank rows offered, none deleted
    (records are kept)."""

    extra = 0
    can_delete = False
