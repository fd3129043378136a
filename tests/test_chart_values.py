"""The overview's completion chart draws what the target list says: each bar's length, read from
the figure's JSON in the page, equals the completion shown in the table for that target."""

import json
import re
from decimal import Decimal

from django.urls import reverse
from django.utils.html import strip_tags

from targets.models import TargetValue
from targets.standing_store import refresh_plan
from tests import dashboard_seed
from tests.personas import PersonasTestCase

FIGURE = re.compile(r'<script id="fig-completion" type="application/json">(.*?)</script>', re.S)


def drawn_bars(html):
    """{"T10 技术合同成交额": bar length} of the completion bars in the page's figure JSON."""
    figure = json.loads(FIGURE.search(html).group(1))
    bars = {}
    for trace in figure["data"]:
        if trace.get("type") == "bar" and str(trace.get("name", "")).startswith("完成率"):
            for name, length in zip(trace["y"][1], trace["x"], strict=True):
                bars[name] = length
    return bars


def table_rows(html):
    """{code: {column title: cell text}} of the target list's table."""
    table = html[html.index("<table"):html.index("</table>")]
    head, body = table.split("<tbody", 1)
    titles = [strip_tags(t).strip() for t in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        cells = [strip_tags(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        record = dict(zip(titles, cells, strict=True))
        rows[record["编号"]] = record
    return rows


class CompletionBarsTests(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        dashboard_seed.seed_months(cls.plan, [1, 2, 3, 4, 5, 6], staff=cls.staff)
        # Figures that differ from the seed's "on time progress", so that a bar drawn for the wrong
        # target, at 0 or at the time progress would show.
        june = TargetValue.objects.filter(unit=cls.kjj, month=6)
        june.filter(target__code="T10").update(value=Decimal("520.5"))  # 技术合同成交额 1450 亿元
        june.filter(target__code="T11").update(value=Decimal("9.2"))  # 高新技术产业增加值增速 11.5 %
        refresh_plan(cls.plan)

    def pages(self):
        self.client.force_login(self.leader)
        overview = self.client.get(reverse("overview"), {"month": 6})
        targets = self.client.get(reverse("targets:list"), {"month": 6})
        self.assertEqual((overview.status_code, targets.status_code), (200, 200))
        return drawn_bars(overview.content.decode()), table_rows(targets.content.decode())

    def test_a_bar_is_as_long_as_the_completion_in_the_table(self):
        bars, rows = self.pages()
        # 520.5 ÷ 1450 = 35.897… → 35.9 %: the table says so and the bar is drawn to 35.9.
        self.assertEqual(rows["T10"]["完成率"], "35.9%")
        self.assertEqual(bars["T10 技术合同成交额"], 35.9)
        # T08 (quarterly, no year-start figure): 11,300 in June ÷ 13,000 = 86.923… → 86.9 %.
        self.assertEqual(rows["T08"]["完成率"], "86.9%")
        self.assertEqual(bars["T08 高新技术企业数"], 86.9)
        self.assertEqual(len(bars), len(rows))  # one bar per row of the table, every target
        compared = 0
        for code, row in rows.items():
            name = next(n for n in bars if n.split(" ", 1)[0] == code)
            with self.subTest(target=name):
                if row["完成率"].endswith("%"):
                    self.assertEqual(bars[name], float(row["完成率"].rstrip("%")))
                    compared += 1
                elif row["最新值（已审核）"] == "—":
                    self.assertEqual(bars[name], 0)  # nothing approved: no bar
        # 市科技局 reports 28 targets: 24 with a completion, 3 rates (T11, T12, T42: in points) and
        # the yearly T27, not due in June.
        self.assertEqual(compared, 24)

    def test_a_rate_s_bar_is_its_figure_as_a_share_of_the_target(self):
        bars, rows = self.pages()
        # 9.2 ÷ 11.5 = 80.0 % of the target; the table gives the gap in points instead.
        self.assertEqual(bars["T11 高新技术产业增加值增速"], 80.0)
        self.assertIn("9.2%", rows["T11"]["最新值（已审核）"])
        self.assertEqual(rows["T11"]["完成率"], "低于目标2.3个百分点")  # 9.2 − 11.5
        # T12 and T42 at their targets (the seed's figure for a rate): 100.0 %, 与目标持平.
        for code in ("T12", "T42"):
            name = next(n for n in bars if n.startswith(f"{code} "))
            self.assertEqual((bars[name], rows[code]["完成率"]), (100.0, "与目标持平"))
