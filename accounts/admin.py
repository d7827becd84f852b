from axes.models import AccessAttempt, AccessLog
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import ApiKey, User
from accounts.services import login_lockout_lift


def _lifted(modeladmin, request, lifts: list[dict]) -> None:
    try:
        count = sum(bool(login_lockout_lift(actor=request.user, **lift)) for lift in lifts)
    except PermissionDenied as error:
        modeladmin.message_user(request, str(error), messages.ERROR)
        return
    modeladmin.message_user(request, ngettext("%(count)d lock-out lifted.", "%(count)d lock-outs lifted.", count)
                            % {"count": count}, messages.SUCCESS)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows shown, never added, changed or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    # Oscar's OrderAdmin autocompletes users: a registered User admin is required (admin.E039).
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Contact"), {"fields": ("full_name", "phone")}),
    )
    list_display = ("username", "full_name", "phone", "is_staff", "is_active")
    search_fields = ("username", "full_name", "phone", "email")
    actions = ["lift_lockout"]

    @admin.action(description=_("Lift the sign-in lock-out of the selected users"),
                  permissions=["lift_lockout"])
    def lift_lockout(self, request, queryset):
        _lifted(self, request, [{"username": user.username} for user in queryset])

    def has_lift_lockout_permission(self, request):
        return request.user.has_perm("axes.delete_accessattempt")


@admin.register(AccessAttempt)
class AccessAttemptAdmin(ReadOnlyAdmin):
    """Failed sign-ins and SMS codes of the last LOGIN_LOCKOUT_MINUTES (accounts/lockout.py), read-only:
    a lock is lifted by the actions, which write an audit event, never by deleting rows."""

    list_display = ("attempt_time", "username", "ip_address", "failures_since_start", "path_info")
    list_filter = ("attempt_time",)
    search_fields = ("username", "ip_address")
    readonly_fields = ("username", "ip_address", "user_agent", "path_info", "failures_since_start", "attempt_time")
    exclude = ("get_data", "post_data", "http_accept")
    actions = ["lift_account", "lift_address"]

    @admin.action(description=_("Lift the lock-out of these accounts or numbers"), permissions=["lift"])
    def lift_account(self, request, queryset):
        _lifted(self, request, [{"username": name} for name in {a.username for a in queryset if a.username}])

    @admin.action(description=_("Lift the lock-out of these client addresses"), permissions=["lift"])
    def lift_address(self, request, queryset):
        _lifted(self, request, [{"address": ip} for ip in {a.ip_address for a in queryset if a.ip_address}])

    def has_lift_permission(self, request):
        return request.user.has_perm("axes.delete_accessattempt")


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    """Who signed in, from where and when (and when they signed out): read-only."""

    list_display = ("attempt_time", "username", "ip_address", "logout_time", "path_info")
    list_filter = ("attempt_time",)
    search_fields = ("username", "ip_address")
    exclude = ("http_accept", "session_hash")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Read-only: keys are made and revoked with `manage.py api_key` (the key is shown once there)."""

    list_display = ("name", "prefix", "user", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    exclude = ("key_hash",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
