"""Filters of /targets/: section, task, lead unit, kind, status and the q search box."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from targets.models import Target
from targets.progress import Status
from tasks.models import Section, Task, TaskAssignment
from units.models import Unit


class TargetFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    section = django_filters.ModelChoiceFilter(
        label=_("板块"), queryset=Section.objects.none(), method="filter_section", empty_label=_("全部板块")
    )
    task = django_filters.ModelChoiceFilter(
        label=_("任务"), queryset=Task.objects.none(), field_name="tasks", empty_label=_("全部任务")
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("牵头或报送单位"), queryset=Unit.objects.none(), method="filter_unit", empty_label=_("全部单位")
    )
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=Target.Kind.choices, empty_label=_("全部类型"))
    # The status is computed, not stored: the view filters the standings by it.
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=Status.choices, method="filter_nothing", empty_label=_("全部状态")
    )

    class Meta:
        model = Target
        fields = []  # all declared above; "status" and "q" are not model fields

    def __init__(self, data=None, queryset=None, *, plan, **kwargs):
        super().__init__(data, queryset, **kwargs)
        fields = self.form.fields
        fields["section"].queryset = Section.objects.filter(plan=plan).order_by("kind", "number")
        fields["section"].label_from_instance = lambda s: f"{s.get_kind_display()}{s.numeral}{s.title}"
        fields["task"].queryset = Task.objects.filter(plan=plan).order_by("number")
        # Two semi-joins scoped to the plan, no join + DISTINCT over every plan's targets and
        # assignments (that one grew with the years: 330–620 ms with ten synthetic years stored).
        fields["unit"].queryset = Unit.objects.exclude(kind=Unit.Kind.GROUP).filter(
            Q(pk__in=Target.objects.filter(plan=plan).values("reporting_unit"))
            | Q(pk__in=TaskAssignment.objects.filter(task__plan=plan, role=TaskAssignment.Role.LEAD).values("unit"))
        ).order_by("position", "code")
        fields["q"].widget = forms.TextInput(attrs={"placeholder": _("指标名称、编号或原文")})

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__iexact=value) | Q(source_text__icontains=value))

    def filter_section(self, queryset, name, section):
        return queryset.filter(Q(goal_section=section) | Q(tasks__section=section)).distinct()

    def filter_unit(self, queryset, name, unit):
        return queryset.filter(
            Q(reporting_unit=unit)
            | Q(tasks__assignments__unit=unit, tasks__assignments__role=TaskAssignment.Role.LEAD)
        ).distinct()

    def filter_nothing(self, queryset, name, value):
        return queryset

    @property
    def picked_status(self):
        """The status picked, when valid."""
        if self.form.is_valid():
            return self.form.cleaned_data.get("status") or ""
        return ""
