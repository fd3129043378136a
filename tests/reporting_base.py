"""Shared set-up for the monthly reporting tests (tests/test_reporting_*.py).

Adds to the personas a liaison of 市地方金融局 (jrj), which reports targets of both kinds
(T16 科技贷款余额增幅, a rate; T43 武创科技成果转化基金规模, a stock), since 市经信局 reports
progress only.
"""

from decimal import Decimal

from reporting import services
from targets.models import Target
from tasks.models import MonthlyReport, ProgressReport
from tasks.reporting import targets_for_unit, tasks_for_unit
from tests.personas import PASSWORD, PersonasTestCase
from units.accounts import create_account
from units.models import Membership, Unit


class ReportingTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.jrj = Unit.objects.get(code="jrj")
        cls.jrj_liaison = create_account(
            "jrj_liaison", Membership.Role.LIAISON, cls.jrj, PASSWORD, email="jrj@example.gov.cn"
        )
        cls.loan_growth = Target.objects.get(plan=cls.plan, code="T16")  # rate, 10 %
        cls.fund_size = Target.objects.get(plan=cls.plan, code="T43")  # stock, 30 亿元
        cls.jxj_report = services.get_or_create_report(cls.plan, cls.jxj, 3)
        cls.hongshan_report = services.get_or_create_report(cls.plan, cls.hongshan, 3)
        cls.jrj_report = services.get_or_create_report(cls.plan, cls.jrj, 3)
        cls.jxj_task = cls.plan.tasks.get(number=7)

    def login(self, user):
        self.client.force_login(user)

    @staticmethod
    def progress_data(**overrides):
        data = {
            "work_done": "召开推进会2次，走访企业5家。",
            "problems": "",
            "next_steps": "下月继续推进。",
            "self_status": ProgressReport.SelfStatus.ON_TRACK,
            "needs_coordination": False,
            "coordination_matter": "",
        }
        data.update(overrides)
        return data

    def fill(self, report, user):
        """Enter a value for each of the report's targets (on its expected path) and progress on each task."""
        report = MonthlyReport.objects.get(pk=report.pk)
        for target in targets_for_unit(report.plan, report.unit):
            services.save_target_value(report, target, value=target.value, source="测试", user=user)
        for task in tasks_for_unit(report.plan, report.unit):
            services.save_progress(report, task, **self.progress_data(), user=user)
        return report

    def submitted(self, report, user):
        self.fill(report, user)
        return services.submit_report(MonthlyReport.objects.get(pk=report.pk), user)

    def approved(self, report, user):
        self.submitted(report, user)
        return services.approve_reports([MonthlyReport.objects.get(pk=report.pk)], self.staff)[0]


D = Decimal
