"""The urging ladder (reports/supervision/ladder.py) on the 2023 calendar, time frozen in Shanghai.

Every reporting unit has approved its reports of January to May 2023, except 市经信局 (jxj), which
has none for May.
May's report is due on Monday 5 June 2023 (REPORT_DUE_DAY 5, a working day), so:
- the 催办单 is issued on Tuesday 6 June, the first working day after it, 办理期限 Friday 9 June
  (three working days: 7, 8, 9 June);
- still overdue, it becomes a 督办单 on Friday 9 June, copied to the leaders.
Run first on Tuesday 20 June (a make-up run), the three working days skip the 端午 holiday
(22–24 June) and count Sunday 25 June, a 调休 working day: 21, 25, 26 June → 督办单 on Monday 26 June.
"""

import time_machine
from django.test import override_settings

from reports.models import ReminderMessage, UrgingNotice
from reports.supervision import ladder
from reports.tasks import issue_urging_notices
from targets.models import Status as TargetStatus
from targets.models import Target, TargetStanding
from tasks.models import MonthlyReport
from tasks.reporting import reporting_units
from tests.personas import PersonasTestCase
from tests.reminders_support import at, deliveries_run_here, smtp_server, smtp_settings, text_of

Kind, Status = UrgingNotice.Kind, UrgingNotice.Status


def run_on(year, month, day):
    with time_machine.travel(at(year, month, day, 10, 30), tick=False):
        return ladder.run()


class LadderTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        MonthlyReport.objects.bulk_create(
            MonthlyReport(plan=cls.plan, unit=unit, month=month, status=MonthlyReport.Status.APPROVED)
            for unit in reporting_units(cls.plan) for month in range(1, 6) if (unit, month) != (cls.jxj, 5)
        )

    def notices(self, kind):
        return list(UrgingNotice.objects.filter(kind=kind).order_by("pk"))


class UrgeTests(LadderTestCase):
    def test_it_issues_nothing_on_the_due_date(self):
        self.assertEqual(run_on(2023, 6, 5), ([], []))
        self.assertFalse(UrgingNotice.objects.exists())

    def test_it_issues_a_urge_notice_on_the_first_working_day_after_the_deadline(self):
        issued, message_ids = run_on(2023, 6, 6)
        [notice] = issued
        self.assertEqual(notice.number, "催办〔2023〕第1号")
        self.assertEqual((notice.unit, notice.month, notice.status), (self.jxj, 5, Status.PENDING))
        self.assertEqual(str(notice.issued_on), "2023-06-06")
        self.assertEqual(str(notice.deadline), "2023-06-09")
        self.assertEqual(notice.request, "贵单位2023年5月工作进展已逾期未报送，请于2023年6月9日前完成报送，"
                                         "并在本系统签收本通知、回复办理情况。")
        recipients = ReminderMessage.objects.filter(pk__in=message_ids).values_list("recipient", flat=True)
        self.assertEqual(list(recipients), ["jxj@example.gov.cn"])
        self.assertEqual(notice.history.count(), 1)

    def test_it_issues_a_urge_notice_for_a_report_returned_and_not_sent_again(self):
        MonthlyReport.objects.create(plan=self.plan, unit=self.jxj, month=5, status=MonthlyReport.Status.RETURNED)
        [notice], _ids = run_on(2023, 6, 6)
        self.assertEqual((notice.kind, notice.unit), (Kind.URGE, self.jxj))

    def test_it_issues_nothing_on_a_weekend(self):
        self.assertEqual(run_on(2023, 6, 10), ([], []))

    def test_it_numbers_each_kind_in_order(self):
        MonthlyReport.objects.filter(unit=self.kjj, month=5).delete()
        issued, _ids = run_on(2023, 6, 6)
        self.assertEqual(sorted(n.number for n in issued), ["催办〔2023〕第1号", "催办〔2023〕第2号"])


class SuperviseTests(LadderTestCase):
    def test_it_escalates_three_working_days_later_and_copies_the_leaders(self):
        [urge], _ids = run_on(2023, 6, 6)
        self.assertEqual(run_on(2023, 6, 8), ([], []))
        [supervise], message_ids = run_on(2023, 6, 9)
        self.assertEqual(supervise.number, "督办〔2023〕第1号")
        self.assertEqual((supervise.escalated_from, supervise.month, str(supervise.deadline)), (urge, 5, "2023-06-14"))
        self.assertIn("经催办（催办〔2023〕第1号）仍未报送", supervise.request)
        urge.refresh_from_db()
        self.assertEqual(urge.status, Status.ESCALATED)
        self.assertEqual(urge.history.first().history_change_reason, "升级为督办单")
        recipients = set(ReminderMessage.objects.filter(pk__in=message_ids).values_list("recipient", flat=True))
        self.assertEqual(recipients, {"jxj@example.gov.cn", "leader@example.gov.cn"})

    def test_it_skips_the_dragon_boat_holiday_and_counts_its_make_up_sunday(self):
        [urge], _ids = run_on(2023, 6, 20)
        self.assertEqual(str(urge.deadline), "2023-06-26")
        self.assertEqual(run_on(2023, 6, 24), ([], []))  # a holiday
        self.assertEqual(run_on(2023, 6, 25), ([], []))  # a working day, the second one
        [supervise], _ids = run_on(2023, 6, 26)
        self.assertEqual(supervise.kind, Kind.SUPERVISE)

    @override_settings(SUPERVISION_ESCALATE_AFTER_WORKING_DAYS=1)
    def test_the_number_of_working_days_is_a_setting(self):
        run_on(2023, 6, 6)
        [supervise], _ids = run_on(2023, 6, 7)
        self.assertEqual(str(supervise.deadline), "2023-06-08")

    def test_it_does_not_escalate_once_the_report_is_submitted(self):
        run_on(2023, 6, 6)
        MonthlyReport.objects.create(plan=self.plan, unit=self.jxj, month=5, status=MonthlyReport.Status.SUBMITTED,
                                     is_late=True)
        self.assertEqual(run_on(2023, 6, 9), ([], []))
        self.assertEqual(self.notices(Kind.SUPERVISE), [])

    def test_it_never_issues_twice(self):
        run_on(2023, 6, 6)
        self.assertEqual(run_on(2023, 6, 6), ([], []))
        run_on(2023, 6, 9)
        self.assertEqual(run_on(2023, 6, 9), ([], []))
        self.assertEqual(run_on(2023, 6, 12), ([], []))
        self.assertEqual(len(self.notices(Kind.URGE)), 1)
        self.assertEqual(len(self.notices(Kind.SUPERVISE)), 1)
        self.assertEqual(ReminderMessage.objects.filter(kind=ReminderMessage.Kind.URGING_NOTICE).count(), 3)

    def test_a_target_seriously_behind_two_months_in_a_row_gets_a_supervise_notice(self):
        target = Target.objects.filter(plan=self.plan, reporting_unit=self.kjj).order_by("code").first()
        TargetStanding.objects.filter(target=target, month__in=[4, 5]).update(status=TargetStatus.SERIOUSLY_BEHIND)
        issued, _ids = run_on(2023, 6, 6)
        [notice] = [n for n in issued if n.target_id]
        self.assertEqual((notice.kind, notice.unit, notice.number), (Kind.SUPERVISE, self.kjj, "督办〔2023〕第1号"))
        self.assertIn(f"“{target.name}”4月、5月连续两个月严重滞后", notice.request)
        self.assertEqual(run_on(2023, 6, 7), ([], []))

    def test_one_month_seriously_behind_is_not_enough(self):
        target = Target.objects.filter(plan=self.plan, reporting_unit=self.kjj).order_by("code").first()
        TargetStanding.objects.filter(target=target, month=5).update(status=TargetStatus.SERIOUSLY_BEHIND)
        issued, _ids = run_on(2023, 6, 6)
        self.assertEqual([n.target for n in issued], [None])


class EmailOnceTests(LadderTestCase):
    def test_the_email_arrives_once_when_the_task_runs_twice(self):
        with smtp_server() as (port, server), self.settings(**smtp_settings(port)), deliveries_run_here():
            with time_machine.travel(at(2023, 6, 6, 10, 30), tick=False):
                first = issue_urging_notices.apply().get()
                second = issue_urging_notices.apply().get()
            [message] = server.messages()
        self.assertEqual(first, {"issued": ["催办〔2023〕第1号"], "messages": 1})
        self.assertEqual(second, {"issued": [], "messages": 0})
        self.assertEqual(message["To"], "jxj@example.gov.cn")
        self.assertEqual(message["Subject"].strip(), "【催办单】催办〔2023〕第1号：市经信局2023年5月工作进展逾期未报送")
        text = text_of(message)
        self.assertIn("办理期限：2023年6月9日", text)
        notice = UrgingNotice.objects.get()
        self.assertIn(f"/reports/supervision/{notice.pk}/", text)
        row = ReminderMessage.objects.get(kind=ReminderMessage.Kind.URGING_NOTICE)
        self.assertEqual((row.period, row.status), (f"notice-{notice.pk}", "sent"))


class UnitLeaderCopyTests(LadderTestCase):
    """A 督办单 is also copied to the unit's own leader contact (分管领导), when it has one."""

    def set_leader_contact(self, name="王副局长", email="wang.fj@jxj.example.gov.cn"):
        self.jxj.leader_name, self.jxj.leader_email = name, email
        self.jxj.save(update_fields=["leader_name", "leader_email"])

    def test_it_copies_the_escalation_to_the_unit_leader_once_when_the_task_runs_twice(self):
        self.set_leader_contact()
        with smtp_server() as (port, server), self.settings(**smtp_settings(port)), deliveries_run_here():
            with time_machine.travel(at(2023, 6, 6, 10, 30), tick=False):
                issue_urging_notices.apply().get()
            with time_machine.travel(at(2023, 6, 9, 10, 30), tick=False):
                first = issue_urging_notices.apply().get()
                second = issue_urging_notices.apply().get()
            messages = server.messages()
        self.assertEqual(first, {"issued": ["督办〔2023〕第1号"], "messages": 3})
        self.assertEqual(second, {"issued": [], "messages": 0})
        to_unit_leader = [m for m in messages if m["To"] == "wang.fj@jxj.example.gov.cn"]
        self.assertEqual(len(to_unit_leader), 1)  # the 催办单 of 6 June was not copied to the leader
        [message] = to_unit_leader
        self.assertEqual(message["Subject"].strip(), "【督办单】督办〔2023〕第1号：市经信局2023年5月工作进展逾期未报送")
        text = text_of(message)
        self.assertTrue(text.startswith("王副局长（市经信局）："), text[:40])
        self.assertIn("抄送：以下督办单已发市经信局。", text)
        self.assertIn("经催办（催办〔2023〕第1号）仍未报送", text)
        self.assertEqual(sorted(m["To"] for m in messages),
                         ["jxj@example.gov.cn", "jxj@example.gov.cn", "leader@example.gov.cn",
                          "wang.fj@jxj.example.gov.cn"])

    def test_it_copies_a_target_seriously_behind_to_the_unit_leader(self):
        self.kjj.leader_name, self.kjj.leader_email = "赵副局长", "zhao@kjj.example.gov.cn"
        self.kjj.save(update_fields=["leader_name", "leader_email"])
        target = Target.objects.filter(plan=self.plan, reporting_unit=self.kjj).order_by("code").first()
        TargetStanding.objects.filter(target=target, month__in=[4, 5]).update(status=TargetStatus.SERIOUSLY_BEHIND)
        _issued, message_ids = run_on(2023, 6, 6)
        recipients = set(ReminderMessage.objects.filter(pk__in=message_ids).values_list("recipient", flat=True))
        self.assertIn("zhao@kjj.example.gov.cn", recipients)
        self.assertNotIn("wang.fj@jxj.example.gov.cn", recipients)

    def test_without_a_leader_contact_only_the_bureau_leaders_are_copied(self):
        with smtp_server() as (port, server), self.settings(**smtp_settings(port)), deliveries_run_here():
            with time_machine.travel(at(2023, 6, 6, 10, 30), tick=False):
                issue_urging_notices.apply().get()
            with time_machine.travel(at(2023, 6, 9, 10, 30), tick=False):
                issue_urging_notices.apply().get()
            supervise = [m for m in server.messages() if m["Subject"].strip().startswith("【督办单】")]
        self.assertEqual(sorted(m["To"] for m in supervise), ["jxj@example.gov.cn", "leader@example.gov.cn"])
        self.assertTrue(text_of([m for m in supervise if m["To"] == "leader@example.gov.cn"][0])
                        .startswith("leader："))

    def test_a_leader_contact_who_is_also_a_recipient_gets_one_email(self):
        self.set_leader_contact(email="leader@example.gov.cn")  # the bureau leader's own address
        run_on(2023, 6, 6)
        [supervise], message_ids = run_on(2023, 6, 9)
        recipients = list(ReminderMessage.objects.filter(pk__in=message_ids).values_list("recipient", flat=True))
        self.assertEqual(sorted(recipients), ["jxj@example.gov.cn", "leader@example.gov.cn"])
