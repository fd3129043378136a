"""xlsx output shared by every export: table downloads, the quarterly workbook, templates.

Text a user typed is never written as a formula: a string starting with = + - @, a tab or a
carriage return is stored as a plain string cell (openpyxl would otherwise store "=..." as a
formula), so a narrative like "=HYPERLINK(...)" opens in Excel as the text it is. And text
loses the characters an xlsx cell cannot hold (control characters stored before the forms
refused them, see units/text.py): one such character would otherwise make the whole export fail.
"""

import datetime
import math
import re
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.encoding import escape_uri_path, force_str
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from units.audit import record
from units.models import AuditEvent

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE5F2")
# What openpyxl refuses (IllegalCharacterError), and U+FFFE/U+FFFF, which XML 1.0 lacks:
# openpyxl writes them, but Excel then calls the file damaged.
EXCEL_ILLEGAL_RE = re.compile(f"{ILLEGAL_CHARACTERS_RE.pattern}|[\ufffe\uffff]")


# A4 landscape, 0.4" side margins: about 110 width units of the default 11 pt font at 100 %, as
# LibreOffice prints them with the CJK fonts (measured: 99 units took 688 pt of the 784 pt).
PRINTABLE_WIDTH = 110
MIN_PRINT_SCALE = 82  # 11 pt × 82 % ≈ 9 pt
LINE_HEIGHT = 14.5  # points per line of 11 pt text
MAX_ROW_HEIGHT = 409  # Excel's limit


def lines_needed(text, width):
    """How many lines `text` wraps to in a column `width` units wide (a CJK character is two)."""
    usable = max(width - 1, 1)
    return sum(max(1, math.ceil(display_width(line) / usable)) for line in str(text).split("\n"))


def row_height(lines):
    """Points for a row of `lines` wrapped lines: Excel and LibreOffice do not size rows from wrapped
    text written to a file, so a narrative would print cut to one line."""
    return min(MAX_ROW_HEIGHT, max(15, LINE_HEIGHT * lines + 3))


def print_on_a4_landscape(ws, widths):
    """A4 landscape at a fixed scale (not "fit to one page wide", which shrinks a wide sheet to 5 pt),
    as large as the columns allow; a sheet too wide to print at MIN_PRINT_SCALE is a layout error."""
    total = sum(widths)
    scale = min(100, math.floor(PRINTABLE_WIDTH * 100 / total))
    if scale < MIN_PRINT_SCALE:
        raise ValueError(f"sheet {ws.title!r} is {total} units wide: choose fewer or narrower columns")
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.scale = scale
    ws.sheet_properties.pageSetUpPr.fitToPage = False


def excel_safe(text):
    """`text` without the characters an xlsx file cannot hold."""
    return EXCEL_ILLEGAL_RE.sub("", text)


def write_cell(ws, row, column, value):
    """Write one value; strings are always strings, never formulas, and hold only what xlsx can."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = excel_safe(value)
        cell.data_type = "s"  # even when it starts with "=": data, not a formula
    else:
        cell.value = value
    return cell


WIDE_CHARACTER_RE = re.compile("[\u2e81-\U0010ffff]")


def display_width(text):
    """Column width for text: a Chinese character (above U+2E80) is about two Latin ones wide.
    Counted by the regex engine: a workbook measures some 30,000 narratives."""
    text = str(text)
    return len(text) + len(WIDE_CHARACTER_RE.findall(text))


def fit_columns(ws, minimum=6, maximum=60):
    widths = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                longest = max(display_width(line) for line in str(cell.value).split("\n"))
                widths[cell.column] = max(widths.get(cell.column, 0), longest)
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = max(minimum, min(maximum, width + 2))


def write_table(ws, header, rows, start_row=1):
    """A header row (bold, filled, frozen) and data rows; returns the next free row."""
    for column, title in enumerate(header, start=1):
        cell = write_cell(ws, start_row, column, title)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    row_number = start_row
    for row_number, row in enumerate(rows, start=start_row + 1):
        for column, value in enumerate(row, start=1):
            write_cell(ws, row_number, column, value).alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = ws.cell(row=start_row + 1, column=1)
    return row_number + 1


def workbook_bytes(wb):
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_response(content, filename):
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response


def number_format_for(value):
    """The number format of a typed cell whose column names none: a Decimal with the places it is
    shown with on screen (targets.numbers.format_number: up to two, thousands separated), a count
    whole, a date or a time of day as the pages write them; None for text."""
    if isinstance(value, bool) or isinstance(value, str) or value is None:
        return None
    if isinstance(value, datetime.datetime):
        return "yyyy-mm-dd hh:mm"
    if isinstance(value, datetime.date):
        return "yyyy-mm-dd"
    if isinstance(value, int):
        return "#,##0"
    if isinstance(value, (Decimal, float)):
        shown = Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP).normalize()
        places = max(0, -shown.as_tuple().exponent)
        return "#,##0" if places == 0 else "#,##0." + "0" * places
    return None


def export_cell(value):
    """A value a table's export gives (`value_<column>`), as xlsx can hold it: an aware datetime in
    local time without its zone (xlsx has none), lazy text as text."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return force_str(value, strings_only=True)


def table_to_xlsx(table, title):
    """A django-tables2 table in one sheet: its columns in its order, each cell typed.

    The cells are django-tables2's export values (`value_<column>`, else `render_<column>`, else
    Column.value), as `Table.as_values()` gives them, and of the same columns: every column but those
    `exclude_from_export`, the invisible ones included (the export-only columns of
    targets/tables/columns.py). A number is written as a number with its column's number_format, or
    one by its type; text is text (write_cell: never a formula).
    """
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    columns = [column for column in table.columns.iterall() if not column.column.exclude_from_export]
    formats = [getattr(column.column, "number_format", None) for column in columns]
    rows = ([export_cell(row.get_cell_value(column.name)) for column in columns] for row in table.rows)
    next_row = write_table(ws, [force_str(column.header) for column in columns], rows)
    for row in ws.iter_rows(min_row=2, max_row=next_row - 1):
        for cell, number_format in zip(row, formats, strict=True):
            if cell.data_type in ("n", "d"):
                cell.number_format = number_format or number_format_for(cell.value) or cell.number_format
    fit_columns(ws)
    return workbook_bytes(wb)


def export_table(request, table, filename, title):
    """NetBox's ?export= pattern: the same table, as xlsx."""
    record(AuditEvent.Action.EXPORT, request=request, object_repr=filename)
    return xlsx_response(table_to_xlsx(table, title), filename)
