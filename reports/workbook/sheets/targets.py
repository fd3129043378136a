"""The sheet 指标完成情况: every target's standing, grouped by the plan's goal groups."""

from collections import OrderedDict

from django.utils.translation import gettext as _

from reports.workbook.styles import (
    DASH,
    PERCENT_FORMAT,
    SheetLayout,
    _number,
    _value_format,
    status_cell,
)
from targets.forecast_figures import points_wording
from targets.models import Target
from tasks.models import Section

# Grouping targets ---------------------------------------------------------------------------


def _group_of(target):
    """A target's section on the sheets: its goal group, else the task area of its first task."""
    if target.goal_section_id:
        return target.goal_section
    tasks = list(target.tasks.all())
    return tasks[0].section if tasks else None


def group_title(section):
    if section is None:
        return _("其他指标")
    if section.kind == Section.Kind.GOAL_GROUP:
        return _("工作目标%(numeral)s%(title)s") % {"numeral": section.numeral, "title": section.title}
    return _("主要任务%(numeral)s%(title)s") % {"numeral": section.numeral, "title": section.title}


def grouped(target_standings):
    groups = OrderedDict()
    for standing in target_standings:
        section = _group_of(standing.target)
        groups.setdefault(section, []).append(standing)
    order = {Section.Kind.GOAL_GROUP: 0, Section.Kind.TASK_AREA: 1}
    return sorted(groups.items(), key=lambda item: (item[0] is None, (order.get(item[0].kind, 2), item[0].number) if item[0] else (9, 0)))


def _lead_units(target):
    names = []
    for task in target.tasks.all():
        for assignment in task.lead_assignments:
            if assignment.unit.name not in names:
                names.append(assignment.unit.name)
    return "、".join(names)


# The sheets ---------------------------------------------------------------------------------


def completion_cell(standing):
    """完成率 for amounts and counts; a rate's gap to its target in percentage points, as words."""
    if standing.value is None:
        return DASH
    if standing.target.is_percent:
        return points_wording(standing.points)
    return _number(standing.completion)


def _comparison(target, labels):
    """不低于 / 左右 / 达到, with the plan's own wording (突破, 以上 …) when it says more.
    `labels`: the comparisons' labels, translated once per sheet (not once per target)."""
    label = labels[target.comparison]
    wording = (target.comparison_wording or "").strip()
    if wording and wording not in ("—", "-", label):
        return f"{label}（{wording}）"
    return label


def targets_sheet(wb, data, heading):
    months = list(data.months)  # the quarter's: the earlier months are in the earlier workbooks
    header = [
        _("编号"), _("指标名称"), _("目标值"), _("计量单位"), _("比较方式"),
        *[_("%(month)s月") % {"month": m} for m in months],
        _("完成率"), _("时间进度"), _("状态"), _("预计全年"), _("牵头单位"),
    ]
    # Chosen to print at 9 pt on A4 landscape: who reports each target is on the 总体情况 sheet.
    widths = [6, 22, 10, 7, 9, *[8] * len(months), 9, 8, 9, 10, 13]
    subtitle = _("各月数值为本季度各月已审核的月末数（累计指标为 1 月至当月累计）；预计全年的方法见各指标页面（累计指标按进度外推，存量从年初基数或近期趋势外推）；增速、占比类指标以最新值与目标比较，单位为百分点。")
    sheet = SheetLayout(wb, _("指标完成情况"), heading, subtitle, header, widths)
    sheet.header_row()
    month_columns = 5
    comparisons = {value: str(label) for value, label in Target.Comparison.choices}
    for standing in data.standings:
        target = standing.target
        monthly = standing.monthly_values  # decoded once a row, not once a cell
        fmt = _value_format(target, [target.value, *monthly.values()])
        forecast = standing.forecast.value if standing.forecast else None
        row = [
            target.code,
            target.name,
            _number(target.value),
            target.unit_of_measure,
            _comparison(target, comparisons),
            *[_number(monthly[m]) if m in monthly else None for m in months],
            completion_cell(standing),
            DASH if target.is_percent else _number(standing.expected_share),  # its own profile, as on the pages
            "",
            _number(forecast) if forecast is not None else DASH,
            _lead_units(target),
        ]
        formats = {2: fmt, **{month_columns + i: fmt for i in range(len(months))}}
        after = month_columns + len(months)
        formats.update({after: PERCENT_FORMAT, after + 1: PERCENT_FORMAT, after + 3: fmt})
        cells = sheet.data_row(row, formats)
        status_cell(sheet.ws, cells[0].row, after + 3, standing.status)
    sheet.finish()
    return sheet.ws
