"""Every on-screen table's xlsx export (?export=…) writes typed cells (issue 17).

A number is a number cell with a number format, a share the system computes (完成率, 时间进度,
按时报送率) is a fraction with a % format, the unit of measure and the month a value belongs to
are columns of their own, a status is plain text, and no cell holds markup. The decision, in
targets/tables/columns.py: the tables' `value_<column>` methods return typed values, and what the
screen writes into one cell is split into export-only (invisible) columns beside it.

Figures by hand, from tests/dashboard_seed.py (approved reports of 市科技局 for January–March):
- T10 技术合同成交额, 1450 亿元 (突破), monthly: 1450 × 3/12 = 362.5 in March; viewed in April,
  still March's figure (本月未报送): completion 362.5 ÷ 1450 = 0.25, time progress (at the
  value's month) 3/12 = 0.25.
- T13 创新街区建设面积, 120 万平方米, monthly: 120 × 3/12 = 30 → 0.25.
- T08 高新技术企业数, 13,000 家, quarterly: 10,400 in March → 10,400 ÷ 13,000 = 0.8.
- T11 高新技术产业增加值增速, 11.5 %: set to 12.1 in March → 0.6 points above its target.
- 市科技局 reported every month on time: 3 of the year's 12 due months → 0.25; 市经信局 late → 0.
"""

import datetime
import re
from decimal import Decimal
from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from targets.models import Target, TargetValue
from targets.standing_store import refresh_plan
from tasks.models import ProgressReport
from tests import dashboard_seed
from tests.personas import PersonasTestCase

LOOKS_LIKE_A_NUMBER = re.compile(r"^-?[\d.,]+%?$")
MARKUP = ("<", "span", "class=")


class TypedExportsTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        dashboard_seed.seed_months(cls.plan, [1, 2, 3], staff=cls.staff)
        TargetValue.objects.filter(target__code="T11", month=3).update(value=Decimal("12.1"))
        refresh_plan(cls.plan)  # a fix behind the write path's back, as `manage.py rebuild_standings` follows one

    def setUp(self):
        self.client.force_login(self.staff)  # bureau staff

    # -- helpers -------------------------------------------------------------------------------

    def download(self, url, **params):
        """The export's sheet, after checking every cell of it is typed and free of markup."""
        response = self.client.get(url, params)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("application/vnd.openxmlformats"))
        sheet = load_workbook(BytesIO(response.content)).active
        self.assert_typed(sheet)
        return sheet

    def assert_typed(self, sheet):
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    for mark in MARKUP:
                        self.assertNotIn(mark, cell.value, f"{cell.coordinate}: {cell.value!r}")
                    self.assertIsNone(
                        LOOKS_LIKE_A_NUMBER.match(cell.value),
                        f"{cell.coordinate}: a number stored as text {cell.value!r}",
                    )
                    self.assertEqual(cell.data_type, "s", cell.coordinate)  # never a formula
                elif cell.value is not None:
                    self.assertIn(cell.data_type, ("n", "d"), cell.coordinate)
                    self.assertNotEqual(cell.number_format, "General", f"{cell.coordinate}: a number without a format")

    def row(self, sheet, key, column=1):
        """{header: cell} of the row whose `column` holds `key`."""
        header = [cell.value for cell in sheet[1]]
        for row in sheet.iter_rows(min_row=2):
            if row[column - 1].value == key:
                return dict(zip(header, row, strict=True))
        self.fail(f"no row {key!r} in {sheet.title}")

    def assert_number(self, cell, expected, number_format=None):
        self.assertEqual(cell.data_type, "n", cell.coordinate)
        self.assertAlmostEqual(float(cell.value), float(expected), places=6, msg=cell.coordinate)
        if number_format is not None:
            self.assertEqual(cell.number_format, number_format, cell.coordinate)

    def assert_percent(self, cell, expected):
        self.assert_number(cell, expected)
        self.assertIn("%", cell.number_format, cell.coordinate)

    # -- the target pages ----------------------------------------------------------------------

    def test_it_writes_the_target_list_typed(self):
        sheet = self.download(reverse("targets:list"), export="xlsx", month=4)
        t10 = self.row(sheet, "T10")
        self.assert_number(t10["目标值"], 1450, "#,##0")
        self.assertEqual((t10["单位"].value, t10["目标表述"].value), ("亿元", "突破"))
        self.assert_number(t10["最新值（已审核）"], 362.5, "#,##0.0")
        self.assert_number(t10["数据月份"], 3, '0"月"')  # April viewed: March's figure
        self.assertEqual(t10["报送提示"].value, "本月未报送")
        self.assert_percent(t10["完成率"], 0.25)
        self.assertIsNone(t10["较目标（百分点）"].value)
        self.assert_percent(t10["时间进度"], 0.25)  # the share of the year at its value's month: 3/12
        self.assertEqual(t10["状态"].value, "正常")  # judged at its own month: on the path
        self.assertEqual(t10["预计全年"].data_type, "n")
        self.assert_percent(t10["预计完成率"], t10["预计完成率"].value)
        self.assertEqual(t10["报送单位"].value, "市科技局")
        self.assertEqual(t10["最后更新"].data_type, "d")

        t13 = self.row(sheet, "T13")
        self.assert_number(t13["最新值（已审核）"], 30, "#,##0")
        self.assertEqual(t13["单位"].value, "万平方米")
        self.assert_percent(t13["完成率"], 0.25)

        t11 = self.row(sheet, "T11")  # a rate: its value as reported, %, and its gap in points
        self.assert_number(t11["目标值"], 11.5, "#,##0.0")
        self.assert_number(t11["最新值（已审核）"], 12.1, "#,##0.0")
        self.assertEqual(t11["单位"].value, "%")
        self.assertIsNone(t11["完成率"].value)
        self.assertIsNone(t11["时间进度"].value)
        self.assert_number(t11["较目标（百分点）"], 0.6, "+0.0;-0.0;0.0")

    def test_it_names_a_likely_miss_in_a_column_of_its_own(self):
        # T10 at 50 亿元 in March: 3.4 % of 1450 after a quarter, far short on its pace.
        TargetValue.objects.filter(target__code="T10", month=3).update(value=Decimal(50))
        refresh_plan(self.plan)
        sheet = self.download(reverse("targets:list"), export="xlsx", month=3)
        t10 = self.row(sheet, "T10")
        self.assertEqual(t10["预计提示"].value, "可能完不成")
        self.assertEqual(t10["预计全年"].data_type, "n")
        self.assert_number(t10["最新值（已审核）"], 50, "#,##0")
        self.assert_percent(t10["完成率"], 0.034)  # 50 ÷ 1450 = 3.45 %, stored to one decimal as shown
        self.assertIsNone(self.row(sheet, "T13")["预计提示"].value)

    def test_it_writes_a_targets_monthly_values_typed(self):
        t08 = Target.objects.get(plan=self.plan, code="T08")
        sheet = self.download(reverse("targets:detail", args=[t08.pk]), export="xlsx", month=3)
        march = self.row(sheet, 3)
        self.assert_number(march["月份"], 3, '0"月"')
        self.assert_number(march["数值"], 10400, "#,##0")
        self.assertEqual(march["单位"].value, "家")
        self.assert_percent(march["完成率"], 0.8)
        self.assertEqual(march["应达进度值"].data_type, "n")
        self.assertEqual(march["审核时间"].data_type, "d")

    # -- the task pages ------------------------------------------------------------------------

    def test_it_writes_the_task_list_typed(self):
        sheet = self.download(reverse("tasks:list"), export="xlsx", month=3)
        task7 = self.row(sheet, 7)
        self.assert_number(task7["序号"], 7)
        self.assertEqual(task7["状态"].value, "滞后")
        self.assertEqual(task7["指标数"].data_type, "n")
        self.assertEqual(task7["待协调事项"].data_type, "n")

    def test_it_writes_a_tasks_progress_and_targets_typed(self):
        url = reverse("tasks:detail", args=[9])
        sheet = self.download(url, export="xlsx", month=3)
        header = [cell.value for cell in sheet[1]]
        rows = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]
        march = [row for row in rows if row["单位"].value == "市科技局"][0]  # the latest month first
        self.assert_number(march["月份"], 3, '0"月"')
        self.assertEqual(march["需市级协调"].value, "高企认定奖补资金需市财政协调（待协调）")

        sheet = self.download(url, export="targets", month=3)
        t08 = self.row(sheet, "T08")
        self.assert_number(t08["最新值（已审核）"], 10400)
        self.assertEqual(t08["单位"].value, "家")
        self.assert_percent(t08["完成率"], 0.8)

    def test_it_writes_user_text_as_typed_not_as_escaped_markup(self):
        ProgressReport.objects.filter(report__month=3, task__number=9, needs_coordination=True).update(
            coordination_matter="奖补资金<到位>&场地需市财政协调"
        )
        response = self.client.get(reverse("tasks:detail", args=[9]), {"export": "xlsx", "month": 3})
        cells = [c.value for row in load_workbook(BytesIO(response.content)).active.iter_rows() for c in row]
        self.assertIn("奖补资金<到位>&场地需市财政协调（待协调）", cells)  # not "&lt;到位&gt;&amp;"

    # -- the unit pages ------------------------------------------------------------------------

    def test_it_writes_the_unit_list_and_heatmap_typed(self):
        sheet = self.download(reverse("units:list"), export="xlsx", month=3)
        kjj = self.row(sheet, "市科技局")
        self.assert_percent(kjj["按时报送率"], 0.25)
        self.assert_number(kjj["按时报送（月）"], 3, "#,##0")
        self.assert_percent(self.row(sheet, "市经信局")["按时报送率"], 0)

        sheet = self.download(reverse("units:list"), export="heatmap", month=3)
        kjj = self.row(sheet, "市科技局")
        self.assert_percent(kjj["按时率"], 0.25)
        self.assertEqual(kjj["3月"].value, "已审核")

    def test_it_writes_a_units_tables_typed(self):
        url = reverse("units:detail", args=["kjj"])
        sheet = self.download(url, export="xlsx", month=3)
        t10 = self.row(sheet, "T10")
        self.assert_number(t10["最新值（已审核）"], 362.5)
        self.assertEqual(t10["单位"].value, "亿元")
        self.assert_percent(t10["完成率"], 0.25)
        self.assert_percent(t10["时间进度"], 0.25)

        sheet = self.download(url, export="tasks", month=3)
        self.assert_number(self.row(sheet, 9)["序号"], 9)

        sheet = self.download(url, export="record", month=3)
        march = self.row(sheet, 3)
        self.assert_number(march["月份"], 3, '0"月"')
        self.assertEqual(march["报送情况"].value, "已审核")
        # 5 April is 清明 (a holiday): due the 6th; 市科技局 submitted two days before, at 10:00.
        self.assertEqual(march["截止日期"].value, datetime.datetime(2023, 4, 6))
        self.assertEqual(march["截止日期"].number_format, "yyyy-mm-dd")
        self.assertEqual(march["报送时间"].value, datetime.datetime(2023, 4, 4, 10, 0))
        self.assertEqual(march["报送时间"].number_format, "yyyy-mm-dd hh:mm")
        self.assertEqual(march["审核时间"].value, datetime.datetime(2023, 4, 5, 10, 0))

    # -- the overview --------------------------------------------------------------------------

    def test_it_writes_the_overview_tables_typed(self):
        sheet = self.download(reverse("overview"), export="sections", month=3)
        header = [cell.value for cell in sheet[1]]
        goal_three = [
            dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)
            if row[0].value == "（三）产业创新能力持续增强" and row[1].value == "目标组"
        ][0]
        self.assert_number(goal_three["指标数"], 5, "#,##0")

        sheet = self.download(reverse("overview"), export="coordination", month=3)
        matter = self.row(sheet, "高企认定奖补资金需市财政协调", column=4)
        self.assert_number(matter["月份"], 3, '0"月"')
        self.assertEqual(matter["单位"].value, "市科技局")
