"""What each periodic email says, from the data in the database (rendered as sent, text and HTML)."""

from decimal import Decimal

from django.core import mail

from reports.models import ReminderMessage
from reports.reminders import delivery as reminders
from targets.models import Target, TargetValue
from targets.standing_store import refresh_plan
from tasks.models import MonthlyReport
from tasks.reporting import reporting_units, tasks_for_unit
from tests.personas import PersonasTestCase
from tests.reminders_support import at, report

Kind = ReminderMessage.Kind


class ReminderContentTests(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.t10 = Target.objects.get(plan=cls.plan, code="T10")  # 技术合同成交额, monthly, by 市科技局
        april = report(cls.plan, cls.kjj, 4, MonthlyReport.Status.APPROVED,
                       submitted_at=at(2023, 5, 4), reviewed_at=at(2023, 5, 5))
        TargetValue.objects.create(target=cls.t10, unit=cls.kjj, report=april, month=4, value=Decimal("400"))
        # In week 22 (29 May – 4 June) 市科技局 submits May on 2 June and it is approved on 3 June.
        may = report(cls.plan, cls.kjj, 5, MonthlyReport.Status.APPROVED,
                     submitted_at=at(2023, 6, 2, 10, 0), reviewed_at=at(2023, 6, 3, 11, 0))
        TargetValue.objects.create(target=cls.t10, unit=cls.kjj, report=may, month=5, value=Decimal("700"))
        cls.jxj_may = report(cls.plan, cls.jxj, 5, MonthlyReport.Status.DRAFT)
        refresh_plan(cls.plan)  # reports made behind the write path's back

    def send(self, kind, code, recipient=None):
        reminders.run_now(kind, reminders.parse_period(kind, code))
        messages = [m for m in mail.outbox if recipient is None or m.to == [recipient]]
        self.assertTrue(messages, f"nothing sent to {recipient}")
        return messages[0]

    def test_it_reports_the_weeks_submissions_approvals_status_changes_and_overdue_units(self):
        message = self.send(Kind.WEEKLY, "2023-W22", "leader@example.gov.cn")
        self.assertEqual(message.subject,
                         "【每周通报】科技创新工作要点调度情况 2023年第22周（5月29日至6月4日）")
        body = message.body
        self.assertIn("一、本周报送（1）\n- 市科技局 5月报送，6月2日 10:00", body)
        self.assertIn("二、本周审核通过（1）\n- 市科技局 5月", body)
        # April's 400 ÷ 1450 = 27.6% at April's 33.3% → 滞后; May's 700 = 48.3% at May's 41.7% → 正常.
        self.assertIn("三、指标状态变化（截至2023年5月）\n- T10 技术合同成交额：滞后 → 正常"
                      "（完成率 48.3%，时间进度 41.7%（5月数据））", body)
        # Deadlines up to April have passed by Monday 5 June; May's (5 June) has not.
        self.assertIn("- 市科技局：1月、2月、3月\n", body)
        self.assertIn("- 市经信局：1月、2月、3月、4月\n", body)
        self.assertIn(f"四、逾期未报送单位（{reporting_units(self.plan).count()}）", body)
        html = message.alternatives[0].content
        self.assertIn("技术合同成交额：滞后 → <strong>正常</strong>", html)

    def test_it_reports_no_status_change_in_a_quiet_week(self):
        message = self.send(Kind.WEEKLY, "2023-W24", "staff@example.gov.cn")
        self.assertIn("本周没有新的报送。", message.body)
        self.assertIn("本周没有指标状态发生变化。", message.body)

    def test_it_summarises_the_month_for_leaders(self):
        message = self.send(Kind.MONTHLY_SUMMARY, "2023-05", "leader@example.gov.cn")
        self.assertEqual(message.subject, "【月度进展汇总】2023年5月科技创新工作要点落实情况")
        units = reporting_units(self.plan).count()
        self.assertIn(f"应报送单位{units}家：已审核1家，待审核0家，未报送{units - 1}家。", message.body)
        # May: T10 正常; 32 other monthly and 6 quarterly targets (due in March) have nothing approved;
        # the three half-yearly and the yearly one are not due yet.
        for label, count in (("正常", 1), ("未报送", 38), ("未到报送期", 4), ("已完成", 0), ("滞后", 0)):
            self.assertIn(f"- {label}：{count}项", message.body)
        self.assertIn("http://127.0.0.1:8000/", message.body)

    def test_it_lists_what_a_district_must_report_including_its_groups_tasks(self):
        message = self.send(Kind.MONTHLY_NOTICE, "2023-05", "hongshan@example.gov.cn")
        tasks = list(tasks_for_unit(self.plan, self.hongshan))
        self.assertTrue(tasks)
        for task in tasks:
            self.assertIn(f"- {task.number}. {task.title}\n", message.body)
        self.assertIn("洪山区人民政府", message.body)

    def test_it_sends_bureau_staff_the_list_of_overdue_units_with_their_state(self):
        message = self.send(Kind.MONTHLY_OVERDUE, "2023-05", "staff@example.gov.cn")
        outstanding = reporting_units(self.plan).count() - 1  # all but 市科技局
        self.assertEqual(message.subject, f"【逾期催报】2023年5月工作进展逾期未报送单位（{outstanding}家）")
        self.assertIn("- 市经信局（草稿）\n", message.body)
        self.assertIn("- 洪山区人民政府（未填报）\n", message.body)
        self.assertNotIn("市科技局（", message.body)
        self.assertIn("http://127.0.0.1:8000/reporting/review/", message.body)
        unit_copy = next(m for m in mail.outbox if m.to == ["jxj@example.gov.cn"])
        self.assertIn("目前仍未报送（当前状态：草稿），已逾期", unit_copy.body)

    def test_it_escapes_nothing_in_the_text_version_and_everything_in_the_html(self):
        self.jxj.name = "市经信局<R&D>"
        self.jxj.save()
        message = self.send(Kind.MONTHLY_REMINDER, "2023-05", "jxj@example.gov.cn")
        self.assertIn("jxj_liaison（市经信局<R&D>）：", message.body)
        self.assertIn("市经信局&lt;R&amp;D&gt;", message.alternatives[0].content)
