"""Three years of 技术合同成交额 (T10: monthly, cumulative, reported by 市科技局), for the tests of a
target across the years and of the monthly profile learned from them.

- 2022 (copied from 2023, published): reported only in March, June, September and December —
  180, 480, 840, 1,200 (15%, 40%, 70%, 100% of its December figure);
- 2023 (the fixture): every month — 40, 100, 180, 280, 380, 480, 560, 640, 720, 800, 900, 1,000
  (4%, 10%, 18%, 28% … 100%);
- 2024 (copied, published, the current plan; target 1,450亿元 as in 2023): 60, 150, 250 to March.
"""

from decimal import Decimal

from targets import plan_authoring
from targets.models import Target
from targets.standing_store import refresh_plan
from tests import dashboard_seed
from tests.personas import PersonasTestCase

T10_2022 = {3: 180, 6: 480, 9: 840, 12: 1200}
T10_2023 = {1: 40, 2: 100, 3: 180, 4: 280, 5: 380, 6: 480, 7: 560, 8: 640, 9: 720, 10: 800, 11: 900, 12: 1000}
T10_2024 = {1: 60, 2: 150, 3: 250}


def copy_year(source, year, staff, publish=True):
    plan = plan_authoring.copy_plan(source, year=year, code=str(year), title=f"{year}年工作要点", user=staff)
    if publish:
        plan = plan_authoring.publish_plan(plan, staff)
    return plan


def report_values(plan, code, values, staff):
    """Approved reports of 市科技局 for the months of `values`, with the target's figure in each."""
    target = Target.objects.get(plan=plan, code=code)
    for month, number in values.items():
        report = dashboard_seed.report(plan, target.reporting_unit, month, submitted_by=staff, reviewed_by=staff)
        dashboard_seed.value(report, target, Decimal(number), user=staff)
    refresh_plan(plan)
    return target


class ThreeYearsTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan_2022 = copy_year(cls.plan, 2022, cls.staff)
        cls.plan_2024 = copy_year(cls.plan, 2024, cls.staff)
        cls.t10_2022 = report_values(cls.plan_2022, "T10", T10_2022, cls.staff)
        cls.t10_2023 = report_values(cls.plan, "T10", T10_2023, cls.staff)
        cls.t10 = report_values(cls.plan_2024, "T10", T10_2024, cls.staff)
