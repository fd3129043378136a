"""The sheet 报送情况: each unit's monthly submission state."""

from django.conf import settings
from django.utils.translation import gettext as _

from reports.workbook.styles import (
    BOLD,
    DASH,
    PERCENT_FORMAT,
    SheetLayout,
    _rate,
    submission_style,
)
from targets.exports import write_cell
from tasks.reporting import shown_timeliness, submission_state


def submission_sheet(wb, data, heading):
    header = [
        _("单位"),
        *[_("%(month)s月") % {"month": m} for m in data.months],
        _("按时报送"), _("应报送"), _("按时报送率"),
    ]
    widths = [24, 13, 13, 13, 10, 9, 12]
    subtitle = _("按时报送：在截止日（次月 %(day)s 日，遇休息日或节假日顺延至下一个工作日）前报送；按时报送后被退回的仍计按时（退回计入报送质量），退回后在截止日后重新报送的计为逾期；未报送不计入按时。") % {
        "day": settings.REPORT_DUE_DAY,
    }
    sheet = SheetLayout(wb, _("报送情况"), heading, subtitle, header, widths)
    sheet.header_row()
    total_on_time = total_due = 0
    for unit in data.units:
        on_time, due = data.on_time(unit)
        total_on_time += on_time
        total_due += due
        rate = _rate(on_time, due)
        cells = sheet.data_row(
            [unit.name, *[""] * len(data.months), on_time, due, rate if rate is not None else DASH],
            formats={len(data.months) + 3: PERCENT_FORMAT},
        )
        for offset, month in enumerate(data.months, start=2):
            report = data.reports.get((unit.pk, month))
            state, label = shown_timeliness(submission_state(data.plan, month, report, today=data.today), report)
            cell = write_cell(sheet.ws, cells[0].row, offset, label)
            cell.style = submission_style(state)
    rate = _rate(total_on_time, total_due)
    cells = sheet.data_row(
        [_("合计"), *[""] * len(data.months), total_on_time, total_due, rate if rate is not None else DASH],
        formats={len(data.months) + 3: PERCENT_FORMAT},
    )
    for cell in cells:
        cell.font = BOLD
    sheet.finish()
    return sheet.ws
