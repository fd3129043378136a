"""The review's edges, as staff and the unit read them: every report not waiting named in the refusal,
who reviewed and when, an earlier reason cleared by the next step, a return after a reopen worded as a
return, the reason's 2,000-character limit, and the target list following an approval and a reopen."""

import datetime

import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from reporting import services
from tasks.models import MonthlyReport
from tests.reminders_support import deliveries_run_here
from tests.reporting_base import ReportingTestCase

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
APPROVE = "/reporting/review/approve/"


def fresh(report):
    return MonthlyReport.objects.get(pk=report.pk)


class ApproveEdgeTests(ReportingTestCase):
    def test_it_names_every_report_not_waiting_and_approves_none(self):
        jxj = self.submitted(self.jxj_report, self.jxj_liaison)
        self.login(self.staff)
        response = self.client.post(
            APPROVE, {"report": [self.jrj_report.pk, jxj.pk, self.hongshan_report.pk]}, follow=True
        )
        # Named in the order the reports were created (they are locked by id), joined by 、.
        self.assertEqual(
            [str(message) for message in response.context["messages"]],
            ["以下报送不在待审核状态，未作任何审核：洪山区人民政府 2023年3月、市地方金融局 2023年3月"],
        )
        self.assertEqual(
            [fresh(r).status for r in (jxj, self.hongshan_report, self.jrj_report)], ["submitted", "draft", "draft"]
        )

    def test_it_refuses_a_report_deleted_since_it_was_chosen(self):
        jxj = self.submitted(self.jxj_report, self.jxj_liaison)
        gone = self.submitted(services.get_or_create_report(self.plan, self.jxj, 4), self.jxj_liaison)
        MonthlyReport.objects.filter(pk=gone.pk).delete()
        with self.assertRaises(services.NotEditable) as caught:
            services.approve_reports([jxj, gone], self.staff)
        self.assertEqual(str(caught.exception), "所选报送不存在。")
        self.assertEqual(fresh(jxj).status, "submitted")

    def test_it_shows_who_approved_and_when(self):
        report = self.submitted(self.jxj_report, self.jxj_liaison)
        self.login(self.staff)
        with time_machine.travel(datetime.datetime(2023, 4, 10, 10, 30, tzinfo=SHANGHAI), tick=False):
            self.client.post(APPROVE, {"only": report.pk})
        self.login(self.jxj_liaison)  # the session's idle clock was set in 2023 by the travel
        page = self.client.get(f"/reporting/{report.pk}/")
        self.assertContains(page, "审核 2023-04-10 10:30 staff")

    def test_it_clears_the_return_reason_when_the_corrected_report_is_approved(self):
        report = self.submitted(self.jxj_report, self.jxj_liaison)
        services.return_report(report, self.staff, "任务7缺少签约金额")
        services.submit_report(fresh(report), self.jxj_liaison)
        services.approve_reports([fresh(report)], self.staff)
        self.assertEqual((fresh(report).return_reason, fresh(report).reopen_reason), ("", ""))
        self.login(self.staff)
        history = self.client.get(f"/reporting/{report.pk}/history/")
        rows = [(h.status, h.history_change_reason, h.return_reason or h.reopen_reason)
                for h in history.context["report_history"]]
        self.assertEqual(rows[0], ("approved", "审核通过", ""))
        self.assertEqual(rows[2], ("returned", "退回", "任务7缺少签约金额"))

    def test_it_clears_the_reopen_reason_when_the_corrected_report_is_approved(self):
        report = self.approved(self.jxj_report, self.jxj_liaison)
        services.reopen_report(report, self.staff, "统计口径调整")
        services.submit_report(fresh(report), self.jxj_liaison)
        services.approve_reports([fresh(report)], self.staff)
        self.assertEqual((fresh(report).return_reason, fresh(report).reopen_reason), ("", ""))
        # Reopened again later: the page gives the new reason only, not the old one.
        services.reopen_report(fresh(report), self.staff, "补充附件")
        self.login(self.jxj_liaison)
        page = self.client.get(f"/reporting/{report.pk}/")
        self.assertContains(page, "重新打开原因：补充附件")
        self.assertNotContains(page, "统计口径调整")


class ReturnEdgeTests(ReportingTestCase):
    def test_it_shows_who_returned_it_and_when(self):
        report = self.submitted(self.jxj_report, self.jxj_liaison)
        self.login(self.staff)
        with time_machine.travel(datetime.datetime(2023, 4, 11, 9, 5, tzinfo=SHANGHAI), tick=False):
            self.client.post(f"/reporting/{report.pk}/return/", {"return-reason": "任务7缺少签约金额"})
        self.login(self.jxj_liaison)
        page = self.client.get(f"/reporting/{report.pk}/")
        self.assertContains(page, "审核 2023-04-11 09:05 staff")
        self.assertContains(page, "退回原因：任务7缺少签约金额")

    def test_it_words_a_return_after_a_reopen_as_a_return(self):
        report = self.approved(self.jxj_report, self.jxj_liaison)
        services.reopen_report(report, self.staff, "统计口径调整")
        services.submit_report(fresh(report), self.jxj_liaison)
        with deliveries_run_here(), self.captureOnCommitCallbacks(execute=True):
            services.return_report(fresh(report), self.staff, "任务7缺少签约金额")
        self.assertEqual(fresh(report).reopen_reason, "")
        message = mail.outbox[-1]
        self.assertEqual(message.subject, "【退回】市经信局2023年3月报送已退回")
        self.assertIn("贵单位2023年3月的月度报送已被市科技局退回，请修改后重新报送。", message.body)
        self.assertIn("原因：任务7缺少签约金额", message.body)
        self.assertNotIn("统计口径调整", message.body)
        self.login(self.jxj_liaison)
        self.assertContains(self.client.get(f"/reporting/{report.pk}/"), "退回原因：任务7缺少签约金额")


class RefusalWordsTests(ReportingTestCase):
    """The page's message for a return or a reopen of a report in the wrong state, word for word."""

    def messages_after(self, url, data):
        self.login(self.staff)
        response = self.client.post(url, data, follow=True)
        return [str(message) for message in response.context["messages"]]

    def test_it_only_returns_a_submitted_report(self):
        report = self.approved(self.jxj_report, self.jxj_liaison)
        self.assertEqual(self.messages_after(f"/reporting/{report.pk}/return/", {"return-reason": "补充"}),
                         ["只能退回待审核的报送。"])
        self.assertEqual(fresh(report).status, "approved")

    def test_it_only_reopens_an_approved_report(self):
        report = self.submitted(self.jxj_report, self.jxj_liaison)
        self.assertEqual(self.messages_after(f"/reporting/{report.pk}/reopen/", {"reopen-reason": "口径调整"}),
                         ["只能重新打开已审核的报送。"])
        self.assertEqual(fresh(report).status, "submitted")


class ReopenEdgeTests(ReportingTestCase):
    def test_it_shows_who_reopened_it_and_why_in_the_history(self):
        report = self.approved(self.jxj_report, self.jxj_liaison)
        reopened = services.reopen_report(report, self.staff, "统计口径调整")
        self.assertEqual((reopened.pk, reopened.status, reopened.reopen_reason), (report.pk, "returned", "统计口径调整"))
        self.login(self.jxj_liaison)
        history = self.client.get(f"/reporting/{report.pk}/history/")
        newest = history.context["report_history"][0]
        self.assertEqual(
            (newest.status, newest.history_user, newest.history_change_reason, newest.reopen_reason),
            ("returned", self.staff, "重新打开", "统计口径调整"),
        )
        row = history.content.decode().split("<td>统计口径调整</td>", 1)[0].rsplit("<tr>", 1)[1]
        self.assertIn("<td>staff</td><td>已退回</td>", row)  # the page's row: 操作人, 状态, 说明
        self.assertIn("<td>重新打开</td>", row)


class ReasonTests(ReportingTestCase):
    def refused(self, action, report, reason):
        with self.assertRaises(ValidationError) as caught:
            action(report, self.staff, reason)
        return caught.exception.message_dict

    def test_it_takes_a_reason_of_2000_characters_and_refuses_2001(self):
        report = self.submitted(self.jxj_report, self.jxj_liaison)
        self.assertEqual(self.refused(services.return_report, report, "补" * 2001), {"reason": ["原因不能超过 2000 字。"]})
        self.assertEqual(fresh(report).status, "submitted")
        services.return_report(report, self.staff, "  " + "补" * 2000 + "\n")  # spaces around are not counted
        self.assertEqual(fresh(report).return_reason, "补" * 2000)

    def test_it_refuses_no_reason_in_words(self):
        report = self.approved(self.jxj_report, self.jxj_liaison)
        for reason in (None, "", "  \n "):
            with self.subTest(reason=reason):
                self.assertEqual(self.refused(services.reopen_report, report, reason), {"reason": ["请填写原因。"]})
        self.assertEqual(self.refused(services.reopen_report, report, "改" * 2001), {"reason": ["原因不能超过 2000 字。"]})
        self.assertEqual(fresh(report).status, "approved")


class StandingsFollowTheReviewTests(ReportingTestCase):
    """The target list reads the stored standings: an approval shows the unit's figures at once, a reopen
    takes them back out."""

    def t43(self):
        response = self.client.get("/targets/", {"month": 3})
        return {row.target.code: row for row in response.context["table"].data}["T43"], response

    def test_it_shows_an_approved_figure_on_the_target_list_and_drops_it_when_reopened(self):
        self.login(self.leader)
        row, _page = self.t43()
        self.assertEqual(row.status, "not_reported")
        report = self.approved(self.jrj_report, self.jrj_liaison)  # T43 武创科技成果转化基金规模: 30 亿元 of 30
        row, page = self.t43()
        self.assertEqual(row.status, "done")
        self.assertContains(page, "30亿元（3月）")
        services.reopen_report(report, self.staff, "基金规模口径调整")
        row, page = self.t43()
        self.assertEqual(row.status, "not_reported")
        self.assertNotContains(page, "30亿元（3月）")
