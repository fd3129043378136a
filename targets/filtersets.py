"""Filters of /targets/: section, task, lead unit, kind, status and the q search box.

They filter the stored standings of the month shown (TargetStanding), so that status is a
column like the others and the list filters, sorts and pages in the database. The section, task
and unit choices of the plan come from one query (`plan_choices`), not a queryset per field.
"""

import django_filters
from django import forms
from django.db.models import CharField, F, Q, Value
from django.utils.translation import gettext_lazy as _

from targets.models import Status, Target, TargetStanding
from tasks.models import Section, Task, TaskAssignment
from units.models import Unit
from wuhan_plan.widgets import FilterForm

# A model choice's message, as before the choices were read in one query.
INVALID_CHOICE = {"invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"]}


def _columns(tag, label, number, kind="", numeral="", code=""):
    """One part of plan_choices' union; each is ordered by (c_kind, c_number, c_code) as its model is."""
    text = CharField()
    return {
        "c_tag": Value(tag, output_field=text), "c_id": F("pk"),
        "c_kind": F(kind) if kind else Value("", output_field=text),
        "c_numeral": F(numeral) if numeral else Value("", output_field=text),
        "c_label": F(label), "c_number": F(number), "c_code": F(code) if code else Value("", output_field=text),
    }


def plan_choices(plan):
    """(sections, tasks, units) as (id, label) choices of `plan`, in the plan's order, from one query:
    its sections, its tasks, and the units that lead a task or report a target (no group)."""
    names = ["c_tag", "c_id", "c_kind", "c_numeral", "c_label", "c_number", "c_code"]
    sections = (
        Section.objects.filter(plan=plan).order_by()
        .annotate(**_columns("s", "title", "number", kind="kind", numeral="numeral")).values_list(*names)
    )
    tasks = Task.objects.filter(plan=plan).order_by().annotate(**_columns("t", "title", "number")).values_list(*names)
    # Two semi-joins scoped to the plan, no join + DISTINCT over every plan's targets and assignments.
    units = (
        Unit.objects.exclude(kind=Unit.Kind.GROUP).filter(
            Q(pk__in=Target.objects.filter(plan=plan).values("reporting_unit"))
            | Q(pk__in=TaskAssignment.objects.filter(task__plan=plan, role=TaskAssignment.Role.LEAD).values("unit"))
        ).order_by()
        .annotate(**_columns("u", "name", "position", code="code")).values_list(*names)
    )
    kinds = {value: str(label) for value, label in Section.Kind.choices}
    choices = {"s": [], "t": [], "u": []}
    # Sections by kind and number, tasks by number, units by position and code, as the database orders them.
    for tag, pk, kind, numeral, label, number, _code in (
        sections.union(tasks, units, all=True).order_by("c_tag", "c_kind", "c_number", "c_code")
    ):
        if tag == "s":
            choices[tag].append((str(pk), f"{kinds.get(kind, kind)}{numeral}{label}"))
        elif tag == "t":
            choices[tag].append((str(pk), f"{number}. {label}"))  # as str(task)
        else:
            choices[tag].append((str(pk), label))
    return choices["s"], choices["t"], choices["u"]


class TargetFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    section = django_filters.ChoiceFilter(
        label=_("板块"), method="filter_section", empty_label=_("全部板块"), error_messages=INVALID_CHOICE
    )
    task = django_filters.ChoiceFilter(
        label=_("任务"), field_name="target__tasks", empty_label=_("全部任务"), error_messages=INVALID_CHOICE
    )
    unit = django_filters.ChoiceFilter(
        label=_("牵头或报送单位"), method="filter_unit", empty_label=_("全部单位"), error_messages=INVALID_CHOICE
    )
    kind = django_filters.ChoiceFilter(
        label=_("类型"), field_name="target__kind", choices=Target.Kind.choices, empty_label=_("全部类型")
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Status.choices, empty_label=_("全部状态"))
    forecast = django_filters.ChoiceFilter(
        label=_("预计全年"), method="filter_forecast", choices=[("missed", _("可能完不成"))],
        empty_label=_("全部预计"), error_messages=INVALID_CHOICE,
    )

    class Meta:
        model = TargetStanding
        form = FilterForm
        fields = ()  # all declared above

    def __init__(self, data=None, queryset=None, *, plan, **kwargs):
        super().__init__(data, queryset, **kwargs)
        fields = self.form.fields
        fields["section"].choices, fields["task"].choices, fields["unit"].choices = plan_choices(plan)
        fields["q"].widget = forms.TextInput(attrs={"placeholder": _("指标名称、编号或原文")})

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(target__name__icontains=value) | Q(target__code__iexact=value) | Q(target__source_text__icontains=value)
        )

    def filter_forecast(self, queryset, name, value):
        return queryset.filter(forecast_likely_missed=True)  # the only choice: "missed"

    def filter_section(self, queryset, name, section):
        # Semi-joins, not a join + DISTINCT: a target in two tasks of the area is listed once.
        in_section = Target.objects.filter(Q(goal_section=section) | Q(tasks__section=section)).values("pk")
        return queryset.filter(target__in=in_section)

    def filter_unit(self, queryset, name, unit):
        led = TaskAssignment.objects.filter(unit=unit, role=TaskAssignment.Role.LEAD).values("task")
        return queryset.filter(Q(target__reporting_unit=unit) | Q(target__in=Target.objects.filter(tasks__in=led).values("pk")))
