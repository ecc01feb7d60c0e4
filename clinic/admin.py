from axes import models as axes_models
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic import accounts, jobs_admin  # noqa: F401 (jobs_admin registers)
from clinic.access_export import EXPORT_PERMISSION, access_log_csv
from clinic.admin_records import CheapChangelist, NeverDeleted, ReadOnlyAdmin
from clinic.models import AccessLog, Letter, RoleChange, User
from patients.admin import ReachesPatient


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


# django-otp's own device pages show secrets and would let a device be edited;
# a lost device is reset with UserAdmin's action instead.
for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)


@admin.action(description=_("Reset the second factor (a lost or new phone)"))
def reset_second_factor(modeladmin, request, queryset):
    """The users' authenticators and recovery codes removed: each sets up a new
    authenticator at the next sign-in. A superuser's action only."""
    if not request.user.is_superuser:
        raise PermissionDenied
    users = list(queryset)
    for device_model in (TOTPDevice, StaticDevice):
        device_model.objects.filter(user__in=users).delete()
    modeladmin.message_user(
        request,
        ngettext(
            "Second factor reset for %(count)d user(s): each sets up a new "
            "authenticator at the next sign-in.",
            "Second factor reset for %(count)d user(s): each sets up a new "
            "authenticator at the next sign-in.",
            len(users),
        )
        % {"count": len(users)},
        messages.SUCCESS,
    )


@admin.register(User)
class UserAdmin(CheapChangelist, NeverDeleted, BaseUserAdmin):
    """Users sign clinical records: they are deactivated, never deleted."""

    actions = [reset_second_factor]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("reset_second_factor", None)
        return actions

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Personal info"),
            {"fields": ("first_name", "last_name", "credentials", "email", "language")},
        ),
        (
            _("Permissions"),
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
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
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
            _("Personal info"),
            {"fields": ("first_name", "last_name", "credentials", "email")},
        ),
        (_("Roles"), {"fields": ("is_staff", "groups")}),
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

    # Who may change what is clinic.accounts' to say; the admin only shows it. A
    # locked field is left out of the form, so a crafted POST cannot set it.

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if "password" not in accounts.locked_fields(actor=request.user, user=obj):
            return fieldsets
        # Shown read-only, the password field would print the hash.
        return [
            (name, {**options, "fields": _without(options["fields"], "password")})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = set(super().get_readonly_fields(request, obj))
        locked = accounts.locked_fields(actor=request.user, user=obj) - {"password"}
        shown = {
            field
            for _, options in self.get_fieldsets(request, obj)
            for field in options["fields"]
        }
        return [*readonly, *sorted(locked & shown - readonly)]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "groups" in form.base_fields:
            form = _with_checked_roles(form, actor=request.user, user=obj)
        if "password" in accounts.locked_fields(actor=request.user, user=obj):
            form.base_fields.pop("password", None)  # declared, so always there
        return form

    def save_related(self, request, form, formsets, change):
        # The roles are not saved with the other many-to-many fields but through
        # the service, which checks them again and records each change.
        roles = form.cleaned_data.pop("groups", None)
        super().save_related(request, form, formsets, change)
        if roles is not None:
            accounts.change_roles(actor=request.user, user=form.instance, roles=roles)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or accounts.may_change_account(actor=request.user, user=obj)
        )

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        if user is not None and "password" in accounts.locked_fields(
            actor=request.user, user=user
        ):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

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


def _without(fields, name):
    return tuple(field for field in fields if field != name)


def _with_checked_roles(form, *, actor, user):
    """The user form, offering only the roles actor may give and those the user
    already holds, and refusing any change the service would refuse."""

    def clean_groups(self):
        groups = self.cleaned_data["groups"]
        refusals = accounts.role_refusals(actor=actor, user=user, roles=groups)
        if refusals:
            raise ValidationError(refusals)
        return groups

    checked = type(form.__name__, (form,), {"clean_groups": clean_groups})
    shown = accounts.current_roles(user) | {
        group.name
        for group in Group.objects.all()
        if accounts.role_refusal(actor=actor, user=user, role=group.name) is None
    }
    checked.base_fields["groups"].queryset = Group.objects.filter(name__in=shown)
    return checked


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(CheapChangelist, BaseGroupAdmin):
    """What a role may do is set by migrations and superusers: whoever could edit a
    group could give its members any permission."""

    def has_add_permission(self, request):
        return accounts.may_define_roles(request.user)

    def has_change_permission(self, request, obj=None):
        return accounts.may_define_roles(request.user)

    def has_delete_permission(self, request, obj=None):
        return accounts.may_define_roles(request.user)


@admin.register(RoleChange)
class RoleChangeAdmin(ReadOnlyAdmin):
    """Append-only: written by clinic.accounts.change_roles and only read here."""

    list_display = ("at", "actor", "user", "change", "role")
    list_filter = ("change", "role")
    list_select_related = ("actor", "user")
    search_fields = (
        "role",
        "user__username",
        "user__last_name",
        "actor__username",
        "actor__last_name",
    )
    date_hierarchy = "at"
    fields = ("at", "actor", "user", "change", "role")
    readonly_fields = fields


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    """Append-only: the log is written by the application (clinic.access) and
    only read here; a clinic administrator exports what the list shows."""

    list_display = ("at", "user", "patient", "action", "record", "address")
    # A date filter, not date_hierarchy: its year links read every row's date.
    list_filter = (
        ("at", admin.DateFieldListFilter),
        "action",
    )
    list_select_related = ("user", "patient")
    search_fields = (
        "patient__mrn",
        "patient__family_name",
        "patient__given_name",
        "user__username",
        "user__last_name",
    )
    search_help_text = _("A patient's MRN or name, or a user's username or last name.")
    fields = (
        "at",
        "user",
        "patient",
        "action",
        "record",
        "record_type",
        "record_id",
        "address",
        "request_id",
    )
    readonly_fields = fields

    @admin.display(description=_("What"))
    def record(self, obj):
        return obj.record_label

    def get_urls(self):
        export = path(
            "export/",
            self.admin_site.admin_view(self.export_view),
            name="clinic_accesslog_export",
        )
        return [export, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_export": request.user.has_perm(EXPORT_PERMISSION),
        }
        return super().changelist_view(request, extra_context)

    def export_view(self, request):
        """The rows the list shows with the same search and filters, all of
        them, as CSV."""
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        if not request.user.has_perm(EXPORT_PERMISSION):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest("Unknown filter in the export's address.")
        return access_log_csv(request, changelist.get_queryset(request))


SIGNIN_FIELDS = ("attempt_time", "username", "ip_address", "user_agent", "path_info")


@admin.register(axes_models.AccessAttempt)
class SignInAttemptAdmin(ReadOnlyAdmin):
    """Recent failed sign-ins per username and address (django-axes): what a
    lockout counts. Deleting a row lifts its pause: a superuser's to do."""

    list_display = ("attempt_time", "username", "ip_address", "failures_since_start")
    search_fields = ("=username", "=ip_address")
    fields = (*SIGNIN_FIELDS, "failures_since_start")
    readonly_fields = fields

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(axes_models.AccessFailureLog)
class SignInFailureAdmin(ReadOnlyAdmin):
    """Every failed sign-in, and whether it was refused as locked out."""

    list_display = ("attempt_time", "username", "ip_address", "locked_out")
    list_filter = ("locked_out",)
    search_fields = ("=username", "=ip_address")
    fields = (*SIGNIN_FIELDS, "locked_out")
    readonly_fields = fields


@admin.register(axes_models.AccessLog)
class SignInAdmin(ReadOnlyAdmin):
    """Every successful sign-in, and when it was signed out."""

    list_display = ("attempt_time", "username", "ip_address", "logout_time")
    search_fields = ("=username", "=ip_address")
    fields = (*SIGNIN_FIELDS, "logout_time")
    readonly_fields = fields


@admin.register(Letter)
class LetterAdmin(ReachesPatient, ReadOnlyAdmin):
    """Letters are produced from the clinician pages (clinic.letters) and never
    changed; read here, the PDF downloaded through the chart's link (the file is
    never served directly)."""

    patient_path = "patient"
    list_display = ("produced_at", "kind", "patient", "recipient", "produced_by")
    list_filter = ("kind", ("produced_at", admin.DateFieldListFilter))
    list_select_related = ("produced_by",)
    fields = (
        "kind",
        "patient",
        ("toxin_session", "referral", "appointment"),
        "recipient",
        "signed_by",
        ("produced_by", "produced_at"),
        "download",
    )
    readonly_fields = ("download",)

    @admin.display(description=_("PDF"))
    def download(self, obj):
        return format_html(
            '<a href="{}">Download the PDF</a>', reverse("letter_pdf", args=[obj.pk])
        )
