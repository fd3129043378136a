"""/reporting/grid/ — the month × unit submission grid."""

import datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting import services
from tests.reporting_base import ReportingTestCase

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
URL = "/reporting/grid/"


@time_machine.travel(datetime.datetime(2023, 5, 10, 10, tzinfo=SHANGHAI), tick=False)
class GridTests(ReportingTestCase):
    def cell(self, response, unit_code, month):
        row = next(r for r in response.context["rows"] if r["unit"].code == unit_code)
        return row["cells"][month - 1]

    def test_it_shows_each_units_month(self):
        self.approved(self.jxj_report, self.jxj_liaison)
        returned = self.submitted(self.hongshan_report, self.hongshan_liaison)
        services.return_report(returned, self.staff, "补充")
        with time_machine.travel(datetime.datetime(2023, 4, 20, tzinfo=SHANGHAI), tick=False):
            self.submitted(self.jrj_report, self.jrj_liaison)
        self.login(self.staff)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.cell(response, "jxj", 3)["state"], "approved")
        self.assertEqual(self.cell(response, "hongshan", 3)["state"], "returned")
        self.assertEqual(self.cell(response, "jrj", 3)["state"], "late")
        self.assertEqual(self.cell(response, "fgw", 3)["state"], "missing")
        self.assertEqual(self.cell(response, "fgw", 5)["state"], "not_due")
        self.assertContains(response, f'<a href="/reporting/{self.jxj_report.pk}/">已审核</a>', html=True)
        self.assertContains(response, '<a href="/reporting/month/3/?unit=fgw">未报送</a>', html=True)
        self.assertNotContains(response, "各区人民政府</th>")  # groups do not report, their members do
        self.assertContains(response, "洪山区人民政府</th>")

    def test_it_shows_leaders_the_grid_without_links_to_create(self):
        self.login(self.leader)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "/reporting/month/")

    def test_it_refuses_liaisons_outsiders_and_anonymous(self):
        self.assertEqual(self.client.get(URL).status_code, 302)
        for user in (self.jxj_liaison, self.hongshan_liaison, self.outsider):
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, 403)

    def test_it_refuses_post(self):
        self.login(self.staff)
        self.assertEqual(self.client.post(URL).status_code, 405)

    def test_it_uses_a_constant_number_of_queries(self):
        self.login(self.staff)
        self.client.get(URL)
        with CaptureQueriesContext(connection) as empty:
            self.client.get(URL)
        for month in (1, 2, 3, 4):
            for unit in (self.jxj, self.hongshan, self.jrj):
                services.get_or_create_report(self.plan, unit, month)
        self.approved(self.jxj_report, self.jxj_liaison)
        with self.assertNumQueries(len(empty.captured_queries)):
            self.client.get(URL)
