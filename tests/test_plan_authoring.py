"""The plan authoring pages (/plans/): copy the 2023 plan into a 2024 draft, edit it, publish it."""

from decimal import Decimal

from django.urls import reverse

from reporting.services import NotEditable, get_or_create_report
from targets import plan_authoring
from targets.models import Target
from tasks.models import MonthlyReport, Plan, Task, TaskAssignment
from tests.personas import PersonasTestCase
from units.models import Unit

COPY_URL = reverse("plans:copy")
LIST_URL = reverse("plans:list")
COPY_FORM = {"year": "2024", "code": "2024", "title": "2024年武汉市科技创新工作要点", "document_number": "武政办〔2024〕1号"}


def lead_codes(plan):
    return {
        task.number: [a.unit.code for a in task.assignments.all() if a.role == TaskAssignment.Role.LEAD]
        for task in plan.tasks.prefetch_related("assignments__unit")
    }


class DraftTestCase(PersonasTestCase):
    """The 2023 plan copied to a 2024 draft through the service (the copy page has its own test)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.draft = plan_authoring.copy_plan(
            cls.plan, year=2024, code="2024", title="2024年工作要点（草稿）", user=cls.staff
        )

    def task_url(self, number, plan=None):
        return reverse("plans:task", args=[(plan or self.draft).code, number])

    def target_url(self, code, plan=None):
        return reverse("plans:target", args=[(plan or self.draft).code, code])

    @staticmethod
    def task_form(task, lead_units=None, responsible_units=None, **changes):
        """The task page's form as staff fill it: its fields, and a role and place for each of its units;
        `lead_units` / `responsible_units` (units or their ids, in order) replace the task's."""
        data = {"number": task.number, "section": task.section_id, "title": task.title, "text": task.text}
        chosen = {
            TaskAssignment.Role.LEAD: task.lead_units() if lead_units is None else lead_units,
            TaskAssignment.Role.RESPONSIBLE: task.responsible_units() if responsible_units is None else responsible_units,
        }
        for role, units in chosen.items():
            for position, unit in enumerate(units, start=1):
                pk = getattr(unit, "pk", unit)
                data[f"role_{pk}"], data[f"position_{pk}"] = role, position
        data.update(changes)
        return data

    @staticmethod
    def target_form(target, **changes):
        data = {
            "name": target.name, "value": str(target.value), "unit_of_measure": target.unit_of_measure,
            "comparison": target.comparison, "comparison_wording": target.comparison_wording,
            "kind": target.kind, "frequency": target.frequency, "goal_section": target.goal_section_id or "",
            "tasks": [task.pk for task in target.tasks.all()],
        }
        data.update(changes)
        return data


class PlanCopyTest(PersonasTestCase):
    def test_it_copies_2023_into_a_2024_draft_with_its_tasks_units_and_targets(self):
        self.client.force_login(self.staff)
        page = self.client.get(COPY_URL)
        self.assertContains(page, "复制为草稿")
        response = self.client.post(COPY_URL, {"source": self.plan.pk, **COPY_FORM})
        draft = Plan.objects.get(code="2024")
        self.assertRedirects(response, reverse("plans:detail", args=["2024"]))
        self.assertEqual(draft.state, Plan.State.DRAFT)
        self.assertEqual((draft.year, draft.document_number), (2024, "武政办〔2024〕1号"))
        self.assertEqual(draft.tasks.count(), 22)
        self.assertEqual(lead_codes(draft), lead_codes(self.plan))
        old = {t.code: t for t in self.plan.targets.all()}
        new = {t.code: t for t in draft.targets.all()}
        self.assertEqual(set(new), set(old))
        t08 = new["T08"]
        self.assertEqual(
            (t08.value, t08.kind, t08.comparison, t08.frequency, t08.unit_of_measure),
            (Decimal("13000"), old["T08"].kind, old["T08"].comparison, old["T08"].frequency, "家"),
        )
        self.assertEqual([t.number for t in t08.tasks.all()], [9])
        self.assertEqual(Plan.current(), self.plan)  # a draft is never the current plan
        detail = self.client.get(response.url)
        self.assertContains(detail, "草稿：尚未发布，不接受报送。")
        self.assertContains(detail, "复制自2023")

    def test_it_refuses_a_taken_code_and_a_missing_title_in_chinese(self):
        self.client.force_login(self.staff)
        response = self.client.post(COPY_URL, {"source": self.plan.pk, **COPY_FORM, "code": "2023", "title": ""})
        self.assertContains(response, "代码“2023”已被其他工作要点使用。")
        self.assertContains(response, "请填写此项。")
        self.assertEqual(Plan.objects.count(), 1)


class PlanAccessTest(DraftTestCase):
    def test_it_forbids_a_liaison_and_a_leader(self):
        for user in (self.jxj_liaison, self.leader):
            self.client.force_login(user)
            for url in (LIST_URL, COPY_URL, reverse("plans:detail", args=["2024"]), self.task_url(1)):
                self.assertEqual(self.client.get(url).status_code, 403, (user, url))
            self.assertEqual(self.client.post(reverse("plans:publish", args=["2024"])).status_code, 403)
        self.assertEqual(Plan.objects.get(code="2024").state, Plan.State.DRAFT)

    def test_it_sends_an_anonymous_visitor_to_sign_in(self):
        for url in (LIST_URL, COPY_URL, self.task_url(1)):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn(reverse("login"), response.url)

    def test_it_refuses_the_wrong_method(self):
        self.client.force_login(self.staff)
        self.assertEqual(self.client.post(LIST_URL).status_code, 405)
        self.assertEqual(self.client.delete(COPY_URL).status_code, 405)
        self.assertEqual(self.client.put(self.task_url(1)).status_code, 405)


class DraftEditTest(DraftTestCase):
    def test_it_changes_a_tasks_units_and_keeps_the_change_in_its_history(self):
        self.client.force_login(self.staff)
        task = Task.objects.get(plan=self.draft, number=7)
        hongshan = Unit.objects.get(code="hongshan")
        data = self.task_form(task, title="产业集群培育", lead_units=[self.kjj.pk], responsible_units=[self.jxj.pk, hongshan.pk])
        response = self.client.post(self.task_url(7), data)
        self.assertRedirects(response, reverse("plans:detail", args=["2024"]))
        task.refresh_from_db()
        self.assertEqual(task.title, "产业集群培育")
        self.assertEqual([u.code for u in task.lead_units()], ["kjj"])
        self.assertEqual([u.code for u in task.responsible_units()], ["jxj", "hongshan"])
        self.assertEqual(task.history.latest().history_user, self.staff)
        # The 2023 plan is untouched.
        self.assertEqual(lead_codes(self.plan)[7], ["jxj", "fgw", "kjj"])

    def test_it_refuses_a_duplicate_task_number_and_saves_nothing(self):
        self.client.force_login(self.staff)
        task = Task.objects.get(plan=self.draft, number=2)
        response = self.client.post(self.task_url(2), self.task_form(task, number=1, title="改了"))
        self.assertContains(response, "本工作要点已有序号为 1 的任务。")
        self.assertContains(response, "请改正以下错误，未保存任何内容。")
        task.refresh_from_db()
        self.assertEqual((task.number, task.title == "改了"), (2, False))

    def test_it_refuses_a_task_without_a_lead_unit_and_saves_nothing(self):
        self.client.force_login(self.staff)
        task = Task.objects.get(plan=self.draft, number=7)
        before = list(task.assignments.values_list("unit__code", "role"))
        response = self.client.post(self.task_url(7), self.task_form(task, lead_units=[], title="改了"))
        self.assertContains(response, "每项任务至少须有一个牵头单位。")
        self.assertEqual(list(task.assignments.values_list("unit__code", "role")), before)
        task.refresh_from_db()
        self.assertNotEqual(task.title, "改了")

    def test_it_refuses_a_non_positive_target_value_and_a_missing_kind(self):
        self.client.force_login(self.staff)
        target = Target.objects.get(plan=self.draft, code="T08")
        for bad in ("0", "-5"):
            response = self.client.post(self.target_url("T08"), self.target_form(target, value=bad, kind=""))
            self.assertContains(response, "目标值须大于零。")
            self.assertContains(response, "请选择指标类型。")
        response = self.client.post(self.target_url("T08"), self.target_form(target, comparison=""))
        self.assertContains(response, "请选择比较方式。")
        target.refresh_from_db()
        self.assertEqual((target.value, target.kind), (Decimal("13000"), Target.Kind.STOCK))

    def test_it_saves_a_targets_new_value_without_a_reason_while_a_draft(self):
        self.client.force_login(self.staff)
        target = Target.objects.get(plan=self.draft, code="T08")
        response = self.client.post(self.target_url("T08"), self.target_form(target, value="14000"))
        self.assertRedirects(response, reverse("plans:detail", args=["2024"]))
        target.refresh_from_db()
        self.assertEqual(target.value, Decimal("14000"))
        self.assertEqual(self.plan.targets.get(code="T08").value, Decimal("13000"))


class DraftReportingTest(DraftTestCase):
    def test_it_takes_no_report_for_a_draft(self):
        with self.assertRaisesMessage(NotEditable, "“2024年工作要点（草稿）”尚未发布，不接受报送。"):
            get_or_create_report(self.draft, self.jxj, 1)
        self.assertFalse(MonthlyReport.objects.filter(plan=self.draft).exists())

    def test_it_opens_the_reporting_pages_on_the_published_plan_only(self):
        self.client.force_login(self.jxj_liaison)
        response = self.client.get(reverse("reporting:my_unit"))
        self.assertEqual(response.context["plan"], self.plan)


class PublishTest(DraftTestCase):
    def test_it_asks_for_confirmation_then_publishes_and_makes_it_current(self):
        self.client.force_login(self.staff)
        url = reverse("plans:publish", args=["2024"])
        page = self.client.get(url)
        self.assertContains(page, "确认发布“2024年工作要点（草稿）”（22 项任务")
        self.assertEqual(Plan.objects.get(code="2024").state, Plan.State.DRAFT)  # GET never writes
        response = self.client.post(url)
        self.assertRedirects(response, reverse("plans:detail", args=["2024"]))
        draft = Plan.objects.get(code="2024")
        self.assertEqual(draft.state, Plan.State.PUBLISHED)
        self.assertEqual(Plan.current(), draft)
        self.assertEqual(draft.history.latest().history_change_reason, "发布")
        self.assertContains(self.client.get(reverse("overview")), "2024年工作要点（草稿）")
        report = get_or_create_report(draft, self.jxj, 1)  # a published plan takes reports
        self.assertEqual(report.plan, draft)


class PublishedEditTest(DraftTestCase):
    def test_it_refuses_a_change_to_a_published_plan_without_a_reason(self):
        self.client.force_login(self.staff)
        target = Target.objects.get(plan=self.plan, code="T08")
        response = self.client.post(self.target_url("T08", self.plan), self.target_form(target, value="13500"))
        self.assertContains(response, "已发布的工作要点修改结构须填写修改原因。")
        target.refresh_from_db()
        self.assertEqual(target.value, Decimal("13000"))
        task = Task.objects.get(plan=self.plan, number=7)
        response = self.client.post(self.task_url(7, self.plan), self.task_form(task, title="改了"))
        self.assertContains(response, "已发布的工作要点修改结构须填写修改原因。")

    def test_it_records_the_reason_of_a_change_in_the_history(self):
        self.client.force_login(self.staff)
        target = Target.objects.get(plan=self.plan, code="T08")
        data = self.target_form(target, value="13500", reason="市政府常务会议调整目标")
        response = self.client.post(self.target_url("T08", self.plan), data)
        self.assertRedirects(response, reverse("plans:detail", args=["2023"]))
        target.refresh_from_db()
        self.assertEqual(target.value, Decimal("13500"))
        latest = target.history.latest()
        self.assertEqual((latest.history_change_reason, latest.history_user), ("市政府常务会议调整目标", self.staff))
        self.assertEqual(target.standings.get(month=12).target.value, Decimal("13500"))
        detail = self.client.get(reverse("plans:detail", args=["2023"]))
        self.assertContains(detail, "市政府常务会议调整目标")
        self.assertContains(detail, "指标 T08 高新技术企业数 · 修改")
