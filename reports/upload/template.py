"""The monthly Excel template a liaison downloads, fills in and uploads.

`build_template(plan, unit, month)` writes the unit's xlsx: a row per target it reports, a row
per task it is assigned, yellow unlocked cells to fill and a hidden, signed marker sheet. The
layout below (sheet names, rows, columns) is also what reports/upload/read.py reads back.
"""

from django.core import signing
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from targets.exports import HEADER_FILL, lines_needed, print_on_a4_landscape, row_height, workbook_bytes, write_cell
from targets.models import TargetValue
from tasks.models import ProgressReport
from tasks.reporting import targets_for_unit, tasks_for_unit

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

VALUE_COLUMNS = [
    ("code", "编号", 8),
    ("name", "指标名称", 30),
    ("unit_of_measure", "计量单位", 9),
    ("target", "目标值", 11),
    ("last", "上月数值", 12),
    ("value", "本月数值", 13),
    ("note", "说明", 26),
    ("source", "数据来源", 16),
]
VALUE_EDITABLE = ("value", "note", "source")
PROGRESS_COLUMNS = [
    ("number", "序号", 5),
    ("title", "重点任务", 14),
    ("work_done", "工作进展", 32),
    ("problems", "存在问题", 20),
    ("next_steps", "下步计划", 20),
    ("self_status", "自评状态", 9),
    ("needs_coordination", "需市级协调", 8),
    ("coordination_matter", "协调事项", 24),
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
    print_on_a4_landscape(ws, [width for _name, _title, width in columns])


def _protect(ws):
    """Protected sheet, no password: it prevents slips, not intent — the upload checks every row anyway."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False


def _write_row(ws, row, columns, editable, values):
    lines = 1
    for column, (name, _title, width) in enumerate(columns, start=1):
        value = values.get(name)
        if isinstance(value, str) and value:
            lines = max(lines, lines_needed(value, width))
        cell = write_cell(ws, row, column, value)
        cell.alignment = WRAP
        if name in editable:
            cell.protection = Protection(locked=False)
            cell.fill = EDITABLE_FILL
        else:
            cell.fill = LOCKED_FILL
    ws.row_dimensions[row].height = row_height(lines)


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
    targets = list(targets_for_unit(plan, unit, month))
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
