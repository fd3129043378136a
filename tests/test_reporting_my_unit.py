"""/reporting/ — a liaison's "my unit this month" page."""

import datetime

import time_machine

from reporting import services
from tasks.models import MonthlyReport
from tests.reporting_base import ReportingTestCase

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
URL = "/reporting/"


@time_machine.travel(datetime.datetime(2023, 4, 3, 10, tzinfo=SHANGHAI), tick=False)
class MyUnitTests(ReportingTestCase):
    def test_it_shows_what_is_due_missing_and_the_deadline(self):
        services.save_target_value(self.jrj_report, self.fund_size, value="10", user=self.jrj_liaison)
        self.login(self.jrj_liaison)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "本月应报：3月")
        self.assertContains(response, "2023年4月6日")  # 5 April is 清明, a holiday
        due = response.context["due"]
        self.assertEqual([t.code for t in due["missing_targets"]], ["T16", "T17", "T18"])
        self.assertEqual([t.number for t in due["missing_tasks"]], [19, 21])
        self.assertContains(response, "T16 科技贷款余额增幅")
        self.assertNotContains(response, "T43 武创科技成果转化基金规模</li>")

    def test_it_shows_a_district_the_tasks_of_its_group(self):
        self.login(self.hongshan_liaison)
        response = self.client.get(URL)
        self.assertIn(13, [t.number for t in response.context["due"]["missing_tasks"]])  # 各区人民政府's task

    def test_it_shows_what_was_returned_and_why(self):
        report = self.submitted(self.jxj_report, self.jxj_liaison)
        services.return_report(report, self.staff, "请补充任务7的签约金额。")
        self.login(self.jxj_liaison)
        response = self.client.get(URL)
        self.assertContains(response, "3月报送已退回")
        self.assertContains(response, "请补充任务7的签约金额。")

    def test_it_shows_a_missing_month_after_its_deadline(self):
        # March is due on 6 April (5 April is 清明): still not late on the 6th, missing on the 7th.
        with time_machine.travel(datetime.datetime(2023, 4, 6, 10, tzinfo=SHANGHAI), tick=False):
            self.login(self.jxj_liaison)
            response = self.client.get(URL)
        self.assertNotContains(response, "已逾期")
        self.assertEqual(response.context["months"][2]["state"], "not_due")
        with time_machine.travel(datetime.datetime(2023, 4, 7, 10, tzinfo=SHANGHAI), tick=False):
            self.login(self.jxj_liaison)  # a session started days ago would have timed out
            response = self.client.get(URL)
        self.assertContains(response, "已逾期")
        months = response.context["months"]
        self.assertEqual(months[2]["state"], "missing")
        self.assertEqual(months[3]["state"], "not_due")

    def test_it_sends_staff_and_leaders_to_their_pages(self):
        self.login(self.staff)
        self.assertRedirects(self.client.get(URL), "/reporting/review/")
        self.login(self.leader)
        self.assertRedirects(self.client.get(URL), "/reporting/grid/")

    def test_it_refuses_users_without_a_role_and_anonymous(self):
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])
        self.login(self.outsider)
        self.assertEqual(self.client.get(URL).status_code, 403)

    def test_it_refuses_post(self):
        self.login(self.jxj_liaison)
        self.assertEqual(self.client.post(URL).status_code, 405)

    def test_it_uses_a_constant_number_of_queries(self):
        self.login(self.jxj_liaison)
        self.client.get(URL)  # warm up: session, content types
        with self.assertNumQueries(self._queries()):
            self.client.get(URL)
        for month in range(1, 13):
            report = services.get_or_create_report(self.plan, self.jxj, month)
            services.save_progress(report, self.jxj_task, **self.progress_data(), user=self.jxj_liaison)
        MonthlyReport.objects.filter(unit=self.jxj, month__lt=3).update(status="returned", return_reason="x")
        with self.assertNumQueries(self._queries()):
            self.client.get(URL)

    def _queries(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        if not hasattr(self, "_baseline"):
            with CaptureQueriesContext(connection) as ctx:
                self.client.get(URL)
            self._baseline = len(ctx.captured_queries)
        return self._baseline
