"""Step 1 of an import: the file into plain rows, touching no database.

`read_plan_file(content, filename)` opens the file safely (files.py), checks that every data
sheet is there with the template's header, that no cell holds a formula (we never compute one)
and that no text holds a character units/text.py refuses, and returns the rows as JSON-able
data — what the page keeps in the session between the preview and the confirmation.
"""

import datetime
import hashlib

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.utils.escape import unescape

from targets.plan_import.errors import ImportRejected, PlanImportError
from targets.plan_import.layout import DATA_SHEETS, FIRST_ROW, HEADER_ROW, SHEET_COLUMNS
from units.text import forbidden_character_message
from wuhan_plan.uploaded_xlsx import UnsafeWorkbook, open_uploaded_workbook

MAX_ROWS = 2000  # a plan has some 20 tasks and 50 targets
MAX_COLUMNS = 40


def blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _plain(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _read_sheet(wb, sheet):
    """[{"row": n, key: value}] of the sheet's non-empty data rows, or ImportRejected."""
    columns = SHEET_COLUMNS[sheet]
    if sheet not in wb.sheetnames:
        raise ImportRejected([PlanImportError(
            _("缺少工作表“%(sheet)s”，请使用本系统下载的导入模板。") % {"sheet": sheet}
        )])
    ws = wb[sheet]
    max_row, max_column = ws.max_row or 0, ws.max_column or 0
    if max_row > MAX_ROWS or max_column > MAX_COLUMNS:
        raise ImportRejected([PlanImportError(
            _("工作表过大（%(rows)s 行 × %(columns)s 列），不应超过 %(max_rows)s 行、%(max_columns)s 列。")
            % {"rows": max_row, "columns": max_column, "max_rows": MAX_ROWS, "max_columns": MAX_COLUMNS},
            sheet,
        )])
    errors, rows = [], []
    for number, cells in enumerate(ws.iter_rows(min_row=1, max_row=MAX_ROWS, max_col=MAX_COLUMNS), start=1):
        cells = list(cells)
        for cell in cells:
            if getattr(cell, "data_type", None) == "f":
                column = cell.column
                title = columns[column - 1].title if column <= len(columns) else ""
                errors.append(PlanImportError(
                    _("单元格内是公式，系统不计算公式，请改为直接填写数值或文字（文字不要以“=”开头）。"),
                    sheet, number, column, title,
                ))
        values = [getattr(cell, "value", None) for cell in cells[:len(columns)]]
        values += [None] * (len(columns) - len(values))
        if number == HEADER_ROW:
            for column, (spec, found) in enumerate(zip(columns, values, strict=True), start=1):
                if str(found or "").strip() != spec.title:
                    errors.append(PlanImportError(
                        _("表头应为“%(title)s”，模板的列不能增删或调换。") % {"title": spec.title},
                        sheet, number, column, spec.title,
                    ))
            continue
        if number < FIRST_ROW or all(blank(value) for value in values):
            continue
        row = {"row": number}
        for column, (spec, value) in enumerate(zip(columns, values, strict=True), start=1):
            value = _plain(value)
            if isinstance(value, str):
                value = value.strip()
                # Excel writes a control character as "_x0007_" (openpyxl does not decode it on reading).
                message = forbidden_character_message(unescape(value))
                if message:
                    errors.append(PlanImportError(message, sheet, number, column, spec.title))
            row[spec.key] = value
        rows.append(row)
    if errors:
        raise ImportRejected(errors)
    return rows


def read_plan_file(content, filename=""):
    """{"sheets": {sheet name: rows}, "sha256": …} of an uploaded import file, or ImportRejected."""
    with translation.override("zh-hans"):
        try:
            wb = open_uploaded_workbook(content, filename)
        except UnsafeWorkbook as error:
            raise ImportRejected([PlanImportError(str(error))]) from None
        try:
            errors, sheets = [], {}
            for sheet in DATA_SHEETS:
                try:
                    sheets[sheet] = _read_sheet(wb, sheet)
                except ImportRejected as rejected:
                    errors += rejected.errors
            if errors:
                raise ImportRejected(errors)
        except ImportRejected:
            raise
        except Exception:  # a damaged part shows only once openpyxl reads it
            raise ImportRejected([PlanImportError(_("文件已损坏或不是有效的 Excel（.xlsx）文件。"))]) from None
        finally:
            wb.close()
    return {"sheets": sheets, "sha256": hashlib.sha256(content).hexdigest()}
