"""Uploads say what they refuse: a formula in any cell (never read as empty), and a workbook
whose XML declares a DTD or entities (refused as damaged). Nothing stored changes."""

import io
import zipfile

from openpyxl.worksheet.formula import ArrayFormula

from reporting import services
from reports.upload.read import MARKER_SHEET, PROGRESS_SHEET, VALUES_SHEET
from targets.models import Plan, TargetValue
from tasks.models import MonthlyReport, ReportingMonthClosure
from tasks.reporting import tasks_for_unit
from tests.test_upload import UploadTestCase, database_state, row_of, workbook_bytes
from units.models import AuditEvent

FORMULA = "单元格内是公式，系统不计算公式，请改为直接填写数值或文字（文字不要以“=”开头）。"
DAMAGED = "文件已损坏或含有不允许的内容（XML 文档类型或实体声明），拒绝处理。"


def rewritten(content, member, rewrite):
    """The xlsx `content` with one part's bytes passed through `rewrite`; member None: the part
    holding the text PLACEHOLDER (openpyxl writes a cell's text inline, in its sheet)."""
    source, result = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    if member is None:
        member = next(name for name in source.namelist() if b"PLACEHOLDER" in source.read(name))
    with zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            archive.writestr(info, rewrite(data) if info.filename == member else data)
    return result.getvalue()


def with_doctype(declaration):
    """A rewrite putting `declaration` after the part's XML declaration."""
    def rewrite(data):
        head, _sep, rest = data.partition(b"?>")
        return head + b"?>" + declaration + rest
    return rewrite


class RefusalTestCase(UploadTestCase):
    def setUp(self):
        self.login(self.kjj_liaison)
        report = services.get_or_create_report(self.plan, self.kjj, 5)
        services.save_target_value(report, self.t10, value="300", note="原说明", source="统计局", user=self.kjj_liaison)

    def assert_refused(self, content, *expected):
        before = database_state()
        response = self.upload(content)
        self.assertEqual(response.status_code, 200)
        errors = self.errors_of(response)
        self.assertTrue(errors, "no error shown")
        for text in expected:
            self.assertTrue(any(text in error for error in errors), f"{text!r} not in {errors}")
            self.assertContains(response, text.split("：")[-1])
        self.assertIsNone(response.context["preview"])
        self.assertIsNone(self.client.session.get("reports.pending_upload"))
        self.assertEqual(database_state(), before)
        self.assertFalse(AuditEvent.objects.filter(action=AuditEvent.Action.UPLOAD).exists())
        return errors


class FormulaTests(RefusalTestCase):
    def test_a_formula_in_the_note_is_refused_not_read_as_empty(self):
        wb = self.filled(values={"T10": {"F": 520, "G": "=1+1"}})
        row = row_of(wb[VALUES_SHEET], "T10")
        self.assert_refused(workbook_bytes(wb), f"工作表“指标数值” 第 {row} 行 G 列（说明）：{FORMULA}")
        self.assertEqual(TargetValue.objects.get(target=self.t10, month=5).note, "原说明")

    def test_a_formula_in_a_value_or_a_narrative_is_refused(self):
        wb = self.filled(values={"T10": {"F": "=SUM(500,20)"}},
                         progress={1: {"C": '=HYPERLINK("http://evil.example","点我")', "F": "正常推进", "G": "否"}})
        values_row, progress_row = row_of(wb[VALUES_SHEET], "T10"), row_of(wb[PROGRESS_SHEET], 1)
        errors = self.assert_refused(
            workbook_bytes(wb),
            f"工作表“指标数值” 第 {values_row} 行 F 列（本月数值）：{FORMULA}",
            f"工作表“进展情况” 第 {progress_row} 行 C 列（工作进展）：{FORMULA}",
        )
        self.assertEqual(len(errors), 2)

    def test_a_formula_anywhere_else_is_refused_with_its_place(self):
        wb = self.filled(values={"T10": {"F": 520}})
        extra = wb.create_sheet("计算")
        extra["Z9"] = "=A1*2"
        wb[VALUES_SHEET]["K30"] = "=TODAY()"
        wb[PROGRESS_SHEET]["C40"] = ArrayFormula("C40:C41", "=1+1")
        self.assert_refused(
            workbook_bytes(wb),
            f"工作表“计算” 第 9 行 Z 列：{FORMULA}",
            f"工作表“指标数值” 第 30 行 K 列：{FORMULA}",
            f"工作表“进展情况” 第 40 行 C 列（工作进展）：{FORMULA}",
        )

    def test_text_that_only_looks_like_a_formula_is_text(self):
        # What the system writes itself (targets/exports.write_cell): a string cell, saved as typed.
        wb = self.filled(values={"T10": {"F": 520}})
        cell = wb[VALUES_SHEET][f"G{row_of(wb[VALUES_SHEET], 'T10')}"]
        cell.value = "=合计数见附表"
        cell.data_type = "s"
        self.confirm(self.upload(workbook_bytes(wb)))
        self.assertEqual(TargetValue.objects.get(target=self.t10, month=5).note, "=合计数见附表")

    def test_a_formula_in_the_hidden_marker_sheet_is_refused_too(self):
        wb = self.filled(values={"T10": {"F": 520}})
        wb[MARKER_SHEET]["C1"] = "=B6"
        self.assert_refused(workbook_bytes(wb), f"工作表“{MARKER_SHEET}” 第 1 行 C 列：{FORMULA}")


class DeclarationTests(RefusalTestCase):
    def template(self, note="PLACEHOLDER"):
        return workbook_bytes(self.filled(values={"T10": {"F": 520, "G": note}}))

    def test_an_entity_in_a_cell_is_refused(self):
        content = rewritten(self.template(), None, lambda data: with_doctype(
            b'<!DOCTYPE worksheet [<!ENTITY note "\xe5\xb7\xb2\xe6\x9b\xbf\xe6\x8d\xa2">]>'
        )(data).replace(b"PLACEHOLDER", b"&note;"))
        self.assert_refused(content, DAMAGED)

    def test_entity_expansion_in_the_workbook_is_refused(self):
        laughs = b"".join(
            b'<!ENTITY l%d "%s">' % (n, b"&l%d;" % (n - 1) * 10 if n else b"lol") for n in range(10)
        )
        content = rewritten(self.template("说明"), "xl/workbook.xml",
                            with_doctype(b"<!DOCTYPE workbook [" + laughs + b"]>"))
        self.assert_refused(content, DAMAGED)

    def test_an_external_entity_in_a_sheet_is_refused(self):
        content = rewritten(self.template(), "xl/worksheets/sheet1.xml",
                            with_doctype(b'<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'))
        self.assert_refused(content, DAMAGED)

    def test_a_doctype_alone_is_refused(self):
        content = rewritten(self.template("说明"), "[Content_Types].xml", with_doctype(b"<!DOCTYPE Types>"))
        self.assert_refused(content, DAMAGED)

    def test_a_declaration_in_utf16_or_behind_another_encoding_is_refused(self):
        def utf16(data):
            text = with_doctype(b'<!DOCTYPE worksheet [<!ENTITY note "x">]>')(data).decode("utf-8")
            return text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
        self.assert_refused(rewritten(self.template(), None, utf16), DAMAGED)

        def ebcdic(data):
            return b'<?xml version="1.0" encoding="cp037"?>' + data.partition(b"?>")[2].decode("utf-8").encode("cp037")
        self.assert_refused(rewritten(self.template(), None, ebcdic), DAMAGED)

    def test_a_declaration_in_a_part_with_any_name_is_refused(self):
        content = self.template("说明")
        buffer = io.BytesIO(content)
        with zipfile.ZipFile(buffer, "a") as archive:
            archive.writestr("xl/media/image1.bin", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY y "z">]><x/>')
        self.assert_refused(buffer.getvalue(), DAMAGED)

    def test_the_unchanged_template_still_uploads(self):
        response = self.upload(self.template("新说明"))
        self.assertEqual(self.errors_of(response), [])
        self.confirm(response)
        self.assertEqual(TargetValue.objects.get(target=self.t10, month=5).note, "新说明")


class RowIdentityTests(RefusalTestCase):
    """A row must name one of the unit's targets due this month, or one of its tasks, as the template
    gave it: each other row is refused with its sheet, row and column, and nothing is saved."""

    def test_a_row_without_its_code_or_with_a_code_not_in_the_plan(self):
        wb = self.filled(values={"T10": {"F": 520}, "T26": {"F": 12400}})
        ws = wb[VALUES_SHEET]
        blank, unknown = row_of(ws, "T10"), row_of(ws, "T26")
        ws[f"A{blank}"], ws[f"A{unknown}"] = None, "T99"
        ws.append(["X" * 25, None, None, None, None, 5])  # a long code is shown cut at 20 characters
        long_code = ws.max_row
        errors = self.assert_refused(
            workbook_bytes(wb),
            f"工作表“指标数值” 第 {blank} 行 A 列（编号）：缺少指标编号，请不要修改灰色单元格。",
            f"工作表“指标数值” 第 {unknown} 行 A 列（编号）：“T99”不是本工作要点的指标编号。",
            f"工作表“指标数值” 第 {long_code} 行 A 列（编号）：“{'X' * 20}”不是本工作要点的指标编号。",
        )
        self.assertEqual(len(errors), 3)

    def test_a_row_of_another_units_target_or_of_one_not_due_this_month(self):
        wb = self.filled(values={"T10": {"F": 520}})
        ws = wb[VALUES_SHEET]
        ws.append(["T01", None, None, None, None, 5])
        others = ws.max_row
        ws.append(["T08", None, None, None, None, 5])  # 市科技局's, quarterly: not asked in May
        not_due = ws.max_row
        self.assert_refused(
            workbook_bytes(wb),
            f"工作表“指标数值” 第 {others} 行 A 列（编号）：指标 T01 由“市发改委”报送，不是本单位的指标。",
            f"工作表“指标数值” 第 {not_due} 行 A 列（编号）：指标 T08 每季度报送，5月无需填报，请删除此行。",
        )

    def test_a_progress_row_with_a_number_that_is_no_task(self):
        wb = self.filled(values={"T10": {"F": 520}})
        ws = wb[PROGRESS_SHEET]
        ws.append([99, None, "召开推进会", "", "", "正常推进", "否"])
        unknown = ws.max_row
        ws.append(["第一项", None, "召开推进会", "", "", "正常推进", "否"])
        unreadable = ws.max_row
        self.assert_refused(
            workbook_bytes(wb),
            f"工作表“进展情况” 第 {unknown} 行 A 列（序号）：缺少或无法识别任务序号，请不要修改灰色单元格。",
            f"工作表“进展情况” 第 {unreadable} 行 A 列（序号）：缺少或无法识别任务序号，请不要修改灰色单元格。",
        )

    def test_a_progress_row_of_a_task_the_unit_does_not_report_on(self):
        self.login(self.jxj_liaison)
        own = set(tasks_for_unit(self.plan, self.jxj).values_list("number", flat=True))
        other = next(number for number in range(1, 23) if number not in own)
        wb = self.filled()
        ws = wb[PROGRESS_SHEET]
        ws.append([other, None, "召开推进会", "", "", "正常推进", "否"])
        self.assert_refused(
            workbook_bytes(wb), f"工作表“进展情况” 第 {ws.max_row} 行 A 列（序号）：任务 {other} 不由本单位报送进展。"
        )


MONTH_CELL = "工作表“指标数值” 第 2 行 D 列（月份）："  # where the template names its month


class LockedMonthTests(RefusalTestCase):
    """A month closed by staff, or a report already with the bureau, takes no upload — said in words;
    another month's, another unit's or another year's report of the same month locks nothing."""

    def may_report(self):
        return MonthlyReport.objects.get(plan=self.plan, unit=self.kjj, month=5)

    def test_a_closed_month_is_refused(self):
        ReportingMonthClosure.objects.create(plan=self.plan, month=5, closed_by=self.staff)
        self.assertEqual(self.assert_refused(workbook_bytes(self.filled(values={"T10": {"F": 520}}))),
                         [f"{MONTH_CELL}2023年5月的报送已关闭，不能再填报或修改。"])

    def test_a_submitted_or_approved_report_is_refused(self):
        wb = self.filled(values={"T10": {"F": 520}})
        for status, message in (
            (MonthlyReport.Status.SUBMITTED, "市科技局2023年5月的报送已报送、正在审核，不能再修改；如需修改请联系市科技局退回。"),
            (MonthlyReport.Status.APPROVED, "市科技局2023年5月的报送已审核，不能再修改；如需修改请联系市科技局重新打开。"),
        ):
            with self.subTest(status=status):
                MonthlyReport.objects.filter(pk=self.may_report().pk).update(status=status)
                self.assertEqual(self.assert_refused(workbook_bytes(wb)), [f"{MONTH_CELL}{message}"])

    def test_other_reports_with_the_bureau_lock_nothing(self):
        wb = self.filled(values={"T10": {"F": 520}})
        MonthlyReport.objects.filter(pk=self.may_report().pk).delete()  # 市科技局 has no May report yet
        approved = MonthlyReport.Status.APPROVED
        MonthlyReport.objects.create(plan=self.plan, unit=self.kjj, month=4, status=approved)
        MonthlyReport.objects.create(plan=self.plan, unit=self.jxj, month=5, status=approved)
        earlier = Plan.objects.create(code="2022-test", year=2022, title="2022年工作要点")
        MonthlyReport.objects.create(plan=earlier, unit=self.kjj, month=5, status=approved)
        response = self.upload(workbook_bytes(wb))
        self.assertEqual(self.errors_of(response), [])
        self.assertTrue(response.context["preview"].has_changes)
