"""python manage.py import_progress: the upload's checks and saves from the command line."""

import io
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from reports.upload.read import VALUES_SHEET, build_template
from targets.models import Target, TargetValue
from tasks.models import MonthlyReport
from tests.personas import PersonasTestCase
from units.models import AuditEvent


class ImportProgressCommandTests(PersonasTestCase):
    def setUp(self):
        self.directory = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.directory, ignore_errors=True)
        self.t26 = Target.objects.get(plan=self.plan, code="T26")

    def template_file(self, month=5, t26="12400"):
        wb = load_workbook(io.BytesIO(build_template(self.plan, self.kjj, month)))
        ws = wb[VALUES_SHEET]
        row = next(r[0].row for r in ws.iter_rows(min_row=5) if r[0].value == "T26")
        ws[f"F{row}"] = t26
        path = self.directory / f"kjj-{month}.xlsx"
        wb.save(path)
        return path

    def run_command(self, *args):
        out, err = io.StringIO(), io.StringIO()
        call_command("import_progress", *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def test_it_saves_the_units_figures_as_a_draft(self):
        path = self.template_file()
        out, _err = self.run_command(str(path), "--month", "2023-05", "--unit", "kjj", "--user", "staff")
        self.assertIn("本月数值： → 12,400", out.replace("—", ""))
        self.assertIn("已保存 1 处修改", out)
        value = TargetValue.objects.get(target=self.t26, unit=self.kjj, month=5)
        self.assertEqual((value.value, value.updated_by, value.report.status), (Decimal("12400"), self.staff, "draft"))
        self.assertTrue(AuditEvent.objects.filter(action=AuditEvent.Action.UPLOAD, user=self.staff).exists())
        # The same file again changes nothing.
        out, _err = self.run_command(str(path), "--month", "2023-05", "--unit", "kjj", "--user", "staff")
        self.assertIn("没有需要保存的修改", out)
        value.refresh_from_db()
        self.assertEqual(value.version, 1)

    def test_a_dry_run_saves_nothing(self):
        out, _err = self.run_command(
            str(self.template_file()), "--month", "2023-05", "--unit", "kjj", "--user", "staff", "--dry-run"
        )
        self.assertIn("未保存", out)
        self.assertFalse(TargetValue.objects.exists())
        self.assertFalse(MonthlyReport.objects.exists())

    def test_it_prints_every_error_and_exits_non_zero(self):
        path = self.template_file(t26="很多")
        err = io.StringIO()
        with self.assertRaisesMessage(CommandError, "文件有 1 处问题，未保存任何内容"):
            call_command("import_progress", str(path), "--month", "2023-05", "--unit", "kjj", "--user", "staff",
                         stdout=io.StringIO(), stderr=err)
        self.assertIn("工作表“指标数值” 第", err.getvalue())
        self.assertIn("F 列（本月数值）：“很多”不是数字", err.getvalue())
        self.assertFalse(TargetValue.objects.exists())

    def test_the_file_must_be_for_the_unit_and_month_given(self):
        path = self.template_file()
        for args, message in (
            (["--month", "2023-05", "--unit", "jxj"], "工作表“指标数值” 第 2 行 B 列（单位）：这是“市科技局”的模板，不是“市经信局”的。"),
            (["--month", "2023-06", "--unit", "kjj"], "工作表“指标数值” 第 2 行 D 列（月份）：这是2023年5月的模板，不是2023年6月的。"),
        ):
            err = io.StringIO()
            with self.subTest(args=args), self.assertRaises(CommandError):
                call_command("import_progress", str(path), *args, "--user", "staff", stdout=io.StringIO(), stderr=err)
            self.assertIn(message, err.getvalue())
        self.assertFalse(TargetValue.objects.exists())

    def test_a_locked_month_is_refused(self):
        path = self.template_file()
        MonthlyReport.objects.create(plan=self.plan, unit=self.kjj, month=5, status=MonthlyReport.Status.APPROVED)
        err = io.StringIO()
        with self.assertRaises(CommandError):
            call_command("import_progress", str(path), "--month", "2023-05", "--unit", "kjj", "--user", "staff",
                         stdout=io.StringIO(), stderr=err)
        self.assertIn("已审核，不能再修改", err.getvalue())
        self.assertFalse(TargetValue.objects.exists())

    def test_bad_arguments(self):
        path = str(self.template_file())
        for args, message in (
            ([path, "--month", "May", "--unit", "kjj"], "月份格式应为 2023-05"),
            ([path, "--month", "2023-13", "--unit", "kjj"], "月份格式应为 2023-05"),
            ([path, "--month", "2023-05", "--unit", "nope"], "没有代码为“nope”的单位"),
            ([path, "--month", "2023-05", "--unit", "kjj", "--user", "ghost"], "没有用户名为“ghost”"),
            ([str(self.directory / "missing.xlsx"), "--month", "2023-05", "--unit", "kjj"], "无法读取"),
        ):
            with self.subTest(args=args), self.assertRaisesMessage(CommandError, message):
                self.run_command(*args)

    def test_without_user_it_acts_as_bureau_staff(self):
        self.run_command(str(self.template_file()), "--month", "2023-05", "--unit", "kjj")
        self.assertEqual(TargetValue.objects.get(target=self.t26).updated_by, self.staff)
