"""/reports/: the quarterly workbook download and the template/upload pages, by role."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from tasks.models import MonthlyReport
from tests.personas import PersonasTestCase
from units.models import AuditEvent


class ReportsIndexTests(PersonasTestCase):
    url = reverse("reports:index")

    def test_it_lists_the_quarters_for_staff_and_leaders(self):
        # session, user, membership, plan, (the staff member's unit for the header), session save
        for user, queries in ((self.staff, 8), (self.leader, 7)):
            self.client.force_login(user)
            with self.assertNumQueries(queries):
                response = self.client.get(self.url)
            self.assertContains(response, "2023年第二季度")
            self.assertContains(response, reverse("reports:quarterly", args=[2023, 2]))
            self.assertEqual(reverse("reports:quarterly", args=[2023, 2]), "/reports/quarterly/2023Q2.xlsx")

    def test_it_refuses_liaisons_and_outsiders(self):
        for user in (self.jxj_liaison, self.hongshan_liaison, self.outsider):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_it_sends_anonymous_users_to_login(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"{reverse('login')}?next={self.url}", fetch_redirect_response=False)

    def test_it_allows_only_get(self):
        self.client.force_login(self.staff)
        self.assertEqual(self.client.post(self.url).status_code, 405)


class QuarterlyDownloadTests(PersonasTestCase):
    url = reverse("reports:quarterly", args=[2023, 2])

    def test_staff_and_leaders_download_the_workbook_and_it_is_audited(self):
        for user in (self.staff, self.leader):
            self.client.force_login(user)
            response = self.client.get(self.url)
            self.assertEqual(response.status_code, 200)
            self.assertIn("2023Q2.xlsx", response["Content-Disposition"])
            wb = load_workbook(io.BytesIO(response.content))
            self.assertEqual(wb.sheetnames[0], "总体情况")
            event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, user=user).get()
            self.assertEqual(event.changes, {"quarter": "2023Q2"})

    def test_liaisons_and_outsiders_get_403(self):
        for user in (self.jxj_liaison, self.outsider):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertFalse(AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists())

    def test_anonymous_is_sent_to_login(self):
        self.assertEqual(self.client.get(self.url).status_code, 302)

    def test_a_quarter_or_year_that_does_not_exist_is_404(self):
        self.client.force_login(self.staff)
        self.assertEqual(self.client.get("/reports/quarterly/2023Q5.xlsx").status_code, 404)
        self.assertEqual(self.client.get("/reports/quarterly/2022Q1.xlsx").status_code, 404)
        self.assertEqual(self.client.get(self.url + "?plan=nope").status_code, 404)

    def test_it_allows_only_get(self):
        self.client.force_login(self.staff)
        self.assertEqual(self.client.post(self.url).status_code, 405)


class TemplateDownloadTests(PersonasTestCase):
    url = reverse("reports:template")

    def test_a_liaison_downloads_their_units_template(self):
        self.client.force_login(self.jxj_liaison)
        response = self.client.get(self.url, {"month": 5})
        self.assertEqual(response.status_code, 200)
        self.assertIn("jxj-2023-05", response["Content-Disposition"])
        wb = load_workbook(io.BytesIO(response.content))
        ws = wb["进展情况"]
        self.assertEqual(ws["B2"].value, "市经信局")
        numbers = [r[0].value for r in ws.iter_rows(min_row=5) if r[0].value is not None]
        self.assertEqual(numbers, [5, 6, 7, 8, 9, 10, 19, 20, 22])  # the tasks naming 市经信局
        self.assertTrue(AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, user=self.jxj_liaison).exists())

    def test_a_liaison_cannot_ask_for_another_units_template(self):
        self.client.force_login(self.jxj_liaison)
        response = self.client.get(self.url, {"month": 5, "unit": "kjj"})
        wb = load_workbook(io.BytesIO(response.content))
        self.assertEqual(wb["指标数值"]["B2"].value, "市经信局")  # the unit parameter is ignored

    def test_staff_choose_the_unit(self):
        self.client.force_login(self.staff)
        response = self.client.get(self.url, {"month": 5, "unit": "kjj"})
        self.assertEqual(load_workbook(io.BytesIO(response.content))["指标数值"]["B2"].value, "市科技局")
        response = self.client.get(self.url, {"month": 5})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "必填项", status_code=400)

    def test_a_bad_month_is_an_error(self):
        self.client.force_login(self.jxj_liaison)
        response = self.client.get(self.url, {"month": 13})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "选择一个有效的选项", status_code=400)

    def test_leaders_and_outsiders_get_403_and_anonymous_login(self):
        for user in (self.leader, self.outsider):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url, {"month": 5}).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(self.url, {"month": 5}).status_code, 302)

    def test_it_allows_only_get(self):
        self.client.force_login(self.jxj_liaison)
        self.assertEqual(self.client.post(self.url, {"month": 5}).status_code, 405)


class UploadPermissionTests(PersonasTestCase):
    url = reverse("reports:upload")

    def template(self, user, month=5):
        self.client.force_login(user)
        return self.client.get(reverse("reports:template"), {"month": month}).content

    def post(self, content):
        return self.client.post(self.url, {"file": SimpleUploadedFile("t.xlsx", content)})

    def test_liaisons_and_staff_see_the_upload_page(self):
        for user in (self.jxj_liaison, self.staff):
            self.client.force_login(user)
            response = self.client.get(self.url)
            self.assertContains(response, "上传并预览")

    def test_leaders_and_outsiders_cannot_upload(self):
        content = self.template(self.jxj_liaison)
        for user in (self.leader, self.outsider):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)
            self.assertEqual(self.post(content).status_code, 403)
            self.assertEqual(self.client.post(reverse("reports:upload_confirm"), {"token": "x"}).status_code, 403)
        self.assertFalse(MonthlyReport.objects.exists())

    def test_a_liaison_of_another_unit_gets_an_error_and_nothing_saved(self):
        content = self.template(self.jxj_liaison)
        self.client.force_login(self.hongshan_liaison)
        response = self.post(content)
        self.assertContains(response, "您只能上传本单位（洪山区人民政府）的报送")
        self.assertIsNone(response.context["preview"])
        self.assertFalse(MonthlyReport.objects.exists())

    def test_anonymous_is_sent_to_login(self):
        self.assertEqual(self.client.get(self.url).status_code, 302)
        self.assertEqual(self.client.post(reverse("reports:upload_confirm")).status_code, 302)

    def test_wrong_methods_are_405(self):
        self.client.force_login(self.jxj_liaison)
        self.assertEqual(self.client.put(self.url).status_code, 405)
        self.assertEqual(self.client.get(reverse("reports:upload_confirm")).status_code, 405)

    def test_a_post_without_a_file_is_an_error(self):
        self.client.force_login(self.jxj_liaison)
        response = self.client.post(self.url, {})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "必填项", status_code=400)
