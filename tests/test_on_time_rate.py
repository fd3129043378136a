"""One on-time rate (按时报送率) wherever it appears (issue 18): tasks/on_time.py computes it, and the
unit list (its table, its heatmap) and a unit's page show the same figure for the same data. Before,
市经信局's page counted every month due (92 %) and the unit list only the months it drew (100 %)."""

import datetime
from unittest import mock

from django.urls import reverse

from tasks.models import MonthlyReport
from tasks.on_time import rate_text, timeliness
from tests import dashboard_seed
from tests.personas import PersonasTestCase

# 2024-02-01: every month of 2023 is past its deadline (December's: 5 January 2024).
TODAY = datetime.date(2024, 2, 1)


class OnTimeRateTests(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # 市经信局: January–November approved, March and July submitted late, December not reported.
        for month in range(1, 12):
            dashboard_seed.report(cls.plan, cls.jxj, month, late=month in (3, 7))
        # 市科技局: January–November approved on time, December submitted on time and waiting.
        for month in range(1, 12):
            dashboard_seed.report(cls.plan, cls.kjj, month)
        dashboard_seed.report(cls.plan, cls.kjj, 12, status=MonthlyReport.Status.SUBMITTED)

    def pages(self, month):
        """(unit list rows, heatmap labels, unit page record of 市经信局) at `month`."""
        self.client.force_login(self.leader)
        with mock.patch("targets.dashboard.local_today", return_value=TODAY):
            listing = self.client.get(reverse("units:list"), {"month": month})
            detail = self.client.get(reverse("units:detail", args=["jxj"]), {"month": month})
        rows = {row.unit.code: row for row in listing.context["table"].data}
        labels = listing.context["figure"]["data"][0]["y"]
        return rows, labels, detail

    def test_both_pages_show_the_figure_computed_by_hand(self):
        # By hand: 12 months due; on time: 11 reported − 2 late = 9; rate 9 / 12 = 75 %.
        for month in (11, 6, 12):
            with self.subTest(month=month):
                rows, labels, detail = self.pages(month)
                self.assertEqual(rows["jxj"].rate, "75%")
                self.assertIn("市经信局（按时率 75%）", labels)
                self.assertEqual(detail.context["timeliness"]["rate"], "75%")
                record = detail.context["timeliness"]
                self.assertEqual((record["on_time"], record["due"]), (9, 12))
                self.assertContains(detail, "75%（9 / 12 个月）")
                # 市科技局: 12 of 12 on time (December submitted by its deadline, not yet approved)
                self.assertEqual(rows["kjj"].rate, "100%")

    def test_the_list_counts_the_same_months_as_the_rate(self):
        rows, _labels, _detail = self.pages(11)
        jxj = rows["jxj"]
        self.assertEqual((jxj.on_time, jxj.late, jxj.missing, jxj.returned), (9, 2, 1, 0))

    def test_the_function_itself(self):
        reports = {r.month: r for r in MonthlyReport.objects.filter(unit=self.jxj)}
        record = timeliness(self.plan, reports, TODAY)
        self.assertEqual(record, {"due": 12, "on_time": 9, "late": 2, "missing": 1, "returned": 0, "rate": "75%"})
        # before December's deadline only 11 months are due: 9 / 11 = 82 %
        self.assertEqual(timeliness(self.plan, reports, datetime.date(2023, 12, 20))["rate"], "82%")
        self.assertEqual((rate_text(0, 0), rate_text(2, 3)), ("", "67%"))
