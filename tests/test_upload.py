"""Uploading a filled monthly template: preview, confirm, and every error leaving the database unchanged."""

import io
import zipfile
from decimal import Decimal
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from reporting import services
from reports.upload.read import MARKER_SHEET, PROGRESS_SHEET, VALUES_SHEET
from targets.models import Target, TargetValue
from tasks.models import MonthlyReport, ProgressReport, ReportingMonthClosure
from tests.personas import PASSWORD, PersonasTestCase
from units.accounts import create_account
from units.models import AuditEvent, Membership, Unit

FOREIGN = "这不是本系统下载的报送模板，请在“上传月度报送”页面下载本单位的模板后填写。"


def workbook_bytes(wb):
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def row_of(ws, key):
    for row in ws.iter_rows(min_row=5):
        if row[0].value == key:
            return row[0].row
    raise AssertionError(f"{key} not in {ws.title}")


def database_state():
    """Everything an upload could change, to compare before and after."""
    return {
        "values": sorted(TargetValue.objects.values_list("target__code", "month", "value", "note", "source", "version")),
        "progress": sorted(ProgressReport.objects.values_list("task__number", "report__month", "work_done", "version")),
        "reports": sorted(MonthlyReport.objects.values_list("unit__code", "month", "status", "version")),
        "value_history": TargetValue.history.count(),
        "progress_history": ProgressReport.history.count(),
    }


class UploadTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.kjj_liaison = create_account(
            "kjj_liaison", Membership.Role.LIAISON, cls.kjj, PASSWORD, email="kjj@example.gov.cn"
        )
        cls.t26 = Target.objects.get(plan=cls.plan, code="T26")  # 在孵初创科技企业数 15000 家, monthly
        cls.t10 = Target.objects.get(plan=cls.plan, code="T10")  # 技术合同成交额 1450 亿元
        cls.task1 = cls.plan.tasks.get(number=1)  # 市科技局 leads task 1

    def login(self, user):
        self.client.force_login(user)

    def download(self, month=5, unit=None):
        params = {"month": month}
        if unit:
            params["unit"] = unit
        response = self.client.get(reverse("reports:template"), params)
        self.assertEqual(response.status_code, 200, getattr(response, "content", b"")[:500])
        return load_workbook(io.BytesIO(response.content))

    def filled(self, month=5, values=None, progress=None, unit=None):
        """A downloaded template with cells filled: values {code: {column letter: value}}."""
        wb = self.download(month, unit)
        ws = wb[VALUES_SHEET]
        for code, cells in (values or {}).items():
            row = row_of(ws, code)
            for column, value in cells.items():
                ws[f"{column}{row}"] = value
        ws = wb[PROGRESS_SHEET]
        for number, cells in (progress or {}).items():
            row = row_of(ws, number)
            for column, value in cells.items():
                ws[f"{column}{row}"] = value
        return wb

    def upload(self, content, name="报送.xlsx"):
        return self.client.post(reverse("reports:upload"), {"file": SimpleUploadedFile(name, content)})

    def confirm(self, response):
        self.assertEqual(self.errors_of(response), [])
        self.assertTrue(response.context["token"], "nothing to confirm")
        return self.client.post(reverse("reports:upload_confirm"), {"token": response.context["token"]})

    def errors_of(self, response):
        return [str(e) for e in response.context["errors"]]


class UploadRoundTripTests(UploadTestCase):
    FILL = {
        "values": {"T26": {"F": 12400, "G": "含新认定企业", "H": "市科技局统计"}, "T10": {"F": "520.5"}},
        "progress": {1: {"C": "召开推进会 3 次", "D": "", "E": "六月继续调度", "F": "正常推进", "G": "否"}},
    }

    def test_numbers_typed_in_text_cells_are_read_as_typed(self):
        # Numbers typed into text cells (2023, 6, 1): the text 2023 and 6, and 1 as 是.
        self.login(self.kjj_liaison)
        wb = self.filled(progress={1: {"C": 2023, "D": "", "E": 6, "F": "正常推进", "G": 1, "H": "请协调用地"}})
        response = self.confirm(self.upload(workbook_bytes(wb)))
        self.assertRedirects(response, reverse("reports:upload"))
        progress = ProgressReport.objects.get(report__unit=self.kjj, report__month=5, task=self.task1)
        self.assertEqual((progress.work_done, progress.next_steps, progress.needs_coordination), ("2023", "6", True))

    def test_it_previews_then_saves_the_same_drafts_as_the_form(self):
        self.login(self.kjj_liaison)
        wb = self.filled(**self.FILL)
        before = database_state()
        response = self.upload(workbook_bytes(wb))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["errors"], [])
        changes = {(c.item, c.field): (c.old, c.new) for c in response.context["preview"].changes}
        self.assertEqual(changes[(f"T26 {self.t26.name}", "本月数值")], ("", "12,400"))
        self.assertEqual(changes[(f"T10 {self.t10.name}", "本月数值")], ("", "520.5"))
        self.assertEqual(changes[(f"1. {self.task1.title}", "工作进展")], ("", "召开推进会 3 次"))
        self.assertContains(response, "12,400")
        self.assertEqual(database_state(), before)  # the preview saves nothing

        response = self.confirm(response)
        self.assertRedirects(response, reverse("reports:upload"))
        report = MonthlyReport.objects.get(plan=self.plan, unit=self.kjj, month=5)
        self.assertEqual(report.status, MonthlyReport.Status.DRAFT)
        uploaded = TargetValue.objects.get(target=self.t26, unit=self.kjj, month=5)
        self.assertEqual(
            (uploaded.value, uploaded.note, uploaded.source, uploaded.version, uploaded.updated_by),
            (Decimal("12400"), "含新认定企业", "市科技局统计", 1, self.kjj_liaison),
        )
        self.assertEqual(uploaded.history.count(), 1)
        self.assertEqual(TargetValue.objects.get(target=self.t10, month=5).value, Decimal("520.5"))
        progress = ProgressReport.objects.get(report=report, task=self.task1)
        self.assertEqual((progress.work_done, progress.next_steps, progress.self_status), ("召开推进会 3 次", "六月继续调度", "on_track"))
        self.assertTrue(AuditEvent.objects.filter(action=AuditEvent.Action.UPLOAD, object_id=str(report.pk)).exists())

        # The same figures typed into the form (which calls the same services) for June.
        june = services.get_or_create_report(self.plan, self.kjj, 6)
        typed = services.save_target_value(
            june, self.t26, value="12400", note="含新认定企业", source="市科技局统计", user=self.kjj_liaison
        )
        self.assertEqual(
            (typed.value, typed.note, typed.source, typed.version, typed.history.count()),
            (uploaded.value, uploaded.note, uploaded.source, uploaded.version, uploaded.history.count()),
        )

    def test_it_changes_nothing_on_a_second_upload_of_the_same_file(self):
        self.login(self.kjj_liaison)
        content = workbook_bytes(self.filled(**self.FILL))
        self.confirm(self.upload(content))
        before = database_state()
        response = self.upload(content)
        self.assertEqual(response.context["preview"].changes, [])
        self.assertContains(response, "没有需要保存的修改")
        self.assertIsNone(response.context["token"])
        self.assertEqual(database_state(), before)

    def test_a_downloaded_template_carries_the_current_draft(self):
        self.login(self.kjj_liaison)
        self.confirm(self.upload(workbook_bytes(self.filled(**self.FILL))))
        wb = self.download(5)
        ws = wb[VALUES_SHEET]
        row = row_of(ws, "T26")
        self.assertEqual([c.value for c in ws[row]][3:8], [15000, None, 12400, "含新认定企业", "市科技局统计"])
        self.assertTrue(ws.protection.sheet)
        self.assertTrue(ws[f"A{row}"].protection.locked)
        self.assertFalse(ws[f"F{row}"].protection.locked)
        self.assertEqual(wb[MARKER_SHEET].sheet_state, "veryHidden")
        # June's template shows May's value as last month's, and an empty cell to fill.
        ws = self.download(6)[VALUES_SHEET]
        self.assertEqual([c.value for c in ws[row_of(ws, "T26")]][4:6], [12400, None])

    def test_only_the_changed_cells_are_saved_and_versioned(self):
        self.login(self.kjj_liaison)
        self.confirm(self.upload(workbook_bytes(self.filled(**self.FILL))))
        wb = self.download(5)
        ws = wb[VALUES_SHEET]
        ws[f"F{row_of(ws, 'T10')}"] = 600
        response = self.upload(workbook_bytes(wb))
        self.assertEqual(
            [(c.field, c.old, c.new) for c in response.context["preview"].changes], [("本月数值", "520.5", "600")]
        )
        self.confirm(response)
        self.assertEqual(TargetValue.objects.get(target=self.t10, month=5).version, 2)
        self.assertEqual(TargetValue.objects.get(target=self.t26, month=5).version, 1)

    def test_bureau_staff_upload_for_a_unit(self):
        self.login(self.staff)
        wb = self.filled(unit="kjj", values={"T26": {"F": 12500}})
        self.confirm(self.upload(workbook_bytes(wb)))
        self.assertEqual(TargetValue.objects.get(target=self.t26, month=5).updated_by, self.staff)

    def test_a_district_uploads_progress_on_its_group_tasks(self):
        self.login(self.hongshan_liaison)
        wb = self.download(5)
        self.assertEqual(wb[VALUES_SHEET].max_row, 4)  # 洪山区 reports no target: header only
        ws = wb[PROGRESS_SHEET]
        row = row_of(ws, 3)
        ws[f"C{row}"] = "推进光谷科学岛路网"
        ws[f"F{row}"] = "进度滞后"
        ws[f"D{row}"] = "征地拆迁进度慢"
        ws[f"G{row}"] = "是"
        ws[f"H{row}"] = "协调征地"
        self.confirm(self.upload(workbook_bytes(wb)))
        progress = ProgressReport.objects.get(report__unit=self.hongshan, task__number=3)
        self.assertEqual((progress.self_status, progress.needs_coordination, progress.coordination_matter),
                         ("behind", True, "协调征地"))


class UploadErrorTests(UploadTestCase):
    """Every error: a message naming sheet, row and column, in Chinese, and nothing saved."""

    def setUp(self):
        self.login(self.kjj_liaison)
        # Something already there, so "unchanged" is more than "empty".
        report = services.get_or_create_report(self.plan, self.kjj, 5)
        services.save_target_value(report, self.t10, value="300", user=self.kjj_liaison)

    def assertRejected(self, content, *expected, name="报送.xlsx"):
        before = database_state()
        response = self.upload(content, name)
        self.assertIsNone(response.context.get("preview"))
        errors = self.errors_of(response) + [str(e) for e in response.context["upload_form"].errors.get("file", [])]
        self.assertTrue(errors, "no error shown")
        for text in expected:
            self.assertTrue(any(text in e for e in errors), f"{text!r} not in {errors}")
        shown = response.content.decode()
        self.assertIn(expected[0].split("：")[-1], shown)  # the page shows it, not only the context
        self.assertEqual(database_state(), before)
        return errors
        self.assertFalse(AuditEvent.objects.filter(action=AuditEvent.Action.UPLOAD).exists())
        return errors

    def test_a_file_that_is_not_xlsx(self):
        self.assertRejected(b"code,value\nT26,12400\n", "不是 Excel（.xlsx）格式")
        self.assertRejected(workbook_bytes(self.filled()), "不是 Excel（.xlsx）格式", name="报送.csv")

    def test_a_zip_that_is_not_a_workbook(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("readme.txt", "hello")
        self.assertRejected(buffer.getvalue(), "不是 Excel（.xlsx）格式")

    def test_a_damaged_workbook(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/workbook.xml", "<not-closed")
        self.assertRejected(buffer.getvalue(), "文件已损坏")

    @override_settings(UPLOAD_XLSX_MAX_BYTES=2048)
    def test_a_file_over_the_size_limit(self):
        self.assertRejected(workbook_bytes(self.filled(values={"T26": {"F": 1}})), "超过 0 MB 的上限")

    def test_a_zip_bomb_is_refused_before_it_is_unpacked(self):
        content = workbook_bytes(self.filled(values={"T26": {"F": 1}}))
        with mock.patch("wuhan_plan.uploaded_xlsx.MAX_UNCOMPRESSED_BYTES", 10_000), \
                mock.patch("wuhan_plan.uploaded_xlsx.load_workbook") as load:
            self.assertRejected(content, "解压后过大")
        load.assert_not_called()

    def test_an_oversized_sheet(self):
        with mock.patch("reports.upload.read.MAX_ROWS", 6):
            self.assertRejected(workbook_bytes(self.filled(values={"T26": {"F": 1}})), "工作表“指标数值”", "工作表过大")

    def test_a_workbook_that_is_not_our_template(self):
        wb = Workbook()
        wb.active.title = VALUES_SHEET
        wb.active["A5"] = "T26"
        wb.active["F5"] = 12400
        self.assertEqual(self.assertRejected(workbook_bytes(wb), FOREIGN), [FOREIGN])

    def test_a_template_of_a_unit_made_a_group_since(self):
        content = workbook_bytes(self.filled(values={"T26": {"F": 12400}}))
        Unit.objects.filter(pk=self.kjj.pk).update(kind=Unit.Kind.GROUP)  # a group reports through its members
        self.assertEqual(self.assertRejected(content, FOREIGN), [FOREIGN])

    def test_january_and_december_templates_are_taken(self):
        for month in (1, 12):
            with self.subTest(month=month):
                response = self.upload(workbook_bytes(self.filled(month=month, values={"T26": {"F": 11000}})))
                self.assertEqual(self.errors_of(response), [])
                self.assertTrue(response.context["preview"].has_changes)

    def test_a_template_whose_marker_was_tampered_with(self):
        wb = self.filled(values={"T26": {"F": 12400}})
        marker = wb[MARKER_SHEET]
        marker["B6"] = marker["B6"].value.replace("|kjj|", "|jxj|")
        self.assertEqual(self.assertRejected(workbook_bytes(wb), FOREIGN), [FOREIGN])

    def test_another_units_template(self):
        content = workbook_bytes(self.filled(values={"T26": {"F": 12400}}))
        self.login(self.jxj_liaison)
        self.assertRejected(content, "工作表“指标数值” 第 2 行 B 列（单位）", "您只能上传本单位（市经信局）的报送")

    def test_a_row_for_a_target_not_due_this_month(self):
        wb = self.filled(values={"T26": {"F": 12400}})
        ws = wb[VALUES_SHEET]
        self.assertNotIn("T08", [c.value for c in ws["A"]])  # 高新技术企业数 is quarterly: not in May's template
        ws[f"A{row_of(ws, 'T10')}"] = "T08"
        row = row_of(ws, "T08")
        self.assertRejected(
            workbook_bytes(wb), f"工作表“指标数值” 第 {row} 行 A 列（编号）：指标 T08 每季度报送，5月无需填报，请删除此行"
        )

    def test_a_row_for_another_units_target(self):
        wb = self.filled(values={"T26": {"F": 12400}})
        ws = wb[VALUES_SHEET]
        ws[f"A{row_of(ws, 'T10')}"] = "T07"  # 高端创新团队, reported by 市人才工作局
        row = row_of(ws, "T07")
        self.assertRejected(
            workbook_bytes(wb), f"工作表“指标数值” 第 {row} 行 A 列（编号）：指标 T07 由“市人才工作局”报送，不是本单位的指标"
        )

    def test_a_value_that_is_not_a_number(self):
        wb = self.filled(values={"T26": {"F": 12400}, "T10": {"F": "五百亿"}})
        row = row_of(wb[VALUES_SHEET], "T10")
        self.assertRejected(workbook_bytes(wb), f"工作表“指标数值” 第 {row} 行 F 列（本月数值）：“五百亿”不是数字")

    def test_a_value_out_of_range(self):
        wb = self.filled(values={"T26": {"F": -5}, "T10": {"F": 1450 * 1000}})
        errors = self.assertRejected(workbook_bytes(wb), "不能为负数", "请检查计量单位是否填错")
        self.assertEqual(len(errors), 2)  # both rows reported at once

    def test_progress_errors_name_their_cells(self):
        wb = self.filled(
            values={"T26": {"F": 12400}},
            progress={1: {"C": "推进", "F": "差不多", "G": "也许"}},
        )
        row = row_of(wb[PROGRESS_SHEET], 1)
        self.assertRejected(
            workbook_bytes(wb),
            f"工作表“进展情况” 第 {row} 行 F 列（自评状态）：自评状态须为",
            f"工作表“进展情况” 第 {row} 行 G 列（需市级协调）",
        )

    def test_progress_rules_of_the_form_apply(self):
        wb = self.filled(progress={1: {"C": "推进", "F": "进度滞后", "G": "是"}})
        self.assertRejected(workbook_bytes(wb), "D 列（存在问题）：进度滞后", "H 列（协调事项）")

    def test_a_submitted_month(self):
        content = workbook_bytes(self.filled(values={"T26": {"F": 12400}}))
        MonthlyReport.objects.filter(unit=self.kjj, month=5).update(status=MonthlyReport.Status.SUBMITTED)
        self.assertRejected(content, "第 2 行 D 列（月份）", "已报送、正在审核")

    def test_an_approved_month(self):
        content = workbook_bytes(self.filled(values={"T26": {"F": 12400}}))
        MonthlyReport.objects.filter(unit=self.kjj, month=5).update(status=MonthlyReport.Status.APPROVED)
        self.assertRejected(content, "已审核，不能再修改")

    def test_a_closed_month(self):
        content = workbook_bytes(self.filled(values={"T26": {"F": 12400}}))
        ReportingMonthClosure.objects.create(plan=self.plan, month=5, closed_by=self.staff)
        self.assertRejected(content, "2023年5月的报送已关闭")

    def test_a_month_locked_between_preview_and_confirm(self):
        response = self.upload(workbook_bytes(self.filled(values={"T26": {"F": 12400}})))
        self.assertTrue(response.context["preview"].has_changes)
        MonthlyReport.objects.filter(unit=self.kjj, month=5).update(status=MonthlyReport.Status.SUBMITTED)
        before = database_state()
        response = self.confirm(response)
        self.assertIn("已报送、正在审核", " ".join(self.errors_of(response)))
        self.assertEqual(database_state(), before)

    def test_a_value_changed_by_someone_else_between_preview_and_confirm(self):
        wb = self.filled(values={"T26": {"F": 12400}, "T10": {"F": 310}})
        response = self.upload(workbook_bytes(wb))
        report = MonthlyReport.objects.get(unit=self.kjj, month=5)
        services.save_target_value(report, self.t10, value="305", user=self.staff)
        before = database_state()
        response = self.confirm(response)
        row = row_of(wb[VALUES_SHEET], "T10")
        self.assertEqual(self.errors_of(response), [f"工作表“指标数值” 第 {row} 行 A 列（编号）：该数值已被他人修改，请刷新后重试。"])
        self.assertEqual(database_state(), before)

    def test_a_forged_or_replayed_confirm_saves_nothing(self):
        response = self.upload(workbook_bytes(self.filled(values={"T26": {"F": 12400}})))
        before = database_state()
        forged = self.client.post(reverse("reports:upload_confirm"), {"token": "forged"})
        self.assertRedirects(forged, reverse("reports:upload"))
        self.assertEqual(database_state(), before)
        self.confirm(response)
        after = database_state()
        self.assertNotEqual(after, before)
        replay = self.confirm(response)  # the preview was used up
        self.assertRedirects(replay, reverse("reports:upload"))
        self.assertEqual(database_state(), after)
