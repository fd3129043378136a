"""The dashboard's default month (targets/asof.py): the latest complete month, never the newest approval."""

import datetime

from django.test import RequestFactory

from targets.asof import as_of_month, default_month
from tasks.models import MonthlyReport, ReportingMonthClosure
from tasks.reporting import reporting_units
from tests import dashboard_seed
from tests.personas import PersonasTestCase

AFTER_THE_YEAR = datetime.date(2026, 12, 1)


class DefaultMonthTest(PersonasTestCase):
    def approve_everyone(self, month):
        for unit in reporting_units(self.plan):
            dashboard_seed.report(self.plan, unit, month)

    def test_it_opens_on_january_while_the_first_month_is_open(self):
        # January's report is due on 2023-02-06 (the 5th is a Sunday): on 20 January nothing is past due.
        self.assertEqual(default_month(self.plan, datetime.date(2023, 1, 20)), (1, "默认：尚无月份过报送期限，显示1月"))
        self.assertEqual(default_month(self.plan, datetime.date(2022, 12, 1))[0], 1)

    def test_it_shows_the_latest_month_past_its_due_date_before_any_is_complete(self):
        # 20 May 2023: April's report was due on 5 May (a working day), May's is not yet due.
        month, reason = default_month(self.plan, datetime.date(2023, 5, 20))
        self.assertEqual((month, str(reason)), (4, "默认：尚无报送完成的月份，显示最近一个已过报送期限的月份"))
        # 6 February 2023 is January's (moved) due date itself: not yet past.
        self.assertEqual(default_month(self.plan, datetime.date(2023, 2, 6))[0], 1)

    def test_it_shows_the_latest_complete_month_not_the_newest_approval(self):
        self.approve_everyone(1)
        self.approve_everyone(2)
        dashboard_seed.report(self.plan, self.kjj, 3)  # one unit's March: March is not complete
        month, reason = default_month(self.plan, AFTER_THE_YEAR)
        self.assertEqual((month, str(reason)), (2, "默认：最近一个报送完成的月份"))

    def test_it_moves_on_when_staff_close_a_month(self):
        self.approve_everyone(1)
        dashboard_seed.report(self.plan, self.kjj, 3)
        ReportingMonthClosure.objects.create(plan=self.plan, month=3, closed_by=self.staff)
        month, reason = default_month(self.plan, AFTER_THE_YEAR)
        self.assertEqual((month, str(reason)), (3, "默认：最近一个已关闭的报送月份"))

    def test_it_counts_a_submitted_but_unapproved_report_as_incomplete(self):
        units = list(reporting_units(self.plan))
        for unit in units[1:]:
            dashboard_seed.report(self.plan, unit, 1)
        dashboard_seed.report(self.plan, units[0], 1, status=MonthlyReport.Status.SUBMITTED)
        self.assertEqual(default_month(self.plan, datetime.date(2023, 2, 20))[0], 1)  # past due, not complete
        self.assertIn("尚无报送完成", str(default_month(self.plan, datetime.date(2023, 2, 20))[1]))

    def test_it_reads_the_month_from_the_query_and_rejects_bad_input(self):
        factory = RequestFactory()
        picked = as_of_month(factory.get("/", {"month": "7"}), self.plan, today=AFTER_THE_YEAR)
        self.assertEqual((picked.month, str(picked.reason)), (7, "按所选月份显示"))
        for bad in ("13", "0", "abc", "5.5"):
            as_of = as_of_month(factory.get("/", {"month": bad}), self.plan, today=AFTER_THE_YEAR)
            self.assertEqual(as_of.month, 12)  # every month past due, none complete
            self.assertIn("月份须为 1 至 12 的整数", str(as_of.error))

    def test_the_overview_says_which_month_it_shows_and_why(self):
        self.approve_everyone(1)
        self.client.force_login(self.leader)
        response = self.client.get("/")
        self.assertContains(response, "默认：最近一个报送完成的月份")
        self.assertContains(response, '<option value="1" selected>1月（默认）</option>', html=True)
