"""The data the email and 通报 tests read, with every figure they check worked out by hand.

2023 plan. 市科技局 (kjj) reports T10 技术合同成交额 (monthly, 突破1450亿元, task 11) and T42
专业型众创孵化载体比例提升 (a rate, monthly, 提升5%, task 20).

- kjj: March approved (submitted 4 April, due 6 April: on time); April approved (submitted 4 May,
  due 5 May: on time, T10 = 400); May submitted 2 June 10:00 and approved 3 June 11:00 (in week 22,
  29 May – 4 June; T10 = 700, T42 = 4.5). 需市级协调 in April, closed.
- jxj (市经信局): March submitted 3 April (on time) and returned, not resubmitted; April submitted
  20 May, late; May submitted 26 May (on time) and returned.
- hongshan (洪山区人民政府): May submitted 8 June, late, not yet reviewed, with an open 需市级协调 item.
- every other reporting unit: nothing.

Standings (May and June): T10 700 ÷ 1450 = 48.3 % at May's 41.7 % → 正常 (in April 27.6 % at 33.3 % →
滞后); T42 4.5 % against 5 %: 0.5 points below, 90 % of the way at 100 % expected → 滞后 (≤ 20 points).
"""

import html as html_lib
import re
from decimal import Decimal

from targets.models import Target, TargetValue
from targets.standing_store import refresh_plan
from tasks.models import MonthlyReport, ProgressReport
from tests.personas import PersonasTestCase
from tests.reminders_support import at, report
from units.accounts import create_account
from units.models import Membership

Status = MonthlyReport.Status
APPROVED, SUBMITTED, RETURNED = Status.APPROVED, Status.SUBMITTED, Status.RETURNED


class EmailDataTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        plan = cls.plan
        cls.named_staff = create_account("zhang", Membership.Role.STAFF, cls.kjj, email="zhang@example.gov.cn",
                                         full_name="张科员")
        cls.named_leader = create_account("li", Membership.Role.LEADER, None, email="li@example.gov.cn",
                                          full_name="李主任")
        cls.t10 = Target.objects.get(plan=plan, code="T10")
        cls.t42 = Target.objects.get(plan=plan, code="T42")
        report(plan, cls.kjj, 3, APPROVED, submitted_at=at(2023, 4, 4), reviewed_at=at(2023, 4, 5))
        april = report(plan, cls.kjj, 4, APPROVED, submitted_at=at(2023, 5, 4), reviewed_at=at(2023, 5, 5))
        TargetValue.objects.create(target=cls.t10, unit=cls.kjj, report=april, month=4, value=Decimal("400"))
        ProgressReport.objects.create(report=april, task=plan.tasks.get(number=11), work_done="四月进展",
                                      needs_coordination=True, coordination_matter="协调技术转移机构场地",
                                      coordination_closed=True)
        may = report(plan, cls.kjj, 5, APPROVED, submitted_at=at(2023, 6, 2, 10, 0), reviewed_at=at(2023, 6, 3, 11, 0))
        TargetValue.objects.create(target=cls.t10, unit=cls.kjj, report=may, month=5, value=Decimal("700"))
        TargetValue.objects.create(target=cls.t42, unit=cls.kjj, report=may, month=5, value=Decimal("4.5"))
        report(plan, cls.jxj, 3, RETURNED, submitted_at=at(2023, 4, 3))
        report(plan, cls.jxj, 4, SUBMITTED, submitted_at=at(2023, 5, 20), is_late=True)
        report(plan, cls.jxj, 5, RETURNED, submitted_at=at(2023, 5, 26))
        hongshan_may = report(plan, cls.hongshan, 5, SUBMITTED, submitted_at=at(2023, 6, 8), is_late=True)
        ProgressReport.objects.create(report=hongshan_may, task=plan.tasks.get(number=20), work_done="五月进展",
                                      needs_coordination=True, coordination_matter="协调孵化载体用地")
        refresh_plan(plan)  # reports made behind the write path's back


def html_text(html):
    """What a reader sees of an HTML part: tags dropped, entities decoded, no whitespace."""
    body = html.split("<body", 1)[-1]
    return re.sub(r"\s+", "", html_lib.unescape(re.sub(r"<[^>]+>", "", body)))


def lines_missing_from_html(text, html, skip=("http",)):
    """The lines of the text part whose words the HTML part does not say (list markers ignored)."""
    seen = html_text(html)
    missing = []
    for line in text.splitlines():
        words = re.sub(r"\s+", "", line.strip().removeprefix("- ")).rstrip("：")  # a heading's colon
        if words and not any(s in line for s in skip) and words not in seen:
            missing.append(line)
    return missing
