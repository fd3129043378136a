"""The weekly bulletin as a Word 通报 (武科技通〔2023〕第20期), from the weekly email's context."""

from django.utils import translation
from django.utils.translation import gettext as _

from reports.notices.layout import Notice, chinese_date
from reports.notices.parts import behind_table, ranking_table, status_sentence, total_sentence
from reports.reminders.bulletins import weekly_context
from tasks.calendar import local_today


def weekly_number(period):
    """武科技通〔2023〕第20期: the ISO year and week of the bulletin's week."""
    return _("武科技通〔%(year)s〕第%(week)s期") % {"year": period.year, "week": period.first_day.isocalendar()[1]}


def weekly_filename(period):
    return _("每周通报-%(code)s.docx") % {"code": period.code}


def weekly_title(plan, context):
    return _("关于《%(plan)s》%(period)s调度情况的通报") % {"plan": plan.title, "period": context["period_in_plan"]}


def _month(month):
    return _("%(month)s月") % {"month": month}


def _reports_sentence(reports, empty):
    if not reports:
        return empty
    return "、".join(f"{report.unit.name}（{_month(report.month)}）" for report in reports)


def weekly_notice(plan, period, context=None, today=None):
    """The .docx bytes of the bulletin of `period` (a week); `context` as weekly_context gives it."""
    with translation.override("zh-hans"):
        context = context or weekly_context(plan, period)
        notice = Notice(weekly_title(plan, context), weekly_number(period), _("武汉市科技创新工作要点调度通报"))
        notice.addressee(_("各有关单位："))
        notice.body(_("现将《%(plan)s》%(period)s调度情况通报如下。") % {
            "plan": plan.title, "period": context["period_in_plan"]})
        if context.get("stale_note"):
            notice.body(context["stale_note"])

        notice.heading(_("一、本周报送和审核情况"))
        notice.body(_("本周报送%(submitted)s份：%(names)s。") % {
            "submitted": len(context["submitted"]), "names": _reports_sentence(context["submitted"], _("无"))})
        notice.body(_("本周审核通过%(approved)s份：%(names)s。") % {
            "approved": len(context["approved"]), "names": _reports_sentence(context["approved"], _("无"))})

        notice.heading(_("二、指标进展（截至%(month)s）") % {"month": context["status_month"].label})
        notice.body(status_sentence(context))
        changes = context["status_changes"]
        if changes:
            notice.body(_("本周状态变化：%(changes)s。") % {"changes": "；".join(
                _("%(target)s由%(before)s转为%(after)s") % {
                    "target": f"{c['target'].code} {c['target'].name}", "before": c["before"].status_label,
                    "after": c["after"].status_label}
                for c in changes)})
        else:
            notice.body(_("本周没有指标状态发生变化。"))
        notice.subheading(_("（一）滞后指标（%(count)s项）") % {"count": len(context["behind_targets"])})
        behind_table(notice, context["behind_targets"])

        notice.heading(_("三、逾期未报送单位（%(count)s家）") % {"count": len(context["overdue_units"])})
        rows = [
            [index, row.unit.name, "、".join(
                _month(m.month) + (_("（已退回）") if m.returned else "") for m in row.months)]
            for index, row in enumerate(context["overdue_units"], start=1)
        ]
        notice.table([_("序号"), _("单位"), _("逾期未报送月份")], rows, [14, 66, 76], _("没有逾期未报送的单位。"))

        notice.heading(_("四、按时报送排名"))
        notice.body(total_sentence(context))
        ranking_table(notice, context["ranking"])

        notice.body(_("数据为%(today)s生成时的最新数据，指标数值为已审核数。") % {
            "today": chinese_date(today or local_today())})
        notice.signature(_("武汉市科学技术局"), chinese_date(today or local_today()))
        return notice.bytes()
