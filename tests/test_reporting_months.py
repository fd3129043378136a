"""/reporting/months/ — bureau staff close and open reporting months."""

from reporting import services
from tasks.models import ReportingMonthClosure
from tests.reporting_base import ReportingTestCase

URL = "/reporting/months/"


class MonthsTests(ReportingTestCase):
    def test_it_lists_months_with_their_state(self):
        services.close_month(self.plan, 2, self.staff)
        self.login(self.staff)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "已关闭")
        self.assertContains(response, 'action="/reporting/months/2/open/"')
        self.assertContains(response, 'action="/reporting/months/3/close/"')

    def test_it_closes_a_month_and_locks_its_reports(self):
        self.login(self.staff)
        self.assertRedirects(self.client.post("/reporting/months/3/close/"), URL)
        self.assertTrue(ReportingMonthClosure.objects.filter(plan=self.plan, month=3, closed_by=self.staff).exists())
        closed = ReportingMonthClosure.history.get(month=3)
        self.assertEqual((closed.history_type, closed.history_user), ("+", self.staff))
        self.login(self.jxj_liaison)
        self.assertEqual(self.client.get(f"/reporting/{self.jxj_report.pk}/tasks/7/").status_code, 403)
        self.assertContains(self.client.get(f"/reporting/{self.jxj_report.pk}/"), "本月报送已关闭")

    def test_it_opens_a_closed_month(self):
        services.close_month(self.plan, 3, self.staff)
        self.login(self.staff)
        self.client.post("/reporting/months/3/open/")
        self.assertFalse(ReportingMonthClosure.objects.exists())
        self.login(self.jxj_liaison)
        self.assertEqual(self.client.get(f"/reporting/{self.jxj_report.pk}/tasks/7/").status_code, 200)

    def test_it_404s_a_month_outside_the_year(self):
        self.login(self.staff)
        self.assertEqual(self.client.post("/reporting/months/13/close/").status_code, 404)
        self.assertFalse(ReportingMonthClosure.objects.exists())

    def test_it_is_for_staff_only(self):
        for user in (self.jxj_liaison, self.hongshan_liaison, self.leader, self.outsider):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(URL).status_code, 403)
                self.assertEqual(self.client.post("/reporting/months/3/close/").status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.post("/reporting/months/3/close/").status_code, 302)
        self.assertFalse(ReportingMonthClosure.objects.exists())

    def test_it_refuses_wrong_methods(self):
        self.login(self.staff)
        self.assertEqual(self.client.get("/reporting/months/3/close/").status_code, 405)
        self.assertEqual(self.client.post(URL).status_code, 405)
