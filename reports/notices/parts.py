"""What both 通报 print alike: the status counts as a sentence, the tables of targets behind and of
late units, the ranking of units by on-time reporting (from reports/reminders/bulletins.py), and the
quarter's assessment (考核评比)."""

from django.utils.translation import gettext as _

from reports.assessment.scores import Component


def status_sentence(context):
    """N项指标中，已完成a项，正常b项，…。"""
    parts = [
        _("%(label)s%(count)s项") % {"label": row["label"], "count": row["count"]} for row in context["status_counts"]
    ]
    return _("%(total)s项指标中，%(parts)s。") % {"total": context["target_count"], "parts": "，".join(parts)}


def behind_table(notice, standings):
    header = [_("序号"), _("编号"), _("指标"), _("目标"), _("进展"), _("状态"), _("报送单位")]
    rows = [
        [
            index, s.target.code, s.target.name, s.target.wording, s.summary, s.status_label,
            s.target.reporting_unit.name,
        ]
        for index, s in enumerate(standings, start=1)
    ]
    return notice.table(header, rows, [13, 13, 30, 24, 42, 14, 20], _("没有滞后的指标。"))


def rate_text(rate):
    return "—" if rate is None else f"{rate:.1f}%"  # one decimal, as the workbook shows rates


def ranking_table(notice, ranking):
    header = [_("名次"), _("单位"), _("按时报送（月）"), _("应报送（月）"), _("按时报送率")]
    rows = [
        [row.rank, row.unit.name, row.on_time, row.due, rate_text(row.rate)] for row in ranking if row.due
    ]
    return notice.table(header, rows, [14, 58, 28, 28, 28], _("尚无到期的报送。"))


def assessment_table(notice, scores):
    """The quarter's 考核评比 (reports/assessment/rules.py): rank, unit, total and the five components."""
    header = [_("名次"), _("单位"), _("总分"), _("及时性"), _("完整性"), _("质量"), _("进展"), _("督办")]
    rows = [
        [score.rank, score.unit.name, score.total, *(score.points(c) for c in Component)] for score in scores
    ]
    return notice.table(header, rows, [12, 45, 14, 17, 17, 17, 17, 17], _("尚无可评比的单位。"))


def total_sentence(context):
    on_time, due, rate = context["on_time_total"]
    return _("各单位应报送%(due)s个月次，按时报送%(on_time)s个月次，按时报送率%(rate)s。") % {
        "due": due, "on_time": on_time, "rate": rate_text(rate),
    }
