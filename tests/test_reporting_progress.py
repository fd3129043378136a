"""/reporting/<pk>/tasks/<number>/ — a unit's monthly progress on one task."""

from reporting import services
from tasks.models import ProgressReport
from tests.reporting_base import ReportingTestCase


class ProgressFormTests(ReportingTestCase):
    def url(self, report=None, number=7):
        return f"/reporting/{(report or self.jxj_report).pk}/tasks/{number}/"

    def post_data(self, version=0, **overrides):
        data = self.progress_data(**overrides)
        data["needs_coordination"] = "on" if data["needs_coordination"] else ""
        data["version"] = version
        return data

    def test_it_shows_the_task_and_an_empty_form(self):
        self.login(self.jxj_liaison)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "7. ")
        self.assertContains(response, "工作进展")
        self.assertContains(response, "需市级协调")
        self.assertContains(response, 'name="version" value="0"')

    def test_it_saves_progress_with_a_coordination_matter(self):
        self.login(self.jxj_liaison)
        response = self.client.post(
            self.url(), self.post_data(needs_coordination=True, coordination_matter="请协调解决项目用地")
        )
        self.assertRedirects(response, f"/reporting/{self.jxj_report.pk}/")
        progress = ProgressReport.objects.get()
        self.assertEqual((progress.task, progress.self_status), (self.jxj_task, "on_track"))
        self.assertEqual(progress.coordination_matter, "请协调解决项目用地")
        self.assertTrue(progress.needs_coordination)
        self.assertEqual(progress.history.get().history_user, self.jxj_liaison)

    def test_it_lets_a_district_report_on_its_groups_task(self):
        self.login(self.hongshan_liaison)
        response = self.client.post(self.url(self.hongshan_report, 13), self.post_data())
        self.assertRedirects(response, f"/reporting/{self.hongshan_report.pk}/")

    def test_it_refuses_bad_input_on_every_field_and_saves_nothing(self):
        cases = [
            ({"work_done": ""}, "请填写工作进展"),
            ({"work_done": "长" * 5001}, "5000"),
            ({"problems": "长" * 5001}, "5000"),
            ({"next_steps": "长" * 5001}, "5000"),
            ({"self_status": "excellent"}, "选择"),
            ({"self_status": ""}, "请选择自评状态"),
            ({"self_status": "behind"}, "须填写存在问题"),
            ({"needs_coordination": True, "coordination_matter": ""}, "须填写协调事项"),
            ({"coordination_matter": "长" * 2001, "needs_coordination": True}, "2000"),
            ({"version": "x"}, ""),
        ]
        self.login(self.jxj_liaison)
        for overrides, message in cases:
            with self.subTest(field=list(overrides)[0]):
                version = overrides.pop("version", 0)
                response = self.client.post(self.url(), self.post_data(version=version, **overrides))
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, message)
                self.assertFalse(ProgressReport.objects.exists())

    def test_it_refuses_a_second_save_with_a_stale_version(self):
        services.save_progress(self.jxj_report, self.jxj_task, **self.progress_data(), user=self.jxj_liaison)
        services.save_progress(
            self.jxj_report, self.jxj_task, **self.progress_data(work_done="科技局更正"), user=self.staff,
            expected_version=1,
        )
        self.login(self.jxj_liaison)
        response = self.client.post(self.url(), self.post_data(version=1, work_done="联络员的修改"))
        self.assertContains(response, "他人已在您打开页面后保存了该任务进展", status_code=409)
        progress = ProgressReport.objects.get()
        self.assertEqual((progress.work_done, progress.version), ("科技局更正", 2))

    def test_it_404s_a_task_the_unit_does_not_report_on(self):
        self.login(self.jxj_liaison)
        self.assertEqual(self.client.get(self.url(number=1)).status_code, 404)
        self.assertEqual(self.client.post(self.url(number=1), self.post_data()).status_code, 404)
        self.assertEqual(self.client.get(self.url(number=99)).status_code, 404)

    def test_it_hides_another_units_report(self):
        self.login(self.hongshan_liaison)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertEqual(self.client.post(self.url(), self.post_data()).status_code, 404)
        self.assertFalse(ProgressReport.objects.exists())

    def test_it_refuses_leaders_outsiders_and_anonymous(self):
        self.assertEqual(self.client.post(self.url(), self.post_data()).status_code, 302)
        for user in (self.leader, self.outsider):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(self.url()).status_code, 403)
                self.assertEqual(self.client.post(self.url(), self.post_data()).status_code, 403)
        self.assertFalse(ProgressReport.objects.exists())

    def test_it_locks_an_approved_report(self):
        self.approved(self.jxj_report, self.jxj_liaison)
        for user in (self.jxj_liaison, self.staff):
            self.login(user)
            self.assertEqual(self.client.post(self.url(), self.post_data(version=1, work_done="改")).status_code, 403)
        self.assertNotEqual(ProgressReport.objects.get(task=self.jxj_task).work_done, "改")

    def test_it_refuses_other_methods(self):
        self.login(self.jxj_liaison)
        self.assertEqual(self.client.delete(self.url()).status_code, 405)
