"""Filters of the notice list: open or all, kind, status, unit and the q box."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reports.models import UrgingNotice
from units.models import Unit
from wuhan_plan.widgets import FilterForm


class NoticeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    open = django_filters.BooleanFilter(label=_("未办结"), method="only_open",
                                        widget=forms.Select(choices=[("", _("全部")), ("true", _("未办结")),
                                                                     ("false", _("已办结或已升级"))]))
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=UrgingNotice.Kind.choices, empty_label=_("全部类别"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=UrgingNotice.Status.choices,
                                         empty_label=_("全部状态"))
    unit = django_filters.ModelChoiceFilter(label=_("单位"), queryset=Unit.objects.exclude(kind=Unit.Kind.GROUP),
                                            empty_label=_("全部单位"))

    class Meta:
        model = UrgingNotice
        form = FilterForm
        fields = []  # all declared above

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["q"].widget = forms.TextInput(attrs={"placeholder": _("单位、要求或办理情况")})

    def only_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.open() if value else queryset.exclude(status__in=UrgingNotice.OPEN_STATUSES)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(unit__name__icontains=value) | Q(request__icontains=value) | Q(reply__icontains=value))
