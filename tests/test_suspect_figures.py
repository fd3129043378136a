"""A suspect figure (targets/data_quality.py) at the door: the form asks for a note, the figure is saved only
with one, and the review queue and the report page flag it for the reviewer."""

from decimal import Decimal

from django.utils import timezone

from reporting import services
from targets.models import Target, TargetValue
from tasks.models import MonthlyReport
from tests.reporting_base import ReportingTestCase


class SuspectFigureAtTheDoorTests(ReportingTestCase):
    def setUp(self):
        # 市科技局 reported 技术合同成交额 (T10, 年度累计) 520.5 亿元 for February, approved.
        self.t10 = Target.objects.get(plan=self.plan, code="T10")
        february = MonthlyReport.objects.create(
            plan=self.plan, unit=self.kjj, month=2, status=MonthlyReport.Status.APPROVED, submitted_at=timezone.now(),
        )
        TargetValue.objects.create(target=self.t10, unit=self.kjj, report=february, month=2, value=Decimal("520.5"))
        self.march = services.get_or_create_report(self.plan, self.kjj, 3)

    def post_values(self, value, note=""):
        self.login(self.staff)
        page = self.client.get(f"/reporting/{self.march.pk}/values/")
        form = page.context["form"]
        data = {name: form[name].value() or ("0" if name.endswith("_version") else "") for name in form.fields}
        data.update({f"t{self.t10.pk}_value": value, f"t{self.t10.pk}_note": note})
        return self.client.post(f"/reporting/{self.march.pk}/values/", data)

    def test_a_cumulative_figure_below_last_month_needs_a_note_and_is_not_saved_without_one(self):
        response = self.post_values("480")
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response, "此数值可能有误：累计值低于2月的 520.5：全年累计不会减少。如确认无误，请在“说明”中写明原因后再保存。"
        )
        self.assertIn("此数值可能有误", " ".join(response.context["form"].errors[f"t{self.t10.pk}_note"]))
        self.assertFalse(TargetValue.objects.filter(report=self.march).exists())

    def test_with_a_note_it_is_saved_and_the_review_queue_flags_the_report(self):
        value = services.save_target_value(
            self.march, self.t10, value="480", note="2月数据含重复登记合同，已按统计局口径更正。", user=self.staff,
        )
        self.assertEqual(value.suspect, ["累计值低于2月的 520.5：全年累计不会减少。"])
        MonthlyReport.objects.filter(pk=self.march.pk).update(status=MonthlyReport.Status.SUBMITTED)
        self.login(self.staff)
        queue = self.client.get("/reporting/review/")
        row = queue.content.decode().split(f'id="report-{self.march.pk}"', 1)[1].split("</tr>", 1)[0]
        self.assertIn("1 项存疑", row)
        report = self.client.get(f"/reporting/{self.march.pk}/")
        self.assertContains(report, "存疑：累计值低于2月的 520.5：全年累计不会减少。")

    def test_a_plausible_figure_needs_no_note_and_carries_no_flag(self):
        value = services.save_target_value(self.march, self.t10, value="610", user=self.staff)
        self.assertEqual(value.suspect, [])
