"""django-tables2 tables of the target pages; the xlsx export reuses them (?export=xlsx)."""

import django_tables2 as tables
from django.db.models import F
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from targets.expected_path import completion_of, expected_value_for, points_from_target
from targets.forecast_figures import points_wording
from targets.numbers import format_number
from targets.progress import Status, status_for
from targets.tables.columns import MONTH, PERCENT, POINTS, ExportColumn, TypedColumn, minute_text, share
from wuhan_plan.tables import Table, cell_html


def status_html(code, label):
    return cell_html('<span class="status status-{}">{}</span>', code, label)


def target_text(target):
    """The target as the plan states it: 突破13,000家, 11.5%以上, 100名左右."""
    return target.wording


VALUE_WORDING = _("%(value)s%(unit)s（%(month)s月）")
FORECAST_WORDING = _("%(value)s%(unit)s（%(completion)s%%）")
RATE_FORECAST_WORDING = _("%(value)s%%（%(gap)s）")
LIKELY_MISSED = _("可能完不成")


def completion_text(standing_or_target, value=None):
    """完成率 as shown: 'C%' for amounts and counts, the gap in points for rates, '—' without a value."""
    if value is None and hasattr(standing_or_target, "target"):
        target, value = standing_or_target.target, standing_or_target.value
    else:
        target = standing_or_target
    if value is None:
        return "—"
    if target.is_percent:
        return points_wording(points_from_target(target, value))
    return f"{completion_of(target, value)}%"


class TargetTable(Table):
    """Targets with their stored standing at one month (rows: TargetStanding); sorts in the database.

    Exported typed (targets/tables/columns.py): 目标值, 最新值 and 预计全年 as numbers with the unit,
    the value's month, 报送提示, the gap in points and the forecast's completion and flag in
    columns of their own; 完成率 and 时间进度 as fractions with a % format.
    """

    code = tables.Column(_("编号"), accessor="target__code", order_by=("target__position", "target__code"))
    name = tables.Column(
        _("指标"), accessor="target__name", linkify=lambda record, table: table.url("targets:detail", record.target_id)
    )
    target = tables.Column(_("目标值"), accessor="target__value", order_by=("target__value",), empty_values=())
    unit = ExportColumn(_("单位"), accessor="target__unit_of_measure")
    comparison = ExportColumn(_("目标表述"), accessor="target__comparison_wording")
    value = tables.Column(_("最新值（已审核）"), accessor="value", order_by=("value",), empty_values=())
    data_month = ExportColumn(_("数据月份"), accessor="value_month", number_format=MONTH)
    missing = ExportColumn(_("报送提示"), accessor="missing_label")
    completion = TypedColumn(
        _("完成率"), accessor="completion", order_by=("completion", "points"), attrs={"td": {"class": "num"}},
        empty_values=(), number_format=PERCENT,
    )
    points = ExportColumn(_("较目标（百分点）"), accessor="points", number_format=POINTS)
    time_progress = TypedColumn(
        _("时间进度"), accessor="expected_share", order_by=("expected_share",), attrs={"td": {"class": "num"}},
        number_format=PERCENT,
    )
    status = tables.Column(_("状态"), accessor="status", order_by=("status_rank",), empty_values=())
    forecast = tables.Column(_("预计全年"), accessor="forecast_value", order_by=("forecast_completion", "forecast_points"), empty_values=())
    forecast_completion = ExportColumn(_("预计完成率"), accessor="forecast_completion", number_format=PERCENT)
    forecast_points = ExportColumn(_("预计较目标（百分点）"), accessor="forecast_points", number_format=POINTS)
    forecast_flag = ExportColumn(_("预计提示"), accessor="forecast_likely_missed")
    reporting_unit = tables.Column(
        _("报送单位"), accessor="target__reporting_unit__name", order_by=("target__reporting_unit__position",)
    )
    last_update = tables.Column(_("最后更新"), accessor="last_update", order_by=("last_update",), empty_values=())

    class Meta:
        fields = (
            "code", "name", "target", "value", "completion", "time_progress",
            "status", "forecast", "reporting_unit", "last_update",
        )
        default_columns = fields
        # The export's order: each export-only column next to the one it belongs with.
        sequence = (
            "code", "name", "target", "unit", "comparison", "value", "data_month", "missing",
            "completion", "points", "time_progress", "status", "forecast", "forecast_completion",
            "forecast_points", "forecast_flag", "reporting_unit", "last_update",
        )
        orderable = True
        empty_text = _("没有符合条件的指标。")

    # Nothing reported sorts first ascending and last descending, on PostgreSQL as on SQLite
    # (their defaults for NULL differ).
    def _nulls_first_ascending(self, queryset, is_descending, *fields):
        order = [F(f).desc(nulls_last=True) if is_descending else F(f).asc(nulls_first=True) for f in fields]
        return queryset.order_by(*order, "target__position", "target__code"), True

    def order_value(self, queryset, is_descending):
        return self._nulls_first_ascending(queryset, is_descending, "value")

    def order_completion(self, queryset, is_descending):
        return self._nulls_first_ascending(queryset, is_descending, "completion", "points")

    def order_forecast(self, queryset, is_descending):
        return self._nulls_first_ascending(queryset, is_descending, "forecast_completion", "forecast_points")

    def order_last_update(self, queryset, is_descending):
        return self._nulls_first_ascending(queryset, is_descending, "last_update")

    def _word(self, text):
        """A lazy wording translated once per table rather than once per row."""
        words = self.__dict__.setdefault("_words", {})
        key = id(text)  # a module's constant; hashing a lazy string would translate it each time
        if key not in words:
            words[key] = str(text)
        return words[key]

    def _status_label(self, code):
        """A status's label translated once per table."""
        labels = self.__dict__.setdefault("_status_labels", {})
        if code not in labels:
            labels[code] = str(Status(code).label)
        return labels[code]

    def render_target(self, record):
        return target_text(record.target)

    def value_target(self, value):
        return value

    def value_comparison(self, value):
        return None if value.strip() in ("—", "-") else value.strip()

    def _value_text(self, standing):
        return self._word(VALUE_WORDING) % {
            "value": format_number(standing.value), "unit": standing.target.unit_of_measure, "month": standing.value_month,
        }

    def render_value(self, record):
        if record.value is None:
            return "—"
        if record.missing_label:
            return cell_html('{} <span class="flag-missing">{}</span>', self._value_text(record), record.missing_label)
        return self._value_text(record)

    def value_value(self, value):
        return value

    def render_completion(self, record):
        return completion_text(record)

    def value_completion(self, value):
        return share(value)  # None for a rate: its gap is in 较目标（百分点）

    def render_time_progress(self, record):
        # A rate is measured against the target itself: no share of the year applies to it.
        return "—" if record.target.is_percent else f"{record.expected_share}%"

    def value_time_progress(self, record):
        return None if record.target.is_percent else share(record.expected_share)

    def render_status(self, record):
        return status_html(record.status, self._status_label(record.status))

    def value_status(self, record):
        return str(record.status_label)

    def _forecast_text(self, record):
        forecast = record.forecast
        if forecast.points is not None:
            return self._word(RATE_FORECAST_WORDING) % {
                "value": format_number(forecast.value), "gap": points_wording(forecast.points),
            }
        return self._word(FORECAST_WORDING) % {
            "value": format_number(forecast.value), "unit": record.target.unit_of_measure, "completion": forecast.completion,
        }

    def render_forecast(self, record):
        if record.forecast_value is None:
            return "—"
        text = self._forecast_text(record)
        if record.forecast_likely_missed:
            return cell_html('{} <span class="flag-missed">{}</span>', text, self._word(LIKELY_MISSED))
        return text

    def value_forecast(self, value):
        return value

    def value_forecast_completion(self, value):
        return share(value)

    def value_forecast_flag(self, value):
        return self._word(LIKELY_MISSED) if value else None

    def render_last_update(self, record):
        if not record.last_update:
            return "—"
        return f"{localtime(record.last_update):%Y-%m-%d %H:%M}"  # date_format "Y-m-d H:i", without its parser per row

    def value_last_update(self, value):
        return value  # a datetime, written in local time (targets.exports.export_cell)


class MonthlyValueTable(Table):
    """The approved monthly values of one target, with who reported and who approved them.

    Exported typed: the month a number, 数值 and 应达进度值 numbers with the unit in a column of its
    own, 完成率 a fraction (a rate's gap in points apart), 审核时间 a date and time.
    """

    month = TypedColumn(_("月份"), accessor="month", number_format=MONTH)
    value = tables.Column(_("数值"), accessor="value", attrs={"td": {"class": "num"}})
    unit = ExportColumn(_("单位"), accessor="target__unit_of_measure")
    completion = TypedColumn(
        _("完成率"), accessor="value", attrs={"td": {"class": "num"}}, orderable=False, empty_values=(),
        number_format=PERCENT,
    )
    points = ExportColumn(_("较目标（百分点）"), accessor="value", number_format=POINTS)
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
        sequence = (
            "month", "value", "unit", "completion", "points", "expected", "status", "note", "source",
            "entered_by", "submitted_by", "reviewed_by", "reviewed_at",
        )
        orderable = False
        empty_text = _("尚无已审核的数值。")

    def render_month(self, value):
        return _("%(m)s月") % {"m": value}

    def value_month(self, value):
        return value

    def render_value(self, record):
        return f"{format_number(record.value)}{record.target.unit_of_measure}"

    def value_value(self, value):
        return value

    def __init__(self, data, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # A stock without a year-start figure is judged by its trend: each month needs the earlier ones.
        self._series = {row.month: row.value for row in data}

    def render_completion(self, record):
        return completion_text(record.target, record.value)

    def value_completion(self, record):
        return share(completion_of(record.target, record.value))

    def value_points(self, record):
        return points_from_target(record.target, record.value)

    def render_expected(self, record):
        return f"{format_number(expected_value_for(record.target, record.month))}{record.target.unit_of_measure}"

    def value_expected(self, record):
        return expected_value_for(record.target, record.month)

    def _status(self, record):
        return status_for(record.target, record.value, record.month, self._series)

    def render_status(self, record):
        status = self._status(record)
        return status_html(status, Status(status).label)

    def value_status(self, record):
        return str(Status(self._status(record)).label)

    def _person(self, user):
        return (user.get_full_name() or user.get_username()) if user else "—"

    def render_entered_by(self, value):
        return self._person(value)

    def render_submitted_by(self, value):
        return self._person(value)

    def render_reviewed_by(self, value):
        return self._person(value)

    def render_reviewed_at(self, value):
        return minute_text(value)

    def value_reviewed_at(self, value):
        return value


class SectionSummaryTable(Table):
    name = tables.Column(_("板块"), accessor="name")
    kind = tables.Column(_("类别"), accessor="kind")
    targets = tables.Column(_("指标数"), attrs={"td": {"class": "num"}})
    done = tables.Column(Status.DONE.label, attrs={"td": {"class": "num"}})
    on_track = tables.Column(Status.ON_TRACK.label, attrs={"td": {"class": "num"}})
    behind = tables.Column(Status.BEHIND.label, attrs={"td": {"class": "num"}})
    seriously_behind = tables.Column(Status.SERIOUSLY_BEHIND.label, attrs={"td": {"class": "num"}})
    not_reported = tables.Column(Status.NOT_REPORTED.label, attrs={"td": {"class": "num"}})
    not_due = tables.Column(Status.NOT_DUE.label, attrs={"td": {"class": "num"}})
    tasks = tables.Column(_("任务数"), attrs={"td": {"class": "num"}}, default="—")
    tasks_behind = tables.Column(_("滞后任务"), attrs={"td": {"class": "num"}}, default="—")
    open_items = tables.Column(_("待协调事项"), attrs={"td": {"class": "num"}}, default="—")

    class Meta:
        fields = (
            "name", "kind", "targets", "done", "on_track", "behind", "seriously_behind",
            "not_reported", "not_due", "tasks", "tasks_behind", "open_items",
        )
        default_columns = fields
        orderable = False


class CoordinationTable(Table):
    """Open 需市级协调 items from approved progress reports."""

    task = tables.Column(_("任务"), accessor="task", linkify=lambda record, table: table.url("tasks:detail", record.task.number))
    unit = tables.Column(_("单位"), accessor="report__unit", linkify=lambda record, table: table.url("units:detail", record.report.unit.code))
    month = TypedColumn(_("月份"), accessor="report__month", number_format=MONTH)
    matter = tables.Column(_("协调事项"), accessor="coordination_matter")
    problems = tables.Column(_("存在问题"), accessor="problems")

    class Meta:
        fields = ("task", "unit", "month", "matter", "problems")
        default_columns = fields
        orderable = False
        empty_text = _("暂无待协调事项。")

    def render_month(self, value):
        return _("%(m)s月") % {"m": value}

    def value_month(self, value):
        return value
