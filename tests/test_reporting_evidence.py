"""Evidence files: upload (/reporting/<pk>/tasks/<n>/evidence/), download and delete (/reporting/evidence/<pk>/)."""

import io
import re
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from reporting import services
from tasks.models import EvidenceFile
from tests.reporting_base import ReportingTestCase

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde" + b"\x00" * 64
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def plain_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


class EvidenceTests(ReportingTestCase):
    def setUp(self):
        self.progress = services.save_progress(
            self.jxj_report, self.jxj_task, **self.progress_data(), user=self.jxj_liaison
        )

    def upload_url(self, report=None, number=7):
        return f"/reporting/{(report or self.jxj_report).pk}/tasks/{number}/evidence/"

    def upload(self, name, content, report=None, number=7):
        return self.client.post(
            self.upload_url(report, number), {"file": SimpleUploadedFile(name, content, "application/pdf")}
        )

    def stored(self, name="进展材料.pdf", content=PDF):
        self.login(self.jxj_liaison)
        self.upload(name, content)
        return EvidenceFile.objects.get()

    def test_it_stores_a_pdf_under_a_random_name(self):
        self.login(self.jxj_liaison)
        response = self.upload("3月推进会纪要.pdf", PDF)
        self.assertRedirects(response, self.upload_url().replace("evidence/", ""))
        evidence = EvidenceFile.objects.get()
        self.assertEqual(evidence.original_name, "3月推进会纪要.pdf")
        self.assertEqual((evidence.content_type, evidence.size), ("application/pdf", len(PDF)))
        self.assertRegex(evidence.file.name, r"^evidence/\d{4}/\d{2}/[0-9a-f]{32}\.pdf$")
        self.assertEqual(evidence.uploaded_by, self.jxj_liaison)

    def test_it_accepts_images_and_office_documents_by_content(self):
        self.login(self.jxj_liaison)
        for name, content in (("照片.png", PNG), ("汇报.docx", docx()), ("台账.xls", OLE2)):
            with self.subTest(name=name):
                self.assertEqual(self.upload(name, content).status_code, 302)
        self.assertEqual(EvidenceFile.objects.count(), 3)

    def test_it_refuses_content_that_does_not_match_the_name(self):
        self.login(self.jxj_liaison)
        cases = [
            ("报告.pdf", b"<html><script>alert(1)</script></html>", "文件内容与扩展名"),
            ("报告.pdf", PNG, "文件内容与扩展名"),
            ("报告.docx", plain_zip(), "文件内容与扩展名"),
            ("脚本.html", b"<html></html>", "只能上传"),
            ("程序.exe", b"MZ\x90\x00" + b"\x00" * 100, "只能上传"),
            ("空.pdf", b"", ""),
        ]
        for name, content, message in cases:
            with self.subTest(name=name):
                response = self.upload(name, content)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, message)
        self.assertFalse(EvidenceFile.objects.exists())

    def test_it_refuses_a_file_over_20_mb(self):
        self.login(self.jxj_liaison)
        response = self.upload("大文件.pdf", PDF + b"\x00" * (20 * 1024 * 1024 + 1 - len(PDF)))
        self.assertContains(response, "文件不能超过 20.0")
        self.assertFalse(EvidenceFile.objects.exists())

    def test_it_asks_for_progress_before_evidence(self):
        self.login(self.jxj_liaison)
        response = self.upload("材料.pdf", PDF, number=8)
        self.assertContains(response, "请先保存本任务的月度进展")
        self.assertFalse(EvidenceFile.objects.exists())

    def test_it_refuses_uploads_to_another_unit_or_by_readers(self):
        self.login(self.hongshan_liaison)
        self.assertEqual(self.upload("材料.pdf", PDF).status_code, 404)
        for user in (self.leader, self.outsider):
            self.login(user)
            self.assertEqual(self.upload("材料.pdf", PDF).status_code, 403)
        self.client.logout()
        self.assertEqual(self.upload("材料.pdf", PDF).status_code, 302)
        self.assertFalse(EvidenceFile.objects.exists())

    def test_it_refuses_uploads_to_a_submitted_report(self):
        self.submitted(self.jxj_report, self.jxj_liaison)
        self.login(self.jxj_liaison)
        self.assertEqual(self.upload("材料.pdf", PDF).status_code, 403)

    def test_it_refuses_get_on_the_upload_url(self):
        self.login(self.jxj_liaison)
        self.assertEqual(self.client.get(self.upload_url()).status_code, 405)

    def test_it_serves_a_download_as_an_attachment(self):
        evidence = self.stored()
        for user in (self.jxj_liaison, self.staff, self.leader):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get(f"/reporting/evidence/{evidence.pk}/")
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
                self.assertIn("filename*=utf-8''%E8%BF%9B%E5%B1%95%E6%9D%90%E6%96%99.pdf", response["Content-Disposition"])
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                self.assertEqual(response["Content-Type"], "application/pdf")
                self.assertEqual(b"".join(response.streaming_content), PDF)

    def test_it_hides_another_units_evidence(self):
        evidence = self.stored()
        self.login(self.hongshan_liaison)
        self.assertEqual(self.client.get(f"/reporting/evidence/{evidence.pk}/").status_code, 404)
        self.assertEqual(self.client.post(f"/reporting/evidence/{evidence.pk}/delete/").status_code, 404)
        self.login(self.outsider)
        self.assertEqual(self.client.get(f"/reporting/evidence/{evidence.pk}/").status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(f"/reporting/evidence/{evidence.pk}/").status_code, 302)
        self.assertTrue(EvidenceFile.objects.exists())

    def test_it_links_evidence_on_the_report_page(self):
        evidence = self.stored()
        response = self.client.get(f"/reporting/{self.jxj_report.pk}/")
        self.assertContains(response, f'<a href="/reporting/evidence/{evidence.pk}/">进展材料.pdf</a>', html=True)

    def test_it_deletes_evidence_of_an_editable_report(self):
        evidence = self.stored()
        path = evidence.file.path
        self.login(self.leader)
        self.assertEqual(self.client.post(f"/reporting/evidence/{evidence.pk}/delete/").status_code, 403)
        self.login(self.jxj_liaison)
        self.assertEqual(self.client.get(f"/reporting/evidence/{evidence.pk}/delete/").status_code, 405)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"/reporting/evidence/{evidence.pk}/delete/")
        self.assertEqual(response.status_code, 302)
        self.assertFalse(EvidenceFile.objects.exists())
        import os

        self.assertFalse(os.path.exists(path))
        self.assertTrue(re.match(r"^/reporting/\d+/tasks/7/$", response["Location"]))
