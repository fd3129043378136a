"""The sheet 总体情况: counts by status per goal group, and the completion chart."""

from django.utils.translation import gettext as _
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from reports.workbook.sheets.targets import completion_cell, group_title, grouped
from reports.workbook.styles import (
    BOLD,
    BORDER,
    CENTER,
    DASH,
    PERCENT_FORMAT,
    STATUS_FILLS,
    SheetLayout,
    _number,
    _rate,
    _value_format,
    number_format,
    status_cell,
)
from targets.expected_path import time_progress
from targets.exports import HEADER_FILL, write_cell
from targets.progress import STATUS_ORDER


def overview_sheet(wb, data, heading):
    header = [
        _("编号"), _("指标"), _("目标值"), _("季末值"), _("计量单位"), _("数据月份"), _("完成率"), _("时间进度"), _("状态"),
        _("报送单位"),
    ]
    widths = [6, 30, 11, 11, 8, 8, 8, 8, 9, 14]
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
    for section, group in grouped(data.standings):
        sheet.group_row(group_title(section))
        for standing in group:
            target = standing.target
            fmt = _value_format(target, [target.value, standing.value])
            cells = sheet.data_row(
                [
                    target.code,
                    target.name,
                    _number(target.value),
                    _number(standing.value) if standing.value is not None else DASH,
                    target.unit_of_measure,
                    _("%(month)s月") % {"month": standing.value_month} if standing.value_month else DASH,
                    completion_cell(standing),
                    DASH if target.is_percent else _number(standing.expected_share),  # its own profile, as on the pages
                    "",
                    target.reporting_unit.name,
                ],
                formats={2: fmt, 3: fmt, 6: PERCENT_FORMAT, 7: PERCENT_FORMAT},
            )
            status_cell(ws, cells[8].row, 9, standing.status)
    if sheet.row == first_data_row:
        sheet.data_row([_("本工作要点暂无指标。")] + [""] * (len(header) - 1))
    table_end = sheet.row - 1
    # The chart on a page of its own, after the table.
    ws.row_breaks.append(Break(id=table_end + 1))
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
        write_cell(ws, row, col + 2, _number(standing.expected_share))
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
    # A value label on the completion bars only: no series or category name (they overlapped).
    chart.series[0].dLbls = DataLabelList(
        showVal=True, showSerName=False, showCatName=False, showLegendKey=False, showPercent=False,
    )
    chart.series[1].dLbls = DataLabelList(
        showVal=False, showSerName=False, showCatName=False, showLegendKey=False, showPercent=False,
    )
    chart.legend.position = "b"
    chart.width = 25  # one A4 landscape page: 27.7 × 18 cm printable
    chart.height = min(15, max(8, 0.34 * len(data.standings) + 3))
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    ws.add_chart(chart, f"A{anchor_row}")
    return chart
