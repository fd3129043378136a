"""The quarterly coordination workbook (季度调度报告) for the plan's 每季市级协调 meeting.

Eight sheets, laid out to be printed and handed round (A4 landscape, fit to width, header rows
repeated on every page):

1. 总体情况 — headline figures and every target at the quarter end, grouped by goal group or
   task area, with a native Excel bar chart of completion against time progress;
2. 指标完成情况 — one row per target with its value at the end of each month so far;
3. 重点任务进展 — one row per task and assigned unit (groups expanded to their members);
4. 需市级协调事项 — the items flagged for city-level coordination in the quarter;
5. 报送情况 — units × months of the quarter and each unit's on-time rate;
6. 领导批示落实情况 — the leaders' instructions of the quarter and those still open, with the
   units assigned, the status and the latest reply;
7. 督办通知 — the urging notices (催办单, 督办单) of the quarter and those still open;
8. 考核评比 — every reporting unit's score for the quarter, ranked, with its largest deductions.

Figures come from the stored standings (targets/standing_queries.py, approved values only) and the reporting
states from `tasks.reporting`: the same numbers and words the dashboard shows. Every cell is
written through `targets.exports.write_cell`, so typed text never becomes a formula.

The data are read in reports/workbook/figures.py, the sheets written in reports/workbook/sheets.py
with the layout and formats of reports/workbook/styles.py; this module puts them together and
is the one to import from.
"""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from reports.workbook.figures import (  # noqa: F401  (part of this module's API)
    VISIBLE_REPORT_STATUSES,
    QuarterData,
    coordination_items,
    quarter_months,
)
from reports.workbook.sheets.assessment import assessment_sheet
from reports.workbook.sheets.overview import overview_sheet
from reports.workbook.sheets.submissions import submission_sheet
from reports.workbook.sheets.supervision import instructions_sheet, notices_sheet
from reports.workbook.sheets.targets import targets_sheet
from reports.workbook.sheets.tasks import coordination_sheet, tasks_sheet
from reports.workbook.styles import (  # noqa: F401  (part of this module's API)
    SELF_STATUS_AS_STATUS,
    STATUS_FILLS,
    SUBMISSION_FILLS,
    SheetLayout,
    number_format,
    status_cell,
)
from targets.exports import excel_safe, workbook_bytes


def quarter_label(plan, quarter):
    numerals = (pgettext("quarter", "一"), pgettext("quarter", "二"), pgettext("quarter", "三"), pgettext("quarter", "四"))
    return _("%(year)s年第%(quarter)s季度") % {"year": plan.year, "quarter": numerals[quarter - 1]}


def quarterly_filename(plan, quarter):
    return _("季度调度报告-%(year)sQ%(quarter)s.xlsx") % {"year": plan.year, "quarter": quarter}


def build_quarterly_workbook(plan, quarter, today=None):
    """The quarter's coordination workbook as xlsx bytes (quarter 1–4 of the plan's year)."""
    data = QuarterData(plan, quarter, today=today)
    heading = _("%(plan)s · %(quarter)s调度报告") % {"plan": plan.title, "quarter": quarter_label(plan, quarter)}
    wb = Workbook()
    overview_sheet(wb, data, heading)
    targets_sheet(wb, data, heading)
    tasks_sheet(wb, data, heading)
    coordination_sheet(wb, data, heading)
    submission_sheet(wb, data, heading)
    instructions_sheet(wb, data, heading)
    notices_sheet(wb, data, heading)
    assessment_sheet(wb, data, heading)
    wb.properties.title = excel_safe(heading)  # the plan's title, editable in the admin
    wb.properties.creator = _("武汉市科学技术局")
    return workbook_bytes(wb)
