from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from units.models import LEADER_EMAIL_INVALID, AuditEvent, Membership, Unit


class UnitAdminForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = "__all__"
        error_messages = {"leader_email": {"invalid": LEADER_EMAIL_INVALID}}


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    """Superusers edit units; bureau staff (units.accounts.BUREAU_STAFF_ADMIN_PERMISSIONS) only their
    leader contact — the plan fixes every other field."""

    form = UnitAdminForm
    list_display = ["code", "name", "kind", "position", "leader_name"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "leader_name"]
    filter_horizontal = ["members"]
    fieldsets = [
        (None, {"fields": ["code", "name", "kind", "position", "email", "members"]}),
        (_("分管领导"), {"fields": ["leader_name", "leader_email"]}),
    ]
    LEADER_CONTACT_FIELDS = ("leader_name", "leader_email")

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return [name for _legend, options in self.fieldsets for name in options["fields"]
                if name not in self.LEADER_CONTACT_FIELDS]


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
