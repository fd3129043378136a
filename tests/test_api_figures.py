"""The API's figures for a small hand-made dataset, and who sees what (tests of api/, issue 21).

市科技局 reports 技术合同成交额 (T10: cumulative, 1450 亿元, monthly, linear path): 435 in March and
580 in June, each month approved through reporting.services.approve_reports. By hand, at June:
expected share 6/12 = 50.0 %, completion 580 ÷ 1450 = 40.0 %, 10 points behind → 滞后 (behind);
forecast (least squares through zero along the path, shares 0.25 and 0.5):
(0.25·435 + 0.5·580) ÷ (0.25² + 0.5²) = 398.75 ÷ 0.3125 = 1276.00, range 580 ÷ 0.5 = 1160.00 to
435 ÷ 0.25 = 1740.00, forecast completion 1276 ÷ 1450 = 88.0 %, likely missed; still needed
(1450 − 580) ÷ 6 = 145.00 a month.
"""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting import services
from targets.models import Target, TargetStanding
from tasks.models import MonthlyReport, Plan, ProgressReport
from tasks.reporting import targets_for_unit, tasks_for_unit
from tests.personas import PASSWORD, PersonasTestCase
from units.accounts import create_account
from units.models import Membership, Unit

D = Decimal


def fill_and_approve(plan, unit, month, staff, overrides, coordination=None):
    """Every figure due (at its target, unless `overrides` says otherwise) and every task's progress,
    submitted and approved through the write path."""
    report = services.get_or_create_report(plan, unit, month)
    for target in targets_for_unit(plan, unit, month):
        services.save_target_value(report, target, value=overrides.get(target.code, target.value), source="测试",
                                   user=staff)
    for task in tasks_for_unit(plan, unit):
        matter = coordination if coordination and task.number == coordination[0] else None
        services.save_progress(
            report, task, work_done="按计划推进", problems="资金未到位", next_steps="继续",
            self_status=ProgressReport.SelfStatus.ON_TRACK, needs_coordination=bool(matter),
            coordination_matter=matter[1] if matter else "", user=staff,
        )
    report = services.submit_report(MonthlyReport.objects.get(pk=report.pk), staff)
    return services.approve_reports([report], staff)[0]


class ApiTestCase(PersonasTestCase):
    def get(self, url, user=None, **params):
        if user is not None:
            self.client.force_login(user)
        return self.client.get(url, params)

    def results(self, url, user=None, **params):
        response = self.get(url, user, **params)
        self.assertEqual(response.status_code, 200, response.content[:500])
        return response.json()["results"]


class FiguresTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.t10 = Target.objects.get(plan=cls.plan, code="T10")
        cls.march = fill_and_approve(cls.plan, cls.kjj, 3, cls.staff, {"T10": D("435")})
        cls.june = fill_and_approve(cls.plan, cls.kjj, 6, cls.staff, {"T10": D("580")},
                                    coordination=(tasks_for_unit(cls.plan, cls.kjj)[0].number, "请市级协调用地"))
        cls.task = tasks_for_unit(cls.plan, cls.kjj)[0]

    def test_it_gives_a_targets_stored_standing_after_approval(self):
        rows = self.results("/api/v1/target-standings/", self.leader, plan=self.plan.pk, month=6, target=self.t10.pk)
        self.assertEqual(len(rows), 1)
        row = rows[0]
        self.assertEqual(row["target"], {"id": self.t10.pk, "code": "T10", "name": "技术合同成交额"})
        self.assertEqual(row["reporting_unit"]["code"], "kjj")
        self.assertEqual((row["month"], row["value"], row["value_month"]), (6, 580, 6))
        self.assertEqual((row["completion"], row["expected_share"]), (40.0, 50.0))
        self.assertEqual((row["status"], row["status_label"]), ("behind", "滞后"))
        forecast = row["forecast"]
        self.assertEqual((forecast["value"], forecast["low"], forecast["high"]), (1276, 1160, 1740))
        self.assertEqual((forecast["completion"], forecast["likely_missed"]), (88.0, True))
        self.assertEqual((forecast["pace_needed"], forecast["months_left"], forecast["months_used"]), (145, 6, 2))
        # March: one month reported, no forecast yet; 435 ÷ 1450 = 30.0 % against 25.0 % → 正常.
        march = self.results("/api/v1/target-standings/", month=3, target=self.t10.pk)[0]
        self.assertEqual((march["value"], march["completion"], march["status"], march["forecast"]),
                         (435, 30.0, "on_track", None))

    def test_it_reads_the_stored_rows_and_never_recomputes(self):
        TargetStanding.objects.filter(target=self.t10, month=6).update(completion=D("12.3"), status="done")
        row = self.results("/api/v1/target-standings/", self.leader, month=6, target=self.t10.pk)[0]
        self.assertEqual((row["completion"], row["status"]), (12.3, "done"))

    def test_it_filters_standings_by_status_unit_and_month(self):
        behind = self.results("/api/v1/target-standings/", self.staff, month=6, status="behind", unit=self.kjj.pk,
                              page_size=500)
        self.assertIn(self.t10.pk, [r["target"]["id"] for r in behind])
        self.assertTrue(all(r["status"] == "behind" and r["month"] == 6 for r in behind))
        self.assertEqual(self.get("/api/v1/target-standings/", status="nonsense").status_code, 400)
        self.assertEqual(self.get("/api/v1/target-standings/", month=13).status_code, 400)

    def test_it_gives_task_standings(self):
        rows = self.results("/api/v1/task-standings/", self.leader, month=6, task=self.task.pk)
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["task"]["number"], self.task.number)
        self.assertIn(rows[0]["status"], {"done", "on_track", "behind", "seriously_behind", "not_reported", "not_due"})

    def test_it_gives_a_units_on_time_record_by_the_pages_rule(self):
        # Reports submitted now (years after 2023's deadlines): 12 months due, 2 late, 10 missing.
        row = self.results("/api/v1/units/", self.leader, code="kjj", plan=self.plan.pk)[0]
        self.assertEqual(row["on_time"], {"plan": self.plan.pk, "due": 12, "on_time": 0, "late": 2, "missing": 10,
                                          "returned": 0, "rate": "0%"})
        group = self.get(f"/api/v1/units/{self.districts.pk}/").json()
        self.assertIsNone(group["on_time"])  # a group reports nothing itself

    def test_it_gives_tasks_with_their_units_and_roles(self):
        task7 = self.results("/api/v1/tasks/", self.leader, plan=self.plan.pk, number=7)[0]
        roles = {(u["code"], u["role"]) for u in task7["units"]}
        self.assertIn(("jxj", "lead"), roles)
        tasks_of_jxj = self.results("/api/v1/tasks/", unit=self.jxj.pk, page_size=100)
        self.assertIn(7, [t["number"] for t in tasks_of_jxj])

    def test_it_gives_targets_plans_and_sections(self):
        target = self.get(f"/api/v1/targets/{self.t10.pk}/", self.leader).json()
        self.assertEqual((target["code"], target["value"], target["kind"], target["reporting_unit"]["code"]),
                         ("T10", 1450, "cumulative", "kjj"))
        self.assertEqual(self.results("/api/v1/plans/")[0]["code"], "2023")
        sections = self.results("/api/v1/sections/", plan=self.plan.pk, kind="task", page_size=100)
        self.assertEqual(len(sections), 9)

    def test_it_gives_open_coordination_matters(self):
        rows = self.results("/api/v1/coordination-matters/", self.hongshan_liaison, plan=self.plan.pk, month=6)
        self.assertEqual([(r["unit"]["code"], r["month"], r["coordination_matter"]) for r in rows],
                         [("kjj", 6, "请市级协调用地")])
        self.assertEqual(self.results("/api/v1/coordination-matters/", month=5), [])  # not yet reported in May


class ScopeTests(ApiTestCase):
    """A liaison sees its own unit's drafts and nothing of another unit's; approved figures are public."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.jrj = Unit.objects.get(code="jrj")
        cls.jrj_liaison = create_account("jrj_liaison", Membership.Role.LIAISON, cls.jrj, PASSWORD)
        cls.t16 = Target.objects.get(plan=cls.plan, code="T16")
        cls.draft = services.get_or_create_report(cls.plan, cls.jrj, 3)
        services.save_target_value(cls.draft, cls.t16, value=D("9.1"), user=cls.jrj_liaison)

    def test_it_hides_another_units_draft_from_a_liaison(self):
        url = f"/api/v1/reports/{self.draft.pk}/"
        self.assertEqual(self.get(url, self.hongshan_liaison).status_code, 404)
        self.assertEqual(self.results("/api/v1/reports/"), [])
        self.assertEqual(self.results("/api/v1/target-values/", target=self.t16.pk), [])

    def test_it_shows_a_liaison_its_own_draft(self):
        report = self.get(f"/api/v1/reports/{self.draft.pk}/", self.jrj_liaison).json()
        self.assertEqual((report["status"], report["unit"]["code"]), ("draft", "jrj"))
        self.assertEqual([(v["target"], v["value"]) for v in report["values"]], [(self.t16.pk, 9.1)])
        self.assertEqual(len(self.results("/api/v1/target-values/", target=self.t16.pk)), 1)

    def test_it_shows_staff_and_leaders_every_report(self):
        for user in (self.staff, self.leader):
            self.assertEqual(self.get(f"/api/v1/reports/{self.draft.pk}/", user).status_code, 200)

    def test_it_makes_approved_figures_public_to_every_role(self):
        fill_and_approve(self.plan, self.jrj, 3, self.staff, {"T16": D("9.1")})
        values = self.results("/api/v1/target-values/", self.hongshan_liaison, target=self.t16.pk)
        self.assertEqual([(v["month"], v["value"]) for v in values], [(3, 9.1)])
        # … but the report itself stays the unit's, as on the pages.
        self.assertEqual(self.get(f"/api/v1/reports/{self.draft.pk}/").status_code, 404)

    def test_it_refuses_the_anonymous_and_users_without_a_role(self):
        for url in ("/api/v1/plans/", "/api/v1/target-standings/", "/api/v1/schema/", "/api/v1/docs/"):
            self.client.logout()
            self.assertEqual(self.client.get(url).status_code, 401, url)
            self.client.force_login(self.outsider)
            self.assertEqual(self.client.get(url).status_code, 403, url)

    def test_it_has_no_write_endpoint(self):
        self.client.force_login(self.staff)
        for url in ("/api/v1/plans/", "/api/v1/reports/", f"/api/v1/reports/{self.draft.pk}/"):
            for method in ("post", "put", "patch", "delete"):
                self.assertEqual(getattr(self.client, method)(url).status_code, 405, (method, url))


class QueryCountTests(ApiTestCase):
    """The same number of queries for one row and for a page of many."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        fill_and_approve(cls.plan, cls.kjj, 3, cls.staff, {})
        Plan.objects.create(code="2022", year=2022, title="2022年工作要点")  # older: not the current plan
        for unit in (cls.jxj, cls.hongshan):
            fill_and_approve(cls.plan, unit, 3, cls.staff, {}, coordination=(tasks_for_unit(cls.plan, unit)[0].number,
                                                                             "协调"))

    def assert_constant(self, url, **params):
        self.client.force_login(self.staff)
        with CaptureQueriesContext(connection) as one:
            response = self.client.get(url, {**params, "page_size": 1})
        self.assertEqual(response.status_code, 200)
        with self.assertNumQueries(len(one.captured_queries)):
            response = self.client.get(url, {**params, "page_size": 500})
        self.assertGreater(len(response.json()["results"]), 1, url)

    def test_it_reads_every_list_in_constant_queries(self):
        for url in ("/api/v1/plans/", "/api/v1/sections/", "/api/v1/tasks/", "/api/v1/targets/",
                    "/api/v1/task-standings/", "/api/v1/units/", "/api/v1/reports/",
                    "/api/v1/target-values/", "/api/v1/coordination-matters/"):
            with self.subTest(url):
                self.assert_constant(url, **({"month": 3} if "coordination" in url else {}))
        self.assert_constant("/api/v1/target-standings/", month=3)
