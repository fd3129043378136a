"""Tables of the unit pages (/units/, /units/<code>/); exported as xlsx through targets.exports."""

import django_tables2 as tables
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from targets.tables.columns import MONTH, WHOLE_PERCENT, TypedColumn, minute_text
from wuhan_plan.tables import Links, Table, cell_html


class UnitRow:
    def __init__(self, unit, tasks, targets, timeliness, query, links=None):
        self.unit = unit
        self.links = links or Links()  # one for all the rows of a page: each link reversed once
        self.tasks = tasks
        self.targets = targets
        self.rate = timeliness["rate"]
        # The on-time share as a number (the export's 按时报送率); None while no month is due.
        self.on_time_share = timeliness["on_time"] / timeliness["due"] if timeliness.get("due") else None
        self.counts = timeliness
        self.query = query  # targets.asof.AsOf.query: the month and year its link keeps

    name = property(lambda self: self.unit.name)
    kind = property(lambda self: self.unit.get_kind_display())
    rate_sort = property(lambda self: float(self.rate.rstrip("%")) if self.rate else -1)
    on_time = property(lambda self: self.counts.get("on_time", 0))
    late = property(lambda self: self.counts.get("late", 0))
    missing = property(lambda self: self.counts.get("missing", 0))
    returned = property(lambda self: self.counts.get("returned", 0))
    position = property(lambda self: self.unit.position)

    @cached_property
    def url(self):  # the table's link and the heatmap's row: reversed once
        return self.links("units:detail", self.unit.code) + f"?{self.query}"


class UnitTable(Table):
    name = tables.Column(_("单位"), linkify=lambda record: record.url, order_by=("position",))
    kind = tables.Column(_("类别"))
    tasks = tables.Column(_("任务数"), attrs={"td": {"class": "num"}})
    targets = tables.Column(_("报送指标数"), attrs={"td": {"class": "num"}})
    rate = TypedColumn(
        _("按时报送率"), order_by=("rate_sort",), attrs={"td": {"class": "num"}}, default="—",
        number_format=WHOLE_PERCENT,
    )
    on_time = tables.Column(_("按时报送（月）"), attrs={"td": {"class": "num"}})
    late = tables.Column(_("逾期报送（月）"), attrs={"td": {"class": "num"}})
    missing = tables.Column(_("逾期未报（月）"), attrs={"td": {"class": "num"}})
    returned = tables.Column(_("被退回（月）"), attrs={"td": {"class": "num"}})

    class Meta:
        fields = ("name", "kind", "tasks", "targets", "rate", "on_time", "late", "missing", "returned")
        default_columns = fields
        empty_text = _("没有需报送的单位。")

    def value_rate(self, record):
        return record.on_time_share


class StateColumn(tables.Column):
    """A (state, label) cell: coloured by state, always with its text label."""

    def render(self, value):
        return cell_html('<span class="state state-{}">{}</span>', value[0], value[1])

    def value(self, value):
        return str(value[1])


class HeatmapTable(Table):
    """The month × unit heatmap as a table: one row per unit, one coloured, labelled cell per month."""

    name = tables.Column(_("单位"), linkify=lambda record: record["url"])
    rate = TypedColumn(_("按时率"), attrs={"td": {"class": "num"}}, number_format=WHOLE_PERCENT)

    class Meta:
        orderable = False
        attrs = {"class": "table heatmap-table"}

    def value_rate(self, record):
        return record.get("on_time_share")  # the view's row: its number beside the text shown

    def __init__(self, data, months, **kwargs):
        extra = [
            (f"m{m}", StateColumn(_("%(m)s月") % {"m": m}, accessor=f"m{m}", orderable=False)) for m in months
        ]
        super().__init__(data, extra_columns=extra, **kwargs)


class ReportingRecordTable(Table):
    """A unit's reporting record, month by month."""

    month = TypedColumn(_("月份"), number_format=MONTH)
    state = StateColumn(_("报送情况"), empty_values=())
    submitted_at = tables.Column(_("报送时间"), empty_values=())
    reviewed_at = tables.Column(_("审核时间"), empty_values=())
    deadline = tables.Column(_("截止日期"))

    class Meta:
        orderable = False
        fields = ("month", "state", "deadline", "submitted_at", "reviewed_at")
        default_columns = fields

    def render_month(self, value):
        return _("%(m)s月") % {"m": value}

    def value_month(self, value):
        return value

    def render_submitted_at(self, value):
        return minute_text(value) if value else "—"

    def value_submitted_at(self, value):
        return value

    def render_reviewed_at(self, value):
        return minute_text(value) if value else "—"

    def value_reviewed_at(self, value):
        return value

    def render_deadline(self, value):
        return value.isoformat()  # 2023-04-10

    def value_deadline(self, value):
        return value


class UnitTaskTable(Table):
    """The tasks a unit reports on and its role in each."""

    number = tables.Column(_("序号"), accessor="task__number", attrs={"td": {"class": "num"}})
    title = tables.Column(_("任务"), accessor="task__title", linkify=lambda record: record["url"])
    section = tables.Column(_("板块"), accessor="task__section")
    role = tables.Column(_("职责"), accessor="role")

    class Meta:
        orderable = False
        fields = ("number", "title", "section", "role")
        default_columns = fields
        empty_text = _("未承担重点任务。")
