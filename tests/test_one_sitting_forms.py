"""No browser-language text on the reporting and upload pages (issue 18): every form is `novalidate`
(the server's Chinese messages instead), file fields are a labelled 选择文件 button with the chosen
name, the upload template's month is the open month, and the upload's message links to the report."""

import datetime
import re
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reporting import services
from tasks.models import MonthlyReport
from tests.reporting_base import ReportingTestCase
from tests.test_upload import UploadTestCase, workbook_bytes


def forms_without_novalidate(html):
    """The page's own forms (in <main>; the header's language and sign-out buttons have no fields)."""
    main = html[html.index("<main"):html.index("</main>")]
    return [tag for tag in re.findall(r"<form\b[^>]*>", main) if "novalidate" not in tag]


class NoBrowserLanguageTests(ReportingTestCase):
    def test_every_form_of_the_reporting_pages_is_novalidate(self):
        services.save_progress(self.jxj_report, self.jxj_task, **self.progress_data(), user=self.jxj_liaison)
        pages = [
            (self.jxj_liaison, f"/reporting/{self.jxj_report.pk}/"),
            (self.jxj_liaison, f"/reporting/{self.jxj_report.pk}/tasks/7/"),
            (self.jrj_liaison, f"/reporting/{self.jrj_report.pk}/values/"),
            (self.jrj_liaison, "/reporting/month/4/"),
            (self.jxj_liaison, "/reports/upload/"),
            (self.staff, "/reporting/review/"),
            (self.staff, "/reporting/months/"),
            (self.staff, f"/reporting/{self.jxj_report.pk}/history/"),
        ]
        services.submit_report(self.fill(self.hongshan_report, self.hongshan_liaison), self.hongshan_liaison)
        pages.append((self.staff, f"/reporting/{self.hongshan_report.pk}/"))
        for user, url in pages:
            with self.subTest(url=url):
                self.client.force_login(user)
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(forms_without_novalidate(response.content.decode()), [])

    def test_file_fields_are_a_labelled_button_with_the_chosen_name(self):
        self.login(self.jxj_liaison)
        for url in (f"/reporting/{self.jxj_report.pk}/tasks/7/", "/reports/upload/"):
            with self.subTest(url=url):
                html = self.client.get(url).content.decode()
                self.assertRegex(html, r'<input type="file" name="file"[^>]*class="file-input visually-hidden"')
                self.assertIn('<label for="id_file" class="button file-button">选择文件</label>', html)
                self.assertIn('<span class="file-name" id="id_file-name">未选择文件</span>', html)
                self.assertIn('<script src="/static/js/file_input.js"></script>', html)

    def test_a_missing_file_is_refused_in_chinese(self):
        self.login(self.jxj_liaison)
        response = self.client.post(f"/reporting/{self.jxj_report.pk}/tasks/7/evidence/", {})
        self.assertContains(response, "字段是必填项", status_code=response.status_code)  # Django's or DRF's wording


class OpenMonthTests(ReportingTestCase):
    def test_the_upload_template_defaults_to_the_open_month(self):
        self.login(self.jxj_liaison)
        with mock.patch("reports.views.local_today", return_value=datetime.date(2023, 7, 3)):
            html = self.client.get("/reports/upload/").content.decode()
        self.assertIn('<option value="6" selected>6月</option>', html)
        html = self.client.get("/reports/upload/").content.decode()  # 2023 long past: December
        self.assertIn('<option value="12" selected>12月</option>', html)



class UploadMessageTests(UploadTestCase):
    def test_the_upload_message_links_to_the_report_where_it_is_submitted(self):
        self.login(self.kjj_liaison)
        wb = self.filled(progress={1: {"C": "召开推进会 3 次", "F": "正常推进", "G": "否"}})
        upload = SimpleUploadedFile("报送.xlsx", workbook_bytes(wb))
        response = self.client.post(reverse("reports:upload"), {"file": upload})
        token = response.context["token"]
        response = self.client.post(reverse("reports:upload_confirm"), {"token": token}, follow=True)
        report = MonthlyReport.objects.get(plan=self.plan, unit=self.kjj, month=5)
        self.assertContains(response, "请核对后在本单位报送页面报送")
        self.assertContains(response, f'<a class="next-step" href="/reporting/{report.pk}/">去报送页面核对并报送</a>',
                            html=True)
