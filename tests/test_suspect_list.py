"""The list of suspect figures (/reporting/suspect/): every value of the plan saved despite a data-quality
warning (targets/data_quality.py), with the stored reasons and the unit's note, for staff and leaders.

Figures by hand (the fixture's plan, 2023):
- 市科技局 reported 技术合同成交额 (T10, 年度累计, 亿元) 520.5 for February (approved) and 480 for March
  with a note: below February's total, so saved with the reason "累计值低于2月的 520.5：全年累计不会减少。";
  the March report is then submitted.
- 市地方金融局 reported 武创科技成果转化基金规模 (T43, 年末存量, 30 亿元) 12 for February (approved) and 10 for
  March with a note: a stock that falls below its target, "存量较2月的 12 减少，与目标方向相反。" (its report a draft).
- 市科技局's April report (approved) holds 创新街区建设面积 (T13, 万平方米) 95 with a reason stored as is.
"""

from decimal import Decimal
from io import BytesIO

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from reporting import services
from targets.models import Target, TargetValue
from tasks.models import MonthlyReport
from tests.reporting_base import ReportingTestCase
from tests.test_get_never_writes import row_counts

URL = reverse("reporting:suspect")
CUMULATIVE_FELL = "累计值低于2月的 520.5：全年累计不会减少。"
T10_NOTE = "2月数据含重复登记合同，已按统计局口径更正。"
STOCK_FELL = "存量较2月的 12 减少，与目标方向相反。"
T43_NOTE = "一期基金到期清算退出2亿元。"
T13_REASON = "较上月变化 -25，远超本单位此前各月的变化（通常约 10）。"
T13_NOTE = "园区统计口径调整。"


def row_containing(content, text):
    """The table row (<tr>…</tr>) of the page that holds `text`."""
    at = content.index(text)
    return content[content.rindex("<tr", 0, at):content.index("</tr>", at)]


def suspect_value(plan, target, unit, month, number, reasons, note="", status=MonthlyReport.Status.APPROVED):
    """A value stored with its reasons, as the write path leaves one (created directly, as a bulk load would)."""
    report, _ = MonthlyReport.objects.get_or_create(
        plan=plan, unit=unit, month=month, defaults={"status": status, "submitted_at": timezone.now()}
    )
    return TargetValue.objects.create(
        target=target, unit=unit, report=report, month=month, value=Decimal(str(number)), note=note, suspect=reasons,
    )


class SuspectListTests(ReportingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.t10 = Target.objects.get(plan=cls.plan, code="T10")
        cls.t13 = Target.objects.get(plan=cls.plan, code="T13")
        cls.february = suspect_value(cls.plan, cls.t10, cls.kjj, 2, "520.5", [])
        march = services.get_or_create_report(cls.plan, cls.kjj, 3)
        cls.t10_march = services.save_target_value(march, cls.t10, value="480", note=T10_NOTE, user=cls.staff)
        MonthlyReport.objects.filter(pk=march.pk).update(
            status=MonthlyReport.Status.SUBMITTED, submitted_at=timezone.now(), submitted_by=cls.staff
        )
        cls.kjj_march = MonthlyReport.objects.get(pk=march.pk)
        suspect_value(cls.plan, cls.fund_size, cls.jrj, 2, "12", [])
        cls.t43_march = services.save_target_value(cls.jrj_report, cls.fund_size, value="10", note=T43_NOTE,
                                                   user=cls.jrj_liaison)
        cls.t13_april = suspect_value(cls.plan, cls.t13, cls.kjj, 4, "95", [T13_REASON], note=T13_NOTE)

    def setUp(self):
        self.login(self.staff)

    def listed(self, response):
        return [row.record.pk for row in response.context["table"].paginated_rows]

    def test_it_shows_a_suspect_value_with_its_reasons_note_status_and_links(self):
        self.assertEqual(self.t10_march.suspect, [CUMULATIVE_FELL])  # the write path stored the reason
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        row = row_containing(response.content.decode(), CUMULATIVE_FELL)
        self.assertIn("3月", row)
        self.assertIn(self.kjj.name, row)
        self.assertIn(f'<a href="{reverse("targets:detail", args=[self.t10.pk])}">T10 技术合同成交额</a>', row)
        self.assertIn("480亿元", row)
        self.assertIn(T10_NOTE, row)
        self.assertIn("已报送待审核", row)
        self.assertIn(f'<a href="{reverse("reporting:report", args=[self.kjj_march.pk])}">查看报送</a>', row)
        self.assertContains(response, STOCK_FELL)
        self.assertContains(response, T43_NOTE)
        self.assertContains(response, "共 3 项存疑")

    def test_it_leaves_out_a_value_without_reasons(self):
        response = self.client.get(URL)
        self.assertNotIn(self.february.pk, self.listed(response))
        self.assertNotContains(response, "520.5亿元")

    def test_it_lists_the_newest_month_first(self):
        response = self.client.get(URL)
        self.assertEqual(self.listed(response), [self.t13_april.pk, self.t10_march.pk, self.t43_march.pk])

    def test_it_filters_by_unit_month_status_and_search(self):
        self.assertEqual(self.listed(self.client.get(URL, {"unit": self.jrj.pk})), [self.t43_march.pk])
        self.assertEqual(self.listed(self.client.get(URL, {"month": 3})), [self.t10_march.pk, self.t43_march.pk])
        self.assertEqual(self.listed(self.client.get(URL, {"status": "submitted"})), [self.t10_march.pk])
        self.assertEqual(self.listed(self.client.get(URL, {"status": "draft"})), [self.t43_march.pk])
        self.assertEqual(self.listed(self.client.get(URL, {"q": "基金"})), [self.t43_march.pk])
        self.assertEqual(self.listed(self.client.get(URL, {"q": "t13"})), [self.t13_april.pk])
        both = self.client.get(URL, {"unit": self.kjj.pk, "month": 3, "status": "submitted", "q": "技术合同"})
        self.assertEqual(self.listed(both), [self.t10_march.pk])
        self.assertContains(both, "共 1 项存疑")

    def test_it_shows_an_error_for_a_bad_filter_and_ignores_it(self):
        response = self.client.get(URL, {"month": "13", "unit": "nonsense"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("month", response.context["filter"].errors)
        self.assertIn("unit", response.context["filter"].errors)
        self.assertEqual(len(self.listed(response)), 3)

    def test_it_lets_a_leader_read_it(self):
        self.login(self.leader)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, CUMULATIVE_FELL)
        self.assertNotContains(response, reverse("reporting:review"))  # leaders do not review

    def test_it_refuses_liaisons_and_users_without_a_role(self):
        for user in (self.jxj_liaison, self.hongshan_liaison, self.jrj_liaison, self.outsider):
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, 403, user.username)

    def test_it_sends_anonymous_users_to_the_login_page(self):
        self.client.logout()
        response = self.client.get(URL)
        self.assertRedirects(response, f"{reverse('login')}?next={URL}", fetch_redirect_response=False)

    def test_it_answers_405_to_a_post(self):
        self.assertEqual(self.client.post(URL).status_code, 405)
        self.login(self.leader)
        self.assertEqual(self.client.post(URL).status_code, 405)

    def test_it_exports_typed_cells_of_the_rows_filtered(self):
        response = self.client.get(URL, {"export": "xlsx", "month": 3})
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        sheet = load_workbook(BytesIO(response.content)).active
        header = [cell.value for cell in sheet[1]]
        self.assertEqual(header, ["月份", "单位", "编号", "指标", "数值", "计量单位", "存疑原因", "说明", "报送状态"])
        rows = {row[2].value: row for row in sheet.iter_rows(min_row=2)}
        self.assertEqual(sorted(rows), ["T10", "T43"])
        month, unit, code, name, value, unit_of_measure, reasons, note, status = rows["T10"]
        self.assertEqual((month.value, month.data_type, month.number_format), (3, "n", '0"月"'))
        self.assertEqual(unit.value, self.kjj.name)
        self.assertEqual(name.value, "技术合同成交额")
        self.assertEqual((value.value, value.data_type), (480, "n"))
        self.assertEqual(unit_of_measure.value, "亿元")
        self.assertEqual(reasons.value, CUMULATIVE_FELL)
        self.assertEqual(note.value, T10_NOTE)
        self.assertEqual(status.value, "已报送待审核")
        self.assertEqual(rows["T43"][4].value, 10)
        self.assertEqual(rows["T43"][5].value, "亿元")
        self.assertEqual(rows["T43"][6].value, STOCK_FELL)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                self.assertNotIn("<", str(cell.value or ""))

    def test_it_writes_each_reason_on_a_line_of_its_own_in_the_export(self):
        TargetValue.objects.filter(pk=self.t13_april.pk).update(suspect=[T13_REASON, "第二条原因。"])
        sheet = load_workbook(BytesIO(self.client.get(URL, {"export": "xlsx", "q": "T13"}).content)).active
        self.assertEqual(sheet.cell(row=2, column=7).value, f"{T13_REASON}\n第二条原因。")

    def test_it_runs_the_same_number_of_queries_for_more_rows(self):
        self.client.get(URL)  # warm up the session and caches
        with CaptureQueriesContext(connection) as few:
            self.client.get(URL)
        self.assertLess(len(few.captured_queries), 15)
        more = Target.objects.filter(plan=self.plan).exclude(code__in=["T10", "T13", "T43"]).select_related(
            "reporting_unit"
        )[:12]
        for target in more:
            for month in (5, 6, 7):
                suspect_value(self.plan, target, target.reporting_unit, month, 1, ["测试原因。"], note="测试说明。")
        with self.assertNumQueries(len(few.captured_queries)):
            response = self.client.get(URL)
        self.assertContains(response, "共 39 项存疑")
        with self.assertNumQueries(len(few.captured_queries)):
            self.client.get(URL, {"unit": self.kjj.pk, "month": 5, "status": "approved", "q": "企业", "page": 1})

    def test_it_never_writes_on_get(self):
        before = row_counts()
        self.client.get(URL)
        self.client.get(URL, {"month": 3, "sort": "-unit"})
        self.client.get(URL, {"export": "xlsx"})  # recorded in the audit log as an export, which is not counted
        self.assertEqual(row_counts(), before)

    def test_it_is_linked_from_the_review_queue_and_the_staff_menu(self):
        queue = self.client.get(reverse("reporting:review")).content.decode()
        row = queue.split(f'id="report-{self.kjj_march.pk}"', 1)[1].split("</tr>", 1)[0]
        self.assertIn(f'href="{URL}?unit={self.kjj.pk}&amp;month=3"', row)
        self.assertIn("1 项存疑", row)
        menu = queue.split('class="navmore"', 1)[1].split("</details>", 1)[0]
        self.assertIn(f'href="{URL}"', menu)
        self.login(self.jxj_liaison)
        self.assertNotContains(self.client.get(reverse("overview")), f'href="{URL}"')

    def test_it_pages_fifty_values(self):
        targets = list(Target.objects.filter(plan=self.plan).exclude(code__in=["T10", "T13", "T43"])
                       .select_related("reporting_unit")[:10])
        for target in targets:
            for month in range(5, 11):
                suspect_value(self.plan, target, target.reporting_unit, month, 1, ["测试原因。"])
        first = self.client.get(URL)
        self.assertEqual(len(self.listed(first)), 50)
        second = self.client.get(URL, {"page": 2})
        self.assertEqual(len(self.listed(second)), 63 - 50)
        self.assertEqual(self.listed(second)[-1], self.t43_march.pk)  # the oldest month last
