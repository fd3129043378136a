"""Staff set a stock's year-start figure (年初基数) on its page: POST /targets/<id>/year-start/."""

from django.urls import reverse

from targets.models import Target, TargetStanding
from tests import dashboard_seed
from tests.personas import PersonasTestCase


class TargetYearStartTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        dashboard_seed.seed_months(cls.plan, [1, 2, 3], staff=cls.staff)
        # 在孵初创科技企业数 (T26, 突破15,000家, monthly): 1,250, 2,500, 3,750 by March.
        cls.target = Target.objects.get(plan=cls.plan, code="T26")
        cls.url = reverse("targets:year_start", args=[cls.target.pk])
        cls.page = reverse("targets:detail", args=[cls.target.pk])

    def post(self, **data):
        return self.client.post(self.url, {"baseline": "1,000", "reason": "2022年末统计数", "shown": "", **data})

    def march_status(self):
        return TargetStanding.objects.get(target=self.target, month=3).status

    def test_it_lets_staff_set_it_and_judges_the_stock_from_it(self):
        # Without it: judged by trend, 1,250 a month reaches 15,000 in December → 正常.
        self.assertEqual(self.march_status(), "on_track")
        self.client.force_login(self.staff)
        response = self.post()
        self.assertRedirects(response, self.page, fetch_redirect_response=False)
        self.target.refresh_from_db()
        self.assertEqual(self.target.baseline, 1000)
        # From 1,000: (3,750 − 1,000) ÷ (15,000 − 1,000) = 19.6% of the way at March's 25% → 滞后.
        self.assertEqual(self.march_status(), "behind")
        page = self.client.get(self.page, {"month": 3})
        self.assertContains(page, "1,000家")
        self.assertContains(page, "2022年末统计数")
        self.assertContains(page, '<span class="status status-behind">滞后</span>')
        self.assertContains(page, "从年初基数 1,000家 起")
        history = page.context["year_start_history"]
        self.assertEqual([(who, reason) for _when, who, _n, reason in history], [(self.staff, "2022年末统计数")])
        latest = self.target.history.latest()
        self.assertEqual((latest.baseline, latest.history_user), (1000, self.staff))

    def test_it_refuses_liaisons_and_leaders(self):
        for user in (self.jxj_liaison, self.leader):
            self.client.force_login(user)
            self.assertEqual(self.post().status_code, 403)
        self.target.refresh_from_db()
        self.assertIsNone(self.target.baseline)

    def test_it_shows_the_form_to_staff_only(self):
        self.client.force_login(self.leader)
        self.assertNotContains(self.client.get(self.page), "保存年初基数")
        self.client.force_login(self.staff)
        self.assertContains(self.client.get(self.page), "保存年初基数")

    def test_it_explains_bad_input_on_the_field_and_saves_nothing(self):
        self.client.force_login(self.staff)
        response = self.post(baseline="一千")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "不是", status_code=400)
        response = self.post(reason="  ")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "请说明年初基数的来源或依据。", status_code=400)
        self.target.refresh_from_db()
        self.assertIsNone(self.target.baseline)
        self.assertEqual(self.march_status(), "on_track")

    def test_it_never_overwrites_someone_else_s_change(self):
        self.client.force_login(self.staff)
        self.post()
        response = self.post(baseline="2000", shown="")  # opened before the first save
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "年初基数已被他人改为 1000，请刷新页面后再修改。", status_code=400)
        self.target.refresh_from_db()
        self.assertEqual(self.target.baseline, 1000)

    def test_it_is_only_for_stocks(self):
        flow = Target.objects.get(plan=self.plan, code="T10")
        self.client.force_login(self.staff)
        response = self.client.post(reverse("targets:year_start", args=[flow.pk]), {"baseline": "5", "reason": "x", "shown": ""})
        self.assertContains(response, "只有年末存量类指标需要设置年初基数。", status_code=400)

    def test_it_allows_only_post_and_signed_in_users(self):
        self.client.force_login(self.staff)
        self.assertEqual(self.client.get(self.url).status_code, 405)
        self.client.logout()
        self.assertEqual(self.post().status_code, 302)
