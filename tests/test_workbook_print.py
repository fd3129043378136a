"""The quarterly workbook and the upload template printed to PDF with LibreOffice, as an office prints
them for the 市级协调 meeting: A4 landscape, every sheet there, nothing shown as ###, text legible."""

import statistics

from django.core.management import call_command
from django.test import TestCase

from reports.upload.template import build_template
from reports.workbook.build import build_quarterly_workbook
from tasks.models import Plan
from tests.printing import A4_LANDSCAPE_POINTS, page_sizes, pdf_text, print_to_pdf, require_printing_tools, word_heights
from units.models import Unit

MIN_PRINTED_POINTS = 8.5  # 9 pt text, less the bounding box's rounding


class WorkbookPrintTests(TestCase):
    fixtures = ["plan_2023"]

    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", "--progress", "--until", "2023-09", stdout=open("/dev/null", "w"))
        cls.plan = Plan.objects.get(code="2023")

    def setUp(self):
        require_printing_tools()

    def assert_prints_legibly(self, pdf, text):
        self.assertNotIn("###", text)
        sizes = page_sizes(pdf)
        self.assertTrue(sizes)
        self.assertEqual(set(sizes), {A4_LANDSCAPE_POINTS}, "every page A4 landscape")
        heights = word_heights(pdf)
        small = [h for h in heights if h < MIN_PRINTED_POINTS]
        # A handful of small glyphs (footers' page numbers are 10 pt, chart axis labels) may remain;
        # the body text must not: at least 95 % of the words print at 9 pt or more.
        self.assertLess(len(small), len(heights) * 0.05, f"median word height {statistics.median(heights):.1f} pt")

    def test_the_q3_workbook_of_the_demo_data_prints_on_a4_landscape_legibly(self):
        pdf = print_to_pdf(build_quarterly_workbook(self.plan, 3), ".xlsx")
        text = pdf_text(pdf)
        self.assert_prints_legibly(pdf, text)
        for sheet_text in ("总体情况", "指标完成情况", "重点任务进展", "需市级协调事项", "报送情况", "领导批示落实情况",
                           "督办通知", "考核评比"):
            self.assertIn(sheet_text, text)
        # The figures themselves: a target, its unit printed once beside it, a district, a narrative.
        self.assertIn("高新技术企业数", text)
        self.assertIn("万平方米", text)
        self.assertIn("洪山区人民政府", text)
        self.assertIn("指标完成率与时间进度", text)  # the chart, on its own page
        self.assertNotIn("; 时间进度", text)  # bars labelled with their value only, not "T01 … ; 时间进度 ; 完成率"
        self.assertNotIn("; 完成率", text)

    def test_the_upload_template_prints_on_a4_landscape_legibly(self):
        template = build_template(self.plan, Unit.objects.get(code="hongshan"), 9)
        pdf = print_to_pdf(template, ".xlsx")
        text = pdf_text(pdf)
        self.assert_prints_legibly(pdf, text)
        self.assertIn("洪山区人民政府", text)
