from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from targets.models import Target, TargetValue


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "value", "unit_of_measure", "comparison", "kind", "reporting_unit", "plan"]
    list_filter = ["plan", "kind", "comparison", "goal_section"]
    search_fields = ["code", "name", "source_text"]
    filter_horizontal = ["tasks"]


@admin.register(TargetValue)
class TargetValueAdmin(SimpleHistoryAdmin):
    list_display = ["target", "unit", "month", "value", "updated_at"]
    list_filter = ["month", "unit"]
