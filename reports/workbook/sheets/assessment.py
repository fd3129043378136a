"""The sheet 考核评比: every reporting unit's score for the quarter, its rank and what cost it points,
as the ranking page shows it (reports/assessment/rules.py computes it once for both)."""

from django.utils.translation import gettext as _

from reports.assessment.rules import score_units
from reports.assessment.scores import WEIGHT_FIELD, Component
from reports.models import AssessmentRules
from reports.workbook.styles import DASH, SheetLayout

POINTS_FORMAT = "0.0"
EVENTS_SHOWN = 3  # the largest deductions; the ranking page lists every event


def _deductions(score):
    """The unit's largest deductions, "3月报送逾期（-15.0）；…", or the dash."""
    events = sorted((e for c in score.components.values() for e in c.events if e.lost), key=lambda e: -e.lost)
    if not events:
        return DASH
    return "；".join(_("%(text)s（%(points)s）") % {"text": e.text, "points": e.points} for e in events[:EVENTS_SHOWN])


def assessment_sheet(wb, data, heading):
    rules = AssessmentRules.current()
    scores, _read = score_units(data.plan, data.months, rules, data.today)
    components = list(Component)
    header = [_("名次"), _("单位"), _("总分")]
    header += [_("%(component)s（%(weight)s分）") % {"component": c.label, "weight": getattr(rules, WEIGHT_FIELD[c])}
               for c in components]
    header.append(_("主要扣分事项"))
    widths = [5, 18, 7, *[10] * len(components), 40]
    subtitle = _("按“考核评比”页面设置的权重和规则计算本季度各单位得分；同分并列，名次相同。各项扣分明细见系统“考核评比”页面。")
    sheet = SheetLayout(wb, _("考核评比"), heading, subtitle, header, widths)
    sheet.header_row()
    formats = {index: POINTS_FORMAT for index in range(2, 3 + len(components))}
    for score in scores:
        sheet.data_row(
            [score.rank, score.unit.name, score.total, *[score.points(c) for c in components], _deductions(score)],
            formats=formats,
        )
    sheet.finish()
    return sheet.ws
