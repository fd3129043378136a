from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from targets.models import Target, TargetValue
from targets.standing_store import refresh_plan


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "value", "unit_of_measure", "comparison", "kind", "frequency", "reporting_unit", "plan"]
    list_filter = ["plan", "kind", "frequency", "comparison", "goal_section"]
    search_fields = ["code", "name", "source_text"]
    filter_horizontal = ["tasks"]

    def save_model(self, request, obj, form, change):
        # A profile typed here is not the one learned from earlier years: the target page must not
        # go on saying where it came from (targets/profile_adoption.py records that).
        if "monthly_profile" in form.changed_data and "monthly_profile_source" not in form.changed_data:
            obj.monthly_profile_source, obj.monthly_profile_years = "", []
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # A rule setting (value, kind, frequency, profile, tasks…) changes the stored standings:
        # recompute the plan's in the admin's transaction, after the task links are saved.
        super().save_related(request, form, formsets, change)
        refresh_plan(form.instance.plan)  # a task link removed changes that task too


@admin.register(TargetValue)
class TargetValueAdmin(SimpleHistoryAdmin):
    list_display = ["target", "unit", "month", "value", "updated_at"]
    list_filter = ["month", "unit"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        refresh_plan(form.instance.target.plan)  # an approved figure corrected here counts at once

    def delete_model(self, request, obj):
        plan = obj.target.plan
        super().delete_model(request, obj)
        refresh_plan(plan)
