"""Filters of the suspect figures (/reporting/suspect/): unit, month, the report's status and the q box.

The unit choices are the plan's reporting units, read in one query (values_list), so that the page
runs the same queries whichever unit is chosen (a ModelChoiceFilter would fetch the chosen one again).
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from targets.filtersets import INVALID_CHOICE
from targets.models import TargetValue
from tasks.models import MonthlyReport
from tasks.reporting import reporting_units
from wuhan_plan.widgets import FilterForm

MONTH_WORDING = _("%(month)s月")


class SuspectValueFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    unit = django_filters.ChoiceFilter(
        label=_("单位"), field_name="unit", empty_label=_("全部单位"), error_messages=INVALID_CHOICE
    )
    month = django_filters.ChoiceFilter(label=_("月份"), field_name="month", empty_label=_("全部月份"))
    status = django_filters.ChoiceFilter(
        label=_("报送状态"), field_name="report__status", choices=MonthlyReport.Status.choices,
        empty_label=_("全部状态"),
    )

    class Meta:
        model = TargetValue
        form = FilterForm
        fields = ()  # all declared above

    def __init__(self, data=None, queryset=None, *, plan, **kwargs):
        super().__init__(data, queryset, **kwargs)
        fields = self.form.fields
        units = reporting_units(plan).order_by("position", "code").values_list("pk", "name")
        fields["unit"].choices = [(str(pk), name) for pk, name in units]
        fields["month"].choices = [(str(month), MONTH_WORDING % {"month": month}) for month in range(1, 13)]
        fields["q"].widget = forms.TextInput(attrs={"placeholder": _("指标名称或编号")})

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(target__name__icontains=value) | Q(target__code__iexact=value))
