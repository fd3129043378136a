"""Hostile evidence files (佐证材料), posted through the real upload page by 市经信局's liaison
(issue 16): wrong extensions, path-traversal and control-character names, double extensions, a
1 MB name, executables and other content disguised as an allowed type, and the download.

The files are posted as raw multipart bodies, so the name arrives exactly as a hostile client
sends it (Django's test client would have cut it to its basename and to 255 characters first).
Each test checks what the liaison sees (a Chinese error on the file field, or the cleaned name on
the page) and what is stored: no row, no file and no audit event on a refusal; on success one
file under a generated name inside MEDIA_ROOT/evidence/ and nothing written anywhere else.
"""

import io
import os
import struct
import uuid
import zipfile
from contextlib import contextmanager
from pathlib import Path
from unittest import mock
from urllib.parse import quote

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.utils.http import parse_header_parameters
from openpyxl import Workbook

from reporting import services
from reporting.evidence import MIME_TYPES, store_evidence
from tasks.models import EvidenceFile
from tests.reporting_base import ReportingTestCase
from units.models import AuditEvent
from units.text import FORBIDDEN_CHARACTERS_RE

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fe"
    "a7d6a4000000000049454e44ae426082"
)
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00" \
      b"\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'

WORD_CLSID = "00020906-0000-0000-c000-000000000046"
EXCEL_CLSID = "00020820-0000-0000-c000-000000000046"
MSI_CLSID = "000c1084-0000-0000-c000-000000000046"  # a Windows Installer package
NAME_MAX = 100  # characters of a displayed name, its extension included


def zip_bytes(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def ooxml(main_part, **extra):
    return zip_bytes({"[Content_Types].xml": "<Types/>", "_rels/.rels": "<Relationships/>", main_part: "<x/>", **extra})


def openpyxl_workbook():
    """A workbook as Excel-compatible software writes it (openpyxl is a requirement)."""
    workbook = Workbook()
    workbook.active.append(["指标", "数值"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ole2(clsid=None):
    """A compound file with one directory sector whose root entry carries `clsid`."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHH", header, 0x18, 0x3E, 3, 0xFFFE)  # minor and major version, byte order
    struct.pack_into("<H", header, 0x1E, 9)  # 512-byte sectors
    struct.pack_into("<I", header, 0x30, 0)  # the directory starts in sector 0
    sector = bytearray(512)
    name = "Root Entry".encode("utf-16-le") + b"\x00\x00"
    sector[0:len(name)] = name
    struct.pack_into("<HB", sector, 0x40, len(name), 5)
    if clsid:
        sector[0x50:0x60] = uuid.UUID(clsid).bytes_le
    return bytes(header + sector)


def files_under(root):
    root = Path(root)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


class HostileEvidenceTestCase(ReportingTestCase):
    maxDiff = None
    BOUNDARY = "----hostile-evidence-boundary"

    def setUp(self):
        self.progress = services.save_progress(
            self.jxj_report, self.jxj_task, **self.progress_data(), user=self.jxj_liaison
        )
        self.media = Path(settings.MEDIA_ROOT).resolve()
        self.sandbox = self.media.parent  # the test's own temporary directory
        self.before = files_under(self.sandbox)
        self.events_before = self.upload_events()
        self.login(self.jxj_liaison)

    @property
    def url(self):
        return f"/reporting/{self.jxj_report.pk}/tasks/{self.jxj_task.number}/evidence/"

    def post(self, name, content, *, encoded=False, content_type="application/pdf"):
        """Post `content` as the file field, its name sent as `filename="…"` (raw UTF-8, as
        browsers send it) or, with `encoded`, as RFC 2231 `filename*=utf-8''…`."""
        if encoded:
            disposition = f"filename*=utf-8''{quote(name, safe='')}".encode()
        elif isinstance(name, bytes):
            disposition = b'filename="' + name + b'"'
        else:
            disposition = f'filename="{name}"'.encode()
        body = (
            f"--{self.BOUNDARY}\r\n".encode()
            + b'Content-Disposition: form-data; name="file"; ' + disposition + b"\r\n"
            + f"Content-Type: {content_type}\r\n\r\n".encode()
            + content
            + f"\r\n--{self.BOUNDARY}--\r\n".encode()
        )
        return self.client.post(self.url, data=body, content_type=f"multipart/form-data; boundary={self.BOUNDARY}")

    @staticmethod
    def upload_events():
        return AuditEvent.objects.filter(action=AuditEvent.Action.UPLOAD).count()

    def new_files(self):
        return files_under(self.sandbox) - self.before

    def field_errors(self, response):
        try:
            return " ".join(response.context["evidence_form"].errors.get("file", []))
        except (KeyError, TypeError):
            return ""

    def assert_nothing_stored(self):
        self.assertFalse(EvidenceFile.objects.exists())
        self.assertEqual(self.new_files(), set())
        self.assertEqual(self.upload_events(), self.events_before)

    def assert_refused(self, response, message, case=""):
        self.assertEqual(response.status_code, 200, case)
        self.assertIn(message, self.field_errors(response), case)
        self.assertContains(response, 'id="id_file_error"')  # shown on the file field, not only at the top
        self.assertContains(response, message)
        self.assert_nothing_stored()

    def assert_stored(self, response, extension, case=""):
        """The one upload is stored under a generated name inside MEDIA_ROOT/evidence; returns it."""
        self.assertEqual(response.status_code, 302, f"{case}: {self.field_errors(response)}")
        evidence = EvidenceFile.objects.get()
        self.assertRegex(evidence.file.name, rf"^evidence/\d{{4}}/\d{{2}}/[0-9a-f]{{32}}\.{extension}$", case)
        path = Path(evidence.file.path).resolve()
        self.assertTrue(path.is_relative_to(self.media / "evidence"), case)
        self.assertEqual(self.new_files(), {path}, case)  # nothing written anywhere else
        self.assertEqual(evidence.content_type, MIME_TYPES[extension], case)
        self.assertTrue(evidence.original_name.lower().endswith(f".{extension}"), case)
        self.assertIsNone(FORBIDDEN_CHARACTERS_RE.search(evidence.original_name), case)
        self.assertFalse(set("/\\") & set(evidence.original_name), case)
        self.assertLessEqual(len(evidence.original_name), NAME_MAX, case)
        return evidence

    @contextmanager
    def case(self, **kwargs):
        """A subtest that starts from nothing stored, as the liaison, whatever the previous one left."""
        self.clear()
        self.login(self.jxj_liaison)
        with self.subTest(**kwargs):
            yield

    def clear(self):
        for evidence in EvidenceFile.objects.all():
            evidence.file.delete(save=False)
        EvidenceFile.objects.all().delete()
        self.events_before = self.upload_events()  # audit events are append-only
        self.assertEqual(self.new_files(), set())

    def progress_page(self):
        return self.client.get(f"/reporting/{self.jxj_report.pk}/tasks/{self.jxj_task.number}/").content.decode()


class WrongExtensionTests(HostileEvidenceTestCase):
    def test_it_refuses_names_whose_extension_is_not_allowed_and_names_it(self):
        cases = {
            "程序.exe": "“.exe”", "页面.html": "“.html”", "图表.svg": "“.svg”", "脚本.js": "“.js”",
            "批处理.BAT": "“.bat”", "压缩包.zip": "“.zip”", "报告.pdf.exe": "“.exe”",
            "无扩展名": "没有扩展名", "归档.": "没有扩展名", "...": "没有扩展名",
        }
        for name, named in cases.items():
            with self.case(name=name):
                response = self.post(name, PDF)  # even with a real PDF inside: the name decides how it opens
                self.assert_refused(response, "只能上传 PDF、图片（PNG、JPEG、GIF）或 Office 文档", name)
                self.assertIn(named, self.field_errors(response), name)

    def test_it_refuses_html_svg_and_scripts_renamed_to_an_allowed_extension(self):
        for name, content in (("页面.pdf", HTML), ("图表.png", SVG), ("脚本.jpg", b"alert(1);"), ("纪要.docx", HTML)):
            with self.case(name=name):
                self.assert_refused(self.post(name, content, content_type="text/html"), "不符", name)


class PathTraversalTests(HostileEvidenceTestCase):
    def test_it_keeps_traversal_names_inside_the_evidence_directory(self):
        token = uuid.uuid4().hex[:8]
        cases = [
            (f"../../etc/passwd-{token}.pdf", False, f"passwd-{token}.pdf"),
            (f"..\\..\\x-{token}.pdf", False, f"x-{token}.pdf"),
            (f"/tmp/abs-{token}.pdf", False, f"abs-{token}.pdf"),
            (f"C:\\Windows\\System32\\win-{token}.pdf", False, f"win-{token}.pdf"),
            (f"&#46;&#46;&#47;&#46;&#46;&#47;ent-{token}.pdf", False, f"ent-{token}.pdf"),
            (f"../../../pct-{token}.pdf", True, f"pct-{token}.pdf"),
            (f"..%2F..%2Flit-{token}.pdf", False, f"%2F..%2Flit-{token}.pdf"),  # not decoded: a literal
        ]
        for name, encoded, shown in cases:
            with self.case(name=name):
                evidence = self.assert_stored(self.post(name, PDF, encoded=encoded), "pdf", name)
                self.assertEqual(evidence.original_name, shown)
                self.assertIn(shown, self.progress_page())
                for base in (self.media, self.media / "evidence", Path.cwd(), Path("/tmp")):
                    self.assertFalse(os.path.exists(os.path.normpath(base / name)), base / name)
                self.assertFalse(Path(f"/tmp/abs-{token}.pdf").exists())

    def test_it_removes_nul_control_bidi_and_zero_width_characters_from_names(self):
        cases = [
            (b"\xe6\x8a\xa5\xe5\x91\x8a\x00.pdf", False, "报告.pdf"),
            (b"a\x07b\x1b\x08c.pdf", False, "abc.pdf"),
            ("会议\u200b纪要\ufeff.pdf", False, "会议纪要.pdf"),
            ("\u202egpj.pdf", False, "gpj.pdf"),  # would read as "fdp.jpg"
            ("第一行\r\nX-Injected: 1.pdf", True, "第一行X-Injected: 1.pdf"),
            ("tab\there.pdf", True, "tabhere.pdf"),
        ]
        for name, encoded, shown in cases:
            with self.case(name=name):
                evidence = self.assert_stored(self.post(name, PDF, encoded=encoded), "pdf", repr(name))
                self.assertEqual(evidence.original_name, shown)
                response = self.client.get(f"/reporting/evidence/{evidence.pk}/")
                self.assertEqual(response.status_code, 200)
                self.assertNotIn("X-Injected", response.headers)

    def test_it_refuses_an_executable_whose_name_is_disguised_by_a_bidi_override(self):
        # "报告\u202efdp.exe" reads as "报告exe.pdf": it is an .exe
        self.assert_refused(self.post("报告\u202efdp.exe", EXE), "“.exe”")

    def test_it_gives_a_generated_name_when_only_dots_or_spaces_are_left(self):
        cases = {".pdf": "佐证材料.pdf", "....pdf": "佐证材料.pdf", "   .pdf": "佐证材料.pdf",
                 "..  纪要.pdf": "纪要.pdf", "  会议   纪要  .pdf": "会议 纪要.pdf"}
        for name, shown in cases.items():
            with self.case(name=name):
                evidence = self.assert_stored(self.post(name, PDF), "pdf", name)
                self.assertEqual(evidence.original_name, shown)

    def test_it_cleans_names_passed_by_any_caller_not_only_the_upload_page(self):
        # The multipart parser already strips non-printable characters; store_evidence must not rely on it
        # (PostgreSQL refuses NUL in text, and a CR/LF would break the download's Content-Disposition).
        uploaded = SimpleUploadedFile("报\x00告\r\n\u202e.pdf", PDF, "application/pdf")
        evidence = store_evidence(self.progress, uploaded, self.jxj_liaison)
        self.assertEqual(evidence.original_name, "报告.pdf")
        response = self.client.get(f"/reporting/evidence/{evidence.pk}/")
        self.assertEqual(response.status_code, 200)


class DoubleExtensionTests(HostileEvidenceTestCase):
    def test_it_refuses_report_pdf_exe(self):
        for content in (EXE, PDF):
            with self.case(content=content[:4]):
                self.assert_refused(self.post("report.pdf.exe", content), "“.exe”")

    def test_it_accepts_report_exe_pdf_only_when_the_content_is_a_pdf(self):
        # The last extension is the one every system opens the file by, and the content is checked against it:
        # a real PDF named "report.exe.pdf" opens in a PDF reader. Names like "2023.3.15纪要.pdf" are common.
        self.assert_refused(self.post("report.exe.pdf", EXE), "不符")
        evidence = self.assert_stored(self.post("report.exe.pdf", PDF), "pdf")
        self.assertEqual(evidence.original_name, "report.exe.pdf")

    def test_it_judges_the_extension_windows_would_see_after_trailing_dots_and_spaces(self):
        # Windows drops trailing dots and spaces: "report.exe. " is saved as "report.exe".
        self.assert_refused(self.post("report.exe. ", EXE), "“.exe”")
        self.assert_refused(self.post("report.exe .", PDF), "“.exe”")
        evidence = self.assert_stored(self.post("report.pdf. ", PDF), "pdf")
        self.assertEqual(evidence.original_name, "report.pdf")


class LongNameTests(HostileEvidenceTestCase):
    def test_it_answers_a_1_mb_name_with_a_clear_400_and_stores_nothing(self):
        for name, encoded in (("A" * (1024 * 1024) + ".pdf", False), ("长" * (1024 * 1024 // 3) + ".pdf", True)):
            with self.case(encoded=encoded):
                response = self.post(name, PDF, encoded=encoded)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, "提交的内容过大或格式不正确，未作任何修改", status_code=400)
                self.assert_nothing_stored()

    def test_it_shortens_a_long_name_keeping_its_extension(self):
        cases = [
            ("A" * 300 + ".pdf", "A" * (NAME_MAX - 4) + ".pdf"),  # over Django's own 255
            ("会议纪要" * 50 + ".pdf", ("会议纪要" * 50)[: NAME_MAX - 4] + ".pdf"),
            ("x" * 240 + ".exe.pdf", "x" * (NAME_MAX - 4) + ".pdf"),
        ]
        for name, shown in cases:
            with self.case(name=name[:10]):
                evidence = self.assert_stored(self.post(name, PDF), "pdf", name[:10])
                self.assertEqual(evidence.original_name, shown)

    def test_it_shortens_a_1_mb_name_given_to_the_form(self):
        uploaded = SimpleUploadedFile("纪" * (1024 * 1024) + ".png", PNG, "image/png")  # the client sends 255 chars
        response = self.client.post(self.url, {"file": uploaded})
        evidence = self.assert_stored(response, "png")
        self.assertEqual(evidence.original_name, "纪" * (NAME_MAX - 4) + ".png")


class DisguisedContentTests(HostileEvidenceTestCase):
    def test_it_refuses_an_executable_or_anything_else_not_starting_with_pdf_marker_as_a_pdf(self):
        cases = {
            "windows_exe": EXE, "elf": ELF, "shell_script": b"#!/bin/sh\nrm -rf /\n", "html": HTML,
            "jar": zip_bytes({"META-INF/MANIFEST.MF": "Main-Class: X\n"}), "png": PNG,
            "marker_without_dash": b"%PDF" + EXE, "marker_not_at_start": b" " + PDF,
            "bom_then_marker": b"\xef\xbb\xbf" + PDF,
            "exe_then_marker": EXE + PDF, "text": "纯文本".encode(),
        }
        for case, content in cases.items():
            with self.case(case=case):
                response = self.post("进展报告.pdf", content)
                self.assert_refused(response, "文件内容与扩展名“.pdf”不符", case)

    def test_it_checks_images_by_their_signature(self):
        refused = {
            "png_signature_then_exe": ("图.png", b"\x89PNG" + EXE),
            "png_signature_without_header_chunk": ("图.png", PNG[:8] + HTML),
            "gif_without_version": ("动图.gif", b"GIF" + HTML),
            "gif_unknown_version": ("动图.gif", b"GIF90a" + GIF[6:]),
            "jpeg_named_png": ("图.png", JPEG),
            "exe_named_jpg": ("照片.jpg", EXE),
            "elf_named_jpeg": ("照片.jpeg", ELF),
            "png_named_gif": ("动图.gif", PNG),
        }
        for case, (name, content) in refused.items():
            with self.case(case=case):
                self.assert_refused(self.post(name, content, content_type="image/png"), "不符", case)
        for name, content, extension in (("图.png", PNG, "png"), ("动图.gif", GIF, "gif"), ("照片.JPG", JPEG, "jpg"),
                                         ("照片.jpeg", JPEG, "jpeg")):
            with self.case(name=name):
                self.assert_stored(self.post(name, content, content_type="image/png"), extension, name)

    def test_it_checks_office_open_xml_documents_by_their_parts(self):
        refused = {
            "no_content_types": ("汇报.docx", zip_bytes({"word/document.xml": "<x/>"})),
            "no_main_part": ("汇报.docx", zip_bytes({"[Content_Types].xml": "<Types/>", "word/setup.exe": EXE})),
            "workbook_named_docx": ("汇报.docx", ooxml("xl/workbook.xml")),
            "document_named_xlsx": ("台账.xlsx", ooxml("word/document.xml")),
            "presentation_named_docx": ("汇报.docx", ooxml("ppt/presentation.xml")),
            "jar_named_xlsx": ("台账.xlsx", zip_bytes({"META-INF/MANIFEST.MF": "x", "Main.class": EXE})),
            "exe_named_docx": ("汇报.docx", EXE),
        }
        for case, (name, content) in refused.items():
            with self.case(case=case):
                self.assert_refused(self.post(name, content), "不符", case)
        for name, content, extension in (("汇报.docx", ooxml("word/document.xml"), "docx"),
                                         ("台账.xlsx", ooxml("xl/workbook.xml"), "xlsx"),
                                         ("汇报.pptx", ooxml("ppt/presentation.xml"), "pptx"),
                                         ("真实台账.xlsx", openpyxl_workbook(), "xlsx")):
            with self.case(name=name):
                self.assert_stored(self.post(name, content), extension, name)

    def test_it_refuses_office_documents_that_carry_macros(self):
        for name, main in (("汇报.docx", "word/document.xml"), ("台账.xlsx", "xl/workbook.xml")):
            with self.case(name=name):
                content = ooxml(main, **{f"{main.split('/')[0]}/vbaProject.bin": ole2()})
                self.assert_refused(self.post(name, content), "宏", name)

    def test_it_checks_office_97_2003_documents_by_their_class(self):
        self.assert_refused(self.post("安装包.doc", ole2(MSI_CLSID)), "不符")
        self.assert_refused(self.post("台账.doc", ole2(EXCEL_CLSID)), "不符")
        self.assert_refused(self.post("汇报.xls", ole2(WORD_CLSID)), "不符")
        for name, content, extension in (("汇报.doc", ole2(WORD_CLSID), "doc"), ("台账.xls", ole2(EXCEL_CLSID), "xls"),
                                         ("旧文件.ppt", ole2(), "ppt")):  # no class recorded: any of the three
            with self.case(name=name):
                self.assert_stored(self.post(name, content), extension, name)


class StorageTests(HostileEvidenceTestCase):
    def test_it_leaves_no_file_behind_when_the_row_cannot_be_saved(self):
        with mock.patch("reporting.evidence.record", side_effect=DatabaseError("disk full")), \
                self.assertRaises(DatabaseError):
            self.post("纪要.pdf", PDF)
        self.assert_nothing_stored()


class DownloadTests(HostileEvidenceTestCase):
    def test_it_serves_every_accepted_type_as_an_attachment_with_its_own_safe_type(self):
        uploads = [
            ('引号"; filename=evil.html;.pdf', PDF, "pdf"), ("图.png", PNG, "png"), ("动图.gif", GIF, "gif"),
            ("照片.jpg", JPEG, "jpg"), ("汇报.docx", ooxml("word/document.xml"), "docx"),
            ("台账.xls", ole2(EXCEL_CLSID), "xls"),
        ]
        for name, content, extension in uploads:
            with self.case(name=name):
                response = self.post(name, content, encoded=True, content_type="text/html")
                evidence = self.assert_stored(response, extension)
                for user in (self.jxj_liaison, self.staff, self.leader):
                    self.login(user)
                    response = self.client.get(f"/reporting/evidence/{evidence.pk}/")
                    self.assertEqual(response.status_code, 200)
                    disposition, params = parse_header_parameters(response["Content-Disposition"])
                    self.assertEqual(disposition, "attachment")
                    self.assertEqual(params.get("filename"), evidence.original_name)
                    self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                    self.assertEqual(response["Content-Type"], MIME_TYPES[extension])  # never the browser's text/html
                    self.assertNotRegex(response["Content-Type"], r"^text/|html|^application/xml|\+xml|svg|javascript")
                    self.assertEqual(b"".join(response.streaming_content), content)

    def test_it_answers_404_for_another_units_evidence(self):
        evidence = self.assert_stored(self.post("../../纪要.pdf", PDF), "pdf")
        self.login(self.hongshan_liaison)
        self.assertEqual(self.client.get(f"/reporting/evidence/{evidence.pk}/").status_code, 404)
        self.assertEqual(self.client.post(f"/reporting/evidence/{evidence.pk}/delete/").status_code, 404)
        self.assertTrue(EvidenceFile.objects.filter(pk=evidence.pk).exists())
        self.assertTrue(Path(evidence.file.path).exists())
        self.assertNotIn("纪要.pdf", self.client.get(f"/reporting/{self.hongshan_report.pk}/").content.decode())


    def test_it_serves_the_type_of_the_stored_file_even_when_the_row_says_otherwise(self):
        evidence = self.assert_stored(self.post("纪要.pdf", PDF), "pdf")
        EvidenceFile.objects.filter(pk=evidence.pk).update(content_type="text/html")  # e.g. edited in the admin
        self.login(self.jxj_liaison)
        response = self.client.get(f"/reporting/evidence/{evidence.pk}/")
        self.assertEqual(response["Content-Type"], "application/pdf")
