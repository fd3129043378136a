"""What a recipient reads in the periodic emails: greeting, the lists that matter, headline figures,
one year per sentence, text and HTML alike, and the note on a re-run. Data and hand-worked figures:
tests/emails_support.py."""

from io import BytesIO

import time_machine
from django.core import mail
from openpyxl import load_workbook

from reports.models import ReminderMessage
from reports.reminders import delivery as reminders
from tests.emails_support import EmailDataTestCase, lines_missing_from_html
from tests.reminders_support import at, html_of, smtp_server, smtp_settings, text_of

Kind = ReminderMessage.Kind
STALE = "以下为发送时的最新数据"


class EmailContentTests(EmailDataTestCase):
    def send(self, kind, code):
        mail.outbox = []
        reminders.run_now(kind, reminders.parse_period(kind, code))
        return {message.to[0]: message for message in mail.outbox}

    def assert_text_and_html_agree(self, message):
        self.assertEqual(lines_missing_from_html(message.body, message.alternatives[0].content), [])

    def test_it_greets_each_person_by_name_and_unit_or_username(self):
        weekly = self.send(Kind.WEEKLY, "2023-W22")
        self.assertTrue(weekly["zhang@example.gov.cn"].body.startswith("张科员（市科技局）：\n"))
        self.assertTrue(weekly["li@example.gov.cn"].body.startswith("李主任：\n"))  # a leader has no unit
        self.assertTrue(weekly["staff@example.gov.cn"].body.startswith("staff（市科技局）：\n"))  # no name set
        self.assertIn("<p>张科员（市科技局）：</p>", weekly["zhang@example.gov.cn"].alternatives[0].content)
        notice = self.send(Kind.MONTHLY_NOTICE, "2023-06")
        self.assertTrue(notice["jxj@example.gov.cn"].body.startswith("jxj_liaison（市经信局）：\n"))
        self.assertNotIn("kjj_staff：", notice["jxj@example.gov.cn"].body)

    def test_the_weekly_bulletin_lists_returned_reports_as_overdue(self):
        message = self.send(Kind.WEEKLY, "2023-W22")["li@example.gov.cn"]
        body = message.body
        self.assertIn("现将《2023年武汉市科技创新工作要点》第22周（5月29日至6月4日）的调度情况通报如下。", body)
        self.assertIn("一、本周报送（1）\n- 市科技局 5月报送，6月2日 10:00\n", body)
        self.assertIn("二、本周审核通过（1）\n- 市科技局 5月\n", body)
        self.assertIn("- T10 技术合同成交额：滞后 → 正常（完成率 48.3%，时间进度 41.7%（5月数据））\n", body)
        self.assertIn("- T42 专业型众创孵化载体比例提升：未报送 → 滞后（4.5%，低于目标0.5个百分点（5月数据））\n", body)
        # Due by Monday 5 June: January to April. 市经信局's March was returned and not sent again;
        # its April came late but came, so it is not overdue.
        self.assertIn("四、逾期未报送单位（43）\n- 市科技局：1月、2月\n", body)
        self.assertIn("- 市经信局：1月、2月、3月（已退回）\n", body)
        self.assertIn("- 洪山区人民政府：1月、2月、3月、4月\n", body)
        self.assertIn("附件：本期通报（Word 文档 每周通报-2023-W22.docx）", body)
        self.assertIn("3月（已退回）", message.alternatives[0].content)
        self.assertNotIn("2023年第22周（5月29日至6月4日）的", body)  # the year once
        self.assert_text_and_html_agree(message)
        self.assertEqual([name for name, _content, _type in message.attachments], ["每周通报-2023-W22.docx"])

    def test_the_monthly_summary_names_the_late_units_and_words_rates_in_points(self):
        message = self.send(Kind.MONTHLY_SUMMARY, "2023-05")["li@example.gov.cn"]
        body = message.body
        self.assertIn("现将《2023年武汉市科技创新工作要点》5月的落实情况汇总如下。", body)
        self.assertIn("应报送单位43家：已审核1家，待审核1家，未报送41家。", body)
        self.assertIn("逾期报送（6月5日后报送）：洪山区人民政府\n", body)
        overdue = next(line for line in body.splitlines() if line.startswith("逾期未报送"))
        self.assertTrue(overdue.startswith("逾期未报送（41）：市发改委、"), overdue)
        self.assertIn("市经信局（已退回）", overdue)
        self.assertNotIn("市科技局", overdue)
        self.assertNotIn("洪山区", overdue)
        t42 = next(line for line in body.splitlines() if line.startswith("- T42"))
        self.assertEqual(t42, "- T42 专业型众创孵化载体比例提升：滞后，4.5%，低于目标0.5个百分点（5月数据）"
                              "（市科技局）")
        self.assertIn("三、滞后指标（1）", body)
        self.assertNotIn("2023年5月的2023年", body)
        self.assert_text_and_html_agree(message)

    def test_the_quarterly_email_gives_the_headline_figures_and_names_every_sheet(self):
        period = reminders.parse_period(Kind.QUARTERLY, "2023Q2")
        rows = reminders.prepare(Kind.QUARTERLY, period)
        row = next(r for r in rows if r.recipient == "zhang@example.gov.cn")
        with smtp_server() as (port, server), self.settings(**smtp_settings(port)):
            reminders.deliver(row.pk)
        [message] = server.messages()
        text, html = text_of(message).replace("\r\n", "\n"), html_of(message)
        self.assertTrue(text.startswith("张科员（市科技局）：\n"))
        self.assertIn("现将《2023年武汉市科技创新工作要点》第2季度调度情况报告如下，详见附件。", text)
        # At June: T10 正常, T42 滞后; 40 others 未报送 (the half-yearly ones are due in June); the yearly one not due.
        self.assertIn("指标（共43项，截至6月）：已完成0项，正常1项，滞后1项，严重滞后0项，未报送40项，"
                      "未到报送期1项\n", text)
        self.assertIn("重点任务（共22项）：滞后1项（20. 推进“双创”载体建设量质齐升·滞后）\n", text)
        # April–June, 43 units × 3 months = 129 due; on time: 市科技局 April and May, 市经信局 May.
        self.assertIn("按时报送率：2.3%（应报送129个月次，按时报送3个月次）\n", text)
        self.assertIn("需市级协调事项：2项，其中未办结1项\n", text)
        attachments = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
        self.assertEqual(sorted(attachments), ["季度调度报告-2023Q2.xlsx", "季度调度通报-2023Q2.docx"])
        sheets = load_workbook(BytesIO(attachments["季度调度报告-2023Q2.xlsx"]), read_only=True).sheetnames
        self.assertGreaterEqual(len(sheets), 5)
        for name in ("总体情况", "指标完成情况", "重点任务进展", "需市级协调事项", "报送情况", "领导批示落实情况", "督办通知", "考核评比"):
            self.assertIn(name, sheets)
        listed = f"1. 季度调度报告-2023Q2.xlsx（Excel 工作簿，共{len(sheets)}张工作表：{'、'.join(sheets)}）"
        self.assertIn(listed, text)
        self.assertIn("、".join(sheets), html)
        self.assertIn("2. 季度调度通报-2023Q2.docx（Word 通报", text)
        for line in ("指标（共43项，截至6月）", "按时报送率：2.3%（应报送129个月次，按时报送3个月次）",
                     "需市级协调事项：2项，其中未办结1项"):
            self.assertIn(line, html)

    def test_the_notice_names_the_year_once(self):
        message = self.send(Kind.MONTHLY_NOTICE, "2023-06")["jxj@example.gov.cn"]
        self.assertIn("请于2023年7月5日（含）前在系统中报送贵单位6月的《2023年武汉市科技创新工作要点》落实情况。",
                      message.body)
        self.assertNotIn("6月的2023年", message.body)
        self.assert_text_and_html_agree(message)

    def test_a_run_in_its_window_has_no_note_and_a_rerun_says_its_figures_are_of_the_day_it_is_sent(self):
        with time_machine.travel(at(2023, 6, 5, 9, 0), tick=False):
            on_time = self.send(Kind.WEEKLY, "2023-W22")["li@example.gov.cn"]
        self.assertNotIn(STALE, on_time.body)
        ReminderMessage.objects.all().delete()
        with time_machine.travel(at(2023, 7, 20, 9, 0), tick=False):
            rerun = self.send(Kind.WEEKLY, "2023-W22")["li@example.gov.cn"]
        self.assertIn("本期原定于2023年6月5日发送；以下为发送时的最新数据（2023年7月20日）。", rerun.body)
        self.assertIn("以下为发送时的最新数据（2023年7月20日）", rerun.alternatives[0].content)
        first_lines = rerun.body.splitlines()[:4]
        self.assertEqual(first_lines[0], "李主任：")
        self.assertTrue(first_lines[3].startswith("本期原定于"))
