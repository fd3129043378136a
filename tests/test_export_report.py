"""python manage.py export_report: writes the quarter's workbook, refuses a bad quarter."""

import shutil
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tests.personas import PersonasTestCase
from units.models import AuditEvent


class ExportReportCommandTests(PersonasTestCase):
    def test_it_writes_the_workbook_of_the_quarter(self):
        output = self.tmp_path("report.xlsx")
        out = StringIO()
        call_command("export_report", "--quarter", "2023Q2", "--output", str(output), stdout=out)
        self.assertIn("已写入", out.getvalue())
        wb = load_workbook(output)
        self.assertEqual(wb.sheetnames, ["总体情况", "指标完成情况", "重点任务进展", "需市级协调事项", "报送情况", "领导批示落实情况", "督办通知",
                                         "考核评比"])
        self.assertIn("2023年第二季度", wb["总体情况"]["A1"].value)
        self.assertTrue(AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_repr="report.xlsx").exists())

    def test_it_takes_a_plan_code(self):
        output = self.tmp_path("q3.xlsx")
        call_command("export_report", "--quarter", "2023Q3", "--output", str(output), "--plan", "2023",
                     stdout=StringIO())
        self.assertIn("2023年第三季度", load_workbook(output)["总体情况"]["A1"].value)

    def test_it_refuses_a_bad_quarter(self):
        output = self.tmp_path("bad.xlsx")
        for quarter, message in (("2023Q5", "季度格式"), ("2023-2", "季度格式"), ("2022Q1", "2023 年")):
            with self.subTest(quarter=quarter), self.assertRaisesMessage(CommandError, message):
                call_command("export_report", "--quarter", quarter, "--output", str(output), stdout=StringIO())
        self.assertFalse(output.exists())

    def test_it_refuses_an_unknown_plan(self):
        with self.assertRaisesMessage(CommandError, "没有代码为“nope”的工作要点"):
            call_command("export_report", "--quarter", "2023Q2", "--output", str(self.tmp_path("x.xlsx")),
                         "--plan", "nope", stdout=StringIO())

    def tmp_path(self, name):
        directory = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, directory, ignore_errors=True)
        return directory / name
