"""Evidence uploads (the reporting pages' upload, tested here for issue 7): type by content,
size limit, random stored name, served only as a download."""

import io
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from tasks.models import EvidenceFile, MonthlyReport, ProgressReport
from tasks.reporting import tasks_for_unit
from tests.personas import PersonasTestCase
from units.models import AuditEvent

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4000000000049454e44ae426082")


def zip_bytes(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def stored_files():
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


class EvidenceUploadTests(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.task = tasks_for_unit(cls.plan, cls.jxj)[0]
        cls.report = MonthlyReport.objects.create(plan=cls.plan, unit=cls.jxj, month=6)
        cls.progress = ProgressReport.objects.create(report=cls.report, task=cls.task, work_done="进展")

    def upload(self, name, content, user=None):
        self.client.force_login(user or self.jxj_liaison)
        url = reverse("reporting:upload_evidence", args=[self.report.pk, self.task.number])
        return self.client.post(url, {"file": SimpleUploadedFile(name, content, content_type="application/pdf")})

    def assert_refused(self, response, message):
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, message)
        self.assertEqual(EvidenceFile.objects.count(), 0)
        self.assertEqual(stored_files(), [])
        self.assertFalse(AuditEvent.objects.filter(action=AuditEvent.Action.UPLOAD).exists())

    def test_a_real_pdf_is_stored_under_a_random_name_and_audited(self):
        response = self.upload("会议纪要 <b>.pdf", PDF)
        self.assertEqual(response.status_code, 302)
        evidence = EvidenceFile.objects.get()
        stored = Path(evidence.file.name).name
        self.assertRegex(stored, r"^[0-9a-f]{32}\.pdf$")
        self.assertNotIn("会议纪要", evidence.file.name)
        self.assertEqual(evidence.original_name, "会议纪要 <b>.pdf")
        self.assertEqual(evidence.content_type, "application/pdf")
        self.assertEqual([p.read_bytes() for p in stored_files()], [PDF])
        self.assertTrue(AuditEvent.objects.filter(action=AuditEvent.Action.UPLOAD, object_id=str(evidence.pk)).exists())

    def test_html_named_pdf_is_refused(self):
        self.assert_refused(self.upload("report.pdf", b"<html><script>alert(1)</script></html>"), "不符")

    def test_script_svg_named_png_is_refused(self):
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        self.assert_refused(self.upload("chart.png", svg), "不符")

    def test_a_png_named_pdf_is_refused(self):
        self.assert_refused(self.upload("scan.pdf", PNG), "不符")

    def test_executable_and_html_names_are_refused(self):
        for name in ["run.exe", "page.html", "page.htm", "x.svg", "noextension"]:
            with self.subTest(name=name):
                self.assert_refused(self.upload(name, PDF), "只能上传")

    def test_an_empty_file_is_refused(self):
        response = self.upload("empty.pdf", b"")
        self.assertEqual(EvidenceFile.objects.count(), 0)
        self.assertEqual(response.status_code, 200)

    @override_settings(EVIDENCE_MAX_BYTES=1024)
    def test_a_file_over_the_limit_is_refused(self):
        self.assert_refused(self.upload("big.pdf", PDF + b"0" * 2048), "不能超过")

    def test_a_zip_bomb_named_docx_is_refused_without_inflating_it(self):
        response = self.upload("bomb.docx", zip_bytes({"word/document.xml": b"0" * (5 * 1024 * 1024)}))
        self.assert_refused(response, "不符")  # no [Content_Types].xml: not an Office document

    def test_a_path_in_the_name_does_not_leave_the_media_directory(self):
        response = self.upload("../../../etc/passwd.pdf", PDF)
        self.assertEqual(response.status_code, 302)
        [path] = stored_files()
        self.assertTrue(path.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve()))
        self.assertNotIn("..", EvidenceFile.objects.get().original_name)

    def test_another_units_liaison_cannot_upload(self):
        response = self.upload("x.pdf", PDF, user=self.hongshan_liaison)
        self.assertIn(response.status_code, (403, 404))
        self.assertEqual(EvidenceFile.objects.count(), 0)

    def test_the_download_is_an_attachment_never_inline(self):
        self.upload("会议纪要.pdf", PDF)
        evidence = EvidenceFile.objects.get()
        response = self.client.get(reverse("reporting:evidence", args=[evidence.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
        self.assertIn("filename*=utf-8''%E4%BC%9A%E8%AE%AE%E7%BA%AA%E8%A6%81.pdf", response["Content-Disposition"])
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(b"".join(response.streaming_content), PDF)

    def test_another_units_liaison_cannot_download(self):
        self.upload("会议纪要.pdf", PDF)
        evidence = EvidenceFile.objects.get()
        self.client.force_login(self.hongshan_liaison)
        self.assertEqual(self.client.get(reverse("reporting:evidence", args=[evidence.pk])).status_code, 404)
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(reverse("reporting:evidence", args=[evidence.pk])).status_code, 403)
        self.client.logout()
        response = self.client.get(reverse("reporting:evidence", args=[evidence.pk]))
        self.assertTrue(response["Location"].startswith(reverse("login")))

    def test_media_files_are_not_served_by_url(self):
        self.upload("会议纪要.pdf", PDF)
        evidence = EvidenceFile.objects.get()
        self.client.force_login(self.staff)
        self.assertEqual(self.client.get(settings.MEDIA_URL + evidence.file.name).status_code, 404)
