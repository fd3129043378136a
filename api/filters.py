"""Filters: by plan, month, unit and status, as the pages filter."""

import django_filters as filters

from reports.models import UrgingNotice
from targets.models import Status, Target, TargetStanding, TargetValue, TaskStanding
from tasks.models import MonthlyReport, ProgressReport, Section, Task
from units.models import Unit

MONTHS = [(m, str(m)) for m in range(1, 13)]


class SectionFilter(filters.FilterSet):
    class Meta:
        model = Section
        fields = ["plan", "kind"]


class TaskFilter(filters.FilterSet):
    unit = filters.NumberFilter(field_name="assignments__unit", distinct=True, label="unit id")

    class Meta:
        model = Task
        fields = ["plan", "section", "number"]


class TargetFilter(filters.FilterSet):
    unit = filters.NumberFilter(field_name="reporting_unit", label="reporting unit id")
    task = filters.NumberFilter(field_name="tasks", distinct=True, label="task id")

    class Meta:
        model = Target
        fields = ["plan", "kind", "frequency", "goal_section"]


class TargetStandingFilter(filters.FilterSet):
    month = filters.TypedChoiceFilter(choices=MONTHS, coerce=int)
    status = filters.ChoiceFilter(choices=Status.choices)
    unit = filters.NumberFilter(field_name="target__reporting_unit", label="reporting unit id")
    forecast_likely_missed = filters.BooleanFilter()

    class Meta:
        model = TargetStanding
        fields = ["plan", "target"]


class TaskStandingFilter(filters.FilterSet):
    month = filters.TypedChoiceFilter(choices=MONTHS, coerce=int)
    status = filters.ChoiceFilter(choices=Status.choices)
    unit = filters.NumberFilter(field_name="task__assignments__unit", distinct=True, label="unit id")

    class Meta:
        model = TaskStanding
        fields = ["plan", "task"]


class UnitFilter(filters.FilterSet):
    class Meta:
        model = Unit
        fields = ["kind", "code"]


class ReportFilter(filters.FilterSet):
    month = filters.TypedChoiceFilter(choices=MONTHS, coerce=int)
    status = filters.ChoiceFilter(choices=MonthlyReport.Status.choices)

    class Meta:
        model = MonthlyReport
        fields = ["plan", "unit"]


class ValueFilter(filters.FilterSet):
    month = filters.TypedChoiceFilter(choices=MONTHS, coerce=int)
    plan = filters.NumberFilter(field_name="target__plan")

    class Meta:
        model = TargetValue
        fields = ["target", "unit"]


class CoordinationFilter(filters.FilterSet):
    """`plan` and `month` choose which matters are open (targets.standing_queries.open_coordination);
    these narrow them."""

    task = filters.NumberFilter(field_name="task")
    unit = filters.NumberFilter(field_name="report__unit", label="unit id")

    class Meta:
        model = ProgressReport
        fields = []




class NoticeFilter(filters.FilterSet):
    """The list shows open notices (待签收, 已签收, 已回复) unless `status` or `open=false` says otherwise."""

    status = filters.ChoiceFilter(choices=UrgingNotice.Status.choices)
    kind = filters.ChoiceFilter(choices=UrgingNotice.Kind.choices)
    open = filters.BooleanFilter(method="filter_open", label="open notices only (default true)")

    class Meta:
        model = UrgingNotice
        fields = ["plan", "unit", "month", "target"]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.data.get("status") and self.form.cleaned_data.get("open") is None:
            queryset = queryset.open()
        return queryset

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.open() if value else queryset
