"""Step 2 of an import: every row checked against the file itself and the database.

`check_plan_rows(parsed)` returns the plan as unsaved objects (a `PlanImport`: what the preview
shows and save.py saves), or raises ImportRejected with every error found, each naming its
sheet, row and column. It only reads the database: units by name or code, and the plans that
already hold the year or the code.
"""

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils import translation
from django.utils.translation import gettext as _

from targets.models import Target
from targets.plan_import.cells import Rows, as_decimal, as_integer, date_in, is_duplicate, split_list
from targets.plan_import.errors import ImportRejected
from targets.plan_import.layout import FIRST_ROW, PLAN_SHEET, SECTIONS_SHEET, SHEET_COLUMNS, TARGETS_SHEET, TASKS_SHEET
from targets.plan_import.read import blank
from targets.validation import clean_target_value
from tasks.models import Plan, Section, Task
from units.models import Unit

MIN_YEAR, MAX_YEAR = 2000, 2100
RESERVED_CODES = {"copy", "import"}  # /plans/copy/ and /plans/import/ would hide the plan's page
MAX_VALUE = Decimal(10) ** 12  # max_digits=16, decimal_places=4
FOUR_PLACES = Decimal("0.0001")


@dataclass
class TaskRow:
    task: Task
    lead_units: list
    responsible_units: list


@dataclass
class TargetRow:
    target: Target
    task_numbers: list


@dataclass
class PlanImport:
    plan: Plan
    sections: list = field(default_factory=list)
    tasks: list = field(default_factory=list)  # TaskRow
    targets: list = field(default_factory=list)  # TargetRow

    @property
    def goal_group_count(self):
        return sum(1 for section in self.sections if section.kind == Section.Kind.GOAL_GROUP)

    @property
    def task_area_count(self):
        return sum(1 for section in self.sections if section.kind == Section.Kind.TASK_AREA)


# The sheets --------------------------------------------------------------------------------------


def _plan(sheets, errors):
    rows = Rows(PLAN_SHEET, errors)
    found = sheets.get(PLAN_SHEET, [])
    if not found:
        rows.error({"row": FIRST_ROW}, "year", _("请在第 %(row)s 行填写工作要点的年度、代码和名称。") % {"row": FIRST_ROW})
        return Plan(state=Plan.State.DRAFT)
    for extra in found[1:]:
        rows.error(extra, "year", _("工作表“%(sheet)s”只能填写一行。") % {"sheet": PLAN_SHEET})
    row = found[0]
    plan = Plan(
        year=rows.integer(row, "year", MIN_YEAR, MAX_YEAR), code=rows.text(row, "code", 40),
        title=rows.text(row, "title", 200), document_number=rows.text(row, "document_number", 60, required=False),
        issuer=rows.text(row, "issuer", 100, required=False), issued_on=date_in(rows, row, "issued_on"),
        state=Plan.State.DRAFT,
    )
    if plan.code:
        try:
            validate_slug(plan.code)
        except ValidationError:
            rows.error(row, "code", _("代码只能包含字母、数字、连字符和下划线。"))
        else:
            if plan.code in RESERVED_CODES:
                rows.error(row, "code", _("“%(code)s”是系统保留的代码，请换一个。") % {"code": plan.code})
            elif Plan.objects.filter(code=plan.code).exists():
                rows.error(row, "code", _("代码“%(code)s”已被其他工作要点使用。") % {"code": plan.code})
    if plan.year:
        existing = Plan.objects.filter(year=plan.year).first()
        if existing is not None:
            rows.error(row, "year", _("%(year)s年已有工作要点“%(title)s”（%(state)s），不能再导入同一年度。") % {
                "year": plan.year, "title": existing.title, "state": existing.get_state_display(),
            })
    return plan


class _SectionIndex:
    """The file's sections of one kind, found by 序号 (1), 编号 (（一）) or 标题."""

    def __init__(self):
        self.keys = {}

    def add(self, section):
        for key in (str(section.number), section.numeral, section.title):
            self.keys.setdefault(key, section)

    def find(self, value):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = unicodedata.normalize("NFKC", str(value)).strip()
        return self.keys.get(text) or self.keys.get(str(value).strip())


def _sections(sheets, plan, errors):
    rows = Rows(SECTIONS_SHEET, errors)
    sections, seen = [], {}
    index = {Section.Kind.GOAL_GROUP: _SectionIndex(), Section.Kind.TASK_AREA: _SectionIndex()}
    for row in sheets.get(SECTIONS_SHEET, []):
        section = Section(
            plan=plan, kind=rows.choice(row, "kind"), number=rows.integer(row, "number"),
            numeral=rows.text(row, "numeral", 10), title=rows.text(row, "title", 100),
        )
        if None in (section.kind, section.number) or not (section.numeral and section.title):
            continue
        label = f"{Section.Kind(section.kind).label}{section.number}"
        if is_duplicate(rows, row, "number", label, seen, _("板块")):
            continue
        sections.append(section)
        index[section.kind].add(section)
    return sections, index


class _UnitIndex:
    """Units by code (jxj), name (市经信局) or short name (经信局)."""

    def __init__(self):
        self.keys = {}
        units = list(Unit.objects.order_by("position", "code"))
        for unit in units:
            self.keys.setdefault(unit.code, unit)
            self.keys.setdefault(unit.name, unit)
        for unit in units:
            # The short name the plan's tables often use: 经信局 for 市经信局.
            self.keys.setdefault(unit.name.removeprefix("市"), unit)

    def resolve(self, rows, row, key, names):
        """The units named, in order; an error for each unknown or repeated name."""
        units = []
        for name in names:
            unit = self.keys.get(name)
            if unit is None:
                rows.error(row, key, _("“%(name)s”不是系统中的单位，请填写单位名称或代码（见“单位”工作表）。") % {
                    "name": name[:40],
                })
            elif unit in units:
                rows.error(row, key, _("%(name)s 重复填写。") % {"name": unit.name})
            else:
                units.append(unit)
        return units


def _tasks(sheets, plan, task_areas, unit_index, errors):
    rows = Rows(TASKS_SHEET, errors)
    tasks, seen = [], {}
    for row in sheets.get(TASKS_SHEET, []):
        number = rows.integer(row, "number")
        if number is not None and is_duplicate(rows, row, "number", number, seen, _("任务序号")):
            number = None
        section = None
        if not rows.missing(row, "section"):
            section = task_areas.find(row["section"])
            if section is None:
                rows.error(row, "section", _("“%(value)s”不是工作表“%(sheet)s”中任务板块的序号。") % {
                    "value": str(row["section"])[:20], "sheet": SECTIONS_SHEET,
                })
        title, text = rows.text(row, "title", 100), rows.text(row, "text", 5000)
        lead_names = split_list(row.get("lead"))
        if not lead_names:
            rows.error(row, "lead", _("每项任务至少须有一个牵头单位。"))
        lead = unit_index.resolve(rows, row, "lead", lead_names)
        responsible = unit_index.resolve(rows, row, "responsible", split_list(row.get("responsible")))
        both = [unit for unit in responsible if unit in lead]
        if both:
            rows.error(row, "responsible", _("%(names)s 已是牵头单位，不能同时列为责任单位。") % {
                "names": "、".join(unit.name for unit in both),
            })
        task = Task(plan=plan, section=section, number=number, title=title, text=text)
        tasks.append((row, TaskRow(task, lead, responsible)))
    return tasks


def _target_value(rows, row, key):
    if rows.missing(row, key):
        return None
    number = as_decimal(row[key])
    if number is None:
        rows.error(row, key, _("“%(raw)s”不是数字。") % {"raw": str(row[key])[:20]})
    elif number <= 0:
        rows.error(row, key, _("目标值须大于零。"))
    elif number >= MAX_VALUE:
        rows.error(row, key, _("数值过大，请检查是否填错。"))
    elif number != number.quantize(FOUR_PLACES):
        rows.error(row, key, _("小数位数不能超过 %(places)d 位。") % {"places": 4})
    else:
        return number
    return None


def _baseline(rows, row, target):
    """The year-start figure (年初基数) and its reason, checked as the target page checks them."""
    raw = row.get("baseline")
    if blank(raw):
        return None, ""
    if target.kind != Target.Kind.STOCK:
        rows.error(row, "baseline", _("只有年末存量类指标需要设置年初基数。"))
        return None, ""
    reason = rows.text(row, "baseline_reason", 500, required=False)
    if not reason:
        rows.error(row, "baseline_reason", _("请说明年初基数的来源或依据。"))
    if target.value is None:
        return None, reason
    try:
        return clean_target_value(target, raw), reason
    except ValidationError as error:
        for message in error.messages:
            rows.error(row, "baseline", message)
    return None, reason


def _targets(sheets, plan, goal_groups, task_numbers, unit_index, errors):
    rows = Rows(TARGETS_SHEET, errors)
    targets, codes, names = [], {}, {}
    for position, row in enumerate(sheets.get(TARGETS_SHEET, []), start=1):
        code, name = rows.text(row, "code", 20), rows.text(row, "name", 120)
        if code:
            is_duplicate(rows, row, "code", code, codes, _("指标编号"))
        if name:
            is_duplicate(rows, row, "name", name, names, _("指标名称"))
        target = Target(
            plan=plan, code=code, name=name, value=_target_value(rows, row, "value"),
            unit_of_measure=rows.text(row, "unit_of_measure", 20), comparison=rows.choice(row, "comparison"),
            comparison_wording=rows.text(row, "comparison_wording", 20), kind=rows.choice(row, "kind"),
            frequency=rows.choice(row, "frequency"), frequency_reason=rows.text(row, "frequency_reason", 200, False),
            source_text=rows.text(row, "source_text", 5000), position=position,
        )
        if not rows.missing(row, "reporting_unit"):
            found = unit_index.resolve(rows, row, "reporting_unit", [str(row["reporting_unit"]).strip()])
            if found and found[0].is_group:
                rows.error(row, "reporting_unit", _("%(name)s 是单位组，报送单位须为一个具体单位。") % {"name": found[0].name})
            elif found:
                target.reporting_unit = found[0]
        if not blank(row.get("goal_section")):
            target.goal_section = goal_groups.find(row["goal_section"])
            if target.goal_section is None:
                rows.error(row, "goal_section", _("“%(value)s”不是工作表“%(sheet)s”中目标组的序号。") % {
                    "value": str(row["goal_section"])[:20], "sheet": SECTIONS_SHEET,
                })
        numbers = []
        for part in split_list(row.get("tasks")):
            number = as_integer(part)
            if number is None or number not in task_numbers:
                rows.error(row, "tasks", _("“%(value)s”不是工作表“%(sheet)s”中的任务序号。") % {
                    "value": part[:20], "sheet": TASKS_SHEET,
                })
            elif number not in numbers:
                numbers.append(number)
        if blank(row.get("goal_section")) and blank(row.get("tasks")):
            rows.error(row, "tasks", _("目标组和所属任务至少须填写一项。"))
        target.baseline, target.baseline_reason = _baseline(rows, row, target)
        targets.append(TargetRow(target, numbers))
    return targets


def check_plan_rows(parsed):
    """The plan the file describes, as unsaved objects, or ImportRejected with every error."""
    with translation.override("zh-hans"):
        sheets = parsed["sheets"]
        errors = []
        plan = _plan(sheets, errors)
        sections, index = _sections(sheets, plan, errors)
        units = _UnitIndex()
        tasks = _tasks(sheets, plan, index[Section.Kind.TASK_AREA], units, errors)
        task_numbers = {row.task.number for _row, row in tasks if row.task.number is not None}
        targets = _targets(sheets, plan, index[Section.Kind.GOAL_GROUP], task_numbers, units, errors)
        if errors:
            errors.sort(key=lambda error: (list(SHEET_COLUMNS).index(error.sheet) if error.sheet in SHEET_COLUMNS
                                           else -1, error.row or 0, error.column or 0))
            raise ImportRejected(errors)
        return PlanImport(plan=plan, sections=sections, tasks=[row for _row, row in tasks], targets=targets)
