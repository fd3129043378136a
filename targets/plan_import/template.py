"""The import template staff download: the sheets and headers of layout.py, a 说明 sheet, the units
to choose from, and drop-down lists on the choice columns.

`build_plan_template(source=None)` writes an empty template; given a plan, it fills the sections,
tasks and targets in with that plan's (the year-start figures excepted, as a copy does), so that
next year's plan can start from this year's.
"""

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from targets.exports import HEADER_FILL, workbook_bytes, write_cell
from targets.plan_import.layout import (
    CHOICE_COLUMNS,
    FIRST_ROW,
    HEADER_ROW,
    HELP_SHEET,
    PLAN_COLUMNS,
    PLAN_SHEET,
    SECTION_COLUMNS,
    SECTIONS_SHEET,
    TARGET_COLUMNS,
    TARGETS_SHEET,
    TASK_COLUMNS,
    TASKS_SHEET,
    UNIT_COLUMNS,
    UNITS_SHEET,
    choice_labels,
    column_of,
    help_lines,
)
from units.models import Unit

LIST_ROWS = 500  # the rows the drop-down lists cover
WRAP = Alignment(wrap_text=True, vertical="top")


def template_filename(source=None):
    return f"工作要点导入模板-{source.year + 1}.xlsx" if source else "工作要点导入模板.xlsx"


def _sheet(wb, title, columns, rows):
    ws = wb.create_sheet(title)
    for number, column in enumerate(columns, start=1):
        cell = write_cell(ws, HEADER_ROW, number, column.title)
        cell.font = Font(bold=True, color="B42318" if column.required else None)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(number)].width = column.width
    for row_number, values in enumerate(rows, start=FIRST_ROW):
        for number, column in enumerate(columns, start=1):
            write_cell(ws, row_number, number, values.get(column.key)).alignment = WRAP
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=1)
    return ws


def _list(ws, column, formula, error, stop=True):
    validation = DataValidation(type="list", formula1=formula, allow_blank=True)
    validation.error = error
    validation.errorStyle = "stop" if stop else "warning"
    validation.showErrorMessage = True
    ws.add_data_validation(validation)
    letter = get_column_letter(column)
    validation.add(f"{letter}{FIRST_ROW}:{letter}{FIRST_ROW + LIST_ROWS - 1}")


def _number(value):
    normalized = value.normalize()
    return int(normalized) if normalized == normalized.to_integral_value() else float(normalized)


def _source_rows(source):
    """{sheet: [row values]} of `source`'s sections, tasks and targets, as the template holds them."""
    sections = list(source.sections.order_by("kind", "number"))
    tasks = source.tasks.select_related("section").prefetch_related("assignments__unit").order_by("number")
    targets = source.targets.select_related("reporting_unit", "goal_section").prefetch_related("tasks")
    return {
        PLAN_SHEET: [{"year": source.year + 1, "issuer": source.issuer}],
        SECTIONS_SHEET: [
            {"kind": section.get_kind_display(), "number": section.number, "numeral": section.numeral,
             "title": section.title} for section in sections
        ],
        TASKS_SHEET: [
            {"number": task.number, "section": task.section.number, "title": task.title, "text": task.text,
             "lead": "、".join(unit.name for unit in task.lead_units()),
             "responsible": "、".join(unit.name for unit in task.responsible_units())} for task in tasks
        ],
        TARGETS_SHEET: [
            {"code": target.code, "name": target.name, "value": _number(target.value),
             "unit_of_measure": target.unit_of_measure, "comparison": target.get_comparison_display(),
             "comparison_wording": target.comparison_wording, "kind": target.get_kind_display(),
             "frequency": target.get_frequency_display(), "frequency_reason": target.frequency_reason,
             "reporting_unit": target.reporting_unit.name,
             "goal_section": target.goal_section.number if target.goal_section else None,
             "tasks": "、".join(str(task.number) for task in sorted(target.tasks.all(), key=lambda t: t.number)),
             "source_text": target.source_text} for target in targets.order_by("position", "code")
        ],
    }


def build_plan_template(source=None):
    with translation.override("zh-hans"):
        return _build(source)


def _build(source):
    wb = Workbook()
    ws = wb.active
    ws.title = HELP_SHEET
    write_cell(ws, 1, 1, _("工作要点导入说明")).font = Font(bold=True, size=14)
    for row, line in enumerate(help_lines(), start=3):
        write_cell(ws, row, 1, line).alignment = WRAP
    write_cell(ws, len(help_lines()) + 4, 1, _("表头为红色的列必填。")).font = Font(color="B42318")
    ws.column_dimensions["A"].width = 110

    rows = _source_rows(source) if source else {}
    sheets = {}
    for title, columns in ((PLAN_SHEET, PLAN_COLUMNS), (SECTIONS_SHEET, SECTION_COLUMNS),
                           (TASKS_SHEET, TASK_COLUMNS), (TARGETS_SHEET, TARGET_COLUMNS)):
        sheets[title] = _sheet(wb, title, columns, rows.get(title, []))
    for (sheet, key), choices in CHOICE_COLUMNS.items():
        labels = ",".join(choice_labels(choices))
        _list(sheets[sheet], column_of(sheet, key)[0], f'"{labels}"', _("请从列表中选择。"))

    units = list(Unit.objects.order_by("position", "code"))
    _sheet(wb, UNITS_SHEET, UNIT_COLUMNS, [
        {"name": unit.name, "code": unit.code, "kind": unit.get_kind_display()} for unit in units
    ])
    if units:
        names = f"{quote_sheetname(UNITS_SHEET)}!$A${FIRST_ROW}:$A${FIRST_ROW + len(units) - 1}"
        _list(sheets[TARGETS_SHEET], column_of(TARGETS_SHEET, "reporting_unit")[0], names,
              _("请填写“单位”工作表中的单位名称或代码。"), stop=False)
    return workbook_bytes(wb)
