"""Text is cleaned once, at the door (units/text.py): the reporting forms and the Excel upload
refuse control characters, bidi overrides and zero-width characters with a message naming
the character; and every export writes only what xlsx can hold, so that text already stored
(before the check, or straight into the database) cannot break a workbook for everyone."""

import io
import zipfile
from xml.etree import ElementTree

from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from reporting import services
from reports.upload.read import PROGRESS_SHEET, VALUES_SHEET
from targets.models import TargetValue
from targets.standing_store import refresh_plan
from tasks.models import MonthlyReport, ProgressReport
from tests.test_upload import UploadTestCase, database_state, row_of, workbook_bytes
from units.models import AuditEvent

# Every character refused: C0 controls but tab, newline and carriage return; DEL and C1;
# zero-width space, non-joiner, joiner and the BOM; bidi embeddings, overrides and isolates.
FORBIDDEN = (
    [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + ["\u200b", "\u200c", "\u200d", "\ufeff"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)
MESSAGE = "不能包含控制字符、文字方向控制符或零宽字符"


def typed(character):
    # Inside the text: Django strips leading and trailing whitespace, which some controls are.
    return f"说明{character}结束"


class FormTests(UploadTestCase):
    def setUp(self):
        self.report = services.get_or_create_report(self.plan, self.kjj, 5)
        self.login(self.kjj_liaison)

    def values_form(self, **fields):
        from tasks.reporting import targets_for_unit

        data = {f"t{t.pk}_version": "0" for t in targets_for_unit(self.plan, self.kjj, 5)}
        data.update({f"t{self.t10.pk}_{key}": value for key, value in fields.items()})
        return data

    def test_a_value_note_and_source_refuse_every_forbidden_character(self):
        url = reverse("reporting:values", args=[self.report.pk])
        before = database_state()
        for character in FORBIDDEN:
            for field in ("note", "source"):
                with self.subTest(character=f"U+{ord(character):04X}", field=field):
                    response = self.client.post(url, self.values_form(value="520", **{field: typed(character)}))
                    self.assertEqual(response.status_code, 200)
                    self.assertContains(response, '<tr id="row-T10" class="has-error">')
                    self.assertContains(response, MESSAGE)
                    self.assertContains(response, f"（第 3 个字符为 U+{ord(character):04X}）")
        response = self.client.post(url, self.values_form(value="52\u200b0"))
        self.assertContains(response, f"{MESSAGE}（第 3 个字符为 U+200B）")
        self.assertEqual(database_state(), before)

    def test_tab_newline_and_carriage_return_are_kept(self):
        url = reverse("reporting:values", args=[self.report.pk])
        self.client.post(url, self.values_form(value="520", note="第一行\r\n第二行\t完"))
        self.assertEqual(TargetValue.objects.get(target=self.t10).note, "第一行\r\n第二行\t完")

    def test_progress_refuses_every_forbidden_character_in_every_text_field(self):
        url = reverse("reporting:progress", args=[self.report.pk, self.task1.number])
        valid = {"work_done": "完成调研", "self_status": "on_track", "needs_coordination": "on",
                 "coordination_matter": "协调用地", "version": "0"}
        before = database_state()
        for field in ("work_done", "problems", "next_steps", "coordination_matter"):
            for character in FORBIDDEN if field == "work_done" else ["\x07", "\u202e", "\u200b"]:
                with self.subTest(field=field, character=f"U+{ord(character):04X}"):
                    response = self.client.post(url, {**valid, field: typed(character)})
                    self.assertEqual(response.status_code, 200)
                    self.assertIn(f"{MESSAGE}（第 3 个字符为 U+{ord(character):04X}），请删除后重新输入；"
                                  "从其他文档复制的文字常带有这类看不见的字符。",
                                  response.context["form"].errors[field])  # NUL: Django's own message too
                    self.assertContains(response, MESSAGE)
        self.assertEqual(database_state(), before)

    def test_a_return_reason_refuses_them_too(self):
        MonthlyReport.objects.filter(pk=self.report.pk).update(status=MonthlyReport.Status.SUBMITTED)
        self.login(self.staff)
        response = self.client.post(reverse("reporting:return", args=[self.report.pk]),
                                    {"return-reason": typed("\u202e")})
        self.assertContains(response, MESSAGE, status_code=400)
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, MonthlyReport.Status.SUBMITTED)


class UploadTests(UploadTestCase):
    def setUp(self):
        self.login(self.kjj_liaison)
        report = services.get_or_create_report(self.plan, self.kjj, 5)
        services.save_target_value(report, self.t10, value="300", note="原说明", user=self.kjj_liaison)

    def assert_refused(self, wb, *expected):
        before = database_state()
        response = self.upload(workbook_bytes(wb))
        errors = self.errors_of(response)
        for text in expected:
            self.assertTrue(any(text in error for error in errors), f"{text!r} not in {errors}")
        self.assertContains(response, MESSAGE)
        self.assertIsNone(response.context["preview"])
        self.assertEqual(database_state(), before)
        self.assertFalse(AuditEvent.objects.filter(action=AuditEvent.Action.UPLOAD).exists())

    def test_every_forbidden_character_is_refused_with_its_cell(self):
        for character in FORBIDDEN:
            # Excel writes a control character as "_x0007_"; XML cannot hold it raw.
            cell_text = typed(f"_x{ord(character):04X}_" if ord(character) < 0x20 else character)
            wb = self.filled(values={"T10": {"F": 520, "G": cell_text}})
            row = row_of(wb[VALUES_SHEET], "T10")
            with self.subTest(character=f"U+{ord(character):04X}"):
                self.assert_refused(
                    wb, f"工作表“指标数值” 第 {row} 行 G 列（说明）：{MESSAGE}（第 3 个字符为 U+{ord(character):04X}）"
                )

    def test_every_text_column_of_progress_is_checked(self):
        wb = self.filled(progress={1: {"C": typed("\u202e"), "D": typed("\u200b"), "E": typed("\x85"),
                                       "F": "正常推进", "G": "是", "H": typed("_x0007_")}})
        row = row_of(wb[PROGRESS_SHEET], 1)
        self.assert_refused(
            wb,
            f"工作表“进展情况” 第 {row} 行 C 列（工作进展）：{MESSAGE}（第 3 个字符为 U+202E）",
            f"工作表“进展情况” 第 {row} 行 D 列（存在问题）：{MESSAGE}（第 3 个字符为 U+200B）",
            f"工作表“进展情况” 第 {row} 行 E 列（下步计划）：{MESSAGE}（第 3 个字符为 U+0085）",
            f"工作表“进展情况” 第 {row} 行 H 列（协调事项）：{MESSAGE}（第 3 个字符为 U+0007）",
        )

    def test_a_raw_control_character_in_the_xml_is_a_damaged_file(self):
        content = workbook_bytes(self.filled(values={"T10": {"F": 520, "G": "说明PLACEHOLDER"}}))
        source, patched = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
        with zipfile.ZipFile(patched, "w") as archive:
            for member in source.infolist():
                archive.writestr(member, source.read(member).replace(b"PLACEHOLDER", b"\x07"))
        before = database_state()
        response = self.upload(patched.getvalue())
        self.assertContains(response, "文件已损坏或不是有效的 Excel（.xlsx）文件")
        self.assertEqual(database_state(), before)


def stored(text):
    """`text` with every forbidden character in it, and U+FFFE/U+FFFF, which XML 1.0 lacks too.
    PostgreSQL cannot store NUL in text at all, so no stored row can hold one there."""
    characters = [c for c in FORBIDDEN if c != "\x00" or connection.vendor != "postgresql"]
    return text + "".join(characters) + "\ufffe\uffff" + "完"


class ExportTests(UploadTestCase):
    """The characters put straight into the database (as an old row or the admin would hold them)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        november = MonthlyReport.objects.create(
            plan=cls.plan, unit=cls.kjj, month=11, status=MonthlyReport.Status.APPROVED, is_late=False
        )
        december = MonthlyReport.objects.create(plan=cls.plan, unit=cls.kjj, month=12)
        for report in (november, december):
            TargetValue.objects.create(target=cls.t10, unit=cls.kjj, report=report, month=report.month, value=1400,
                                       note=stored("说明"), source=stored("来源"))
            ProgressReport.objects.create(
                report=report, task=cls.task1, work_done=stored("进展"), problems=stored("问题"),
                next_steps=stored("计划"), self_status="on_track", needs_coordination=True,
                coordination_matter=stored("协调"),
            )
        refresh_plan(cls.plan)

    def assert_valid_xlsx(self, response):
        self.assertEqual(response.status_code, 200)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        with zipfile.ZipFile(io.BytesIO(content)) as archive:  # every part is well-formed XML 1.0
            for name in archive.namelist():
                if name.endswith((".xml", ".rels")):
                    ElementTree.fromstring(archive.read(name))
        wb = load_workbook(io.BytesIO(content))
        texts = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        return texts

    def test_the_quarterly_workbook_opens(self):
        self.login(self.staff)
        texts = self.assert_valid_xlsx(self.client.get(reverse("reports:quarterly", args=[2023, 4])))
        narrative = next(t for t in texts if t.startswith("进展"))
        self.assertTrue(narrative.endswith("\u2068\u2069完"))  # what xlsx can hold is kept, the rest dropped
        self.assertNotIn("\x07", narrative)

    def test_the_upload_template_opens(self):
        self.login(self.staff)
        response = self.client.get(reverse("reports:template"), {"month": 12, "unit": "kjj"})
        texts = self.assert_valid_xlsx(response)
        self.assertTrue(any(t.startswith("说明") for t in texts))
        self.assertTrue(any(t.startswith("协调") for t in texts))

    def test_the_table_exports_open(self):
        self.login(self.staff)
        for url in (reverse("tasks:detail", args=[self.task1.number]) + "?export=xlsx",
                    reverse("targets:detail", args=[self.t10.pk]) + "?export=xlsx",
                    reverse("overview") + "?export=coordination&month=11"):
            with self.subTest(url=url):
                self.assert_valid_xlsx(self.client.get(url))
