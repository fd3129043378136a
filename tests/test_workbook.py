"""The quarterly coordination workbook: its cells hold the figures in the database."""

import datetime
from decimal import Decimal
from io import BytesIO

import time_machine
from django.utils import timezone
from openpyxl import load_workbook

from reports.instructions import workflow as instructions
from reports.models import LeaderInstruction, UrgingNotice
from reports.supervision import workflow as notices
from reports.workbook.build import STATUS_FILLS, build_quarterly_workbook, coordination_items
from targets.models import Target, TargetValue
from targets.standing_store import refresh_plan
from tasks.models import MonthlyReport, ProgressReport
from tasks.reporting import reporting_units
from tests.personas import PersonasTestCase

SHEETS = ["总体情况", "指标完成情况", "重点任务进展", "需市级协调事项", "报送情况", "领导批示落实情况", "督办通知", "考核评比"]


def aware(year, month, day):
    return timezone.make_aware(datetime.datetime(year, month, day, 10, 0))


def rows_by_first_cell(ws, header_row):
    """{value of column A: [cell values]} for the data rows under the header."""
    rows = {}
    for row in ws.iter_rows(min_row=header_row + 1, values_only=True):
        if row[0] is not None:
            rows[row[0]] = list(row)
    return rows


def header_row_of(ws, first_title):
    for row in ws.iter_rows(min_row=1, max_row=12):
        if row[0].value == first_title and row[0].font.bold:
            return row[0].row
    raise AssertionError(f"no header row in {ws.title}")


class QuarterlyWorkbookTests(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        plan = cls.plan
        cls.t08 = Target.objects.get(plan=plan, code="T08")  # 高新技术企业数 13000 家 (kjj), quarterly
        cls.t10 = Target.objects.get(plan=plan, code="T10")  # 技术合同成交额 1450 亿元 (kjj)
        cls.t11 = Target.objects.get(plan=plan, code="T11")  # 高新技术产业增加值增速 11.5 % (kjj), quarterly
        # kjj: April and May approved on time, June submitted (not yet approved: does not count).
        cls.kjj_reports = {}
        for month, status in ((4, MonthlyReport.Status.APPROVED), (5, MonthlyReport.Status.APPROVED),
                              (6, MonthlyReport.Status.SUBMITTED)):
            cls.kjj_reports[month] = MonthlyReport.objects.create(
                plan=plan, unit=cls.kjj, month=month, status=status,
                submitted_at=aware(2023, month + 1, 3), is_late=False,
            )
        # T08 and T11 are due in June only (quarterly), and June is not approved: nothing counts for them.
        values = {
            (cls.t08, 6): "13100", (cls.t11, 6): "9.2",
            (cls.t10, 4): "400", (cls.t10, 5): "520.5", (cls.t10, 6): "700",
        }
        for (target, month), value in values.items():
            TargetValue.objects.create(
                target=target, unit=cls.kjj, report=cls.kjj_reports[month], month=month, value=Decimal(value)
            )
        task7 = plan.tasks.get(number=7)
        cls.task7 = task7
        # 市经信局: April late and approved, May submitted with a coordination item, June nothing.
        jxj_april = MonthlyReport.objects.create(
            plan=plan, unit=cls.jxj, month=4, status=MonthlyReport.Status.APPROVED,
            submitted_at=aware(2023, 5, 9), is_late=True,
        )
        jxj_may = MonthlyReport.objects.create(
            plan=plan, unit=cls.jxj, month=5, status=MonthlyReport.Status.SUBMITTED,
            submitted_at=aware(2023, 6, 2), is_late=False,
        )
        ProgressReport.objects.create(
            report=jxj_april, task=task7, work_done="四月进展", self_status="on_track"
        )
        ProgressReport.objects.create(
            report=jxj_may, task=task7, work_done="=HYPERLINK(\"http://x\")五月进展", problems="用地指标不足",
            next_steps="六月计划", self_status="behind", needs_coordination=True, coordination_matter="协调用地指标",
        )
        # A draft's coordination item is not the meeting's business yet.
        hongshan_draft = MonthlyReport.objects.create(plan=plan, unit=cls.hongshan, month=5)
        ProgressReport.objects.create(
            report=hongshan_draft, task=plan.tasks.get(number=3), work_done="草稿", needs_coordination=True,
            coordination_matter="草稿中的事项",
        )
        cls.today = datetime.date(2023, 7, 20)
        refresh_plan(plan)  # the reports above were made behind the write path's back

    def open(self, quarter):
        content = build_quarterly_workbook(self.plan, quarter, today=self.today)
        return load_workbook(BytesIO(content))

    def test_it_has_the_seven_sheets_laid_out_for_printing(self):
        wb = self.open(2)
        self.assertEqual(wb.sheetnames, SHEETS)
        for ws in wb.worksheets:
            self.assertIn(self.plan.title, ws["A1"].value)
            self.assertIn("2023年第二季度", ws["A1"].value)
            self.assertEqual(ws.page_setup.orientation, "landscape")
            self.assertEqual(str(ws.page_setup.paperSize), "9")  # A4
            # A fixed scale of at least 82 % (11 pt prints at 9 pt), not "fit to one page wide",
            # and the printed columns fit the width of the page at that scale.
            self.assertFalse(ws.sheet_properties.pageSetUpPr.fitToPage)
            self.assertGreaterEqual(ws.page_setup.scale, 82)
            last_column = ws.print_area.split(":")[1].strip("$0123456789")  # "'总体情况'!$A$1:$J$60" → J
            printed = sum(ws.column_dimensions[chr(c)].width for c in range(ord("A"), ord(last_column) + 1))
            self.assertLessEqual(printed * ws.page_setup.scale / 100, 110, ws.title)
            self.assertIsNotNone(ws.print_title_rows)
            header_row = int(ws.print_title_rows.split(":")[0].lstrip("$"))
            self.assertTrue(ws.cell(row=header_row, column=1).font.bold)
            self.assertEqual(ws.freeze_panes, f"A{header_row + 1}")

    def test_it_shows_each_targets_approved_figures_and_status(self):
        wb = self.open(2)
        ws = wb["指标完成情况"]
        header_row = header_row_of(ws, "编号")
        header = [c.value for c in ws[header_row]]
        self.assertEqual(header[5:8], ["4月", "5月", "6月"])  # the quarter's months
        rows = rows_by_first_cell(ws, header_row)
        self.assertEqual(len(rows), self.plan.targets.count())
        column = {title: i for i, title in enumerate(header)}
        t10 = rows["T10"]
        self.assertEqual(t10[column["目标值"]], 1450)
        self.assertEqual(t10[column["4月"]], 400)
        self.assertEqual(t10[column["5月"]], 520.5)
        self.assertIsNone(t10[column["6月"]])  # June is only submitted, not approved
        # Judged at May, its own month: 520.5 ÷ 1450 = 35.9% against May's 41.7% → 滞后.
        self.assertEqual(t10[column["完成率"]], 35.9)
        self.assertEqual(t10[column["时间进度"]], 41.7)
        self.assertEqual(t10[column["状态"]], "滞后")
        # Σ s·v = (4·400 + 5·520.5)/12, Σ s² = 41/144: 4202.5 × 12 ÷ 41 = 1,230.
        self.assertEqual(t10[column["预计全年"]], 1230)
        t08 = rows["T08"]
        self.assertEqual([t08[column[f"{m}月"]] for m in (4, 5, 6)], [None, None, None])
        self.assertEqual(t08[column["状态"]], "未报送")  # June was due
        self.assertEqual(rows["T11"][column["状态"]], "未报送")
        self.assertEqual(rows["T11"][column["时间进度"]], "—")  # a rate has no time progress
        self.assertEqual(rows["T27"][column["状态"]], "未到报送期")  # yearly: due in December
        self.assertEqual(rows["T01"][column["状态"]], "未报送")
        # The unit of measure once, in its own column; the figures are plain numbers.
        self.assertEqual(t10[column["计量单位"]], "亿元")
        t10_row = next(r for r in ws.iter_rows(min_row=header_row + 1) if r[0].value == "T10")
        self.assertEqual(t10_row[column["4月"]].number_format, "#,##0.0")
        self.assertEqual(t10_row[column["4月"]].data_type, "n")
        self.assertIn("%", t10_row[column["完成率"]].number_format)
        self.assertEqual(t10_row[column["状态"]].fill.fgColor.rgb[-6:], STATUS_FILLS["behind"])

    def test_it_gives_the_overview_headline_figures_and_a_chart(self):
        wb = self.open(2)
        ws = wb["总体情况"]
        labels = [ws.cell(row=4, column=c).value for c in range(1, 10)]
        numbers = [ws.cell(row=5, column=c).value for c in range(1, 10)]
        figures = dict(zip(labels, numbers, strict=True))
        self.assertEqual(figures["指标总数"], 43)
        # Only T10 has an approved figure; T27 (yearly) is not due in June; the other 41 are due.
        self.assertEqual(figures["未报送"], 41)
        self.assertEqual(figures["未到报送期"], 1)
        self.assertEqual(figures["滞后"], 1)
        self.assertEqual(figures["需市级协调事项"], 1)
        self.assertEqual(len(ws._charts), 1)
        header_row = header_row_of(ws, "编号")
        rows = rows_by_first_cell(ws, header_row)
        self.assertEqual(rows["T10"][3], 520.5)
        self.assertEqual(rows["T10"][4], "亿元")
        self.assertEqual(rows["T10"][5], "5月")
        self.assertIn("工作目标（三）产业创新能力持续增强", rows)  # grouped by goal group
        status_fill = next(r for r in ws.iter_rows(min_row=header_row + 1) if r[0].value == "T01")[8]
        self.assertEqual(status_fill.value, "未报送")
        self.assertEqual(status_fill.fill.fgColor.rgb[-6:], "6B7280")

    def test_it_lists_progress_per_task_and_unit(self):
        wb = self.open(2)
        ws = wb["重点任务进展"]
        header_row = header_row_of(ws, "序号")
        rows = [list(r) for r in ws.iter_rows(min_row=header_row + 1, values_only=True) if isinstance(r[0], int)]
        task7_rows = [r for r in rows if r[0] == 7]
        jxj_row = next(r for r in task7_rows if r[2] == "市经信局")
        self.assertEqual(jxj_row[4], "5月")  # the quarter's latest
        self.assertEqual(jxj_row[5], "=HYPERLINK(\"http://x\")五月进展")
        self.assertEqual(jxj_row[6], "用地指标不足")
        self.assertEqual(jxj_row[8], "进度滞后")
        self.assertEqual(jxj_row[9], "是")
        # 各区人民政府 is expanded to its members: one row per district.
        districts = self.districts.members.count()
        self.assertGreaterEqual(len(task7_rows), districts + 1)
        hongshan_task3 = next(r for r in rows if r[0] == 3 and r[2] == "洪山区人民政府")
        self.assertEqual(hongshan_task3[5], "本季度未报送进展")  # a draft is not shown

    def test_it_lists_coordination_items_of_submitted_reports_only(self):
        items = coordination_items(self.plan, [4, 5, 6])
        self.assertEqual([i.coordination_matter for i in items], ["协调用地指标"])
        ws = self.open(2)["需市级协调事项"]
        header_row = header_row_of(ws, "序号")
        rows = [r for r in ws.iter_rows(min_row=header_row + 1, values_only=True) if r[0] is not None]
        self.assertEqual(rows, [(1, "5月", "市经信局", "7. " + self.task7.title, "协调用地指标", "用地指标不足",
                                 "2023-06-02", "未办结")])

    def test_it_shows_submission_states_and_on_time_rates(self):
        ws = self.open(2)["报送情况"]
        header_row = header_row_of(ws, "单位")
        rows = rows_by_first_cell(ws, header_row)
        self.assertEqual(len(rows), reporting_units(self.plan).count() + 1)  # and the total
        # 市科技局: April, May and June in on time: 3 of 3 due = 100 %. 市经信局: April late (9 May),
        # May on time (2 June), June none: 1 of 3 = 33.3 %. 洪山区: a May draft only: 0 of 3 = 0.
        self.assertEqual(rows["市科技局"][1:7], ["已审核", "已审核", "按时报送", 3, 3, 100])
        self.assertEqual(rows["市经信局"][1:7], ["已审核·逾期", "按时报送", "未报送", 1, 3, 33.3])  # late stays late
        self.assertEqual(rows["洪山区人民政府"][1:7], ["未报送", "未报送", "未报送", 0, 3, 0])
        # The colours of the screen's timeliness map: late (amber) stays late after approval,
        # on time light blue, missing red; the rate is a right-aligned number.
        # The rule is printed above the table, as the rates count it (tasks.reporting.was_on_time).
        self.assertIn("按时报送后被退回的仍计按时", ws.cell(row=2, column=1).value)
        jxj = next(r for r in ws.iter_rows(min_row=header_row + 1) if r[0].value == "市经信局")
        self.assertEqual([c.fill.fgColor.rgb[-6:] for c in jxj[1:4]], ["FDE7C2", "DCE8F7", "F3C0BB"])
        self.assertEqual(jxj[6].alignment.horizontal, "right")
        self.assertTrue(jxj[6].border.left.style)

    def test_it_renders_an_empty_quarter(self):
        # Nothing was reported in the first quarter; on 20 January nothing was due yet either.
        content = build_quarterly_workbook(self.plan, 1, today=datetime.date(2023, 1, 20))
        wb = load_workbook(BytesIO(content))
        self.assertEqual(wb.sheetnames, SHEETS)
        ws = wb["指标完成情况"]
        header_row = header_row_of(ws, "编号")
        header = [c.value for c in ws[header_row]]
        rows = rows_by_first_cell(ws, header_row)
        self.assertEqual(len(rows), self.plan.targets.count())
        statuses = [r[header.index("状态")] for r in rows.values()]
        # March: the half-yearly T14, T15, T36 and the yearly T27 are not due; the other 39 are.
        self.assertEqual((statuses.count("未报送"), statuses.count("未到报送期")), (39, 4))
        self.assertEqual({r[header.index("3月")] for r in rows.values()}, {None})
        overview = wb["总体情况"]
        figures = {overview.cell(row=4, column=c).value: overview.cell(row=5, column=c).value for c in range(1, 12)}
        self.assertEqual(figures["未报送"], 39)
        coordination = wb["需市级协调事项"]
        first = coordination[header_row_of(coordination, "序号") + 1]
        self.assertIn("本季度没有需市级协调的事项。", [c.value for c in first])
        submissions = wb["报送情况"]
        rows = rows_by_first_cell(submissions, header_row_of(submissions, "单位"))
        self.assertEqual(rows["市科技局"][1:7], ["未到期", "未到期", "未到期", 0, 0, "—"])
        self.assertEqual(figures["本季按时报送率"], "—")  # no on-time rate before anything is due

    def test_it_rejects_a_quarter_outside_1_to_4(self):
        with self.assertRaises(ValueError):
            build_quarterly_workbook(self.plan, 5)


class SupervisionSheetsTests(PersonasTestCase):
    """The sheets 领导批示落实情况 and 督办通知: the quarter's, and those still open from before."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        task7, t08 = cls.plan.tasks.get(number=7), Target.objects.get(plan=cls.plan, code="T08")
        cls.leader.first_name = "王市长"
        cls.leader.save()
        may = instructions.write(cls.leader, "task", task7, [cls.jxj, cls.hongshan], "请加快推进数字经济。",
                                 datetime.date(2023, 5, 10), cls.leader)
        assignment = may.assignments.get(unit=cls.jxj)
        with time_machine.travel(aware(2023, 5, 20), tick=False):
            instructions.reply(assignment, cls.jxj_liaison, "已制定工作方案。", 1)
        with time_machine.travel(aware(2023, 6, 2), tick=False):
            instructions.reply(assignment, cls.jxj_liaison, "方案已印发。", 2)
        instructions.write(cls.leader, "target", t08, [cls.kjj], "高企培育要抓早。", datetime.date(2023, 3, 1), cls.staff)
        done = instructions.write(cls.leader, "task", task7, [cls.jxj], "一季度的已办结批示。",
                                  datetime.date(2023, 2, 1), cls.staff)
        instructions.close(done, cls.staff, "已落实", 1)
        Kind, Cause = UrgingNotice.Kind, UrgingNotice.Cause
        cls.urge, _created, _ids = notices.issue(cls.plan, Kind.URGE, cls.jxj, Cause.OVERDUE, month=5, request="补报",
                                                 issued_on=datetime.date(2023, 6, 6), deadline=datetime.date(2023, 6, 9))
        with time_machine.travel(aware(2023, 6, 7), tick=False):
            notices.sign_for(cls.urge, cls.jxj_liaison)
        closed, _created, _ids = notices.issue(cls.plan, Kind.URGE, cls.hongshan, Cause.OVERDUE, month=2,
                                               request="补报", issued_on=datetime.date(2023, 3, 7),
                                               deadline=datetime.date(2023, 3, 10))
        notices.close(closed, cls.staff, "已补报")
        notices.issue(cls.plan, Kind.SUPERVISE, cls.kjj, Cause.SERIOUSLY_BEHIND, month=3, target=t08, request="说明原因",
                      issued_on=datetime.date(2023, 4, 4), deadline=datetime.date(2023, 4, 7))

    def sheet(self, name, first_title="序号"):
        wb = load_workbook(BytesIO(build_quarterly_workbook(self.plan, 2, today=datetime.date(2023, 7, 3))))
        ws = wb[name]
        return ws, rows_by_first_cell(ws, header_row_of(ws, first_title))

    def test_it_lists_the_quarters_instructions_and_those_still_open(self):
        ws, rows = self.sheet("领导批示落实情况")
        self.assertEqual(sorted(rows), [1, 2])  # the one closed in the first quarter is not carried
        self.assertEqual(rows[1][1:], [datetime.datetime(2023, 3, 1), "王市长", "指标 T08 高新技术企业数", "高企培育要抓早。",
                                       "市科技局", "待办", "—"])
        self.assertEqual(rows[2][1:], [datetime.datetime(2023, 5, 10), "王市长", "任务7 " + self.plan.tasks.get(number=7).title,
                                       "请加快推进数字经济。", "市经信局、洪山区人民政府", "办理中",
                                       "市经信局（2023-06-02）：方案已印发。"])
        self.assertEqual(ws.cell(row=header_row_of(ws, "序号") + 1, column=2).number_format, "yyyy-mm-dd")

    def test_it_lists_the_quarters_notices_and_those_still_open(self):
        _ws, rows = self.sheet("督办通知")
        self.assertEqual(sorted(rows), [1, 2])  # the 催办单 of March, closed, is not carried
        self.assertEqual(rows[1][1:], ["督办〔2023〕第1号", "督办单", "市科技局", "指标 T08 高新技术企业数（连续两个月严重滞后）",
                                       datetime.datetime(2023, 4, 4), datetime.datetime(2023, 4, 7), "待签收",
                                       "—", "—", "—"])
        self.assertEqual(rows[2][1:], ["催办〔2023〕第1号", "催办单", "市经信局", "5月工作进展（逾期未报送）",
                                       datetime.datetime(2023, 6, 6), datetime.datetime(2023, 6, 9), "已签收",
                                       datetime.datetime(2023, 6, 7), "—", "—"])

    def test_a_later_quarter_carries_the_open_ones_and_an_empty_one_says_so(self):
        def q4():
            return load_workbook(BytesIO(build_quarterly_workbook(self.plan, 4, today=datetime.date(2024, 1, 2))))

        wb = q4()
        self.assertEqual([c.value for c in wb["督办通知"]["B"]][4:], ["督办〔2023〕第1号", "催办〔2023〕第1号"])
        self.assertEqual([c.value for c in wb["领导批示落实情况"]["E"]][4:], ["高企培育要抓早。", "请加快推进数字经济。"])
        for notice in UrgingNotice.objects.open():
            notices.close(notice, self.staff, "已办结")
        for instruction in LeaderInstruction.objects.open():
            instructions.close(instruction, self.staff, "", instruction.version)
        wb = q4()
        self.assertEqual([c.value for c in wb["督办通知"]["E"]][4:], ["本季度没有督办通知。"])
        self.assertEqual([c.value for c in wb["领导批示落实情况"]["E"]][4:], ["本季度没有领导批示。"])
