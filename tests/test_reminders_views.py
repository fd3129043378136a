"""/reports/reminders/: the record, preview and "send now" — bureau staff only."""

from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from kombu.exceptions import OperationalError

from reports.models import ReminderMessage
from reports.reminders import delivery as reminders
from tasks.models import MonthlyReport
from tests.personas import PersonasTestCase
from tests.reminders_support import report
from units.models import AuditEvent

Kind = ReminderMessage.Kind
LIST = reverse("reminders:list")
PREVIEW = reverse("reminders:preview")
SEND = reverse("reminders:send")


def resend_url(row):
    return reverse("reminders:resend", args=[row.pk])


class ReminderPagesAccessTests(PersonasTestCase):
    def test_it_sends_anonymous_users_to_the_login_page(self):
        for url in (LIST, PREVIEW + "?kind=weekly&period=2023-W20"):
            response = self.client.get(url)
            self.assertRedirects(response, f"{reverse('login')}?next={url.replace('&', '%26').replace('?', '%3F')}",
                                 fetch_redirect_response=False)
        response = self.client.post(SEND, {"kind": "weekly", "period": "2023-W20"})
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])
        self.assertFalse(ReminderMessage.objects.exists())

    def test_it_refuses_leaders_liaisons_and_users_without_a_role(self):
        row = ReminderMessage.objects.create(kind=Kind.WEEKLY, period="2023-W20", recipient="x@example.gov.cn",
                                             status="failed")
        for user in (self.leader, self.jxj_liaison, self.hongshan_liaison, self.outsider):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get(LIST).status_code, 403)
                self.assertEqual(self.client.get(PREVIEW, {"kind": "weekly", "period": "2023-W20"}).status_code, 403)
                self.assertEqual(self.client.post(SEND, {"kind": "weekly", "period": "2023-W20"}).status_code, 403)
                self.assertEqual(self.client.post(resend_url(row)).status_code, 403)
        self.assertEqual(ReminderMessage.objects.count(), 1)
        self.assertEqual(ReminderMessage.objects.get().status, "failed")

    def test_it_answers_405_to_the_wrong_method(self):
        self.client.force_login(self.staff)
        self.assertEqual(self.client.post(LIST).status_code, 405)
        self.assertEqual(self.client.post(PREVIEW, {"kind": "weekly"}).status_code, 405)
        self.assertEqual(self.client.get(SEND, {"kind": "weekly", "period": "2023-W20"}).status_code, 405)
        self.assertEqual(self.client.get(reverse("reminders:resend", args=[1])).status_code, 405)
        self.assertFalse(ReminderMessage.objects.exists())


class ReminderListTests(PersonasTestCase):
    def setUp(self):
        self.client.force_login(self.staff)

    def make_rows(self, count, kind=Kind.MONTHLY_NOTICE, status="sent"):
        return [
            ReminderMessage.objects.create(kind=kind, period="2023-05", recipient=f"u{i}-{kind}@example.gov.cn",
                                           unit=self.jxj, status=status, subject=f"主题{i}")
            for i in range(count)
        ]

    def test_it_lists_the_record_with_status_as_coloured_text(self):
        self.make_rows(1)
        failed = ReminderMessage.objects.create(kind=Kind.WEEKLY, period="2023-W20", recipient="leader@example.gov.cn",
                                                status="failed", error="SMTPDataError: 451 try later", attempts=5)
        response = self.client.get(LIST)
        self.assertContains(response, "u0-monthly-notice@example.gov.cn")
        self.assertContains(response, '<span class="status reminder-sent">已发送</span>', html=True)
        self.assertContains(response, '<span class="status reminder-failed">发送失败</span>', html=True)
        self.assertContains(response, "SMTPDataError: 451 try later")
        self.assertContains(response, resend_url(failed))
        self.assertContains(response, "月度报送通知")

    def test_it_filters_by_kind_status_period_and_search(self):
        self.make_rows(2)
        self.make_rows(1, kind=Kind.MONTHLY_OVERDUE, status="failed")
        response = self.client.get(LIST, {"kind": "monthly-overdue"})
        self.assertContains(response, "u0-monthly-overdue@example.gov.cn")
        self.assertNotContains(response, "u0-monthly-notice@example.gov.cn")
        response = self.client.get(LIST, {"status": "sent", "period": "2023-05"})
        self.assertContains(response, "u1-monthly-notice@example.gov.cn")
        self.assertNotContains(response, "u0-monthly-overdue@example.gov.cn")
        response = self.client.get(LIST, {"q": "u1-monthly"})
        self.assertContains(response, "u1-monthly-notice@example.gov.cn")
        self.assertNotContains(response, "u0-monthly-notice@example.gov.cn")
        response = self.client.get(LIST, {"status": "nonsense"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "还没有提醒邮件记录")

    def test_it_lists_with_a_constant_number_of_queries(self):
        self.make_rows(3)
        self.client.get(LIST)  # warm up the session and caches
        with CaptureQueriesContext(connection) as small:
            self.client.get(LIST)
        self.assertLess(len(small.captured_queries), 12)
        self.make_rows(40, kind=Kind.MONTHLY_REMINDER)
        with self.assertNumQueries(len(small.captured_queries)):
            response = self.client.get(LIST)
        self.assertContains(response, "u39-monthly-reminder@example.gov.cn")


@mock.patch("reports.tasks.deliver_reminder.apply_async")
class SendNowTests(PersonasTestCase):
    def setUp(self):
        self.client.force_login(self.staff)

    def test_it_records_and_queues_every_recipient_and_audits_it(self, apply_async):
        response = self.client.post(SEND, {"kind": "monthly-notice", "period": "2023-05"})
        self.assertRedirects(response, LIST + "?kind=monthly-notice&period=2023-05", fetch_redirect_response=False)
        rows = ReminderMessage.objects.filter(kind=Kind.MONTHLY_NOTICE, period="2023-05")
        self.assertEqual(sorted(rows.values_list("recipient", flat=True)),
                         ["hongshan@example.gov.cn", "jxj@example.gov.cn"])
        self.assertEqual(sorted(c.kwargs["args"][0] for c in apply_async.call_args_list),
                         sorted(rows.values_list("pk", flat=True)))
        page = self.client.get(response["Location"])
        self.assertContains(page, "已提交发送 2 封邮件")
        event = AuditEvent.objects.get(action=AuditEvent.Action.SEND, username="staff")
        self.assertEqual(event.changes, {"kind": "monthly-notice", "period": "2023-05", "recorded": 2, "queued": 2})

    def test_it_uses_the_scheduled_period_when_none_is_given(self, apply_async):
        with mock.patch("reports.reminders.views.local_today", return_value=reminders.datetime.date(2023, 7, 3)):
            self.client.post(SEND, {"kind": "quarterly", "period": ""})
        self.assertEqual(set(ReminderMessage.objects.values_list("kind", "period")), {("quarterly", "2023Q2")})

    def test_it_never_sends_a_sent_message_again(self, apply_async):
        self.client.post(SEND, {"kind": "monthly-summary", "period": "2023-05"})
        ReminderMessage.objects.update(status="sent")
        apply_async.reset_mock()
        response = self.client.post(SEND, {"kind": "monthly-summary", "period": "2023-05"}, follow=True)
        self.assertContains(response, "没有需要发送的邮件")
        apply_async.assert_not_called()
        self.assertEqual(ReminderMessage.objects.count(), 1)

    def test_it_rejects_a_bad_period_with_an_error_and_saves_nothing(self, apply_async):
        for data, error in [
            ({"kind": "weekly", "period": "2023-05"}, "“2023-05”不是有效的期间，请按 2023-W20 的格式填写。"),
            ({"kind": "quarterly", "period": "2019Q1"}, "没有 2019 年的工作要点。"),
            ({"kind": "returned", "period": "2023-05"}, "选择一个有效的选项"),
        ]:
            with self.subTest(data=data):
                response = self.client.post(SEND, data)
                self.assertContains(response, error, status_code=400)
        self.assertFalse(ReminderMessage.objects.exists())
        self.assertFalse(AuditEvent.objects.filter(action=AuditEvent.Action.SEND).exists())
        apply_async.assert_not_called()

    def test_it_keeps_working_when_the_broker_is_down(self, apply_async):
        apply_async.side_effect = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        response = self.client.post(SEND, {"kind": "monthly-notice", "period": "2023-05"}, follow=True)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "消息队列暂时不可用：2 封邮件已记录为“待发送”，队列恢复后将自动发送。")
        self.assertEqual(set(ReminderMessage.objects.values_list("status", flat=True)), {"pending"})


@mock.patch("reports.tasks.deliver_reminder.apply_async")
class ResendTests(PersonasTestCase):
    def setUp(self):
        self.client.force_login(self.staff)
        self.row = ReminderMessage.objects.create(kind=Kind.MONTHLY_NOTICE, period="2023-05", unit=self.jxj,
                                                  recipient="jxj@example.gov.cn", status="failed", attempts=5,
                                                  error="SMTPDataError")

    def test_it_sends_a_failed_message_again(self, apply_async):
        response = self.client.post(resend_url(self.row), {"next": LIST + "?status=failed"})
        self.assertRedirects(response, LIST + "?status=failed", fetch_redirect_response=False)
        self.row.refresh_from_db()
        self.assertEqual(self.row.status, "pending")
        apply_async.assert_called_once_with(args=[self.row.pk], retry=False)
        self.assertTrue(AuditEvent.objects.filter(action=AuditEvent.Action.SEND, object_id=str(self.row.pk)).exists())

    def test_it_refuses_to_send_a_sent_message_twice(self, apply_async):
        ReminderMessage.objects.filter(pk=self.row.pk).update(status="sent")
        response = self.client.post(resend_url(self.row), follow=True)
        self.assertContains(response, "不会重复发送")
        apply_async.assert_not_called()
        self.row.refresh_from_db()
        self.assertEqual(self.row.status, "sent")

    def test_it_leaves_a_message_being_sent_alone(self, apply_async):
        ReminderMessage.objects.filter(pk=self.row.pk).update(status="pending")
        reminders.claim(self.row.pk)
        response = self.client.post(resend_url(self.row), follow=True)
        self.assertContains(response, "正在发送中")
        apply_async.assert_not_called()

    def test_it_ignores_a_redirect_to_another_site(self, apply_async):
        response = self.client.post(resend_url(self.row), {"next": "https://evil.example.com/"})
        self.assertRedirects(response, LIST, fetch_redirect_response=False)

    def test_it_ignores_a_next_that_is_not_a_path(self, apply_async):
        for next_url in ['"><img src=x>', "12\x00", "' OR '1'='1", "reminders:list"]:
            response = self.client.post(resend_url(self.row), {"next": next_url})
            self.assertRedirects(response, LIST, fetch_redirect_response=False)

    def test_it_answers_404_for_an_unknown_message(self, apply_async):
        self.assertEqual(self.client.post(reverse("reminders:resend", args=[99999])).status_code, 404)

    def test_it_records_the_message_as_pending_when_the_broker_is_down(self, apply_async):
        apply_async.side_effect = OperationalError("Connection refused")
        response = self.client.post(resend_url(self.row), follow=True)
        self.assertContains(response, "队列恢复后将自动发送")
        self.row.refresh_from_db()
        self.assertEqual(self.row.status, "pending")


class PreviewTests(PersonasTestCase):
    def setUp(self):
        self.client.force_login(self.staff)

    def test_it_previews_the_reminder_for_each_unit_not_submitted(self):
        report(self.plan, self.jxj, 5, MonthlyReport.Status.RETURNED, submitted_at=None)
        MonthlyReport.objects.filter(unit=self.jxj).update(return_reason="请补充佐证材料")
        response = self.client.get(PREVIEW, {"kind": "monthly-reminder", "period": "2023-05"})
        # Two days before the deadline (Monday 5 June) is a Saturday: the Friday before.
        self.assertContains(response, "期间 2023-05，按计划于 2023年6月2日 发送。")
        self.assertContains(response, "jxj@example.gov.cn")
        self.assertContains(response, "hongshan@example.gov.cn")
        self.assertContains(response, "【报送提醒】2023年5月工作进展尚未报送，截止日期6月5日")
        self.assertContains(response, "贵单位2023年5月的工作进展尚未报送（当前状态：已退回）")
        self.assertContains(response, "请补充佐证材料")
        # Units with no address are named, so staff can fix them before the day.
        self.assertContains(response, "将收不到邮件")
        self.assertContains(response, "市发改委")
        self.assertFalse(ReminderMessage.objects.exists())  # a preview records nothing

    def test_it_previews_another_recipient_and_the_staff_copy_of_the_overdue_list(self):
        response = self.client.get(PREVIEW, {"kind": "monthly-overdue", "period": "2023-05",
                                             "recipient": "staff@example.gov.cn"})
        self.assertContains(response, "【逾期催报】2023年5月工作进展逾期未报送单位（")
        self.assertContains(response, "洪山区人民政府")

    def test_it_previews_the_quarterly_report_for_a_period_with_no_data(self):
        response = self.client.get(PREVIEW, {"kind": "quarterly", "period": "2023Q3"})
        self.assertContains(response, "按计划于 2023年10月7日 发送")
        self.assertContains(response, "本季度没有需市级协调的事项。")
        self.assertContains(response, "本季度调度报告（Excel），发送时生成")

    def test_it_shows_a_sample_when_a_period_has_no_recipient(self):
        for unit in (self.jxj, self.hongshan):
            report(self.plan, unit, 5, MonthlyReport.Status.APPROVED)
        response = self.client.get(PREVIEW, {"kind": "monthly-reminder", "period": "2023-05"})
        self.assertContains(response, "本期没有收件人。")
        self.assertContains(response, "示例收件人")

    def test_it_rejects_a_bad_period(self):
        response = self.client.get(PREVIEW, {"kind": "monthly-summary", "period": "May"})
        self.assertContains(response, "“MAY”不是有效的期间，请按 2023-05 的格式填写。", status_code=400)