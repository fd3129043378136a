"""/reporting/<pk>/history/ and /history/restore/ — every version of a report's values and progress."""

from decimal import Decimal

from reporting import services
from targets.models import TargetValue
from tasks.models import ProgressReport
from tests.reporting_base import ReportingTestCase


class HistoryTests(ReportingTestCase):
    def setUp(self):
        self.value = services.save_target_value(
            self.jrj_report, self.fund_size, value="12", note="一季度", user=self.jrj_liaison
        )
        services.save_target_value(self.jrj_report, self.fund_size, value="15", note="一季度", user=self.staff)

    def url(self, report=None):
        return f"/reporting/{(report or self.jrj_report).pk}/history/"

    def restore(self, version=1, **overrides):
        record = self.value.history.get(version=version)
        data = {"kind": "value", "object_id": self.value.pk, "history_id": record.history_id, **overrides}
        return self.client.post(f"/reporting/{self.jrj_report.pk}/history/restore/", data)

    def test_it_shows_who_changed_what_and_when(self):
        self.login(self.jrj_liaison)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        rows = response.context["value_rows"]
        self.assertEqual([r["record"].version for r in rows], [2, 1])
        self.assertEqual(rows[0]["record"].history_user, self.staff)
        self.assertEqual([(c["field"], c["old"], c["new"]) for c in rows[0]["changes"]], [("数值", "12", "15")])
        self.assertContains(response, "武创科技成果转化基金规模")
        self.assertContains(response, "数值：<del>12</del> → 15", html=False)  # as a person reads it, not 12.0000
        self.assertNotContains(response, "恢复此版本")  # liaisons do not restore

    def test_it_shows_progress_history_too(self):
        services.save_progress(self.jxj_report, self.jxj_task, **self.progress_data(), user=self.jxj_liaison)
        services.save_progress(self.jxj_report, self.jxj_task, **self.progress_data(work_done="第二稿"), user=self.jxj_liaison)
        self.login(self.staff)
        response = self.client.get(self.url(self.jxj_report))
        self.assertEqual(len(response.context["progress_rows"]), 2)
        self.assertContains(response, "第二稿")

    def test_it_words_each_change_as_the_form_shows_it(self):
        services.save_progress(self.jxj_report, self.jxj_task, **self.progress_data(), user=self.jxj_liaison)
        services.save_progress(
            self.jxj_report, self.jxj_task, user=self.jxj_liaison,
            **self.progress_data(self_status="behind", problems="资金未到位", needs_coordination=True,
                                 coordination_matter="请市财政局协调"),
        )
        self.login(self.staff)
        response = self.client.get(self.url(self.jxj_report))
        newest = response.context["progress_rows"][0]["changes"]
        self.assertIn({"field": "自评状态", "old": "正常推进", "new": "进度滞后"}, newest)
        self.assertIn({"field": "需市级协调", "old": "否", "new": "是"}, newest)
        self.assertIn({"field": "存在问题", "old": "—", "new": "资金未到位"}, newest)
        self.assertNotIn("工作进展", [c["field"] for c in newest])  # unchanged fields are left out
        self.assertContains(response, "自评状态：<del>正常推进</del> → 进度滞后", html=False)
        self.assertNotContains(response, "on_track")
        self.assertNotContains(response, "False")

    def test_it_lets_staff_restore_an_earlier_version_as_a_new_one(self):
        self.login(self.staff)
        page = self.client.get(self.url())
        self.assertContains(page, "恢复此版本")
        response = self.restore()
        self.assertRedirects(response, self.url())
        value = TargetValue.objects.get(pk=self.value.pk)
        self.assertEqual((value.value, value.version), (Decimal("12"), 3))
        self.assertEqual(value.history.count(), 3)
        self.assertContains(self.client.get(self.url()), "恢复至第 1 版")

    def test_it_refuses_restores_by_others_and_on_locked_reports(self):
        for user, expected in ((self.jrj_liaison, 403), (self.leader, 403), (self.outsider, 403), (self.jxj_liaison, 403)):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.restore().status_code, expected)
        self.fill(self.jrj_report, self.jrj_liaison)
        services.submit_report(self.jrj_report, self.jrj_liaison)
        self.login(self.staff)
        self.assertEqual(self.restore().status_code, 403)
        self.assertEqual(TargetValue.objects.get(pk=self.value.pk).value, Decimal("30"))

    def test_it_404s_tampered_restore_requests(self):
        self.login(self.staff)
        self.assertEqual(self.restore(kind="unit").status_code, 404)
        self.assertEqual(self.restore(object_id="abc").status_code, 404)
        other = services.save_progress(self.jxj_report, self.jxj_task, **self.progress_data(), user=self.jxj_liaison)
        self.assertEqual(self.restore(kind="progress", object_id=other.pk).status_code, 404)  # not in this report
        response = self.client.post(
            f"/reporting/{self.jrj_report.pk}/history/restore/",
            {"kind": "value", "object_id": self.value.pk, "history_id": 999999}, follow=True,
        )
        self.assertContains(response, "历史版本不存在")
        self.assertEqual(ProgressReport.objects.get().version, 1)

    def test_it_hides_another_units_history(self):
        self.login(self.jxj_liaison)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url()).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(self.url()).status_code, 302)

    def test_it_refuses_wrong_methods(self):
        self.login(self.staff)
        self.assertEqual(self.client.post(self.url()).status_code, 405)
        self.assertEqual(self.client.get(f"/reporting/{self.jrj_report.pk}/history/restore/").status_code, 405)
