"""The Word 通报 (reports/notices/): downloaded from /reports/ and attached to the emails, read back with
python-docx (title, number line, tables, the East Asian font) and, where LibreOffice is installed,
printed to PDF and read with pdftotext. Data and hand-worked figures: tests/emails_support.py."""

import os
import re
import shutil
import subprocess
import tempfile
import unittest
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from django.core import mail
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from reports.models import ReminderMessage
from reports.notices.layout import east_asian_font
from reports.reminders import delivery as reminders
from tests.emails_support import EmailDataTestCase
from units.models import AuditEvent

Kind = ReminderMessage.Kind
SOFFICE = "/usr/bin/soffice"
WEEKLY_TITLE = "关于《2023年武汉市科技创新工作要点》第22周（5月29日至6月4日）调度情况的通报"
QUARTERLY_TITLE = "关于《2023年武汉市科技创新工作要点》第2季度调度情况的通报"


def cells(table):
    return [[cell.text for cell in row.cells] for row in table.rows]


def table_after(document, heading_start):
    """The first table after the paragraph starting with `heading_start`."""
    body = document.element.body
    found = False
    for child in body.iterchildren():
        if child.tag == qn("w:p") and "".join(child.itertext()).startswith(heading_start):
            found = True
        elif found and child.tag == qn("w:tbl"):
            return next(t for t in document.tables if t._tbl is child)
    raise AssertionError(f"no table after {heading_start}")


class NoticeDocumentTests(EmailDataTestCase):
    def download(self, url, user=None):
        self.client.force_login(user or self.staff)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"],
                         "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        return response, Document(BytesIO(response.content))

    def assert_official_layout(self, document, number, title):
        texts = [p.text for p in document.paragraphs]
        self.assertEqual(texts[0], "武汉市科技创新工作要点调度通报")
        self.assertEqual(texts[1], number)
        self.assertEqual(texts[2], title)
        self.assertEqual(document.core_properties.title, title)
        body = next(p for p in document.paragraphs if p.text.startswith("现将《2023年武汉市科技创新工作要点》"))
        self.assertEqual({east_asian_font(run) for run in body.runs}, {"仿宋_GB2312"})
        self.assertEqual(body.paragraph_format.first_line_indent.pt, 32)  # two characters of 16 pt
        self.assertEqual(body.runs[0].font.size.pt, 16)  # 三号
        self.assertEqual(document.paragraphs[-2].text, "武汉市科学技术局")  # the issuing office, then the date
        font_table = next(p for p in document.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
        self.assertIn('w:name="仿宋_GB2312"><w:altName w:val="FangSong"/>', font_table.blob.decode())
        cell_run = document.tables[0].rows[1].cells[1].paragraphs[0].runs[0]
        self.assertEqual(east_asian_font(cell_run), "仿宋_GB2312")

    def test_the_weekly_notice_has_the_title_number_tables_and_ranking(self):
        url = reverse("reports:weekly_notice", args=["2023-W22"])
        self.assertEqual(url, "/reports/notices/weekly/2023-W22.docx")
        response, document = self.download(url)
        self.assertIn("2023-W22.docx", response["Content-Disposition"])
        self.assert_official_layout(document, "武科技通〔2023〕第22期", WEEKLY_TITLE)
        texts = [p.text for p in document.paragraphs]
        self.assertIn("本周报送1份：市科技局（5月）。", texts)
        self.assertIn("43项指标中，已完成0项，正常1项，滞后1项，严重滞后0项，未报送37项，未到报送期4项。", texts)
        self.assertEqual(cells(table_after(document, "（一）滞后指标（1项）")), [
            ["序号", "编号", "指标", "目标", "进展", "状态", "报送单位"],
            ["1", "T42", "专业型众创孵化载体比例提升", "提升5%", "4.5%，低于目标0.5个百分点（5月数据）", "滞后",
             "市科技局"],
        ])
        overdue = cells(table_after(document, "三、逾期未报送单位（43家）"))
        self.assertEqual(overdue[0], ["序号", "单位", "逾期未报送月份"])
        self.assertEqual(len(overdue), 44)
        self.assertIn(["1", "市科技局", "1月、2月"], overdue)
        self.assertIn("1月、2月、3月（已退回）", dict((row[1], row[2]) for row in overdue)["市经信局"])
        # Months counted (tasks.reporting.submission_state, as the workbook counts them): January–April,
        # due by Monday 5 June, and May where a report has come in (its state is known, the data are
        # today's). 市科技局: March, April, May on time of 5; 市经信局: March and May (sent by their
        # deadlines, returned later) of 5, April late; 洪山区 0 of 5 (May late); 40 others 0 of 4.
        # 5 + 5 + 5 + 40 × 4 = 175 due, 3 + 2 = 5 on time, 2.9 %.
        self.assertIn("各单位应报送175个月次，按时报送5个月次，按时报送率2.9%。", texts)
        ranking = cells(table_after(document, "四、按时报送排名"))
        self.assertEqual(ranking[0], ["名次", "单位", "按时报送（月）", "应报送（月）", "按时报送率"])
        self.assertEqual(ranking[1], ["1", "市科技局", "3", "5", "60.0%"])
        self.assertEqual(ranking[2], ["2", "市经信局", "2", "5", "40.0%"])
        self.assertEqual({(row[0], row[2], row[4]) for row in ranking[3:]}, {("3", "0", "0.0%")})  # a shared rank
        self.assertIn(["3", "洪山区人民政府", "0", "5", "0.0%"], ranking)
        self.assertEqual(len(ranking), 44)
        event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, user=self.staff)
        self.assertEqual(event.changes, {"notice": "2023-W22"})

    def test_the_quarterly_notice_has_the_headline_figures_matters_late_units_and_ranking(self):
        url = reverse("reports:quarterly_notice", args=[2023, 2])
        self.assertEqual(url, "/reports/notices/quarterly/2023Q2.docx")
        _response, document = self.download(url, self.leader)
        self.assert_official_layout(document, "武科技协〔2023〕第2期", QUARTERLY_TITLE)
        texts = [p.text for p in document.paragraphs]
        self.assertIn("22项重点任务中，滞后1项。", texts)
        self.assertIn("各单位应报送129个月次，按时报送3个月次，按时报送率2.3%。", texts)
        self.assertIn("本季度需市级协调事项2项，其中未办结1项。", texts)
        self.assertEqual(cells(table_after(document, "三、滞后重点任务（1项）"))[1],
                         ["1", "20. 推进“双创”载体建设量质齐升", "滞后"])
        matters = cells(table_after(document, "四、需市级协调事项（2项）"))
        self.assertEqual(matters[1], ["1", "市科技局", "4月", "11. 提升科技成果转化效能", "协调技术转移机构场地",
                                      "已办结"])
        self.assertEqual(matters[2], ["2", "洪山区人民政府", "5月", "20. 推进“双创”载体建设量质齐升",
                                      "协调孵化载体用地", "未办结"])
        late = {row[1]: row[2] for row in cells(table_after(document, "五、未按时报送单位（43家）"))[1:]}
        self.assertEqual((late["市科技局"], late["市经信局"], late["洪山区人民政府"]),
                         ("6月", "4月、6月", "4月、5月、6月"))
        ranking = cells(table_after(document, "六、按时报送排名"))
        self.assertEqual(ranking[1:3], [["1", "市科技局", "2", "3", "66.7%"], ["2", "市经信局", "1", "3", "33.3%"]])
        # 七、考核评比: every reporting unit once, ranked, its total the sum of its five components (the
        # scores themselves are worked out by hand in tests/test_assessment.py).
        scores = cells(table_after(document, "七、考核评比"))
        self.assertEqual(scores[0], ["名次", "单位", "总分", "及时性", "完整性", "质量", "进展", "督办"])
        self.assertEqual(len(scores), 1 + 43)
        self.assertEqual(len({row[1] for row in scores[1:]}), 43)
        for row in scores[1:]:
            self.assertEqual(Decimal(row[2]), sum(Decimal(points) for points in row[3:]), row)
        totals = [Decimal(row[2]) for row in scores[1:]]
        self.assertEqual(totals, sorted(totals, reverse=True))
        self.assertEqual(scores[1][0], "1")
        event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, user=self.leader)
        self.assertEqual(event.changes, {"notice": "2023Q2"})

    def test_the_weekly_email_attaches_the_same_notice(self):
        reminders.run_now(Kind.WEEKLY, reminders.parse_period(Kind.WEEKLY, "2023-W22"))
        message = next(m for m in mail.outbox if m.to == ["li@example.gov.cn"])
        [(name, content, mimetype)] = message.attachments
        self.assertEqual((name, mimetype), ("每周通报-2023-W22.docx",
                                            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
        document = Document(BytesIO(content))
        self.assertEqual(document.paragraphs[2].text, WEEKLY_TITLE)
        # A re-run long after the week: the attached 通报 says so too.
        self.assertTrue(any(p.text.startswith("本期原定于2023年6月5日发送；以下为发送时的最新数据")
                            for p in document.paragraphs))

    def test_only_staff_and_leaders_download_and_unknown_periods_are_404(self):
        url = reverse("reports:weekly_notice", args=["2023-W22"])
        for user in (self.jxj_liaison, self.outsider):
            self.client.force_login(user)
            self.assertEqual(self.client.get(url).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 302)
        self.client.force_login(self.staff)
        for bad in ("2023-W99", "nonsense", "2031-W10"):
            self.assertEqual(self.client.get(reverse("reports:weekly_notice", args=[bad])).status_code, 404)
        self.assertEqual(self.client.get(reverse("reports:quarterly_notice", args=[2023, 5])).status_code, 404)
        self.assertEqual(self.client.get(reverse("reports:quarterly_notice", args=[2031, 1])).status_code, 404)
        self.assertEqual(self.client.post(url).status_code, 405)
        self.assertFalse(AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists())

    def test_the_reports_page_links_the_notices(self):
        self.client.force_login(self.leader)
        response = self.client.get(reverse("reports:index"))
        self.assertContains(response, reverse("reports:quarterly_notice", args=[2023, 2]))
        self.assertContains(response, "季度通报（Word）")
        # Today (2026) is past the 2023 plan: its last two bulletin weeks. Week 4 of 2024 (22–28 January)
        # is the last whose bulletin (Monday 29 January) still reports on December 2023.
        self.assertContains(response, reverse("reports:weekly_notice", args=["2024-W04"]))
        self.assertContains(response, reverse("reports:weekly_notice", args=["2024-W03"]))
        self.assertNotContains(response, reverse("reports:weekly_notice", args=["2024-W05"]))


class NoticePrintTests(EmailDataTestCase):
    """LibreOffice prints the 通报: title and unit names in the PDF's text."""

    def setUp(self):
        if not (os.path.exists(SOFFICE) and shutil.which("pdftotext")):
            if os.environ.get("CI") == "true":
                self.fail(f"{SOFFICE} and pdftotext (LibreOffice, poppler-utils) are required under CI")
            raise unittest.SkipTest(f"{SOFFICE} or pdftotext not installed")

    def pdf_text(self, content, name):
        with tempfile.TemporaryDirectory() as directory:
            source = Path(directory) / name
            source.write_bytes(content)
            subprocess.run(
                [SOFFICE, f"-env:UserInstallation=file://{directory}/profile", "--headless", "--convert-to", "pdf",
                 "--outdir", directory, str(source)],
                check=True, capture_output=True, timeout=180,
            )
            text = subprocess.run(["pdftotext", str(source.with_suffix(".pdf")), "-"], check=True,
                                  capture_output=True, timeout=60).stdout.decode()
        return re.sub(r"\s+", "", text)

    def test_the_notices_print_with_their_titles_and_units(self):
        self.client.force_login(self.staff)
        for url, name, title, number in (
            (reverse("reports:weekly_notice", args=["2023-W22"]), "weekly.docx", WEEKLY_TITLE,
             "武科技通〔2023〕第22期"),
            (reverse("reports:quarterly_notice", args=[2023, 2]), "quarterly.docx", QUARTERLY_TITLE,
             "武科技协〔2023〕第2期"),
        ):
            with self.subTest(name=name):
                text = self.pdf_text(self.client.get(url).content, name)
                self.assertIn(title, text)
                self.assertIn(number, text)
                self.assertIn("市经信局", text)
                self.assertIn("洪山区人民政府", text)
