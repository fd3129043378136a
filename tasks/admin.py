from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tasks.models import (
    EvidenceFile,
    MonthlyReport,
    Plan,
    ProgressReport,
    ReportingMonthClosure,
    Section,
    Task,
    TaskAssignment,
)
from tasks.signals import plan_data_changed


class RefreshesStandings:
    """An edit in the admin (a report's status, an assessment, a task's units) changes the stored
    standings: recompute the plan's in the admin's transaction, after the related rows are saved."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        plan_data_changed.send(sender=None, plan=self.plan_of(form.instance))

    def delete_model(self, request, obj):
        plan = self.plan_of(obj)
        super().delete_model(request, obj)
        plan_data_changed.send(sender=None, plan=plan)

    def plan_of(self, obj):
        return obj.plan


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["code", "year", "title", "document_number", "issued_on"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["plan", "kind", "numeral", "title"]
    list_filter = ["plan", "kind"]


class TaskAssignmentInline(admin.TabularInline):
    model = TaskAssignment
    extra = 0


@admin.register(Task)
class TaskAdmin(RefreshesStandings, admin.ModelAdmin):
    list_display = ["number", "title", "section", "plan"]
    list_filter = ["plan", "section"]
    search_fields = ["title", "text"]
    inlines = [TaskAssignmentInline]


@admin.register(ReportingMonthClosure)
class ReportingMonthClosureAdmin(admin.ModelAdmin):
    list_display = ["plan", "month", "closed_at", "closed_by"]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(RefreshesStandings, SimpleHistoryAdmin):
    list_display = ["plan", "unit", "month", "status", "submitted_at", "is_late", "reviewed_at"]
    list_filter = ["plan", "status", "month", "is_late"]
    search_fields = ["unit__name"]


@admin.register(ProgressReport)
class ProgressReportAdmin(RefreshesStandings, SimpleHistoryAdmin):
    list_display = ["report", "task", "self_status", "needs_coordination", "updated_at"]
    list_filter = ["self_status", "needs_coordination"]

    def plan_of(self, obj):
        return obj.report.plan


@admin.register(EvidenceFile)
class EvidenceFileAdmin(admin.ModelAdmin):
    list_display = ["original_name", "progress", "content_type", "size", "uploaded_at"]
