"""Tables of the task pages (/tasks/, /tasks/<n>/); exported as xlsx through targets.exports."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from targets.progress import STATUS_ORDER, Status
from targets.tables.columns import MONTH, TypedColumn
from targets.tables.targets import status_html
from tasks.models import MonthlyReport, ProgressReport
from wuhan_plan.tables import Table, cell_html


def _joined(names):
    return pgettext("list separator", "、").join(names)


class TaskRow:
    def __init__(self, task, standing, open_items, query, unit_names):
        """`standing`: the task's stored TaskStanding (status and flags); None before it is computed.
        `unit_names`: {"lead": [names], "responsible": [names]} of its units, in the plan's order."""
        self.task = task
        self.unit_names = unit_names
        self.status = Status(getattr(standing, "status", standing) or Status.NOT_REPORTED)
        self.flags = list(getattr(standing, "flags", []))
        self.open_items = open_items
        self.query = query  # targets.asof.AsOf.query: the month and year its link keeps

    number = property(lambda self: self.task.number)
    title = property(lambda self: self.task.title)
    section = property(lambda self: str(self.task.section))
    lead = property(lambda self: _joined(self.unit_names.get("lead", ())))
    responsible = property(lambda self: _joined(self.unit_names.get("responsible", ())))
    targets = property(lambda self: self.task.target_count)
    status_rank = property(lambda self: STATUS_ORDER.index(self.status))

    @property
    def url(self):
        return reverse("tasks:detail", args=[self.task.number]) + f"?{self.query}"


class TaskTable(Table):
    number = tables.Column(_("序号"), attrs={"td": {"class": "num"}})
    title = tables.Column(_("任务"), linkify=lambda record: record.url)
    section = tables.Column(_("板块"))
    lead = tables.Column(_("牵头单位"))
    responsible = tables.Column(_("责任单位"), attrs={"td": {"class": "units-cell"}})
    targets = tables.Column(_("指标数"), attrs={"td": {"class": "num"}})
    status = tables.Column(_("状态"), order_by=("status_rank",))
    open_items = tables.Column(_("待协调事项"), attrs={"td": {"class": "num"}})

    class Meta:
        fields = ("number", "title", "section", "lead", "responsible", "targets", "status", "open_items")
        default_columns = fields
        empty_text = _("没有任务。")

    def render_status(self, record):
        html = status_html(record.status.value, record.status.label)
        for flag in record.flags:
            html += cell_html(' <span class="flag-task">{}</span>', flag)
        return html

    def value_status(self, record):
        return "；".join([str(record.status.label), *record.flags])


class ProgressTable(Table):
    """Each assigned unit's monthly progress on one task, newest month first."""

    unit = tables.Column(_("单位"), accessor="report__unit", linkify=lambda record, table: table.url("units:detail", record.report.unit.code))
    month = TypedColumn(_("月份"), accessor="report__month", number_format=MONTH)
    report_status = tables.Column(_("报送状态"), accessor="report", empty_values=())
    self_status = tables.Column(_("自评状态"), accessor="self_status", empty_values=())
    work_done = tables.Column(_("工作进展"), accessor="work_done")
    problems = tables.Column(_("存在问题"), accessor="problems")
    next_steps = tables.Column(_("下步计划"), accessor="next_steps")
    coordination = tables.Column(_("需市级协调"), accessor="coordination_matter", empty_values=())

    class Meta:
        fields = ("unit", "month", "report_status", "self_status", "work_done", "problems", "next_steps", "coordination")
        default_columns = fields
        orderable = False
        empty_text = _("尚无进展报送。")

    def _labels(self):
        """Choice labels and the month wording, translated once per table rather than once per row."""
        labels = self.__dict__.get("_label_cache")
        if labels is None:
            labels = self._label_cache = {
                "month": str(_("%(m)s月")),
                "report": {value: str(label) for value, label in MonthlyReport.Status.choices},
                "self": {value: str(label) for value, label in ProgressReport.SelfStatus.choices},
            }
        return labels

    def render_month(self, value):
        return self._labels()["month"] % {"m": value}

    def value_month(self, value):
        return value

    def render_report_status(self, record):
        status = record.report.status
        return self._labels()["report"].get(status, status)

    def render_self_status(self, record):
        return self._labels()["self"].get(record.self_status, record.self_status) or "—"

    def render_coordination(self, record):
        if not record.needs_coordination:
            return "—"
        state = _("已办结") if record.coordination_closed else _("待协调")
        return cell_html("{}（{}）", record.coordination_matter, state)

    def value_coordination(self, record):
        # The text as written: render's format_html would leave "&amp;" for a "&" in the export.
        if not record.needs_coordination:
            return None
        state = _("已办结") if record.coordination_closed else _("待协调")
        return f"{record.coordination_matter}（{state}）"
