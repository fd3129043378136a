"""The assessment (考核评比, /reports/assessment/): scores worked out by hand on a small dataset, the
ranking (ties share a rank), the events behind each point, the rules page, access and queries.

2023 plan, viewed on 20 June 2023 (May due 5 June, April due 5 May). The default rules: 30/20/20/20/10,
a late month keeps 50 %, 滞后 earns 50 %, a lead task counts 2, a return −5, a correction −2, a 督办单
−5 and −5 more when not closed by its 办理期限. Stored standings at May set by hand (as the store
would have written them): tasks 5, 10, 13, 14 正常; 6 滞后; 7 and 19 严重滞后; T19 滞后, T20 正常.

- 市环保局 (hbj) and 市水务局 (shuiwu), task 13 (responsible): May sent in 1 June, approved, progress
  filled → 30 + 20 + 20 + 20 + 10 = 100 each: both 第1名.
- 市卫健委 (wjw), tasks 5 and 6 (responsible): May on time, complete; task 6 滞后 loses 20 × ½ ÷ 2 = 5;
  a 督办单 closed on time −5 → 30 + 20 + 20 + 15 + 5 = 90: 第3名.
- 市市场监管局 (scjgj), T19 (monthly), T20 (quarterly), tasks 10, 14 (responsible), 19 (lead): May on
  time, T19 corrected by staff after submission (−2); progress weights 1 + 1 + 1 + 1 + 2 = 6: T19 滞后
  loses 20 × ½ ÷ 6 = 1.67, task 19 严重滞后 20 × 2 ÷ 6 = 6.67 → 11.7 → 30 + 20 + 18 + 11.7 + 10 = 89.7.
- 市农业农村局 (nyncj), task 6: May sent 1 June, returned 2 June (−5), sent again 12 June (late: −15),
  approved; task 6 滞后 → 10; 督办〔2023〕第1号 open past its 办理期限 (14 June): −5 −5 → 15 + 20 + 15 +
  10 + 0 = 60.
- 市委网信办 (wxb), task 7: nothing sent: 0 + 0 + 20 + 0 (严重滞后) + 10 = 30.
Quarter 2 for hbj: April and May due, April missing: 15 + 10 + 20 + 20 + 10 = 75.
"""

import datetime
from decimal import Decimal
from io import BytesIO

import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import AssessmentRules, UrgingNotice
from reports.supervision import workflow
from reports.workbook.build import build_quarterly_workbook
from targets.models import Target, TargetStanding, TargetValue, TaskStanding
from tasks.models import MonthlyReport, ProgressReport, Task
from tests.dashboard_seed import xlsx_rows
from tests.personas import PersonasTestCase
from tests.reminders_support import at
from units.models import Unit

Status = MonthlyReport.Status
URL = "/reports/assessment/"


def step(when):
    return time_machine.travel(when, tick=False)


class AssessmentTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        plan = cls.plan
        for number, status in {5: "on_track", 10: "on_track", 13: "on_track", 14: "on_track", 6: "behind",
                               7: "seriously_behind", 19: "seriously_behind"}.items():
            assert TaskStanding.objects.filter(plan=plan, month=5, task__number=number).update(status=status) == 1
        for code, status in {"T19": "behind", "T20": "on_track"}.items():
            assert TargetStanding.objects.filter(plan=plan, month=5, target__code=code).update(status=status) == 1
        for code in ("hbj", "shuiwu"):
            cls.sent(code, [13])
        cls.sent("wjw", [5, 6])
        scjgj = cls.sent("scjgj", [10, 14, 19], at(2023, 6, 2))
        with step(at(2023, 6, 1)):
            value = TargetValue.objects.create(target=Target.objects.get(plan=plan, code="T19"), unit=scjgj.unit,
                                               report=scjgj, month=5, value=Decimal("10"))
        with step(at(2023, 6, 4)):  # after the submission of 2 June: a correction by staff
            value.value = Decimal("12")
            value._history_user = cls.staff
            value.save()
        nyncj = cls.sent("nyncj", [6], approve=False)
        with step(at(2023, 6, 2)):
            nyncj.status = Status.RETURNED
            nyncj.save()
        with step(at(2023, 6, 12)):
            nyncj.status, nyncj.submitted_at, nyncj.is_late = Status.SUBMITTED, at(2023, 6, 12), True
            nyncj.save()
        with step(at(2023, 6, 13)):
            nyncj.status = Status.APPROVED
            nyncj.save()
        cls.open_notice = cls.notice("nyncj", datetime.date(2023, 6, 9), datetime.date(2023, 6, 14))
        closed = cls.notice("wjw", datetime.date(2023, 6, 7), datetime.date(2023, 6, 12))
        with step(at(2023, 6, 9)):
            workflow.close(closed, cls.staff, "已报送")

    @classmethod
    def sent(cls, code, task_numbers, when=None, approve=True):
        """A May report of `code` sent in on time (1 June) and approved, with progress on its tasks."""
        when = when or at(2023, 6, 1)
        with step(when):
            report = MonthlyReport.objects.create(plan=cls.plan, unit=Unit.objects.get(code=code), month=5,
                                                  status=Status.SUBMITTED, submitted_at=when)
            for number in task_numbers:
                ProgressReport.objects.create(report=report, task=Task.objects.get(plan=cls.plan, number=number),
                                              work_done="按计划推进", self_status="on_track")
        if approve:
            with step(when + datetime.timedelta(hours=2)):
                report.status = Status.APPROVED
                report.save()
        return report

    @classmethod
    def notice(cls, code, issued_on, deadline):
        notice, _created, _ids = workflow.issue(
            cls.plan, UrgingNotice.Kind.SUPERVISE, Unit.objects.get(code=code), UrgingNotice.Cause.OVERDUE,
            issued_on=issued_on, deadline=deadline, month=5, request="请按期报送。")
        return notice

    def setUp(self):
        super().setUp()
        traveller = time_machine.travel(at(2023, 6, 20, 10, 0), tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)

    def scores(self, response):
        """{unit name: (rank, total, five points)} from the ranking page's table."""
        table = response.context["table"]
        return {
            row.record.unit.name: (row.record.rank, row.record.total,
                                   [row.record.points(c) for c in ("timeliness", "completeness", "quality",
                                                                    "progress", "notices")])
            for row in table.rows
        }


class ScoreTests(AssessmentTestCase):
    def test_it_scores_each_unit_as_worked_out_by_hand(self):
        self.client.force_login(self.leader)
        scores = self.scores(self.client.get(URL, {"month": 5}))
        self.assertEqual(scores["市环保局"], (1, Decimal("100.0"), [30, 20, 20, 20, 10]))
        self.assertEqual(scores["市水务局"], (1, Decimal("100.0"), [30, 20, 20, 20, 10]))
        self.assertEqual(scores["市卫健委"], (3, Decimal("90.0"), [30, 20, 20, 15, 5]))
        self.assertEqual(scores["市市场监管局"],
                         (4, Decimal("89.7"), [30, 20, 18, Decimal("11.7"), 10]))
        self.assertEqual(scores["市农业农村局"], (5, Decimal("60.0"), [15, 20, 15, 10, 0]))
        self.assertEqual(scores["市委网信办"][1:], (Decimal("30.0"), [0, 0, 20, 0, 10]))

    def test_it_gives_equal_totals_one_rank_and_skips_the_next(self):
        self.client.force_login(self.staff)
        response = self.client.get(URL, {"month": 5})
        ranks = [row.record.rank for row in response.context["table"].rows]
        self.assertEqual(ranks[:4], [1, 1, 3, 4])
        totals = [row.record.total for row in response.context["table"].rows]
        self.assertEqual(totals, sorted(totals, reverse=True))
        self.assertEqual(len(ranks), response.context["unit_count"])

    def test_it_scores_a_quarter_over_its_months_due(self):
        self.client.force_login(self.leader)
        scores = self.scores(self.client.get(URL, {"quarter": 2}))
        self.assertEqual(scores["市环保局"][1:], (Decimal("75.0"), [15, 10, 20, 20, 10]))
        self.assertContains(self.client.get(URL, {"quarter": 2}), "2023年第二季度")

    def test_it_puts_the_quarters_ranking_in_the_quarterly_workbook(self):
        ws = load_workbook(BytesIO(build_quarterly_workbook(self.plan, 2)))["考核评比"]
        rows = [[cell.value for cell in row] for row in ws.iter_rows()]
        header = next(row for row in rows if row[0] == "名次")
        self.assertEqual(header[:8], ["名次", "单位", "总分", "报送及时性（30分）", "报送完整性（20分）",
                                      "报送质量（20分）", "工作进展（20分）", "督办落实（10分）"])
        hbj = next(row for row in rows if row[1] == "市环保局")
        self.assertEqual(hbj[2:8], [75, 15, 10, 20, 20, 10])  # as the page's quarter, worked out above
        self.assertIn("4月逾期未报送（-15.0）", hbj[8])
        self.assertEqual(next(c for c in ws.iter_rows() if c[1].value == "市环保局")[2].number_format, "0.0")

    def test_it_lists_the_events_behind_each_point_with_their_links(self):
        self.client.force_login(self.staff)
        response = self.client.get(f"{URL}nyncj/", {"month": 5})
        self.assertContains(response, "总分 60.0 分，第 5 名")
        report = MonthlyReport.objects.get(unit__code="nyncj", month=5)
        self.assertContains(response, f'<a href="/reporting/{report.pk}/">5月报送逾期</a>')
        self.assertContains(response, '<td class="number">-15.0</td>')
        self.assertContains(response, "5月报送被退回（2023-06-02）")
        self.assertContains(response, f'href="/reports/supervision/{self.open_notice.pk}/">督办〔2023〕第1号 未按期办结')
        title = Task.objects.get(plan=self.plan, number=6).title
        self.assertContains(response, f"任务6 {title}（责任单位）滞后")
        scjgj = self.client.get(f"{URL}scjgj/", {"month": 5})
        self.assertContains(scjgj, "5月 T19 数值经审核人员更正")
        self.assertContains(scjgj, "（牵头单位）严重滞后")
        target = Target.objects.get(plan=self.plan, code="T19")
        self.assertContains(scjgj, f'href="/targets/{target.pk}/"')

    def test_it_links_each_point_of_the_ranking_to_the_units_events(self):
        self.client.force_login(self.leader)
        response = self.client.get(URL, {"month": 5})
        self.assertContains(response, 'href="/reports/assessment/wjw/?month=5&amp;plan=2023#progress">15.0</a>')

    def test_it_exports_the_table_with_typed_points(self):
        self.client.force_login(self.leader)
        rows = xlsx_rows(self.client.get(URL, {"month": 5, "export": "xlsx"}))
        self.assertEqual(rows[0][:4], ["名次", "单位", "总分", "报送及时性（30分）"])
        by_unit = {row[1]: row for row in rows[1:]}
        self.assertEqual(by_unit["市市场监管局"], [4, "市市场监管局", 89.7, 30, 20, 18, 11.7, 10])

    def test_it_shows_the_rules_on_the_page(self):
        self.client.force_login(self.leader)
        response = self.client.get(URL, {"month": 5})
        self.assertContains(response, "逾期报送的得50%")
        self.assertContains(response, "报送每被退回一次扣5分")
        self.assertNotContains(response, "修改评分规则")

    def test_it_makes_the_same_queries_whatever_the_number_of_units_with_data(self):
        self.client.force_login(self.leader)
        with self.assertNumQueries(QUERIES) as queries:
            self.client.get(URL, {"month": 5})
        for code in ("jxj", "hongshan", "jiangan", "wuchang"):
            report = self.sent(code, [7])
            ProgressReport.objects.filter(report=report).update(work_done="补充")
            self.notice(code, datetime.date(2023, 6, 9), datetime.date(2023, 6, 14))
        with self.assertNumQueries(len(queries.captured_queries)):
            self.client.get(URL, {"month": 5})
        with self.assertNumQueries(len(queries.captured_queries)):
            self.client.get(f"{URL}jxj/", {"month": 5})


QUERIES = 21  # the session, the user and membership, the plan and month (one query), the rules, 12 of data; saving the session


class RulesPageTests(AssessmentTestCase):
    def form(self, **changes):
        data = {"version": 0, "timeliness_weight": 30, "completeness_weight": 20, "quality_weight": 20,
                "progress_weight": 20, "notices_weight": 10, "late_credit_percent": 50, "return_points": 5,
                "correction_points": 2, "lead_task_weight": 2, "behind_credit_percent": 50,
                "supervision_points": 5, "overdue_supervision_points": 5}
        data.update(changes)
        return data

    def test_it_refuses_weights_not_summing_to_100_and_saves_nothing(self):
        self.client.force_login(self.staff)
        response = self.client.post(f"{URL}rules/", self.form(quality_weight=21))
        self.assertContains(response, "五项权重之和须为 100 分（现为 101 分）。", status_code=400)
        self.assertFalse(AssessmentRules.objects.exists())

    def test_it_refuses_a_negative_weight_and_saves_nothing(self):
        self.client.force_login(self.staff)
        response = self.client.post(f"{URL}rules/", self.form(notices_weight=-10, progress_weight=40))
        self.assertContains(response, "不能小于 0。", status_code=400)
        self.assertFalse(AssessmentRules.objects.exists())

    def test_it_refuses_a_share_above_100_percent(self):
        self.client.force_login(self.staff)
        response = self.client.post(f"{URL}rules/", self.form(late_credit_percent=150))
        self.assertContains(response, "不能大于 100。", status_code=400)
        self.assertFalse(AssessmentRules.objects.exists())

    def test_it_saves_new_weights_with_history_and_the_ranking_uses_them(self):
        self.client.force_login(self.staff)
        response = self.client.post(f"{URL}rules/", self.form(timeliness_weight=40, notices_weight=0), follow=True)
        self.assertContains(response, "考核评比规则已保存。")
        rules = AssessmentRules.objects.get()
        self.assertEqual((rules.timeliness_weight, rules.notices_weight, rules.version), (40, 0, 1))
        self.assertEqual(rules.history.get().history_user, self.staff)
        self.assertContains(response, 'id="rules-history"')
        scores = self.scores(self.client.get(URL, {"month": 5}))
        self.assertEqual(scores["市农业农村局"][1:], (Decimal("65.0"), [20, 20, 15, 10, 0]))
        stale = self.client.post(f"{URL}rules/", self.form(timeliness_weight=30, notices_weight=10))
        self.assertContains(stale, "考核评比规则已被他人修改", status_code=409)
        self.assertEqual(AssessmentRules.objects.get().timeliness_weight, 40)

    def test_only_staff_change_the_rules(self):
        for user in (self.leader, self.jxj_liaison, self.outsider):
            self.client.force_login(user)
            self.assertEqual(self.client.get(f"{URL}rules/").status_code, 403)
            self.assertEqual(self.client.post(f"{URL}rules/", self.form()).status_code, 403)
        self.assertFalse(AssessmentRules.objects.exists())
        self.client.force_login(self.staff)
        self.assertContains(self.client.get(f"{URL}rules/"), "尚未修改，使用默认规则。")
        self.assertEqual(self.client.put(f"{URL}rules/").status_code, 405)


class AccessTests(AssessmentTestCase):
    def test_it_redirects_anonymous_users_to_login(self):
        for url in (URL, f"{URL}wjw/", f"{URL}rules/"):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn(reverse("login"), response["Location"])

    def test_it_refuses_a_user_without_a_role(self):
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(URL).status_code, 403)
        self.assertEqual(self.client.get(f"{URL}wjw/").status_code, 403)

    def test_a_liaison_sees_only_its_own_units_score(self):
        self.client.force_login(self.jxj_liaison)
        response = self.client.get(URL, {"month": 5})
        self.assertEqual([row.record.unit.code for row in response.context["table"].rows], ["jxj"])
        self.assertNotContains(response, "市卫健委")
        self.assertContains(response, "其他单位的得分不予显示")
        self.assertEqual(self.client.get(f"{URL}jxj/", {"month": 5}).status_code, 200)
        self.assertEqual(self.client.get(f"{URL}wjw/", {"month": 5}).status_code, 404)
        rows = xlsx_rows(self.client.get(URL, {"month": 5, "export": "xlsx"}))
        self.assertEqual([row[1] for row in rows[1:]], ["市经信局"])

    def test_it_allows_only_get_on_the_ranking(self):
        self.client.force_login(self.leader)
        self.assertEqual(self.client.post(URL).status_code, 405)
        self.assertEqual(self.client.post(f"{URL}wjw/").status_code, 405)

    def test_it_says_when_no_month_of_the_period_is_due_yet(self):
        self.client.force_login(self.leader)
        response = self.client.get(URL, {"month": 6})
        self.assertContains(response, "本期尚未到报送期限")
        self.assertEqual(self.scores(response)["市委网信办"][2][0], 30)  # June is due on 5 July: nothing late yet

    def test_it_shows_the_default_month_for_a_bad_period(self):
        self.client.force_login(self.leader)
        self.assertContains(self.client.get(URL, {"quarter": "9"}), "季度须为 1 至 4 的整数")
        self.assertContains(self.client.get(URL, {"month": "13"}), "月份须为 1 至 12 的整数")
