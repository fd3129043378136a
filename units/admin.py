from django.contrib import admin

from units.models import AuditEvent, Membership, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "position"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    filter_horizontal = ["members"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "must_change_password"]
    list_filter = ["role", "unit"]
    search_fields = ["user__username", "unit__name"]
    autocomplete_fields = ["user", "unit"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log cannot be edited or deleted, not even by a superuser."""

    list_display = ["created", "action", "username", "ip", "object_type", "object_repr"]
    list_filter = ["action"]
    search_fields = ["username", "object_repr", "ip"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
