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


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["code", "year", "title", "document_number", "issued_on", "is_synthetic"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["plan", "kind", "numeral", "title"]
    list_filter = ["plan", "kind"]


class TaskAssignmentInline(admin.TabularInline):
    model = TaskAssignment
    extra = 0


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "section", "plan"]
    list_filter = ["plan", "section"]
    search_fields = ["title", "text"]
    inlines = [TaskAssignmentInline]


@admin.register(ReportingMonthClosure)
class ReportingMonthClosureAdmin(admin.ModelAdmin):
    list_display = ["plan", "month", "closed_at", "closed_by"]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "unit", "month", "status", "submitted_at", "is_late", "reviewed_at"]
    list_filter = ["plan", "status", "month", "is_late"]
    search_fields = ["unit__name"]


@admin.register(ProgressReport)
class ProgressReportAdmin(SimpleHistoryAdmin):
    list_display = ["report", "task", "self_status", "needs_coordination", "updated_at"]
    list_filter = ["self_status", "needs_coordination"]


@admin.register(EvidenceFile)
class EvidenceFileAdmin(admin.ModelAdmin):
    list_display = ["original_name", "progress", "content_type", "size", "uploaded_at"]
