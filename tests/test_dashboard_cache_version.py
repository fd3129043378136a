"""What invalidates the dashboards' cache (targets/cache.py): reviewable data for everyone,
a liaison's drafts only for that liaison."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks.models import MonthlyReport, Task
from tasks.services import save_progress
from tests import dashboard_seed
from tests.personas import PersonasTestCase

OVERVIEW = reverse("overview")
TASK9 = reverse("tasks:detail", args=[9])


class DashboardCacheVersionTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        dashboard_seed.seed_months(cls.plan, [1, 2, 3], staff=cls.staff)
        cls.task9 = Task.objects.get(plan=cls.plan, number=9)
        cls.draft = dashboard_seed.report(cls.plan, cls.jxj, 4, status=MonthlyReport.Status.DRAFT)
        cls.submitted = dashboard_seed.report(cls.plan, cls.hongshan, 4, status=MonthlyReport.Status.SUBMITTED)
        cls.submitted_progress = dashboard_seed.progress(cls.submitted, cls.task9, "on_track", "洪山区待审核的进展")

    def setUp(self):
        cache.clear()

    def queries(self, url, data=None):
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url, data)
        self.assertEqual(response.status_code, 200)
        return len(captured.captured_queries), response

    def type_draft(self, text):
        save_progress(
            self.draft, self.task9, work_done=text, problems="", next_steps="继续推进", self_status="on_track",
            needs_coordination=False, coordination_matter="", user=self.jxj_liaison,
        )

    def test_a_liaison_typing_a_draft_leaves_the_leaders_pages_cached(self):
        self.client.force_login(self.leader)
        self.client.get(OVERVIEW)
        self.client.get(TASK9, {"month": 4})
        hits = (self.queries(OVERVIEW)[0], self.queries(TASK9, {"month": 4})[0])
        self.type_draft("经信局草稿：第一稿")
        self.type_draft("经信局草稿：第二稿")
        self.assertEqual((self.queries(OVERVIEW)[0], self.queries(TASK9, {"month": 4})[0]), hits)
        self.assertNotContains(self.client.get(TASK9, {"month": 4}), "经信局草稿")

    def test_a_liaison_sees_each_change_of_its_own_draft_at_once(self):
        self.client.force_login(self.jxj_liaison)
        self.type_draft("经信局草稿：第一稿")
        self.assertContains(self.client.get(TASK9, {"month": 4}), "经信局草稿：第一稿")
        self.type_draft("经信局草稿：第二稿")
        response = self.client.get(TASK9, {"month": 4})
        self.assertContains(response, "经信局草稿：第二稿")
        self.assertNotContains(response, "经信局草稿：第一稿")

    def test_another_liaisons_draft_does_not_invalidate_a_liaisons_page(self):
        self.client.force_login(self.hongshan_liaison)
        self.client.get(TASK9, {"month": 4})
        hit = self.queries(TASK9, {"month": 4})[0]
        self.type_draft("经信局草稿：第一稿")
        count, response = self.queries(TASK9, {"month": 4})
        self.assertEqual(count, hit)
        self.assertNotContains(response, "经信局草稿")

    def test_an_edit_of_a_submitted_report_by_any_path_shows_at_once(self):
        self.client.force_login(self.leader)
        self.assertContains(self.client.get(TASK9, {"month": 4}), "洪山区待审核的进展")
        self.submitted_progress.work_done = "洪山区更正后的进展"  # e.g. a data fix in the admin
        self.submitted_progress.save()
        self.assertContains(self.client.get(TASK9, {"month": 4}), "洪山区更正后的进展")
