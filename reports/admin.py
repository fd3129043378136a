from django.contrib import admin

from reports.models import ReminderMessage


@admin.register(ReminderMessage)
class ReminderMessageAdmin(admin.ModelAdmin):
    list_display = ["kind", "period", "recipient", "unit", "status", "attempts", "sent_at"]
    list_filter = ["kind", "status"]
    search_fields = ["recipient", "period"]
