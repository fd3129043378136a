"""How the quarterly workbook looks on paper: colours, fonts, number formats, status cells and
the printable sheet layout (title, frozen header, A4 landscape) every sheet of it uses.

Printed for a 市级协调 meeting, it must read at arm's length: every sheet is laid out to fit the
width of an A4 landscape page at no less than MIN_PRINT_SCALE (11 pt text printing at 9 pt or
more) — sheets choose their columns for that rather than shrink — and each row is as tall as the
longest narrative in it, so no text is cut. Numbers are numbers, with their unit in a column of
its own and rates to one decimal.
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from targets.exports import HEADER_FILL, display_width, lines_needed, print_on_a4_landscape, row_height, write_cell
from targets.progress import Status
from tasks.models import ProgressReport
from tasks.reporting import SubmissionState

# The colours of static/css/app.css, so the printed sheet reads like the screen.
STATUS_FILLS = {
    Status.DONE: "1B7F3B",
    Status.ON_TRACK: "2F6FBD",
    Status.BEHIND: "C77700",
    Status.SERIOUSLY_BEHIND: "B3261E",
    Status.NOT_REPORTED: "6B7280",
    Status.NOT_DUE: "8A919C",
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


def _rate(on_time, due):
    if not due:
        return None
    return _number((Decimal(on_time) * 100 / Decimal(due)).quantize(Decimal("0.1")))


def _value_format(target, values):
    """The format of a target's figures: its decimals; the unit is in the 计量单位 column."""
    return number_format(None, _decimals(target.value, *values))


# Cell styles, registered once per workbook as named styles and applied by name: a data cell of
# the scale plan's workbook (35,000 cells) set font, fill, alignment and border one by one, and
# openpyxl hashes each of those objects on every assignment — half the workbook's time.
DATA_STYLE = "计划-数据"
NUMBER_STYLE = "计划-数值"
HEADER_STYLE = "计划-表头"
GROUP_STYLE = "计划-分组"
GROUP_TITLE_STYLE = "计划-分组标题"
WHITE_BOLD = Font(bold=True, color="FFFFFF")


def status_style(status):
    return f"计划-状态-{Status(status).value}"


def submission_style(state):
    return f"计划-报送-{SubmissionState(state).value}"


def _cell_styles():
    """{name: NamedStyle} of every cell style the workbook uses (new objects: a named style belongs to one workbook)."""
    solid = lambda colour: PatternFill("solid", fgColor=colour)  # noqa: E731
    styles = {
        DATA_STYLE: NamedStyle(DATA_STYLE, alignment=WRAP_TOP, border=BORDER),
        NUMBER_STYLE: NamedStyle(NUMBER_STYLE, alignment=Alignment(vertical="top", horizontal="right"), border=BORDER),
        HEADER_STYLE: NamedStyle(HEADER_STYLE, font=BOLD, fill=HEADER_FILL, alignment=CENTER, border=BORDER),
        GROUP_STYLE: NamedStyle(GROUP_STYLE, fill=GROUP_FILL, border=BORDER),
        GROUP_TITLE_STYLE: NamedStyle(GROUP_TITLE_STYLE, font=BOLD, fill=GROUP_FILL, border=BORDER),
    }
    for status, colour in STATUS_FILLS.items():
        name = status_style(status)
        styles[name] = NamedStyle(name, font=WHITE_BOLD, fill=solid(colour), alignment=CENTER, border=BORDER)
    for state, colour in SUBMISSION_FILLS.items():
        name = submission_style(state)
        styles[name] = NamedStyle(name, fill=solid(colour), alignment=CENTER, border=BORDER)
    return styles


def register_cell_styles(wb):
    if DATA_STYLE not in wb.named_styles:
        for style in _cell_styles().values():
            wb.add_named_style(style)


def status_cell(ws, row, column, status):
    """The status word in the cell, filled with its colour (never the colour alone)."""
    status = Status(status)
    cell = write_cell(ws, row, column, str(status.label))
    cell.style = status_style(status)
    return cell


class SheetLayout:
    """One printable sheet: a title row, a subtitle row, a bold frozen header row, data rows."""

    def __init__(self, wb, title, heading, subtitle, header, widths, first=False):
        register_cell_styles(wb)
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
        cell = write_cell(ws, 2, 1, subtitle)
        cell.font = SUBTITLE_FONT
        cell.alignment = WRAP_TOP
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=self.columns)
        ws.row_dimensions[2].height = row_height(lines_needed(subtitle, sum(self.widths)))
        self.row = 4

    def header_row(self):
        ws = self.ws
        self.header_row_number = self.row
        for column, title in enumerate(self.header, start=1):
            write_cell(ws, self.row, column, title).style = HEADER_STYLE
        longest = max(display_width(t) / max(self.widths[i], 1) for i, t in enumerate(self.header))
        ws.row_dimensions[self.row].height = 15 * min(3, max(1, int(longest) + 1))
        ws.freeze_panes = ws.cell(row=self.row + 1, column=1)
        ws.print_title_rows = f"{self.row}:{self.row}"
        self.row += 1

    def group_row(self, text):
        write_cell(self.ws, self.row, 1, text).style = GROUP_TITLE_STYLE
        for column in range(2, self.columns + 1):
            self.ws.cell(row=self.row, column=column).style = GROUP_STYLE
        self.ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=self.columns)
        self.row += 1

    def data_row(self, values, formats=None):
        """Write one row; `formats` maps a 0-based column index to a number format."""
        formats = formats or {}
        cells = []
        lines = 1
        for column, value in enumerate(values, start=1):
            cell = write_cell(self.ws, self.row, column, value)
            if column - 1 in formats and not isinstance(value, str):
                cell.style = NUMBER_STYLE
                cell.number_format = formats[column - 1]
            else:
                cell.style = DATA_STYLE
            if isinstance(value, str) and value:
                lines = max(lines, lines_needed(value, self.widths[column - 1]))
            cells.append(cell)
        # Row heights are not computed by Excel or LibreOffice from wrapped text in a file: set them.
        self.ws.row_dimensions[self.row].height = row_height(lines)
        self.row += 1
        return cells

    def finish(self):
        ws = self.ws
        for column, width in enumerate(self.widths, start=1):
            ws.column_dimensions[get_column_letter(column)].width = width
        print_on_a4_landscape(ws, self.widths)
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.oddFooter.center.text = _("第 &P 页，共 &N 页")
        ws.oddFooter.right.text = ws.title
        last_column = get_column_letter(self.columns)
        ws.print_area = f"A1:{last_column}{max(self.row - 1, 4)}"
