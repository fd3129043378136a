"""Monthly figures and progress from Excel: the unit's template, and reading it back.

A liaison downloads `build_template(plan, unit, month)`, fills the yellow cells and uploads it.
The upload goes through three steps, shared by /reports/upload/ and `manage.py import_progress`:

1. `read_template(content)` checks the file itself before openpyxl parses a byte of XML: its
   size, that it is a zip whose members together stay small (a zip bomb is refused), that it is
   an xlsx, that it carries our signed marker (plan, unit, month, template version) and that
   its sheets are not oversized. It returns the rows as plain JSON-able data.
2. `check_upload(parsed, user, ...)` checks it against the database (the user's unit, the
   month's state, each row's target or task) and then runs the whole save through
   `tasks.services` inside a transaction that is always rolled back — so the preview shows
   exactly what a confirm would save, and every row's error (with sheet, row and column) is
   collected at once. It returns an `UploadPreview` whose `payload` the caller keeps server-side.
3. `apply_upload(payload, user)` saves the same rows through the same services in one
   transaction, with the versions seen at preview time: if anything changed in between, or any
   row fails, nothing is saved. An unchanged row is a no-op, so the same file twice changes nothing.
"""

import datetime
import hashlib
import zipfile
from dataclasses import dataclass, field
from io import BytesIO

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from reports.exports import HEADER_FILL, workbook_bytes, write_cell
from targets.models import TargetValue
from targets.progress import format_number
from tasks.models import MonthlyReport, Plan, ProgressReport
from tasks.reporting import month_is_closed, targets_for_unit, tasks_for_unit
from tasks.services import EditConflict, NotEditable, get_or_create_report, save_progress, save_target_value
from units.access import is_staff, unit_of
from units.models import Unit

TEMPLATE_KIND = "wuhan-plan-monthly-upload"
TEMPLATE_VERSION = "1"
SIGNING_SALT = "reports.upload.template"
VALUES_SHEET = "指标数值"
PROGRESS_SHEET = "进展情况"
MARKER_SHEET = "模板信息"
INFO_ROW = 2
HEADER_ROW = 4
FIRST_ROW = 5
UNIT_COLUMN = 2  # B2: the unit's name
MONTH_COLUMN = 4  # D2: the month

# Limits on what we agree to parse. The template of the largest unit has well under 100 rows.
MAX_ROWS = 2000
MAX_COLUMNS = 40
MAX_ZIP_MEMBERS = 200
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024

VALUE_COLUMNS = [
    ("code", "编号", 8),
    ("name", "指标名称", 30),
    ("unit_of_measure", "计量单位", 9),
    ("target", "目标值", 11),
    ("last", "上月数值", 12),
    ("value", "本月数值", 13),
    ("note", "说明", 36),
    ("source", "数据来源", 20),
]
VALUE_EDITABLE = ("value", "note", "source")
PROGRESS_COLUMNS = [
    ("number", "序号", 6),
    ("title", "重点任务", 20),
    ("work_done", "工作进展", 46),
    ("problems", "存在问题", 32),
    ("next_steps", "下步计划", 32),
    ("self_status", "自评状态", 11),
    ("needs_coordination", "需市级协调", 10),
    ("coordination_matter", "协调事项", 32),
]
PROGRESS_EDITABLE = (
    "work_done", "problems", "next_steps", "self_status", "needs_coordination", "coordination_matter",
)
YES, NO = "是", "否"
LOCKED_FILL = PatternFill("solid", fgColor="F1F2F4")
EDITABLE_FILL = PatternFill("solid", fgColor="FFF8D6")
WRAP = Alignment(wrap_text=True, vertical="top")


def _column_of(columns, key):
    for index, (name, title, _width) in enumerate(columns, start=1):
        if name == key:
            return index, title
    raise KeyError(key)


# Errors -------------------------------------------------------------------------------------


@dataclass
class UploadError:
    message: str
    sheet: str = ""
    row: int | None = None
    column: int | None = None
    column_title: str = ""

    @property
    def location(self):
        parts = []
        if self.sheet:
            parts.append(_("工作表“%(sheet)s”") % {"sheet": self.sheet})
        if self.row:
            parts.append(_("第 %(row)s 行") % {"row": self.row})
        if self.column:
            letter = get_column_letter(self.column)
            parts.append(
                _("%(letter)s 列（%(title)s）") % {"letter": letter, "title": self.column_title}
                if self.column_title else _("%(letter)s 列") % {"letter": letter}
            )
        return " ".join(parts)

    def __str__(self):
        return f"{self.location}：{self.message}" if self.location else self.message


class UploadRejected(Exception):
    """The file cannot be saved; `errors` lists every problem found, nothing was saved."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


def _value_error(row, key, message):
    column, title = _column_of(VALUE_COLUMNS, key)
    return UploadError(message, VALUES_SHEET, row, column, title)


def _progress_error(row, key, message):
    column, title = _column_of(PROGRESS_COLUMNS, key)
    return UploadError(message, PROGRESS_SHEET, row, column, title)


# The template -------------------------------------------------------------------------------


def template_filename(plan, unit, month):
    return f"报送模板-{unit.code}-{plan.year}-{month:02d}.xlsx"


def _marker(plan, unit, month):
    return signing.Signer(salt=SIGNING_SALT).sign(f"{TEMPLATE_KIND}|{TEMPLATE_VERSION}|{plan.code}|{unit.code}|{month}")


def _sheet_heading(ws, plan, unit, month, title, columns, instructions):
    write_cell(ws, 1, 1, f"{plan.title} · {title}").font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    for column, text in ((1, _("单位")), (UNIT_COLUMN, unit.name), (3, _("月份")),
                         (MONTH_COLUMN, _("%(year)s年%(month)s月") % {"year": plan.year, "month": month})):
        cell = write_cell(ws, INFO_ROW, column, text)
        cell.font = Font(bold=column in (1, 3))
    write_cell(ws, 3, 1, instructions).alignment = WRAP
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=len(columns))
    ws.row_dimensions[3].height = 45
    for column, (_name, title, width) in enumerate(columns, start=1):
        cell = write_cell(ws, HEADER_ROW, column, title)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=1)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _protect(ws):
    """Protected sheet, no password: it prevents slips, not intent — the upload checks every row anyway."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False


def _write_row(ws, row, columns, editable, values):
    for column, (name, _title, _width) in enumerate(columns, start=1):
        cell = write_cell(ws, row, column, values.get(name))
        cell.alignment = WRAP
        if name in editable:
            cell.protection = Protection(locked=False)
            cell.fill = EDITABLE_FILL
        else:
            cell.fill = LOCKED_FILL


def _number(value):
    if value is None:
        return None
    normalized = value.normalize()
    return int(normalized) if normalized == normalized.to_integral_value() else float(normalized)


def build_template(plan, unit, month):
    """The unit's xlsx template for `month`: a row per target it reports, a row per task it is assigned.

    Cells the unit fills are yellow and unlocked; the rest is protected. The month's current
    draft (if any) is filled in, so a downloaded, edited and uploaded file changes only what was edited.
    """
    with translation.override("zh-hans"):
        return _build_template(plan, unit, month)


def _build_template(plan, unit, month):
    wb = Workbook()
    targets = list(targets_for_unit(plan, unit))
    tasks = list(tasks_for_unit(plan, unit))
    current = {
        v.target_id: v for v in TargetValue.objects.filter(target__in=targets, unit=unit, month=month)
    }
    previous = {
        v.target_id: v for v in TargetValue.objects.filter(target__in=targets, unit=unit, month=month - 1)
    } if month > 1 else {}
    progress = {
        p.task_id: p
        for p in ProgressReport.objects.filter(report__plan=plan, report__unit=unit, report__month=month)
    }

    ws = wb.active
    ws.title = VALUES_SHEET
    _sheet_heading(
        ws, plan, unit, month, _("月度指标数值"), VALUE_COLUMNS,
        _("请在黄色单元格填写本月数值（按指标计量单位，累计指标填 1 月至本月累计）、说明和数据来源；灰色单元格不可修改。"
          "整行留空表示本次不填报该指标。") if targets else _("本单位没有需要报送的指标，请填写“进展情况”工作表。"),
    )
    for row, target in enumerate(targets, start=FIRST_ROW):
        value = current.get(target.pk)
        last = previous.get(target.pk)
        _write_row(ws, row, VALUE_COLUMNS, VALUE_EDITABLE, {
            "code": target.code,
            "name": target.name,
            "unit_of_measure": target.unit_of_measure,
            "target": _number(target.value),
            "last": _number(last.value) if last else None,
            "value": _number(value.value) if value else None,
            "note": value.note if value else "",
            "source": value.source if value else "",
        })
    _protect(ws)

    ws = wb.create_sheet(PROGRESS_SHEET)
    labels = [str(label) for label in ProgressReport.SelfStatus.labels]
    _sheet_heading(
        ws, plan, unit, month, _("月度任务进展"), PROGRESS_COLUMNS,
        _("请在黄色单元格填写本月工作进展、存在问题和下步计划，选择自评状态（%(labels)s）；需市级协调填“是”时须写明协调事项。"
          "自评“进度滞后”时须填写存在问题。整行留空表示本次不填报该任务。") % {"labels": "、".join(labels)},
    )
    for row, task in enumerate(tasks, start=FIRST_ROW):
        item = progress.get(task.pk)
        _write_row(ws, row, PROGRESS_COLUMNS, PROGRESS_EDITABLE, {
            "number": task.number,
            "title": task.title,
            "work_done": item.work_done if item else "",
            "problems": item.problems if item else "",
            "next_steps": item.next_steps if item else "",
            "self_status": item.get_self_status_display() if item and item.self_status else "",
            "needs_coordination": (YES if item.needs_coordination else NO) if item else "",
            "coordination_matter": item.coordination_matter if item else "",
        })
    if tasks:
        last_row = FIRST_ROW + len(tasks) - 1
        status_list = DataValidation(type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True)
        status_list.error = _("请从列表中选择自评状态。")
        status_list.showErrorMessage = True
        yes_no = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True)
        ws.add_data_validation(status_list)
        ws.add_data_validation(yes_no)
        status_column = get_column_letter(_column_of(PROGRESS_COLUMNS, "self_status")[0])
        yes_no_column = get_column_letter(_column_of(PROGRESS_COLUMNS, "needs_coordination")[0])
        status_list.add(f"{status_column}{FIRST_ROW}:{status_column}{last_row}")
        yes_no.add(f"{yes_no_column}{FIRST_ROW}:{yes_no_column}{last_row}")
    _protect(ws)

    marker = wb.create_sheet(MARKER_SHEET)
    for row, (label, value) in enumerate((
        ("kind", TEMPLATE_KIND), ("version", TEMPLATE_VERSION), ("plan", plan.code), ("unit", unit.code),
        ("month", month), ("signature", _marker(plan, unit, month)),
    ), start=1):
        write_cell(marker, row, 1, label)
        write_cell(marker, row, 2, value)
    marker.sheet_state = "veryHidden"
    marker.protection.sheet = True
    wb.properties.title = f"{TEMPLATE_KIND} {TEMPLATE_VERSION}"
    return workbook_bytes(wb)


# Reading a file -----------------------------------------------------------------------------


@dataclass
class ParsedTemplate:
    plan_code: str
    unit_code: str
    month: int
    values: list = field(default_factory=list)  # {"row", "code", "value", "note", "source"}
    progress: list = field(default_factory=list)  # {"row", "number", "work_done", …}
    sha256: str = ""


def _plain(value):
    """A cell's value as JSON-able data (the preview keeps it in the session)."""
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _check_zip(content):
    """The container: a zip, not too many members, not too big once unpacked, with a workbook."""
    not_xlsx = UploadError(_("文件不是 Excel（.xlsx）格式，请上传从本系统下载并填写的模板。"))
    try:
        archive = zipfile.ZipFile(BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadRejected([not_xlsx]) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise UploadRejected([UploadError(_("文件内部结构异常（部件过多），拒绝处理。"))])
        if sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES:
            raise UploadRejected([UploadError(_("文件解压后过大，疑似异常文件，拒绝处理。"))])
        names = {member.filename for member in members}
        if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
            raise UploadRejected([not_xlsx])


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
        rows.append((number, row))
    if errors:
        raise UploadRejected(errors)
    return rows


def read_template(content, filename=""):
    """Parse an uploaded file into a ParsedTemplate, or raise UploadRejected. Touches no database."""
    limit = settings.UPLOAD_XLSX_MAX_BYTES
    if len(content) > limit:
        raise UploadRejected([UploadError(
            _("文件大小 %(size).1f MB，超过 %(limit)s MB 的上限。") % {"size": len(content) / 1048576, "limit": limit // 1048576}
        )])
    if filename and not filename.lower().endswith(".xlsx"):
        raise UploadRejected([UploadError(_("文件不是 Excel（.xlsx）格式，请上传从本系统下载并填写的模板。"))])
    _check_zip(content)
    try:
        wb = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise UploadRejected([UploadError(_("文件已损坏或不是有效的 Excel（.xlsx）文件。"))]) from None
    try:
        with translation.override("zh-hans"):
            plan_code, unit_code, month = _read_marker(wb)
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


# Checking against the database, and saving --------------------------------------------------


@dataclass
class Change:
    sheet: str
    row: int
    item: str
    field: str
    old: str
    new: str


@dataclass
class UploadPreview:
    plan: Plan
    unit: Unit
    month: int
    changes: list
    payload: dict  # what apply_upload needs: ids, rows and the versions seen now

    @property
    def has_changes(self):
        return bool(self.changes)


class _DryRun(Exception):
    """Raised to roll the preview's transaction back."""


def _locked_month_error(plan, unit, month):
    """The Chinese reason the month cannot take an upload, or None."""
    if month_is_closed(plan, month):
        return _("%(year)s年%(month)s月的报送已关闭，不能再填报或修改。") % {"year": plan.year, "month": month}
    report = MonthlyReport.objects.filter(plan=plan, unit=unit, month=month).first()
    if report is None:
        return None
    if report.status == MonthlyReport.Status.SUBMITTED:
        return _("%(unit)s%(year)s年%(month)s月的报送已报送、正在审核，不能再修改；如需修改请联系市科技局退回。") % {
            "unit": unit.name, "year": plan.year, "month": month,
        }
    if report.status == MonthlyReport.Status.APPROVED:
        return _("%(unit)s%(year)s年%(month)s月的报送已审核，不能再修改；如需修改请联系市科技局重新打开。") % {
            "unit": unit.name, "year": plan.year, "month": month,
        }
    return None


def _context(parsed, user, expected_unit=None, expected_month=None):
    """(plan, unit, month) of the template once it is checked to be the user's to upload."""
    foreign = UploadError(_("这不是本系统下载的报送模板，请在“上传月度报送”页面下载本单位的模板后填写。"))
    plan = Plan.objects.filter(code=parsed.plan_code).first()
    unit = Unit.objects.filter(code=parsed.unit_code).first()
    month = parsed.month
    if plan is None or unit is None or not 1 <= month <= 12 or unit.is_group:
        raise UploadRejected([foreign])
    unit_cell = dict(sheet=VALUES_SHEET, row=INFO_ROW, column=UNIT_COLUMN, column_title=_("单位"))
    month_cell = dict(sheet=VALUES_SHEET, row=INFO_ROW, column=MONTH_COLUMN, column_title=_("月份"))
    if expected_unit is not None and unit != expected_unit:
        raise UploadRejected([UploadError(
            _("这是“%(found)s”的模板，不是“%(expected)s”的。") % {"found": unit.name, "expected": expected_unit.name},
            **unit_cell,
        )])
    if expected_month is not None and (plan.year, month) != expected_month:
        raise UploadRejected([UploadError(
            _("这是%(year)s年%(month)s月的模板，不是%(expected_year)s年%(expected_month)s月的。") % {
                "year": plan.year, "month": month, "expected_year": expected_month[0],
                "expected_month": expected_month[1],
            },
            **month_cell,
        )])
    if not is_staff(user):
        own = unit_of(user)
        if own is None or own.pk != unit.pk:
            raise UploadRejected([UploadError(
                _("这是“%(found)s”的报送模板，您只能上传本单位（%(own)s）的报送。") % {
                    "found": unit.name, "own": own.name if own else "—",
                },
                **unit_cell,
            )])
    reason = _locked_month_error(plan, unit, month)
    if reason:
        raise UploadRejected([UploadError(reason, **month_cell)])
    return plan, unit, month


def _resolve_rows(parsed, plan, unit):
    """Rows matched to the unit's targets and tasks; a row for anything else is an error."""
    errors = []
    own_targets = {t.code: t for t in targets_for_unit(plan, unit)}
    plan_targets = {t.code: t for t in plan.targets.select_related("reporting_unit")}
    own_tasks = {t.number: t for t in tasks_for_unit(plan, unit)}
    plan_tasks = {t.number: t for t in plan.tasks.all()}
    value_rows, progress_rows = [], []
    seen = set()
    for row in parsed.values:
        code = str(row.get("code") or "").strip()
        if not code:
            errors.append(_value_error(row["row"], "code", _("缺少指标编号，请不要修改灰色单元格。")))
        elif code not in plan_targets:
            errors.append(_value_error(row["row"], "code", _("“%(code)s”不是本工作要点的指标编号。") % {"code": code[:20]}))
        elif code not in own_targets:
            errors.append(_value_error(row["row"], "code", _("指标 %(code)s 由“%(unit)s”报送，不是本单位的指标。") % {
                "code": code, "unit": plan_targets[code].reporting_unit.name,
            }))
        elif code in seen:
            errors.append(_value_error(row["row"], "code", _("指标 %(code)s 重复出现。") % {"code": code}))
        else:
            seen.add(code)
            value_rows.append((row, own_targets[code]))
    seen = set()
    for row in parsed.progress:
        raw = row.get("number")
        try:
            number = int(str(raw).strip()) if not _blank(raw) else None
        except ValueError:
            number = None
        if number is None or number not in plan_tasks:
            errors.append(_progress_error(row["row"], "number", _("缺少或无法识别任务序号，请不要修改灰色单元格。")))
        elif number not in own_tasks:
            errors.append(_progress_error(row["row"], "number", _("任务 %(number)s 不由本单位报送进展。") % {"number": number}))
        elif number in seen:
            errors.append(_progress_error(row["row"], "number", _("任务 %(number)s 重复出现。") % {"number": number}))
        else:
            seen.add(number)
            progress_rows.append((row, own_tasks[number]))
    return value_rows, progress_rows, errors


def _text(value):
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _self_status(row, errors):
    raw = _text(row.get("self_status")).strip()
    if not raw:
        return ""
    by_label = {str(label): value for value, label in ProgressReport.SelfStatus.choices}
    if raw in by_label:
        return by_label[raw]
    if raw in ProgressReport.SelfStatus.values:
        return raw
    errors.append(_progress_error(row["row"], "self_status", _("自评状态须为%(labels)s之一，不是“%(raw)s”。") % {
        "labels": "、".join(by_label), "raw": raw[:20],
    }))
    return ""


def _yes_no(row, errors):
    raw = row.get("needs_coordination")
    if isinstance(raw, bool):
        return raw
    text = _text(raw).strip()
    if text in ("", NO, "0", "否 "):
        return False
    if text in (YES, "1"):
        return True
    errors.append(_progress_error(row["row"], "needs_coordination", _("需市级协调请填“是”或“否”，不是“%(raw)s”。") % {
        "raw": text[:20],
    }))
    return False


def _messages(error):
    if hasattr(error, "error_dict"):
        return error.message_dict.items()
    return [(None, error.messages)]


def _show_value(value):
    return format_number(value) if value is not None else ""


def _run(plan, unit, month, value_rows, progress_rows, user, *, versions=None, request=None, commit):
    """Save every row through the services in one transaction; roll back on any error or a dry run.

    Returns (changes, errors, versions seen before saving).
    """
    changes, errors = [], []
    seen_versions = {"values": {}, "progress": {}}
    try:
        with transaction.atomic():
            existing_values = {
                v.target_id: v for v in TargetValue.objects.filter(
                    target__in=[t for _row, t in value_rows], unit=unit, month=month
                )
            }
            existing_progress = {
                p.task_id: p for p in ProgressReport.objects.filter(
                    report__plan=plan, report__unit=unit, report__month=month
                )
            }
            report = get_or_create_report(plan, unit, month)
            for row, target in value_rows:
                old = existing_values.get(target.pk)
                seen_versions["values"][target.code] = old.version if old else 0
                expected = versions["values"].get(target.code, 0) if versions else None
                try:
                    saved = save_target_value(
                        report, target, value=row.get("value"), note=_text(row.get("note")),
                        source=_text(row.get("source")), user=user, expected_version=expected, request=request,
                    )
                except ValidationError as error:
                    for key, messages in _messages(error):
                        for message in messages:
                            errors.append(_value_error(row["row"], key if key in VALUE_EDITABLE else "value", message))
                    continue
                except (NotEditable, EditConflict) as error:
                    errors.append(_value_error(row["row"], "code", str(error)))
                    continue
                item = f"{target.code} {target.name}"
                for key, title in (("value", _("本月数值")), ("note", _("说明")), ("source", _("数据来源"))):
                    before = getattr(old, key) if old else None
                    after = getattr(saved, key)
                    if (before if before is not None else "") != after:
                        shown = _show_value if key == "value" else (lambda v: v or "")
                        changes.append(Change(VALUES_SHEET, row["row"], item, title, shown(before), shown(after)))
            for row, task in progress_rows:
                old = existing_progress.get(task.pk)
                seen_versions["progress"][str(task.number)] = old.version if old else 0
                expected = versions["progress"].get(str(task.number), 0) if versions else None
                row_errors = []
                self_status = _self_status(row, row_errors)
                needs_coordination = _yes_no(row, row_errors)
                if row_errors:
                    errors += row_errors
                    continue
                try:
                    saved = save_progress(
                        report, task, work_done=_text(row.get("work_done")), problems=_text(row.get("problems")),
                        next_steps=_text(row.get("next_steps")), self_status=self_status,
                        needs_coordination=needs_coordination,
                        coordination_matter=_text(row.get("coordination_matter")),
                        user=user, expected_version=expected, request=request,
                    )
                except ValidationError as error:
                    for key, messages in _messages(error):
                        for message in messages:
                            errors.append(_progress_error(
                                row["row"], key if key in PROGRESS_EDITABLE else "work_done", message
                            ))
                    continue
                except (NotEditable, EditConflict) as error:
                    errors.append(_progress_error(row["row"], "number", str(error)))
                    continue
                item = f"{task.number}. {task.title}"
                for key, title in (
                    ("work_done", _("工作进展")), ("problems", _("存在问题")), ("next_steps", _("下步计划")),
                    ("self_status", _("自评状态")), ("needs_coordination", _("需市级协调")),
                    ("coordination_matter", _("协调事项")),
                ):
                    before = getattr(old, key) if old else None
                    after = getattr(saved, key)
                    if key == "needs_coordination":
                        before_text = "" if old is None else (YES if before else NO)
                        after_text = YES if after else NO
                    elif key == "self_status":
                        before_text = old.get_self_status_display() if old else ""
                        after_text = saved.get_self_status_display()
                    else:
                        before_text, after_text = before or "", after or ""
                    if old is None and (not after_text or (key == "needs_coordination" and not after)):
                        continue  # a new row: list what it says, not every empty field
                    if before_text != after_text:
                        changes.append(Change(PROGRESS_SHEET, row["row"], item, title, before_text, after_text))
            if errors or not commit or not changes:
                raise _DryRun  # nothing is kept: not even an empty draft report for an unchanged file
    except _DryRun:
        pass
    return changes, errors, seen_versions


def check_upload(parsed, user, *, expected_unit=None, expected_month=None):
    """Check a parsed template against the database and preview its changes (nothing is saved).

    Raises UploadRejected with every error found; returns an UploadPreview otherwise.
    """
    with translation.override("zh-hans"):
        plan, unit, month = _context(parsed, user, expected_unit, expected_month)
        value_rows, progress_rows, errors = _resolve_rows(parsed, plan, unit)
        if errors:
            raise UploadRejected(errors)
        changes, errors, versions = _run(plan, unit, month, value_rows, progress_rows, user, commit=False)
        if errors:
            raise UploadRejected(errors)
    payload = {
        "plan": plan.pk,
        "unit": unit.pk,
        "month": month,
        "plan_code": parsed.plan_code,
        "unit_code": parsed.unit_code,
        "values": parsed.values,
        "progress": parsed.progress,
        "versions": versions,
        "sha256": parsed.sha256,
    }
    return UploadPreview(plan=plan, unit=unit, month=month, changes=changes, payload=payload)


def apply_upload(payload, user, request=None):
    """Save a checked upload in one transaction, with the versions seen at preview time.

    Returns (report, changes). Raises UploadRejected (and saves nothing) if any row fails now,
    for instance because someone changed a value since the preview or the month was locked.
    """
    parsed = ParsedTemplate(
        plan_code=payload["plan_code"], unit_code=payload["unit_code"], month=payload["month"],
        values=payload["values"], progress=payload["progress"], sha256=payload["sha256"],
    )
    with translation.override("zh-hans"):
        plan, unit, month = _context(parsed, user)
        value_rows, progress_rows, errors = _resolve_rows(parsed, plan, unit)
        if errors:
            raise UploadRejected(errors)
        changes, errors, _versions = _run(
            plan, unit, month, value_rows, progress_rows, user,
            versions=payload["versions"], request=request, commit=True,
        )
        if errors:
            raise UploadRejected(errors)
    report = MonthlyReport.objects.filter(plan=plan, unit=unit, month=month).first()
    return report, changes
