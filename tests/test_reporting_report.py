"""/reporting/<pk>/ — one unit's monthly report; /reporting/month/<m>/ — opening a month's report."""

from decimal import Decimal

from reporting import services
from targets.models import TargetValue
from tasks.models import MonthlyReport
from tasks.reporting import targets_for_unit
from tests.reporting_base import ReportingTestCase
from units.models import AuditEvent


class ReportPageTests(ReportingTestCase):
    def url(self, report):
        return f"/reporting/{report.pk}/"

    def test_it_shows_values_with_unit_target_and_last_month(self):
        february = services.get_or_create_report(self.plan, self.jrj, 2)
        services.save_target_value(february, self.fund_size, value="8.5", user=self.jrj_liaison)
        services.save_target_value(self.jrj_report, self.fund_size, value="9.25", note="新增子基金", user=self.jrj_liaison)
        self.login(self.jrj_liaison)
        response = self.client.get(self.url(self.jrj_report))
        self.assertEqual(response.status_code, 200)
        row = next(r for r in response.context["value_rows"] if r["target"].code == "T43")
        self.assertEqual((row["previous_display"], row["display"]), ("8.5", "9.25"))
        self.assertContains(response, "武创科技成果转化基金规模")
        self.assertContains(response, "亿元")
        self.assertContains(response, "不低于30亿元")  # the plan's own wording
        self.assertContains(response, '<td class="num">8.5</td>', html=True)
        self.assertContains(response, '<td class="num">9.25</td>', html=True)
        self.assertContains(response, "新增子基金")
        self.assertContains(response, '<span class="status status-on_track">正常</span>', html=True)
        self.assertContains(response, "填报指标数值")
        self.assertContains(response, f'action="/reporting/{self.jrj_report.pk}/submit/"')

    def test_it_shows_each_task_with_its_progress(self):
        services.save_progress(
            self.jxj_report, self.jxj_task, **self.progress_data(work_done="签约项目3个"), user=self.jxj_liaison
        )
        self.login(self.jxj_liaison)
        response = self.client.get(self.url(self.jxj_report))
        self.assertContains(response, "签约项目3个")
        self.assertContains(response, f"/reporting/{self.jxj_report.pk}/tasks/7/")
        self.assertEqual(len(response.context["task_rows"]), 9)

    def test_it_lets_staff_and_leaders_read_any_report(self):
        for user in (self.staff, self.leader):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(self.url(self.jxj_report)).status_code, 200)

    def test_it_shows_a_leader_no_actions(self):
        self.login(self.leader)
        response = self.client.get(self.url(self.jrj_report))
        self.assertFalse(response.context["can_edit"])
        self.assertNotContains(response, "填报指标数值")
        self.assertNotContains(response, "/submit/")

    def test_it_shows_staff_the_review_forms_of_a_submitted_report(self):
        report = self.submitted(self.jxj_report, self.jxj_liaison)
        self.login(self.staff)
        response = self.client.get(self.url(report))
        self.assertContains(response, "审核通过")
        self.assertContains(response, f'action="/reporting/{report.pk}/return/"')
        self.assertFalse(response.context["can_edit"])

    def test_it_hides_another_units_report(self):
        self.login(self.jxj_liaison)
        self.assertEqual(self.client.get(self.url(self.hongshan_report)).status_code, 404)
        self.login(self.hongshan_liaison)
        self.assertEqual(self.client.get(self.url(self.jxj_report)).status_code, 404)

    def test_it_refuses_users_without_a_role_and_anonymous(self):
        response = self.client.get(self.url(self.jxj_report))
        self.assertEqual(response.status_code, 302)
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url(self.jxj_report)).status_code, 403)

    def test_it_refuses_post(self):
        self.login(self.jxj_liaison)
        self.assertEqual(self.client.post(self.url(self.jxj_report)).status_code, 405)


class OpenMonthTests(ReportingTestCase):
    def versions(self, unit, month):
        return {f"t{t.pk}_version": "0" for t in targets_for_unit(self.plan, unit, month)}

    def test_it_shows_the_liaisons_own_month_and_creates_it_on_the_first_save(self):
        self.login(self.jxj_liaison)
        response = self.client.get("/reporting/month/4/?unit=hongshan")  # ?unit= is ignored for liaisons
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "市经信局 2023年4月 · 指标数值")
        self.assertContains(response, "本月报送尚未建立：保存后即建立草稿")
        self.assertFalse(MonthlyReport.objects.filter(month=4).exists())  # opening is not saving
        response = self.client.post("/reporting/month/4/", self.versions(self.jxj, 4))
        report = MonthlyReport.objects.get(unit=self.jxj, month=4)
        self.assertRedirects(response, f"/reporting/{report.pk}/")
        self.assertEqual(report.status, MonthlyReport.Status.DRAFT)
        self.assertRedirects(self.client.get("/reporting/month/4/"), f"/reporting/{report.pk}/")
        self.assertEqual(MonthlyReport.objects.filter(month=4).count(), 1)

    def test_it_lets_staff_open_any_units_month_and_save_its_first_values(self):
        self.login(self.staff)
        response = self.client.get("/reporting/month/5/?unit=jrj")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "武创科技成果转化基金规模")
        self.assertFalse(MonthlyReport.objects.filter(month=5).exists())
        data = {**self.versions(self.jrj, 5), f"t{self.fund_size.pk}_value": "9.5"}
        response = self.client.post("/reporting/month/5/?unit=jrj", data)
        report = MonthlyReport.objects.get(unit=self.jrj, month=5)
        self.assertRedirects(response, f"/reporting/{report.pk}/")
        self.assertEqual(report.values.get().value, Decimal("9.5"))

    def test_a_refused_first_save_creates_nothing(self):
        self.login(self.jrj_liaison)
        events = AuditEvent.objects.count()
        data = {**self.versions(self.jrj, 5), f"t{self.fund_size.pk}_value": "九亿"}
        response = self.client.post("/reporting/month/5/", data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "有数值未通过检查，本次没有保存任何修改")
        self.assertFalse(MonthlyReport.objects.filter(month=5).exists())
        self.assertFalse(TargetValue.objects.filter(month=5).exists())
        self.assertEqual(AuditEvent.objects.count(), events)

    def test_a_closed_month_says_so_and_creates_nothing(self):
        services.close_month(self.plan, 5, self.staff)
        self.login(self.jrj_liaison)
        for method in ("get", "post"):
            response = getattr(self.client, method)("/reporting/month/5/", follow=True)
            self.assertRedirects(response, "/reporting/")
            self.assertContains(response, "5月的报送已关闭，不能再填报。")
        self.assertFalse(MonthlyReport.objects.filter(month=5).exists())

    def test_it_refuses_bad_months_groups_and_leaders_creating(self):
        self.login(self.staff)
        self.assertEqual(self.client.get("/reporting/month/13/?unit=jrj").status_code, 404)
        self.assertEqual(self.client.get("/reporting/month/0/?unit=jrj").status_code, 404)
        self.assertEqual(self.client.get("/reporting/month/5/?unit=gqrmzf").status_code, 404)
        self.assertEqual(self.client.get("/reporting/month/5/?unit=nosuch").status_code, 404)
        self.login(self.leader)
        self.assertEqual(self.client.get("/reporting/month/5/?unit=jrj").status_code, 404)
        self.assertEqual(self.client.post("/reporting/month/5/?unit=jrj").status_code, 404)
        self.assertEqual(self.client.get("/reporting/month/3/?unit=jrj").status_code, 302)
        self.assertFalse(MonthlyReport.objects.filter(month=5).exists())

    def test_it_refuses_outsiders_anonymous_and_other_methods(self):
        self.assertEqual(self.client.get("/reporting/month/4/").status_code, 302)
        self.login(self.outsider)
        self.assertEqual(self.client.get("/reporting/month/4/").status_code, 403)
        self.assertEqual(self.client.post("/reporting/month/4/").status_code, 403)
        self.login(self.jxj_liaison)
        self.assertEqual(self.client.put("/reporting/month/4/").status_code, 405)
        self.assertFalse(MonthlyReport.objects.filter(month=4).exists())
