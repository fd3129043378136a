"""django-tables2 tables of the target pages; the xlsx export reuses them (?export=xlsx)."""

from decimal import Decimal

import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from targets import tables2_speedups
from targets.progress import STATUS_ORDER, Status, format_number, status_for, completion_of, expected_value_for


tables2_speedups.apply()


def status_html(code, label):
    return format_html('<span class="status status-{}">{}</span>', code, label)


def _sort_number(value):
    return value if value is not None else Decimal("-1e30")


class TargetRow:
    """One line of the target table: a standing plus what the table shows and sorts by."""

    def __init__(self, standing, last_update=None):
        self.standing = standing
        self.target = standing.target
        self.last_update = last_update

    @property
    def pk(self):
        return self.target.pk

    @property
    def url(self):
        return reverse("targets:detail", args=[self.target.pk])

    code = property(lambda self: self.target.code)
    name = property(lambda self: self.target.name)
    reporting_unit = property(lambda self: self.target.reporting_unit.name)
    kind = property(lambda self: self.target.get_kind_display())
    completion = property(lambda self: _sort_number(self.standing.completion))
    time_progress = property(lambda self: self.standing.time_progress)
    expected_share = property(lambda self: self.standing.expected_share)
    status_rank = property(lambda self: STATUS_ORDER.index(Status(self.standing.status)))
    value_sort = property(lambda self: _sort_number(self.standing.value))
    target_sort = property(lambda self: self.target.value)
    forecast_sort = property(lambda self: _sort_number(self.standing.forecast.value if self.standing.forecast else None))
    last_update_sort = property(lambda self: self.last_update.timestamp() if self.last_update else 0)


def target_text(target):
    """"突破 13,000家": the plan's own wording when it has one, else the comparison."""
    wording = target.comparison_wording if target.comparison_wording not in ("", "—", "-") else target.get_comparison_display()
    return f"{wording} {format_number(target.value)}{target.unit_of_measure}"


VALUE_WORDING = _("%(value)s%(unit)s（%(month)s月）")
FORECAST_WORDING = _("%(value)s%(unit)s（%(completion)s%%）")


class TargetTable(tables.Table):
    code = tables.Column(_("编号"), accessor="code")
    name = tables.Column(_("指标"), accessor="name", linkify=lambda record: record.url)
    target = tables.Column(_("目标值"), accessor="target", order_by=("target_sort",), empty_values=())
    value = tables.Column(_("最新值（已审核）"), accessor="standing", order_by=("value_sort",), empty_values=())
    completion = tables.Column(_("完成率"), accessor="completion", attrs={"td": {"class": "num"}}, empty_values=())
    time_progress = tables.Column(
        _("时间进度"), accessor="expected_share", order_by=("expected_share",), attrs={"td": {"class": "num"}}
    )
    status = tables.Column(_("状态"), accessor="standing", order_by=("status_rank",), empty_values=())
    forecast = tables.Column(_("预计全年"), accessor="standing", order_by=("forecast_sort",), empty_values=())
    reporting_unit = tables.Column(_("报送单位"), accessor="reporting_unit")
    last_update = tables.Column(_("最后更新"), accessor="last_update", order_by=("last_update_sort",), empty_values=())

    class Meta:
        fields = (
            "code", "name", "target", "value", "completion", "time_progress",
            "status", "forecast", "reporting_unit", "last_update",
        )
        default_columns = fields
        orderable = True
        empty_text = _("没有符合条件的指标。")

    def _word(self, text):
        """A lazy wording translated once per table rather than once per row."""
        words = self.__dict__.setdefault("_words", {})
        if text not in words:
            words[text] = str(text)
        return words[text]

    def render_target(self, record):
        return target_text(record.target)

    def render_value(self, record):
        standing = record.standing
        if standing.value is None:
            return "—"
        return self._word(VALUE_WORDING) % {
            "value": format_number(standing.value), "unit": record.target.unit_of_measure, "month": standing.value_month,
        }

    def render_completion(self, record):
        completion = record.standing.completion
        return "—" if completion is None else f"{completion}%"

    def render_time_progress(self, record):
        return f"{record.standing.expected_share}%"

    def render_status(self, record):
        return status_html(record.standing.status, record.standing.status_label)

    def value_status(self, record):
        return str(record.standing.status_label)

    def render_forecast(self, record):
        forecast = record.standing.forecast
        if forecast is None:
            return "—"
        text = self._word(FORECAST_WORDING) % {
            "value": format_number(forecast.value), "unit": record.target.unit_of_measure, "completion": forecast.completion,
        }
        if forecast.likely_missed:
            return format_html('{} <span class="flag-missed">{}</span>', text, _("可能完不成"))
        return text

    def render_last_update(self, record):
        if not record.last_update:
            return "—"
        return date_format(localtime(record.last_update), "Y-m-d H:i")


class MonthlyValueTable(tables.Table):
    """The approved monthly values of one target, with who reported and who approved them."""

    month = tables.Column(_("月份"), accessor="month")
    value = tables.Column(_("数值"), accessor="value", attrs={"td": {"class": "num"}})
    completion = tables.Column(_("完成率"), accessor="value", attrs={"td": {"class": "num"}}, orderable=False, empty_values=())
    expected = tables.Column(_("应达进度值"), accessor="month", attrs={"td": {"class": "num"}}, orderable=False, empty_values=())
    status = tables.Column(_("当月状态"), accessor="month", orderable=False, empty_values=())
    note = tables.Column(_("说明"), accessor="note", orderable=False)
    source = tables.Column(_("数据来源"), accessor="source", orderable=False)
    entered_by = tables.Column(_("填报人"), accessor="updated_by", orderable=False)
    submitted_by = tables.Column(_("报送人"), accessor="report__submitted_by", orderable=False)
    reviewed_by = tables.Column(_("审核人"), accessor="report__reviewed_by", orderable=False)
    reviewed_at = tables.Column(_("审核时间"), accessor="report__reviewed_at", orderable=False)

    class Meta:
        fields = (
            "month", "value", "completion", "expected", "status", "note", "source",
            "entered_by", "submitted_by", "reviewed_by", "reviewed_at",
        )
        default_columns = fields
        orderable = False
        empty_text = _("尚无已审核的数值。")

    def render_month(self, value):
        return _("%(m)s月") % {"m": value}

    def render_value(self, record):
        return f"{format_number(record.value)}{record.target.unit_of_measure}"

    def render_completion(self, record):
        return f"{completion_of(record.target, record.value)}%"

    def render_expected(self, record):
        return f"{format_number(expected_value_for(record.target, record.month))}{record.target.unit_of_measure}"

    def render_status(self, record):
        status = status_for(record.target, record.value, record.month)
        return status_html(status, Status(status).label)

    def value_status(self, record):
        return str(Status(status_for(record.target, record.value, record.month)).label)

    def _person(self, user):
        return (user.get_full_name() or user.get_username()) if user else "—"

    def render_entered_by(self, value):
        return self._person(value)

    def render_submitted_by(self, value):
        return self._person(value)

    def render_reviewed_by(self, value):
        return self._person(value)

    def render_reviewed_at(self, value):
        return date_format(localtime(value), "Y-m-d H:i")


class SectionSummaryTable(tables.Table):
    name = tables.Column(_("板块"), accessor="name")
    kind = tables.Column(_("类别"), accessor="kind")
    targets = tables.Column(_("指标数"), attrs={"td": {"class": "num"}})
    done = tables.Column(Status.DONE.label, attrs={"td": {"class": "num"}})
    on_track = tables.Column(Status.ON_TRACK.label, attrs={"td": {"class": "num"}})
    behind = tables.Column(Status.BEHIND.label, attrs={"td": {"class": "num"}})
    seriously_behind = tables.Column(Status.SERIOUSLY_BEHIND.label, attrs={"td": {"class": "num"}})
    not_reported = tables.Column(Status.NOT_REPORTED.label, attrs={"td": {"class": "num"}})
    tasks = tables.Column(_("任务数"), attrs={"td": {"class": "num"}}, default="—")
    tasks_behind = tables.Column(_("滞后任务"), attrs={"td": {"class": "num"}}, default="—")
    open_items = tables.Column(_("待协调事项"), attrs={"td": {"class": "num"}}, default="—")

    class Meta:
        fields = (
            "name", "kind", "targets", "done", "on_track", "behind", "seriously_behind",
            "not_reported", "tasks", "tasks_behind", "open_items",
        )
        default_columns = fields
        orderable = False


class CoordinationTable(tables.Table):
    """Open 需市级协调 items from approved progress reports."""

    task = tables.Column(_("任务"), accessor="task", linkify=lambda record: reverse("tasks:detail", args=[record.task.number]))
    unit = tables.Column(_("单位"), accessor="report__unit", linkify=lambda record: reverse("units:detail", args=[record.report.unit.code]))
    month = tables.Column(_("月份"), accessor="report__month")
    matter = tables.Column(_("协调事项"), accessor="coordination_matter")
    problems = tables.Column(_("存在问题"), accessor="problems")

    class Meta:
        fields = ("task", "unit", "month", "matter", "problems")
        default_columns = fields
        orderable = False
        empty_text = _("暂无待协调事项。")

    def render_month(self, value):
        return _("%(m)s月") % {"m": value}
