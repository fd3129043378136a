from django.urls import reverse

from targets.models import Target
from tasks.models import MonthlyReport
from tests import dashboard_seed
from tests.personas import PersonasTestCase


class TargetDetailTest(dashboard_seed.ReadOnlyPageTests, PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        dashboard_seed.seed_months(cls.plan, [1, 2, 3], staff=cls.staff)
        cls.target = Target.objects.get(plan=cls.plan, code="T08")
        cls.url = cls.page_url = reverse("targets:detail", args=[cls.target.pk])

    def test_it_shows_the_target_its_standing_and_forecast(self):
        self.client.force_login(self.leader)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "T08 高新技术企业数")
        self.assertContains(response, "10,400家（3月）")
        self.assertContains(response, '<span class="status status-on_track">正常</span>')
        statement = response.context["standing"].forecast.statement(self.target)
        self.assertTrue(statement.startswith("按当前进度预计年底可达 "))
        self.assertContains(response, statement)

    def test_it_charts_values_target_line_expected_path_and_forecast(self):
        self.client.force_login(self.leader)
        figure = self.client.get(self.url).context["figure"]
        traces = {trace["name"]: trace for trace in figure["data"]}
        self.assertEqual(set(traces), {"目标值", "应达进度", "实际值（已审核）", "预计全年"})
        self.assertEqual(traces["实际值（已审核）"]["y"], [9800.0, 10100.0, 10400.0])
        self.assertEqual(traces["目标值"]["y"], [13000.0, 13000.0])
        self.assertEqual(traces["预计全年"]["x"][0], 3)
        self.assertEqual(traces["预计全年"]["x"][-1], 12)
        self.assertIn("3月 实际：10,400家", traces["实际值（已审核）"]["hovertext"][2])
        self.assertEqual(figure["layout"]["yaxis"]["title"]["text"], "数值（家）")
        self.assertIn("高新技术企业数（家）", figure["layout"]["title"]["text"])

    def test_it_lists_monthly_values_with_who_reported_and_approved(self):
        self.client.force_login(self.leader)
        response = self.client.get(self.url)
        self.assertContains(response, "9,800家")
        table = response.context["table"]
        self.assertEqual([v.month for v in table.data], [1, 2, 3])
        rows = dashboard_seed.xlsx_rows(self.client.get(self.url, {"export": "xlsx"}))
        self.assertEqual(rows[0][:2], ["月份", "数值"])
        self.assertIn("报送人", rows[0])
        self.assertIn("审核人", rows[0])
        self.assertEqual(rows[3][:2], ["3月", "10,400家"])
        self.assertEqual(rows[3][rows[0].index("审核人")], "staff")

    def test_it_ignores_values_not_yet_approved(self):
        pending = dashboard_seed.report(self.plan, self.kjj, 4, status=MonthlyReport.Status.SUBMITTED)
        dashboard_seed.value(pending, self.target, 99999)
        self.client.force_login(self.leader)
        response = self.client.get(self.url, {"month": 4})
        self.assertNotContains(response, "99,999")
        self.assertContains(response, "10,400家（3月）")

    def test_it_returns_404_for_an_unknown_target(self):
        self.client.force_login(self.leader)
        self.assertEqual(self.client.get(reverse("targets:detail", args=[99999])).status_code, 404)

    def test_it_lets_a_liaison_of_another_unit_read_approved_figures(self):
        self.client.force_login(self.hongshan_liaison)
        self.assertContains(self.client.get(self.url), "10,400家（3月）")

    def test_it_rejects_a_bad_month(self):
        self.client.force_login(self.leader)
        self.assertContains(self.client.get(self.url, {"month": "0"}), "月份须为 1 至 12 的整数")


class TargetDetailQueryCountTest(PersonasTestCase):
    def test_it_uses_the_same_number_of_queries_for_more_data(self):
        target = Target.objects.get(plan=self.plan, code="T08")
        url = reverse("targets:detail", args=[target.pk])
        dashboard_seed.assert_queries_constant_as_data_grows(self, url, 12)
