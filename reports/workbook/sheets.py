"""The five sheets of the quarterly workbook (see reports/workbook/build.py), each from `QuarterData`."""

from collections import OrderedDict

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from reports.workbook.figures import VISIBLE_REPORT_STATUSES
from reports.workbook.styles import (
    BOLD,
    BORDER,
    CENTER,
    DASH,
    PERCENT_FORMAT,
    SELF_STATUS_AS_STATUS,
    STATUS_FILLS,
    SUBMISSION_FILLS,
    SheetLayout,
    _fill,
    _number,
    _rate,
    _value_format,
    number_format,
    status_cell,
)
from targets.expected_path import time_progress
from targets.exports import HEADER_FILL, write_cell
from targets.forecast_figures import points_wording
from targets.progress import STATUS_ORDER, Status
from targets.task_status import latest_self_statuses, task_statuses
from tasks.models import ProgressReport, Section, TaskAssignment
from tasks.reporting import submission_state
from units.models import Unit

# Grouping targets ---------------------------------------------------------------------------


def _group_of(target):
    """A target's section on the sheets: its goal group, else the task area of its first task."""
    if target.goal_section_id:
        return target.goal_section
    tasks = list(target.tasks.all())
    return tasks[0].section if tasks else None


def _group_title(section):
    if section is None:
        return _("其他指标")
    if section.kind == Section.Kind.GOAL_GROUP:
        return _("工作目标%(numeral)s%(title)s") % {"numeral": section.numeral, "title": section.title}
    return _("主要任务%(numeral)s%(title)s") % {"numeral": section.numeral, "title": section.title}


def _grouped(target_standings):
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


def _overview_sheet(wb, data, heading):
    header = [
        _("编号"), _("指标"), _("目标值"), _("季末值"), _("数据月份"), _("完成率"), _("时间进度"), _("状态"), _("报送单位"),
    ]
    widths = [7, 34, 14, 14, 9, 10, 10, 11, 16]
    subtitle = _("截至%(year)s年%(month)s月底 · 时间进度 %(progress)s%% · 指标数值为已审核数 · 生成于 %(today)s") % {
        "year": data.plan.year, "month": data.end_month, "progress": time_progress(data.end_month),
        "today": data.today.isoformat(),
    }
    sheet = SheetLayout(wb, _("总体情况"), heading, subtitle, header, widths, first=True)
    ws = sheet.ws

    # Headline figures: labels in one row, numbers under them.
    on_time = due = 0
    for unit in data.units:
        unit_on_time, unit_due = data.on_time(unit)
        on_time += unit_on_time
        due += unit_due
    rate = _rate(on_time, due)
    headline = [
        (_("指标总数"), len(data.standings), number_format(_("项"))),
        *[(str(status.label), data.counts[status], number_format(_("项"))) for status in STATUS_ORDER],
        (_("需市级协调事项"), len(data.coordination), number_format(_("项"))),
        (_("本季按时报送率"), rate if rate is not None else DASH, PERCENT_FORMAT),
    ]
    for column, (label, value, fmt) in enumerate(headline, start=1):
        label_cell = write_cell(ws, 4, column, label)
        label_cell.font = BOLD
        label_cell.alignment = CENTER
        label_cell.border = BORDER
        label_cell.fill = HEADER_FILL
        value_cell = write_cell(ws, 5, column, value)
        value_cell.font = Font(bold=True, size=14)
        value_cell.alignment = CENTER
        value_cell.border = BORDER
        if not isinstance(value, str):
            value_cell.number_format = fmt
        if column >= 2 and column <= 1 + len(STATUS_ORDER):
            status = STATUS_ORDER[column - 2]
            label_cell.fill = PatternFill("solid", fgColor=STATUS_FILLS[status])
            label_cell.font = Font(bold=True, color="FFFFFF")
    ws.row_dimensions[4].height = 30
    sheet.row = 7

    sheet.header_row()
    first_data_row = sheet.row
    for section, group in _grouped(data.standings):
        sheet.group_row(_group_title(section))
        for standing in group:
            target = standing.target
            fmt = _value_format(target, [target.value, standing.value])
            cells = sheet.data_row(
                [
                    target.code,
                    target.name,
                    _number(target.value),
                    _number(standing.value) if standing.value is not None else DASH,
                    _("%(month)s月") % {"month": standing.value_month} if standing.value_month else DASH,
                    _completion_cell(standing),
                    DASH if target.is_percent else _number(standing.time_progress),
                    "",
                    target.reporting_unit.name,
                ],
                formats={2: fmt, 3: fmt, 5: PERCENT_FORMAT, 6: PERCENT_FORMAT},
            )
            status_cell(ws, cells[7].row, 8, standing.status)
    if sheet.row == first_data_row:
        sheet.data_row([_("本工作要点暂无指标。")] + [""] * (len(header) - 1))
    table_end = sheet.row - 1
    chart = _completion_chart(ws, data, anchor_row=table_end + 2, data_column=len(header) + 2)
    # The print area reaches below the chart: a default row is about 0.5 cm high.
    sheet.row = table_end + 2 + (int(chart.height / 0.5) + 2 if chart else 0)
    sheet.finish()
    ws.print_area = f"A1:{get_column_letter(len(header))}{sheet.row}"
    return ws


def _completion_chart(ws, data, anchor_row, data_column):
    """A clustered bar chart of completion against time progress, one pair of bars per target.

    Its data sit in hidden columns to the right of the table, so they neither print nor get in
    the way; the chart is told to plot hidden cells.
    """
    col = data_column
    write_cell(ws, anchor_row, col, _("指标"))
    write_cell(ws, anchor_row, col + 1, _("完成率"))
    write_cell(ws, anchor_row, col + 2, _("时间进度"))
    row = anchor_row
    for row, standing in enumerate(data.standings, start=anchor_row + 1):
        write_cell(ws, row, col, f"{standing.target.code} {standing.target.name}")
        write_cell(ws, row, col + 1, _number(standing.completion) if standing.completion is not None else 0)
        write_cell(ws, row, col + 2, _number(standing.time_progress))
    for offset in range(3):
        ws.column_dimensions[get_column_letter(col + offset)].hidden = True
    if not data.standings:
        return None
    chart = BarChart()
    chart.type = "bar"  # horizontal bars: long Chinese target names read along the axis
    chart.style = 10
    chart.grouping = "clustered"
    chart.title = _("指标完成率与时间进度（%）")
    chart.y_axis.title = "%"
    chart.y_axis.majorGridlines = None
    chart.x_axis.scaling.orientation = "maxMin"  # first target at the top, as in the table
    chart.visible_cells_only = False
    values = Reference(ws, min_col=col + 1, max_col=col + 2, min_row=anchor_row, max_row=row)
    categories = Reference(ws, min_col=col, min_row=anchor_row + 1, max_row=row)
    chart.add_data(values, titles_from_data=True)
    chart.set_categories(categories)
    chart.series[0].graphicalProperties.solidFill = "2F6FBD"
    chart.series[1].graphicalProperties.solidFill = "B9C1CF"
    chart.dataLabels = DataLabelList()
    chart.dataLabels.showVal = False
    chart.width = 26
    chart.height = max(8, 0.45 * len(data.standings) + 3)
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    ws.add_chart(chart, f"A{anchor_row}")
    return chart


def _completion_cell(standing):
    """完成率 for amounts and counts; a rate's gap to its target in percentage points, as words."""
    if standing.value is None:
        return DASH
    if standing.target.is_percent:
        return points_wording(standing.points)
    return _number(standing.completion)


def _comparison(target):
    """不低于 / 左右 / 达到, with the plan's own wording (突破, 以上 …) when it says more."""
    label = str(target.get_comparison_display())
    wording = (target.comparison_wording or "").strip()
    if wording and wording not in ("—", "-", label):
        return f"{label}（{wording}）"
    return label


def _targets_sheet(wb, data, heading):
    months = list(range(1, data.end_month + 1))
    header = [
        _("编号"), _("指标名称"), _("目标值"), _("计量单位"), _("比较方式"),
        *[_("%(month)s月") % {"month": m} for m in months],
        _("完成率"), _("时间进度"), _("应完成进度"), _("状态"), _("预计全年"), _("报送单位"), _("牵头单位"),
    ]
    widths = [7, 30, 12, 9, 12, *[11] * len(months), 9, 9, 10, 11, 13, 14, 22]
    subtitle = _("各月数值为已审核的月末数（累计指标为 1 月至当月累计）；预计全年的方法见各指标页面（累计指标按进度外推，存量从年初基数或近期趋势外推）；增速、占比类指标以最新值与目标比较，单位为百分点。")
    sheet = SheetLayout(wb, _("指标完成情况"), heading, subtitle, header, widths)
    sheet.header_row()
    month_columns = 5
    for standing in data.standings:
        target = standing.target
        fmt = _value_format(target, [target.value, *standing.monthly_values.values()])
        forecast = standing.forecast.value if standing.forecast else None
        row = [
            target.code,
            target.name,
            _number(target.value),
            target.unit_of_measure,
            _comparison(target),
            *[_number(standing.monthly_values[m]) if m in standing.monthly_values else None for m in months],
            _completion_cell(standing),
            DASH if target.is_percent else _number(standing.time_progress),
            DASH if target.is_percent else _number(standing.expected_share),
            "",
            _number(forecast) if forecast is not None else DASH,
            target.reporting_unit.name,
            _lead_units(target),
        ]
        formats = {2: fmt, **{month_columns + i: fmt for i in range(len(months))}}
        after = month_columns + len(months)
        formats.update({after: PERCENT_FORMAT, after + 1: PERCENT_FORMAT, after + 2: PERCENT_FORMAT, after + 4: fmt})
        cells = sheet.data_row(row, formats)
        status_cell(sheet.ws, cells[0].row, after + 4, standing.status)
    sheet.finish()
    return sheet.ws


def _assigned_units(task):
    """[(unit, role label)] for a task, groups expanded to their members, in the plan's order."""
    result = []
    seen = set()
    for assignment in task.assignments.all():
        unit = assignment.unit
        role = assignment.get_role_display()
        members = list(unit.members.all()) if unit.is_group else [unit]
        for member in members:
            if member.pk not in seen:
                seen.add(member.pk)
                label = f"{role}（{unit.name}）" if unit.is_group else role
                result.append((member, label))
    return result


def _tasks_sheet(wb, data, heading):
    header = [
        _("序号"), _("重点任务"), _("单位"), _("职责"), _("月份"), _("工作进展"), _("存在问题"), _("下步计划"),
        _("自评状态"), _("需市级协调"), _("任务状态"),
    ]
    widths = [6, 18, 14, 12, 7, 42, 30, 30, 10, 9, 10]
    subtitle = _("各单位本季度最近一次已报送（含待审核）的进展；任务状态按已审核的指标和进展判定，与总览一致。")
    sheet = SheetLayout(wb, _("重点任务进展"), heading, subtitle, header, widths)
    sheet.header_row()
    plan = data.plan
    tasks = list(
        plan.tasks.select_related("section")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=TaskAssignment.objects.select_related("unit").prefetch_related(
                    Prefetch("unit__members", queryset=Unit.objects.order_by("position", "code"))
                ),
            ),
            "targets",
        )
        .order_by("number")
    )
    latest = {}
    progress_rows = ProgressReport.objects.filter(
        report__plan=plan, report__month__in=data.months, report__status__in=VISIBLE_REPORT_STATUSES
    ).select_related("report").order_by("report__month")
    for progress in progress_rows:
        latest[(progress.task_id, progress.report.unit_id)] = progress
    standing_by_target = {s.target.pk: s for s in data.standings}
    statuses = task_statuses(tasks, data.end_month, standing_by_target, latest_self_statuses(plan, data.end_month))
    current_section = None
    for task in tasks:
        if task.section_id != current_section:
            current_section = task.section_id
            sheet.group_row(str(task.section))
        units = _assigned_units(task)
        for unit, role in units:
            progress = latest.get((task.pk, unit.pk))
            cells = sheet.data_row(
                [
                    task.number,
                    task.title,
                    unit.name,
                    role,
                    _("%(month)s月") % {"month": progress.report.month} if progress else DASH,
                    progress.work_done if progress else _("本季度未报送进展"),
                    progress.problems if progress else "",
                    progress.next_steps if progress else "",
                    "",
                    (_("是") if progress.needs_coordination else _("否")) if progress else "",
                    "",
                ]
            )
            row = cells[0].row
            if progress and progress.self_status:
                cell = write_cell(sheet.ws, row, 9, progress.get_self_status_display())
                _fill(cell, STATUS_FILLS[SELF_STATUS_AS_STATUS[progress.self_status]], white_text=True)
            else:
                status_cell(sheet.ws, row, 9, Status.NOT_REPORTED)
            status_cell(sheet.ws, row, 11, statuses[task.pk])
    sheet.finish()
    return sheet.ws


def _coordination_sheet(wb, data, heading):
    header = [
        _("序号"), _("月份"), _("单位"), _("重点任务"), _("协调事项"), _("存在问题"), _("报送日期"), _("办结情况"),
    ]
    widths = [6, 7, 16, 24, 46, 36, 12, 10]
    subtitle = _("本季度各单位在已报送的月度进展中提出、需市级层面协调解决的事项。")
    sheet = SheetLayout(wb, _("需市级协调事项"), heading, subtitle, header, widths)
    sheet.header_row()
    for number, item in enumerate(data.coordination, start=1):
        report = item.report
        submitted = timezone.localtime(report.submitted_at).date().isoformat() if report.submitted_at else DASH
        sheet.data_row(
            [
                number,
                _("%(month)s月") % {"month": report.month},
                report.unit.name,
                f"{item.task.number}. {item.task.title}",
                item.coordination_matter,
                item.problems,
                submitted,
                _("已办结") if item.coordination_closed else _("未办结"),
            ]
        )
    if not data.coordination:
        sheet.data_row(["", "", "", "", _("本季度没有需市级协调的事项。"), "", "", ""])
    sheet.finish()
    return sheet.ws


def _submission_sheet(wb, data, heading):
    header = [
        _("单位"),
        *[_("%(month)s月") % {"month": m} for m in data.months],
        _("按时报送"), _("应报送"), _("按时报送率"),
    ]
    widths = [24, 13, 13, 13, 10, 9, 12]
    subtitle = _("按时报送：在截止日（次月 %(day)s 日，遇休息日或节假日顺延至下一个工作日）前报送；逾期、未报送、已退回均不计入按时。") % {
        "day": settings.REPORT_DUE_DAY,
    }
    sheet = SheetLayout(wb, _("报送情况"), heading, subtitle, header, widths)
    sheet.header_row()
    total_on_time = total_due = 0
    for unit in data.units:
        on_time, due = data.on_time(unit)
        total_on_time += on_time
        total_due += due
        rate = _rate(on_time, due)
        cells = sheet.data_row(
            [unit.name, *[""] * len(data.months), on_time, due, rate if rate is not None else DASH],
            formats={len(data.months) + 3: PERCENT_FORMAT},
        )
        for offset, month in enumerate(data.months, start=2):
            state = submission_state(data.plan, month, data.reports.get((unit.pk, month)), today=data.today)
            cell = write_cell(sheet.ws, cells[0].row, offset, str(state.label))
            _fill(cell, SUBMISSION_FILLS[state])
    rate = _rate(total_on_time, total_due)
    cells = sheet.data_row(
        [_("合计"), *[""] * len(data.months), total_on_time, total_due, rate if rate is not None else DASH],
        formats={len(data.months) + 3: PERCENT_FORMAT},
    )
    for cell in cells:
        cell.font = BOLD
    sheet.finish()
    return sheet.ws
