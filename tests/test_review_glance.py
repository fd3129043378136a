"""Reviewing a report at a glance (issue 18): the staff decision (审核通过 / 退回) first on the page,
and beside each figure its change since the unit's previous approved month."""

from decimal import Decimal

from reporting import services
from reporting.figure_changes import change_words
from targets.models import TargetValue
from tasks.models import MonthlyReport
from tests.reporting_base import ReportingTestCase


class ReviewAtAGlanceTests(ReportingTestCase):
    def setUp(self):
        # February approved with T43 at 8.5 (the fill puts every other figure at its target)
        self.february = services.get_or_create_report(self.plan, self.jrj, 2)
        self.fill(self.february, self.jrj_liaison)
        services.save_target_value(
            self.february, self.fund_size, value="8.5", user=self.jrj_liaison, expected_version=1
        )
        services.submit_report(MonthlyReport.objects.get(pk=self.february.pk), self.jrj_liaison)
        services.approve_reports([MonthlyReport.objects.get(pk=self.february.pk)], self.staff)
        # March: T43 at 21, submitted
        self.fill(self.jrj_report, self.jrj_liaison)
        services.save_target_value(
            self.jrj_report, self.fund_size, value="21", user=self.jrj_liaison, expected_version=1
        )
        services.submit_report(MonthlyReport.objects.get(pk=self.jrj_report.pk), self.jrj_liaison)

    def test_the_decision_block_comes_before_the_figures(self):
        self.login(self.staff)
        html = self.client.get(f"/reporting/{self.jrj_report.pk}/").content.decode()
        self.assertIn('id="review"', html)
        self.assertLess(html.index('id="review"'), html.index('id="report-status"'))
        self.assertLess(html.index('id="review"'), html.index('id="values"'))
        self.assertLess(html.index("审核通过"), html.index("武创科技成果转化基金规模"))
        self.assertLess(html.index('id="return"'), html.index('id="task-19"'))

    def test_each_figure_shows_its_change_since_the_previous_approved_month(self):
        self.login(self.staff)
        response = self.client.get(f"/reporting/{self.jrj_report.pk}/")
        row = next(r for r in response.context["value_rows"] if r["target"].code == "T43")
        self.assertEqual(row["change"], "较上月 +12.5")  # 21 − 8.5
        self.assertContains(response, '<td class="num change">较上月 +12.5</td>', html=True)

    def test_a_draft_month_between_is_skipped_and_the_page_names_the_month_compared(self):
        april = services.get_or_create_report(self.plan, self.jrj, 4)
        services.save_target_value(april, self.fund_size, value="20", user=self.jrj_liaison)
        approved_before = TargetValue.objects.get(target=self.fund_size, month=2)
        self.assertEqual(change_words(TargetValue.objects.get(report=april, target=self.fund_size), approved_before, 4),
                         "较2月 +11.5")  # March is submitted, not approved: February is compared

    def test_a_decrease_and_no_change_are_worded(self):
        before = TargetValue(value=Decimal("10"), month=2)
        self.assertEqual(change_words(TargetValue(value=Decimal("7.25")), before, 3), "较上月 −2.75")
        self.assertEqual(change_words(TargetValue(value=Decimal("10")), before, 3), "较上月 ±0")
        self.assertEqual(change_words(TargetValue(value=Decimal("10")), None, 3), "")

    def test_the_approval_from_the_top_returns_to_the_report_with_a_link_to_the_queue(self):
        self.login(self.staff)
        response = self.client.post("/reporting/review/approve/", {"only": self.jrj_report.pk, "back": "report"},
                                    follow=True)
        self.assertRedirects(response, f"/reporting/{self.jrj_report.pk}/")
        self.assertContains(response, '<a class="next-step" href="/reporting/review/">返回报送审核</a>', html=True)
        self.assertEqual(MonthlyReport.objects.get(pk=self.jrj_report.pk).status, MonthlyReport.Status.APPROVED)
