"""The ranking table (/reports/assessment/): rank, unit, total and each component's points, each
linking to the unit's events for it; its xlsx export (?export=xlsx) is this table, the points typed."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from reports.assessment.scores import Component
from targets.tables.columns import TypedColumn
from wuhan_plan.tables import Table

POINTS = "0.0"


class PointsColumn(TypedColumn):
    """A component's points, linking to the unit's events behind them (#<component> of its page)."""

    def __init__(self, component, **kwargs):
        self.component = component
        super().__init__(component.label, accessor=f"components__{component.value}__points", number_format=POINTS,
                         orderable=False, attrs={"td": {"class": "number"}, "th": {"class": "number"}}, **kwargs)

    def render(self, value, record):
        return format_html('<a href="{}#{}">{}</a>', record.url, self.component.value, value)

    def value(self, value):
        return value


class TotalColumn(TypedColumn):
    def render(self, value, record):
        return format_html('<a href="{}"><strong>{}</strong></a>', record.url, value)

    def value(self, value):
        return value


class AssessmentTable(Table):
    rank = TypedColumn(_("名次"), orderable=False, attrs={"td": {"class": "number"}})
    unit = tables.Column(_("单位"), accessor="unit__name", orderable=False, linkify=lambda record: record.url)
    total = TotalColumn(_("总分"), orderable=False, number_format=POINTS,
                        attrs={"td": {"class": "number"}, "th": {"class": "number"}})
    timeliness = PointsColumn(Component.TIMELINESS)
    completeness = PointsColumn(Component.COMPLETENESS)
    quality = PointsColumn(Component.QUALITY)
    progress = PointsColumn(Component.PROGRESS)
    notices = PointsColumn(Component.NOTICES)

    def __init__(self, *args, rules=None, **kwargs):
        super().__init__(*args, **kwargs)
        if rules is not None:  # the headers say what each component is worth: 报送及时性（30分）
            for component in Component:
                column = self.columns[component.value].column
                column.verbose_name = _("%(label)s（%(weight)s分）") % {
                    "label": component.label, "weight": getattr(rules, f"{component.value}_weight")}

    class Meta:
        fields = ("rank", "unit", "total", "timeliness", "completeness", "quality", "progress", "notices")
        sequence = fields
        default_columns = fields
        empty_text = _("没有可显示的单位。")
