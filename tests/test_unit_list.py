import re

from django.urls import reverse
from django.utils.html import strip_tags

from tasks.models import MonthlyReport
from tests import dashboard_seed
from tests.personas import PersonasTestCase

URL = reverse("units:list")


class UnitListTest(dashboard_seed.ReadOnlyPageTests, PersonasTestCase):
    page_url = URL
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        dashboard_seed.seed_months(cls.plan, [1, 2, 3], staff=cls.staff)
        dashboard_seed.report(cls.plan, cls.hongshan, 3, status=MonthlyReport.Status.RETURNED)

    def rows(self, response):
        return {row.unit.code: row for row in response.context["table"].data}

    def test_it_shows_the_heatmap_with_text_labels_and_on_time_rates(self):
        self.client.force_login(self.leader)
        response = self.client.get(URL, {"month": 3})
        self.assertEqual(response.status_code, 200)
        figure = response.context["figure"]
        heatmap = figure["data"][0]
        self.assertEqual(heatmap["type"], "heatmap")
        self.assertEqual(heatmap["x"], ["1月", "2月", "3月"])
        self.assertEqual(heatmap["texttemplate"], "%{text}")
        labels = dict(zip(heatmap["y"], heatmap["text"]))
        # The rate is the unit's to date (tasks/on_time.py): every 2023 month is past its deadline
        # now, so 3 on time of 12 due, whichever months the heatmap draws.
        self.assertEqual(labels["市科技局（按时率 25%）"], ["已审核", "已审核", "已审核"])
        self.assertEqual(labels["市经信局（按时率 0%）"], ["已审核·逾期"] * 3)
        self.assertEqual(labels["洪山区人民政府（按时率 8%）"], ["未报送", "未报送", "已退回"])
        self.assertEqual(labels["市发改委（按时率 0%）"], ["未报送"] * 3)

    def test_it_links_the_months_as_a_table_under_the_chart(self):
        """The chart's table is one click away (its own page), in the year and month shown."""
        self.client.force_login(self.leader)
        html = self.client.get(URL, {"month": 3}).content.decode()
        self.assertIn('<a href="/units/months/?month=3">以表格查看逐月报送情况</a>', html)
        self.assertNotIn("heatmap-table", html)  # the unit list itself writes no 500 cells

    def test_it_shows_the_months_as_a_table_on_its_own_page(self):
        """The table of the chart (for a screen reader, a print, a phone): a unit's row reads
        its name, on-time rate and each month's state in words, coloured by state."""
        self.client.force_login(self.leader)
        html = self.client.get(reverse("units:months"), {"month": 3}).content.decode()
        self.assertIn('<a href="/units/?month=3">返回各单位报送情况</a>', html)
        table = html[html.index('<table class="table heatmap-table"'):]
        table = table[:table.index("</table>")]
        head = [strip_tags(cell).strip() for cell in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)]
        self.assertEqual(head, ["单位", "按时率", "1月", "2月", "3月"])
        rows = {}
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody", 1)[1], re.S):
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            rows[strip_tags(cells[0]).strip()] = cells
        hongshan = rows["洪山区人民政府"]
        self.assertIn('href="/units/hongshan/?month=3"', hongshan[0])
        self.assertEqual([strip_tags(cell).strip() for cell in hongshan[1:]], ["8%", "未报送", "未报送", "已退回"])
        self.assertEqual(hongshan[4], '<span class="state state-returned">已退回</span>')

    def test_it_counts_each_units_record(self):
        self.client.force_login(self.leader)
        rows = self.rows(self.client.get(URL, {"month": 3}))
        # the record to date (tasks/on_time.py): April to December are overdue too
        self.assertEqual((rows["kjj"].rate, rows["kjj"].on_time, rows["kjj"].late), ("25%", 3, 0))
        self.assertEqual((rows["jxj"].rate, rows["jxj"].late, rows["jxj"].missing), ("0%", 3, 9))
        self.assertEqual((rows["hongshan"].missing, rows["hongshan"].returned), (11, 1))
        self.assertNotIn("gqrmzf", rows)  # a group does not report itself

    def test_it_exports_both_tables(self):
        self.client.force_login(self.leader)
        rows = dashboard_seed.xlsx_rows(self.client.get(URL, {"export": "xlsx", "month": 3}))
        self.assertEqual(rows[0][:5], ["单位", "类别", "任务数", "报送指标数", "按时报送率"])
        kjj = [r for r in rows if r[0] == "市科技局"][0]
        self.assertEqual(kjj[4], 0.25)  # a fraction with a % format (tests/test_typed_exports.py)
        for url, export in ((URL, "heatmap"), (reverse("units:months"), "xlsx")):  # the list's link, the page's
            rows = dashboard_seed.xlsx_rows(self.client.get(url, {"export": export, "month": 3}))
            self.assertEqual(rows[0], ["单位", "按时率", "1月", "2月", "3月"])
            self.assertIn(["市经信局", 0, "已审核·逾期", "已审核·逾期", "已审核·逾期"], rows)

    def test_it_rejects_a_bad_month(self):
        self.client.force_login(self.leader)
        self.assertContains(self.client.get(URL, {"month": "-1"}), "月份须为 1 至 12 的整数")

    def test_it_lets_a_liaison_read_it(self):
        self.client.force_login(self.jxj_liaison)
        self.assertEqual(self.client.get(URL).status_code, 200)


class UnitListQueryCountTest(PersonasTestCase):
    def test_it_uses_the_same_number_of_queries_for_more_data(self):
        dashboard_seed.assert_queries_constant_as_data_grows(self, URL, 13)
