"""Filters of /targets/: section, task, lead unit, kind, status and the q search box.

They filter the stored standings of the month shown (TargetStanding), so that status is a
column like the others and the list filters, sorts and pages in the database.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from targets.models import Status, Target, TargetStanding
from tasks.models import Section, Task, TaskAssignment
from units.models import Unit


class TargetFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    section = django_filters.ModelChoiceFilter(
        label=_("板块"), queryset=Section.objects.none(), method="filter_section", empty_label=_("全部板块")
    )
    task = django_filters.ModelChoiceFilter(
        label=_("任务"), queryset=Task.objects.none(), field_name="target__tasks", empty_label=_("全部任务")
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("牵头或报送单位"), queryset=Unit.objects.none(), method="filter_unit", empty_label=_("全部单位")
    )
    kind = django_filters.ChoiceFilter(
        label=_("类型"), field_name="target__kind", choices=Target.Kind.choices, empty_label=_("全部类型")
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Status.choices, empty_label=_("全部状态"))

    class Meta:
        model = TargetStanding
        fields = []  # all declared above

    def __init__(self, data=None, queryset=None, *, plan, **kwargs):
        super().__init__(data, queryset, **kwargs)
        fields = self.form.fields
        fields["section"].queryset = Section.objects.filter(plan=plan).order_by("kind", "number")
        fields["section"].label_from_instance = lambda s: f"{s.get_kind_display()}{s.numeral}{s.title}"
        fields["task"].queryset = Task.objects.filter(plan=plan).order_by("number")
        # Two semi-joins scoped to the plan, no join + DISTINCT over every plan's targets and assignments.
        fields["unit"].queryset = Unit.objects.exclude(kind=Unit.Kind.GROUP).filter(
            Q(pk__in=Target.objects.filter(plan=plan).values("reporting_unit"))
            | Q(pk__in=TaskAssignment.objects.filter(task__plan=plan, role=TaskAssignment.Role.LEAD).values("unit"))
        ).order_by("position", "code")
        fields["q"].widget = forms.TextInput(attrs={"placeholder": _("指标名称、编号或原文")})

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(target__name__icontains=value) | Q(target__code__iexact=value) | Q(target__source_text__icontains=value)
        )

    def filter_section(self, queryset, name, section):
        # Semi-joins, not a join + DISTINCT: a target in two tasks of the area is listed once.
        in_section = Target.objects.filter(Q(goal_section=section) | Q(tasks__section=section)).values("pk")
        return queryset.filter(target__in=in_section)

    def filter_unit(self, queryset, name, unit):
        led = TaskAssignment.objects.filter(unit=unit, role=TaskAssignment.Role.LEAD).values("task")
        return queryset.filter(Q(target__reporting_unit=unit) | Q(target__in=Target.objects.filter(tasks__in=led).values("pk")))
