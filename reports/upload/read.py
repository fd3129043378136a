"""Monthly figures and progress from Excel: the unit's template, and reading it back.

A liaison downloads `build_template(plan, unit, month)`, fills the yellow cells and uploads it.
The upload goes through three steps, shared by /reports/upload/ and `manage.py import_progress`:

1. `read_template(content)` checks the file itself before openpyxl parses a byte of XML: its
   size, that it is a zip whose members together stay small (a zip bomb is refused) and declare
   no DTD or entity (entity expansion), that it is an xlsx, that it carries our signed marker
   (plan, unit, month, template version), that its sheets are not oversized, that no cell holds
   a formula (we never compute one: it would be read as empty) and that no text holds a
   character units/text.py refuses. It returns the rows as plain JSON-able data.
2. `check_upload(parsed, user, ...)` checks it against the database (the user's unit, the
   month's state, each row's target or task) and then runs the whole save through
   `reporting.services` inside a transaction that is always rolled back — so the preview shows
   exactly what a confirm would save, and every row's error (with sheet, row and column) is
   collected at once. It returns an `UploadPreview` whose `payload` the caller keeps server-side.
3. `apply_upload(payload, user)` saves the same rows through the same services in one
   transaction, with the versions seen at preview time: if anything changed in between, or any
   row fails, nothing is saved. An unchanged row is a no-op, so the same file twice changes nothing.

The template itself is built in reports/upload/template.py, steps 2 and 3 live in
reports/upload/apply.py and the data they pass around in reports/upload/errors.py; this module
reads the file (step 1) and is the one to import from.
"""

import datetime
import hashlib

from django.core import signing
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.utils.escape import unescape

from reports.upload.apply import Change, UploadPreview, apply_upload, check_upload  # noqa: F401
from reports.upload.errors import ParsedTemplate, UploadError, UploadRejected, _blank  # noqa: F401
from reports.upload.template import (  # noqa: F401  (the template is part of this module's API)
    FIRST_ROW,
    HEADER_ROW,
    INFO_ROW,
    MARKER_SHEET,
    MONTH_COLUMN,
    NO,
    PROGRESS_COLUMNS,
    PROGRESS_EDITABLE,
    PROGRESS_SHEET,
    SIGNING_SALT,
    TEMPLATE_KIND,
    TEMPLATE_VERSION,
    UNIT_COLUMN,
    VALUE_COLUMNS,
    VALUE_EDITABLE,
    VALUES_SHEET,
    YES,
    build_template,
    template_filename,
)
from units.text import forbidden_character_message
from wuhan_plan.uploaded_xlsx import UnsafeWorkbook, open_uploaded_workbook

# Limits on what we agree to parse. The template of the largest unit has well under 100 rows.
MAX_ROWS = 2000
MAX_COLUMNS = 40

# Reading a file -----------------------------------------------------------------------------


def _plain(value):
    """A cell's value as JSON-able data (the preview keeps it in the session)."""
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value




def _read_marker(wb):
    foreign = UploadError(_("这不是本系统下载的报送模板，请在“上传月度报送”页面下载本单位的模板后填写。"))
    if MARKER_SHEET not in wb.sheetnames:
        raise UploadRejected([foreign])
    cells = {}
    for row in wb[MARKER_SHEET].iter_rows(min_row=1, max_row=10, max_col=2, values_only=True):
        if row and row[0]:
            cells[str(row[0])] = row[1] if len(row) > 1 else None
    try:
        signed = signing.Signer(salt=SIGNING_SALT).unsign(str(cells.get("signature") or ""))
    except signing.BadSignature:
        raise UploadRejected([foreign]) from None
    kind, version, plan_code, unit_code, month = signed.split("|")
    if kind != TEMPLATE_KIND:
        raise UploadRejected([foreign])
    if version != TEMPLATE_VERSION:
        raise UploadRejected([UploadError(_("模板版本已过期，请重新下载模板后填写。"))])
    return plan_code, unit_code, int(month)


def _formula_errors(wb):
    """An error for every cell holding a formula, on any sheet. The workbook is read with its
    formulas (not their cached results): a formula Excel never calculated has no result, and
    reading it as empty would silently clear what is stored."""
    titles = {VALUES_SHEET: VALUE_COLUMNS, PROGRESS_SHEET: PROGRESS_COLUMNS}
    errors = []
    for ws in wb.worksheets:
        columns = titles.get(ws.title, [])
        for row in ws.iter_rows(min_row=1, max_row=MAX_ROWS, max_col=MAX_COLUMNS):
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    column = cell.column
                    title = columns[column - 1][1] if column <= len(columns) else ""
                    errors.append(UploadError(
                        _("单元格内是公式，系统不计算公式，请改为直接填写数值或文字（文字不要以“=”开头）。"),
                        ws.title, cell.row, column, title,
                    ))
    return errors


def _read_rows(wb, sheet, columns, editable):
    """[(row number, {key: value})] of the data rows, after checking the sheet's size and header."""
    if sheet not in wb.sheetnames:
        raise UploadRejected([UploadError(_("缺少工作表“%(sheet)s”，请使用本系统下载的模板。") % {"sheet": sheet})])
    ws = wb[sheet]
    max_row, max_column = ws.max_row or 0, ws.max_column or 0
    if max_row > MAX_ROWS or max_column > MAX_COLUMNS:
        raise UploadRejected([UploadError(
            _("工作表过大（%(rows)s 行 × %(columns)s 列），模板不应超过 %(max_rows)s 行、%(max_columns)s 列。")
            % {"rows": max_row, "columns": max_column, "max_rows": MAX_ROWS, "max_columns": MAX_COLUMNS},
            sheet,
        )])
    errors = []
    rows = []
    for number, values in enumerate(
        ws.iter_rows(min_row=1, max_row=MAX_ROWS, max_col=len(columns), values_only=True), start=1
    ):
        values = list(values) + [None] * (len(columns) - len(values))
        if number == HEADER_ROW:
            for column, ((_key, title, _width), found) in enumerate(zip(columns, values), start=1):
                if str(found or "").strip() != title:
                    errors.append(UploadError(
                        _("表头应为“%(title)s”，模板的列不能增删或调换。") % {"title": title},
                        sheet, number, column, title,
                    ))
        if number < FIRST_ROW:
            continue
        row = {key: _plain(value) for (key, _title, _width), value in zip(columns, values)}
        if all(_blank(row[key]) for key in editable):
            continue  # a row left empty: nothing to report for it this time
        for column, (key, title, _width) in enumerate(columns, start=1):
            if key in editable and isinstance(row[key], str):
                # Excel writes a control character as "_x0007_" (openpyxl does not decode it on reading).
                message = forbidden_character_message(unescape(row[key]))
                if message:
                    errors.append(UploadError(message, sheet, number, column, title))
        rows.append((number, row))
    if errors:
        raise UploadRejected(errors)
    return rows


def read_template(content, filename=""):
    """Parse an uploaded file into a ParsedTemplate, or raise UploadRejected. Touches no database."""
    try:
        wb = open_uploaded_workbook(content, filename)
    except UnsafeWorkbook as refusal:
        raise UploadRejected([UploadError(str(refusal))]) from None
    try:
        with translation.override("zh-hans"):
            plan_code, unit_code, month = _read_marker(wb)
            formulas = _formula_errors(wb)
            if formulas:
                raise UploadRejected(formulas)
            errors = []
            values = progress = []
            try:
                values = _read_rows(wb, VALUES_SHEET, VALUE_COLUMNS, VALUE_EDITABLE)
            except UploadRejected as rejected:
                errors += rejected.errors
            try:
                progress = _read_rows(wb, PROGRESS_SHEET, PROGRESS_COLUMNS, PROGRESS_EDITABLE)
            except UploadRejected as rejected:
                errors += rejected.errors
            if errors:
                raise UploadRejected(errors)
    except UploadRejected:
        raise
    except Exception:
        raise UploadRejected([UploadError(_("文件已损坏或不是有效的 Excel（.xlsx）文件。"))]) from None
    finally:
        wb.close()
    return ParsedTemplate(
        plan_code=plan_code,
        unit_code=unit_code,
        month=month,
        values=[{"row": number, **row} for number, row in values],
        progress=[{"row": number, **row} for number, row in progress],
        sha256=hashlib.sha256(content).hexdigest(),
    )
