"""The quarterly coordination summary as a Word 通报 (武科技协〔2023〕第3期), from the quarterly email's
context: the headline figures, targets and tasks behind, the matters for city-level coordination,
the units late, the ranking of units by on-time reporting and the quarter's assessment (考核评比)."""

from django.utils import translation
from django.utils.translation import gettext as _

from reports.notices.layout import Notice, chinese_date
from reports.notices.parts import assessment_table, behind_table, ranking_table, status_sentence, total_sentence
from reports.reminders.bulletins import quarterly_context
from tasks.calendar import local_today


def quarterly_number(period):
    return _("武科技协〔%(year)s〕第%(quarter)s期") % {"year": period.year, "quarter": period.quarter}


def quarterly_filename(plan, period):
    return _("季度调度通报-%(year)sQ%(quarter)s.docx") % {"year": plan.year, "quarter": period.quarter}


def quarterly_title(plan, context):
    return _("关于《%(plan)s》%(period)s调度情况的通报") % {"plan": plan.title, "period": context["period_in_plan"]}


def _month(month):
    return _("%(month)s月") % {"month": month}


def quarterly_notice(plan, period, context=None, today=None):
    """The .docx bytes of the quarter's summary; `context` as quarterly_context gives it."""
    with translation.override("zh-hans"):
        context = context or quarterly_context(plan, period)
        notice = Notice(quarterly_title(plan, context), quarterly_number(period), _("武汉市科技创新工作要点调度通报"))
        notice.addressee(_("市推进科创中心建设领导小组各成员单位，各有关单位："))
        first, last = period.months[0], period.months[-1]
        notice.body(_("现将《%(plan)s》%(period)s（%(first)s—%(last)s月）落实情况和需市级协调事项通报如下。") % {
            "plan": plan.title, "period": context["period_in_plan"], "first": first, "last": last})
        if context.get("stale_note"):
            notice.body(context["stale_note"])

        notice.heading(_("一、总体情况"))
        notice.body(_("截至%(month)s月底，%(counts)s") % {"month": last, "counts": status_sentence(context)})
        tasks = context["behind_tasks"]
        notice.body(_("%(total)s项重点任务中，滞后%(count)s项。") % {
            "total": context["task_count"], "count": len(tasks)})
        notice.body(total_sentence(context))
        notice.body(_("本季度需市级协调事项%(count)s项，其中未办结%(open)s项。") % {
            "count": len(context["coordination_items"]), "open": len(context["open_items"])})

        notice.heading(_("二、滞后指标（%(count)s项）") % {"count": len(context["behind_targets"])})
        behind_table(notice, context["behind_targets"])

        notice.heading(_("三、滞后重点任务（%(count)s项）") % {"count": len(tasks)})
        rows = [[index, f"{s.task.number}. {s.task.title}", s.status_label] for index, s in enumerate(tasks, start=1)]
        notice.table([_("序号"), _("重点任务"), _("状态")], rows, [14, 116, 26], _("没有滞后的重点任务。"))

        notice.heading(_("四、需市级协调事项（%(count)s项）") % {"count": len(context["coordination_items"])})
        rows = [
            [index, item.report.unit.name, _month(item.report.month), f"{item.task.number}. {item.task.title}",
             item.coordination_matter, _("已办结") if item.coordination_closed else _("未办结")]
            for index, item in enumerate(context["coordination_items"], start=1)
        ]
        notice.table([_("序号"), _("单位"), _("月份"), _("任务"), _("协调事项"), _("办理情况")], rows,
                     [11, 27, 14, 36, 50, 18], _("本季度没有需市级协调的事项。"))

        notice.heading(_("五、未按时报送单位（%(count)s家）") % {"count": len(context["late_units"])})
        rows = [
            [index, row.unit.name, "、".join(_month(m) for m in row.late_months)]
            for index, row in enumerate(context["late_units"], start=1)
        ]
        notice.table([_("序号"), _("单位"), _("未按时报送月份")], rows, [14, 66, 76], _("各单位均按时报送。"))

        notice.heading(_("六、按时报送排名"))
        ranking_table(notice, context["ranking"])

        notice.heading(_("七、考核评比"))
        notice.body(_("按“考核评比”规则（报送及时性、完整性、质量，工作进展，督办落实）计算本季度各单位得分，同分并列。"))
        assessment_table(notice, context["assessment"])

        day = today or local_today()
        notice.body(_("数据为%(today)s生成时的最新数据，指标数值为已审核数。") % {"today": chinese_date(day)})
        notice.signature(_("武汉市科学技术局"), chinese_date(day))
        return notice.bytes()
