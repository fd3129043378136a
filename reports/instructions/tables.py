"""The instruction list (/reports/instructions/): each instruction, its date linking to its page."""

import django_filters
import django_tables2 as tables
from django import forms
from django.db.models import Q
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from reports.models import LeaderInstruction
from wuhan_plan.tables import Table
from wuhan_plan.widgets import FilterForm

LIST_RELATED = ("leader", "task", "target", "matter__report__unit", "matter__task", "notice__plan")


class InstructionStatusColumn(tables.Column):
    def render(self, record):
        return format_html('<span class="status instruction-{}">{}</span>', record.status, record.get_status_display())


class InstructionTable(Table):
    instructed_on = tables.DateColumn(verbose_name=_("批示日期"), format="Y-m-d",
                                      linkify=("instructions:detail", [tables.A("pk")]))
    leader = tables.Column(_("批示领导"), accessor="leader_name", order_by=("leader__username",))
    item = tables.Column(_("批示事项"), accessor="item_label", orderable=False)
    text = tables.Column(_("批示内容"), orderable=False)
    units = tables.Column(_("承办单位"), accessor="pk", orderable=False)
    status = InstructionStatusColumn(_("状态"))

    class Meta:
        model = LeaderInstruction
        fields = ("instructed_on", "leader", "item", "text", "units", "status")
        sequence = fields
        default_columns = fields
        empty_text = _("还没有领导批示。")
        order_by = ("-instructed_on",)

    def render_text(self, value):
        return Truncator(value).chars(60)

    def render_units(self, record):
        return "、".join(assignment.unit.name for assignment in record.assignments.all())


class InstructionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=LeaderInstruction.Status.choices,
                                         empty_label=_("全部状态"))

    class Meta:
        model = LeaderInstruction
        form = FilterForm
        fields = []  # all declared above

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["q"].widget = forms.TextInput(attrs={"placeholder": _("批示内容、承办单位或办理情况")})

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        matches = (Q(text__icontains=value) | Q(assignments__unit__name__icontains=value)
                   | Q(assignments__reply__icontains=value))
        return queryset.filter(pk__in=LeaderInstruction.objects.filter(matches).values("pk"))
