"""The import template's layout: sheets, their columns (header row 1, data from row 2) and the
choices of the choice columns. template.py writes it and read.py reads it back, so they cannot drift."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from targets.models import Target
from tasks.models import Section

HEADER_ROW = 1
FIRST_ROW = 2
LIST_SEPARATORS = "、，,；;\n"  # the template says 、; the others are what people type by habit

PLAN_SHEET = "工作要点"
SECTIONS_SHEET = "板块"
TASKS_SHEET = "任务"
TARGETS_SHEET = "指标"
UNITS_SHEET = "单位"
HELP_SHEET = "说明"
DATA_SHEETS = (PLAN_SHEET, SECTIONS_SHEET, TASKS_SHEET, TARGETS_SHEET)


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int
    required: bool = False


PLAN_COLUMNS = (
    Column("year", "年度", 8, True),
    Column("code", "代码", 10, True),
    Column("title", "名称", 36, True),
    Column("document_number", "文号", 20),
    Column("issuer", "印发机关", 22),
    Column("issued_on", "印发日期", 12),
)
SECTION_COLUMNS = (
    Column("kind", "类别", 10, True),
    Column("number", "序号", 6, True),
    Column("numeral", "编号", 8, True),
    Column("title", "标题", 34, True),
)
TASK_COLUMNS = (
    Column("number", "序号", 6, True),
    Column("section", "板块", 8, True),
    Column("title", "标题", 24, True),
    Column("lead", "牵头单位", 24, True),
    Column("responsible", "责任单位", 30),
    Column("text", "原文", 60, True),
)
TARGET_COLUMNS = (
    Column("code", "编号", 8, True),
    Column("name", "名称", 28, True),
    Column("value", "目标值", 10, True),
    Column("unit_of_measure", "计量单位", 9, True),
    Column("comparison", "比较方式", 10, True),
    Column("comparison_wording", "原文表述", 10, True),
    Column("kind", "类型", 14, True),
    Column("frequency", "报送频次", 10, True),
    Column("frequency_reason", "频次说明", 20),
    Column("reporting_unit", "报送单位", 18, True),
    Column("goal_section", "目标组", 8),
    Column("tasks", "所属任务", 10),
    Column("source_text", "原文", 50, True),
    Column("baseline", "年初基数", 10),
    Column("baseline_reason", "年初基数依据", 20),
)
UNIT_COLUMNS = (Column("name", "名称", 30), Column("code", "代码", 14), Column("kind", "类别", 14))

SHEET_COLUMNS = {
    PLAN_SHEET: PLAN_COLUMNS,
    SECTIONS_SHEET: SECTION_COLUMNS,
    TASKS_SHEET: TASK_COLUMNS,
    TARGETS_SHEET: TARGET_COLUMNS,
}


def column_of(sheet, key):
    """(1-based column number, title) of `key` on `sheet`."""
    for number, column in enumerate(SHEET_COLUMNS[sheet], start=1):
        if column.key == key:
            return number, column.title
    raise KeyError(key)


def choice_labels(choices):
    """{label: value} of a TextChoices, labels in Chinese (the caller overrides the language)."""
    return {str(label): value for value, label in choices.choices}


# The choice columns: the model field's TextChoices, offered as a list in the template.
CHOICE_COLUMNS = {
    (SECTIONS_SHEET, "kind"): Section.Kind,
    (TARGETS_SHEET, "comparison"): Target.Comparison,
    (TARGETS_SHEET, "kind"): Target.Kind,
    (TARGETS_SHEET, "frequency"): Target.Frequency,
}


def help_lines():
    """The 说明 sheet, one paragraph a line."""
    return [
        _("用本模板导入新年度工作要点：导入后生成草稿，核对后在“工作要点管理”页面发布。"),
        _("每个工作表第 1 行为表头，请不要修改、增删或调换列；从第 2 行起每行一项，整行留空的行不读取。"),
        _("工作要点：只填一行。年度、代码、名称必填；代码只能用字母、数字、连字符和下划线（如 2024）；该年度不能已有工作要点。"),
        _("板块：类别为“目标组”（第一部分的目标）或“任务板块”（第二部分的任务）；同一类别内序号不重复，编号如“（一）”。"),
        _("任务：序号不重复；板块填任务板块的序号；牵头单位至少一个，责任单位可空，多个单位用顿号“、”分隔，"
          "填单位名称或代码（见“单位”工作表）；同一单位不能既牵头又责任。"),
        _("指标：编号、名称不重复；目标值为大于零的数字；比较方式、类型、报送频次从下拉列表选择；"
          "原文表述填原文中数字前后的词（如“突破”“以上”），没有时填“—”；报送单位填一个具体单位（不能是单位组）；"
          "目标组填目标组的序号，所属任务填任务序号（多个用“、”分隔），两者至少填一项。"),
        _("年初基数可空，只有“年末存量”类指标可以填写，填写时须写明年初基数依据。"),
        _("单元格请直接填写数值或文字，不要使用公式。上传后系统先检查整个文件并列出所有问题，没有问题才显示预览，确认后一次保存。"),
    ]
