from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from clinic.models import AccessLog, User


def is_autocomplete_for_own_form(request) -> bool:
    """Whether this is the admin's autocomplete lookup, asked for by a form the
    user may fill in (e.g. a neurologist picking the responsible neurologist).

    Only clinic administrators may browse users, but every role that charts a
    record must be able to pick a clinician on it. The lookup answers names
    only; the autocomplete view itself validates the app, model and field.
    """
    match = request.resolver_match
    if match is None or match.url_name != "autocomplete":
        return False
    app_label = request.GET.get("app_label", "")
    model_name = request.GET.get("model_name", "")
    return request.user.is_staff and (
        request.user.has_perm(f"{app_label}.add_{model_name}")
        or request.user.has_perm(f"{app_label}.change_{model_name}")
    )


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            "Personal info",
            {"fields": ("first_name", "last_name", "credentials", "email")},
        ),
        (
            "Permissions",
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ),
            },
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
        (
            "Personal info",
            {"fields": ("first_name", "last_name", "credentials", "email")},
        ),
    )
    list_display = (
        "username",
        "first_name",
        "last_name",
        "credentials",
        "email",
        "is_staff",
        "is_active",
    )
    search_fields = ("username", "first_name", "last_name", "email", "credentials")
    readonly_fields = ("last_login", "date_joined")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Otherwise anyone allowed to edit users could make themselves superuser.
            readonly.append("is_superuser")
        return readonly

    def has_view_permission(self, request, obj=None):
        if obj is None and is_autocomplete_for_own_form(request):
            return True
        return super().has_view_permission(request, obj)

    def get_search_results(self, request, queryset, search_term):
        if is_autocomplete_for_own_form(request):
            # Former staff stay on their old records but are not offered for new
            # ones, and each field offers only the roles that fit it.
            queryset = queryset.filter(is_active=True)
            roles = self._roles_for_field(request)
            if roles:
                queryset = queryset.filter(
                    pk__in=User.objects.in_roles(*roles).values("pk")
                )
        return super().get_search_results(request, queryset, search_term)

    def _roles_for_field(self, request) -> tuple[str, ...]:
        try:
            model = apps.get_model(
                request.GET.get("app_label", ""), request.GET.get("model_name", "")
            )
        except LookupError:
            return ()
        source = self.admin_site._registry.get(model)
        return getattr(source, "user_roles", {}).get(
            request.GET.get("field_name", ""), ()
        )

    def has_delete_permission(self, request, obj=None):
        # Users sign clinical records: they are deactivated, never deleted.
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Append-only: the log is written by the application and only read here."""

    list_display = ("at", "user", "patient", "action")
    list_filter = ("action",)
    list_select_related = ("user", "patient")
    search_fields = (
        "patient__mrn",
        "patient__family_name",
        "patient__given_name",
        "user__username",
        "user__last_name",
    )
    date_hierarchy = "at"
    fields = ("at", "user", "patient", "action")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
