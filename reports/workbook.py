"""The quarterly coordination workbook (季度调度报告) for the plan's 每季市级协调 meeting.

Five sheets, laid out to be printed and handed round (A4 landscape, fit to width, header rows
repeated on every page):

1. 总体情况 — headline figures and every target at the quarter end, grouped by goal group or
   task area, with a native Excel bar chart of completion against time progress;
2. 指标完成情况 — one row per target with its value at the end of each month so far;
3. 重点任务进展 — one row per task and assigned unit (groups expanded to their members);
4. 需市级协调事项 — the items flagged for city-level coordination in the quarter;
5. 报送情况 — units × months of the quarter and each unit's on-time rate.

Figures come from `targets.progress.standings()` (approved values only) and the reporting
states from `tasks.reporting`: the same numbers and words the dashboard shows. Every cell is
written through `reports.exports.write_cell`, so typed text never becomes a formula.
"""

from collections import OrderedDict
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from reports.exports import HEADER_FILL, display_width, workbook_bytes, write_cell
from targets.progress import (
    STATUS_ORDER,
    Status,
    count_by_status,
    latest_self_statuses,
    standings,
    task_statuses,
    time_progress,
)
from tasks.models import MonthlyReport, ProgressReport, Section, TaskAssignment
from tasks.reporting import SubmissionState, local_today, reporting_units, submission_state, was_on_time
from units.models import Unit

# The colours of static/css/app.css, so the printed sheet reads like the screen.
STATUS_FILLS = {
    Status.DONE: "1B7F3B",
    Status.ON_TRACK: "2F6FBD",
    Status.BEHIND: "C77700",
    Status.SERIOUSLY_BEHIND: "B3261E",
    Status.NOT_REPORTED: "6B7280",
}
SUBMISSION_FILLS = {
    SubmissionState.APPROVED: "D7EEDD",
    SubmissionState.ON_TIME: "DCE8F7",
    SubmissionState.LATE: "FDE7C2",
    SubmissionState.RETURNED: "F9D3CF",
    SubmissionState.MISSING: "F3C0BB",
    SubmissionState.NOT_DUE: "F1F2F4",
}
SELF_STATUS_AS_STATUS = {
    ProgressReport.SelfStatus.DONE: Status.DONE,
    ProgressReport.SelfStatus.ON_TRACK: Status.ON_TRACK,
    ProgressReport.SelfStatus.BEHIND: Status.BEHIND,
    ProgressReport.SelfStatus.NOT_STARTED: Status.NOT_REPORTED,
}
# Reports whose narrative may go to the meeting: sent in by the unit (a draft is still being written).
VISIBLE_REPORT_STATUSES = (MonthlyReport.Status.SUBMITTED, MonthlyReport.Status.APPROVED)
PERCENT_FORMAT = '0.0"%"'
DASH = "—"
THIN = Side(style="thin", color="B9C1CF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE_FONT = Font(bold=True, size=16)
SUBTITLE_FONT = Font(size=10, color="5B6577")
BOLD = Font(bold=True)
GROUP_FILL = PatternFill("solid", fgColor="EEF2F8")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def quarter_months(quarter):
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1–4, not {quarter!r}")
    return [3 * quarter - 2, 3 * quarter - 1, 3 * quarter]


def quarter_label(plan, quarter):
    return _("%(year)s年第%(quarter)s季度") % {"year": plan.year, "quarter": "一二三四"[quarter - 1]}


def quarterly_filename(plan, quarter):
    return f"季度调度报告-{plan.year}Q{quarter}.xlsx"


def coordination_items(plan, months):
    """The 需市级协调 items of `months`: flagged progress reports from submitted or approved reports.

    A list of ProgressReport (with report, unit and task loaded), by month, unit and task.
    """
    return list(
        ProgressReport.objects.filter(
            report__plan=plan,
            report__month__in=list(months),
            report__status__in=VISIBLE_REPORT_STATUSES,
            needs_coordination=True,
        )
        .select_related("report", "report__unit", "task")
        .order_by("report__month", "report__unit__position", "report__unit__code", "task__number")
    )


# Formatting ---------------------------------------------------------------------------------


def _number(value):
    """A Decimal as the int or float openpyxl writes as a plain number."""
    if value is None:
        return None
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _decimals(*values):
    places = 0
    for value in values:
        if value is None:
            continue
        normalized = Decimal(value).normalize()
        exponent = normalized.as_tuple().exponent
        if isinstance(exponent, int) and exponent < 0:
            places = max(places, -exponent)
    return min(places, 2)


def number_format(unit_of_measure, decimals=0):
    """'#,##0.0"亿元"': the unit of measure printed after the number, as the plan writes it."""
    unit = (unit_of_measure or "").replace('"', "")
    body = "#,##0" + ("." + "0" * decimals if decimals else "")
    return f'{body}"{unit}"' if unit else body


def _fill(cell, colour, white_text=False):
    cell.fill = PatternFill("solid", fgColor=colour)
    if white_text:
        cell.font = Font(bold=True, color="FFFFFF")
    cell.alignment = CENTER


def status_cell(ws, row, column, status):
    """The status word in the cell, filled with its colour (never the colour alone)."""
    status = Status(status)
    cell = write_cell(ws, row, column, str(status.label))
    _fill(cell, STATUS_FILLS[status], white_text=True)
    cell.border = BORDER
    return cell


class SheetLayout:
    """One printable sheet: a title row, a subtitle row, a bold frozen header row, data rows."""

    def __init__(self, wb, title, heading, subtitle, header, widths, first=False):
        self.ws = wb.active if first else wb.create_sheet()
        self.ws.title = title
        self.header = header
        self.widths = widths
        self.columns = len(header)
        self.row = 1
        self._title_rows(heading, subtitle)

    def _title_rows(self, heading, subtitle):
        ws = self.ws
        write_cell(ws, 1, 1, heading).font = TITLE_FONT
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=self.columns)
        ws.row_dimensions[1].height = 28
        write_cell(ws, 2, 1, subtitle).font = SUBTITLE_FONT
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=self.columns)
        self.row = 4

    def header_row(self):
        ws = self.ws
        self.header_row_number = self.row
        for column, title in enumerate(self.header, start=1):
            cell = write_cell(ws, self.row, column, title)
            cell.font = BOLD
            cell.fill = HEADER_FILL
            cell.alignment = CENTER
            cell.border = BORDER
        longest = max(display_width(t) / max(self.widths[i], 1) for i, t in enumerate(self.header))
        ws.row_dimensions[self.row].height = 15 * min(3, max(1, int(longest) + 1))
        ws.freeze_panes = ws.cell(row=self.row + 1, column=1)
        ws.print_title_rows = f"{self.row}:{self.row}"
        self.row += 1

    def group_row(self, text):
        cell = write_cell(self.ws, self.row, 1, text)
        cell.font = BOLD
        for column in range(1, self.columns + 1):
            self.ws.cell(row=self.row, column=column).fill = GROUP_FILL
            self.ws.cell(row=self.row, column=column).border = BORDER
        self.ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=self.columns)
        self.row += 1

    def data_row(self, values, formats=None):
        """Write one row; `formats` maps a 0-based column index to a number format."""
        formats = formats or {}
        cells = []
        for column, value in enumerate(values, start=1):
            cell = write_cell(self.ws, self.row, column, value)
            cell.alignment = WRAP_TOP
            cell.border = BORDER
            if column - 1 in formats and not isinstance(value, str):
                cell.number_format = formats[column - 1]
                cell.alignment = Alignment(vertical="top", horizontal="right")
            cells.append(cell)
        self.row += 1
        return cells

    def finish(self):
        ws = self.ws
        for column, width in enumerate(self.widths, start=1):
            ws.column_dimensions[get_column_letter(column)].width = width
        ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.oddFooter.center.text = _("第 &P 页，共 &N 页")
        ws.oddFooter.right.text = ws.title
        last_column = get_column_letter(self.columns)
        ws.print_area = f"A1:{last_column}{max(self.row - 1, 4)}"


# The workbook -------------------------------------------------------------------------------


def _target_queryset(plan):
    return (
        plan.targets.select_related("goal_section", "reporting_unit")
        .prefetch_related(
            Prefetch("tasks", queryset=plan.tasks.select_related("section").order_by("number")),
            Prefetch(
                "tasks__assignments",
                queryset=TaskAssignment.objects.filter(role=TaskAssignment.Role.LEAD).select_related("unit"),
                to_attr="lead_assignments",
            ),
        )
        .order_by("position", "code")
    )


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


class QuarterData:
    """Everything the five sheets need, read with a fixed number of queries."""

    def __init__(self, plan, quarter, today=None):
        self.plan = plan
        self.quarter = quarter
        self.months = quarter_months(quarter)
        self.end_month = self.months[-1]
        self.today = today or local_today()
        self.targets = list(_target_queryset(plan))
        self.standings = standings(self.targets, self.end_month)
        self.counts = count_by_status(self.standings)
        self.coordination = coordination_items(plan, self.months)
        self.units = list(reporting_units(plan).order_by("position", "code"))
        self.reports = {
            (r.unit_id, r.month): r
            for r in MonthlyReport.objects.filter(plan=plan, month__in=self.months)
        }

    def on_time(self, unit):
        """(months on time, months due) of the quarter for `unit`."""
        due = on_time = 0
        for month in self.months:
            report = self.reports.get((unit.pk, month))
            state = submission_state(self.plan, month, report, today=self.today)
            if state == SubmissionState.NOT_DUE:
                continue
            due += 1
            on_time += was_on_time(report)
        return on_time, due


def _rate(on_time, due):
    if not due:
        return None
    return _number((Decimal(on_time) * 100 / Decimal(due)).quantize(Decimal("0.1")))


def _value_format(target, values):
    return number_format(target.unit_of_measure, _decimals(target.value, *values))


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
                    _number(standing.completion) if standing.completion is not None else DASH,
                    _number(standing.time_progress),
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
    subtitle = _("各月数值为已审核的月末数（累计指标为 1 月至当月累计）；预计全年按已报送月份的进度推算，增速类指标不预测。")
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
            _number(standing.completion) if standing.completion is not None else DASH,
            _number(standing.time_progress),
            _number(standing.expected_share),
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
    subtitle = _("按时报送：在截止日（次月 %(day)s 日）前报送；逾期、未报送、已退回均不计入按时。") % {
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


def build_quarterly_workbook(plan, quarter, today=None):
    """The quarter's coordination workbook as xlsx bytes (quarter 1–4 of the plan's year)."""
    data = QuarterData(plan, quarter, today=today)
    heading = _("%(plan)s · %(quarter)s调度报告") % {"plan": plan.title, "quarter": quarter_label(plan, quarter)}
    wb = Workbook()
    _overview_sheet(wb, data, heading)
    _targets_sheet(wb, data, heading)
    _tasks_sheet(wb, data, heading)
    _coordination_sheet(wb, data, heading)
    _submission_sheet(wb, data, heading)
    wb.properties.title = heading
    wb.properties.creator = _("武汉市科学技术局")
    return workbook_bytes(wb)
