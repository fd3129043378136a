"""Filters of the reminder record (/reports/reminders/): kind, status, period and the q box."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reports.models import ReminderMessage
from wuhan_plan.widgets import FilterForm


class ReminderFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    kind = django_filters.ChoiceFilter(
        label=_("类别"), choices=ReminderMessage.Kind.choices, empty_label=_("全部类别")
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=ReminderMessage.Status.choices, empty_label=_("全部状态")
    )
    period = django_filters.CharFilter(label=_("期间"), field_name="period", lookup_expr="iexact")

    class Meta:
        model = ReminderMessage
        form = FilterForm
        fields = []  # all declared above

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["q"].widget = forms.TextInput(attrs={"placeholder": _("收件人、单位或主题")})
        self.form.fields["period"].widget = forms.TextInput(attrs={"placeholder": "2023-05"})

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(recipient__icontains=value) | Q(unit__name__icontains=value) | Q(subject__icontains=value)
        )
