"""The sheets 领导批示落实情况 (leaders' instructions and the units' replies) and 督办通知 (the urging
notices): those of the quarter and those still open, carried until closed."""

from django.utils import timezone
from django.utils.translation import gettext as _

from reports.workbook.styles import DASH, SheetLayout

DATE_FORMAT = "yyyy-mm-dd"


def _day(moment):
    """A stored datetime as its local date (a date cell), or the dash."""
    return timezone.localtime(moment).date() if moment else DASH


def latest_reply(instruction):
    """"单位（日期）：办理情况" of the unit that replied last, or the dash."""
    replied = [a for a in instruction.assignments.all() if a.replied_at]
    if not replied:
        return DASH
    last = max(replied, key=lambda assignment: assignment.replied_at)
    return _("%(unit)s（%(day)s）：%(reply)s") % {
        "unit": last.unit.name, "day": _day(last.replied_at).isoformat(), "reply": last.reply}


def instructions_sheet(wb, data, heading):
    header = [_("序号"), _("批示日期"), _("批示领导"), _("批示事项"), _("批示内容"), _("承办单位"), _("状态"),
              _("最新办理情况")]
    widths = [5, 11, 9, 20, 30, 14, 7, 30]
    subtitle = _("本季度的领导批示，以及此前尚未办结的批示；状态：待办（承办单位尚未回复）、办理中、已办结。")
    sheet = SheetLayout(wb, _("领导批示落实情况"), heading, subtitle, header, widths)
    sheet.header_row()
    for number, instruction in enumerate(data.instructions, start=1):
        sheet.data_row(
            [
                number, instruction.instructed_on, instruction.leader_name, instruction.item_label, instruction.text,
                "、".join(assignment.unit.name for assignment in instruction.assignments.all()),
                instruction.get_status_display(), latest_reply(instruction),
            ],
            formats={1: DATE_FORMAT},
        )
    if not data.instructions:
        sheet.data_row(["", "", "", "", _("本季度没有领导批示。"), "", "", ""])
    sheet.finish()
    return sheet.ws


def _about(notice):
    if notice.target_id:
        return _("指标 %(code)s %(name)s（%(cause)s）") % {
            "code": notice.target.code, "name": notice.target.name, "cause": notice.get_cause_display()}
    return _("%(month)s月工作进展（%(cause)s）") % {"month": notice.month, "cause": notice.get_cause_display()}


def notices_sheet(wb, data, heading):
    header = [_("序号"), _("编号"), _("类别"), _("单位"), _("事由"), _("印发日期"), _("办理期限"), _("状态"),
              _("签收日期"), _("回复日期"), _("办结日期")]
    widths = [5, 16, 7, 14, 26, 10, 10, 7, 10, 10, 10]
    subtitle = _("本季度印发的催办单、督办单，以及此前尚未办结的通知。")
    sheet = SheetLayout(wb, _("督办通知"), heading, subtitle, header, widths)
    sheet.header_row()
    dates = {index: DATE_FORMAT for index in (5, 6, 8, 9, 10)}
    for number, notice in enumerate(data.notices, start=1):
        sheet.data_row(
            [
                number, notice.number, notice.get_kind_display(), notice.unit.name, _about(notice),
                notice.issued_on, notice.deadline, notice.get_status_display(),
                _day(notice.signed_at), _day(notice.replied_at), _day(notice.closed_at),
            ],
            formats=dates,
        )
    if not data.notices:
        sheet.data_row(["", "", "", "", _("本季度没有督办通知。"), "", "", "", "", "", ""])
    sheet.finish()
    return sheet.ws
