"""Adding and deleting a plan's sections, tasks and targets on /plans/<plan>/ (targets/views/plan_parts.py),
and ordering a task's units: on the 2024 draft copied from 2023, and on the published 2023 plan, where
each change needs a reason and nothing with reported data is deleted."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.instructions import workflow as instructions
from targets import breakdown_authoring
from targets.models import Target, TargetStanding, TargetValue, TaskStanding
from tasks.models import MonthlyReport, ProgressReport, Section, Task, TaskAssignment
from tests.test_plan_authoring import DraftTestCase
from units.models import Unit

REASON_NEEDED = "已发布的工作要点修改结构须填写修改原因。"
LEAD, RESPONSIBLE = TaskAssignment.Role.LEAD, TaskAssignment.Role.RESPONSIBLE


def detail(plan):
    return reverse("plans:detail", args=[plan.code])


def section_form(**changes):
    data = {"kind": "task", "number": "10", "numeral": "（十）", "title": "加快推进数字科技创新"}
    data.update(changes)
    return data


class StructureTestCase(DraftTestCase):
    def setUp(self):
        self.client.force_login(self.staff)

    def url(self, name, *args, plan=None):
        return reverse(f"plans:{name}", args=[(plan or self.draft).code, *args])

    def new_task_form(self, **changes):
        area = Section.objects.get(plan=self.draft, kind=Section.Kind.TASK_AREA, number=3)
        data = {"number": "23", "section": area.pk, "title": "建设未来产业先导区", "text": "谋划布局未来产业先导区。"}
        data.update(changes)
        return data

    def new_target_form(self, **changes):
        goal = Section.objects.get(plan=self.draft, kind=Section.Kind.GOAL_GROUP, number=3)
        task = Task.objects.get(plan=self.draft, number=9)
        data = {
            "code": "T44", "name": "专精特新“小巨人”企业数", "value": "120", "unit_of_measure": "家",
            "comparison": Target.Comparison.AT_LEAST, "comparison_wording": "以上", "kind": Target.Kind.STOCK,
            "frequency": Target.Frequency.QUARTERLY, "reporting_unit": self.jxj.pk, "goal_section": goal.pk,
            "tasks": [task.pk], "source_text": "专精特新“小巨人”企业达到120家以上。",
        }
        data.update(changes)
        return data


class SectionTest(StructureTestCase):
    def test_it_adds_a_task_area_with_the_next_number_offered_and_its_history(self):
        page = self.client.get(self.url("section_add") + "?kind=task")
        self.assertContains(page, 'value="10"')  # nine task areas: the tenth is offered
        self.assertContains(page, 'value="（十）"')
        response = self.client.post(self.url("section_add"), section_form())
        self.assertRedirects(response, detail(self.draft))
        section = Section.objects.get(plan=self.draft, kind="task", number=10)
        self.assertEqual((section.numeral, section.title), ("（十）", "加快推进数字科技创新"))
        created = section.history.get()
        self.assertEqual((created.history_type, created.history_user), ("+", self.staff))
        page = self.client.get(detail(self.draft))
        self.assertContains(page, "加快推进数字科技创新</a>")
        self.assertContains(page, "板块 （十）加快推进数字科技创新（任务板块） · 新增")

    def test_it_refuses_a_taken_number_and_a_missing_title_and_saves_nothing(self):
        response = self.client.post(self.url("section_add"), section_form(number="3", title=""))
        self.assertContains(response, "本工作要点已有序号为 3 的任务板块。")
        self.assertContains(response, "请填写此项。")
        response = self.client.post(self.url("section_add"), section_form(kind=""))
        self.assertContains(response, "请选择此项。")
        self.assertEqual(self.draft.sections.count(), 13)

    def test_it_renames_a_section_and_keeps_its_kind(self):
        url = self.url("section", "goal", 1)
        response = self.client.post(url, {"kind": "task", "number": "1", "numeral": "（一）", "title": "科创中心建设全面起势"})
        self.assertRedirects(response, detail(self.draft))
        section = Section.objects.get(plan=self.draft, kind="goal", number=1)
        self.assertEqual(section.title, "科创中心建设全面起势")
        self.assertEqual(section.history.latest().history_user, self.staff)

    def test_it_refuses_to_delete_a_task_area_with_tasks(self):
        url = self.url("section_delete", "task", 3)
        page = self.client.get(url)
        message = "板块“（三）加快推进关键核心技术攻关”下还有 3 项任务，不能删除；请先删除这些任务，或把它们改到其他板块。"
        self.assertContains(page, message)
        self.assertNotContains(page, "确认删除</button>")
        response = self.client.post(url)
        self.assertContains(response, message, status_code=400)
        self.assertTrue(Section.objects.filter(plan=self.draft, kind="task", number=3).exists())
        self.assertFalse(Section.history.filter(plan_id=self.draft.pk, history_type="-").exists())

    def test_it_refuses_to_delete_a_goal_group_with_targets(self):
        response = self.client.post(self.url("section_delete", "goal", 1))
        self.assertContains(
            response, "目标组“（一）科创中心建设成势见效”下还有 3 项指标，不能删除；请先删除这些指标，或把它们改到其他目标组。",
            status_code=400,
        )
        self.assertEqual(self.draft.sections.count(), 13)

    def test_it_deletes_an_empty_section_with_its_history(self):
        self.client.post(self.url("section_add"), section_form())
        url = self.url("section_delete", "task", 10)
        self.assertContains(self.client.get(url), "确认删除</button>")
        response = self.client.post(url)
        self.assertRedirects(response, detail(self.draft))
        self.assertFalse(Section.objects.filter(plan=self.draft, kind="task", number=10).exists())
        deleted = Section.history.get(plan_id=self.draft.pk, number=10, history_type="-")
        self.assertEqual(deleted.history_user, self.staff)
        self.assertContains(self.client.get(detail(self.draft)), "板块 （十）加快推进数字科技创新（任务板块） · 删除")


class TaskAddTest(StructureTestCase):
    def test_it_adds_a_task_with_its_units_in_the_order_numbered(self):
        fgw, hongshan = Unit.objects.get(code="fgw"), self.hongshan
        page = self.client.get(self.url("task_add"))
        self.assertContains(page, 'value="23"')  # 22 tasks: the 23rd is offered
        data = self.new_task_form(**{
            f"role_{self.kjj.pk}": LEAD, f"position_{self.kjj.pk}": "2",
            f"role_{self.jxj.pk}": LEAD, f"position_{self.jxj.pk}": "1",
            f"role_{hongshan.pk}": RESPONSIBLE,  # no place: after the numbered one
            f"role_{fgw.pk}": RESPONSIBLE, f"position_{fgw.pk}": "1",
            f"position_{self.districts.pk}": "3",  # a place without a role names nobody
        })
        response = self.client.post(self.url("task_add"), data)
        self.assertRedirects(response, detail(self.draft))
        task = Task.objects.get(plan=self.draft, number=23)
        self.assertEqual([u.code for u in task.lead_units()], ["jxj", "kjj"])
        self.assertEqual([u.code for u in task.responsible_units()], ["fgw", "hongshan"])
        self.assertEqual(
            list(task.assignments.values_list("unit__code", "position")),
            [("jxj", 1), ("kjj", 2), ("fgw", 1), ("hongshan", 2)],
        )
        self.assertEqual(task.history.get().history_user, self.staff)
        self.assertEqual(TaskAssignment.history.filter(task_id=task.pk, history_type="+").count(), 4)
        page = self.client.get(detail(self.draft))
        self.assertContains(page, "市经信局、市科技局")
        self.assertContains(page, "市发改委、洪山区人民政府")
        self.assertContains(page, "任务 23. 建设未来产业先导区 · 新增")

    def test_it_refuses_a_taken_number_no_lead_unit_and_a_repeated_place(self):
        data = self.new_task_form(number="9", **{
            f"role_{self.jxj.pk}": RESPONSIBLE, f"position_{self.jxj.pk}": "1",
            f"role_{self.kjj.pk}": RESPONSIBLE, f"position_{self.kjj.pk}": "1",
        })
        response = self.client.post(self.url("task_add"), data)
        self.assertContains(response, "本工作要点已有序号为 9 的任务。")
        self.assertContains(response, "每项任务至少须有一个牵头单位。")
        self.assertContains(response, "责任单位中排序 1 重复。", count=2)
        self.assertContains(response, "请改正以下错误，未保存任何内容。")
        response = self.client.post(self.url("task_add"), self.new_task_form(**{
            f"role_{self.jxj.pk}": LEAD, f"position_{self.jxj.pk}": "0"}))
        self.assertContains(response, "排序须为 1 至 99 的整数。")
        self.assertEqual(self.draft.tasks.count(), 22)
        self.assertFalse(Task.history.filter(plan_id=self.draft.pk, number=23).exists())


class TaskUnitOrderTest(StructureTestCase):
    def test_the_edit_page_lists_the_tasks_units_first_in_their_order(self):
        page = self.client.get(self.url("task", 7)).content.decode()
        rows = [page.index(f'id="unit-{code}"') for code in ("jxj", "fgw", "kjj", "wxb", "gqrmzf", "jrj")]
        self.assertEqual(rows, sorted(rows))
        self.assertIn(f'name="position_{self.kjj.pk}" value="3"', page)

    def test_it_reorders_a_tasks_lead_units_and_the_plan_page_follows(self):
        task = Task.objects.get(plan=self.draft, number=7)
        fgw = Unit.objects.get(code="fgw")
        data = self.task_form(task, lead_units=[self.kjj, self.jxj, fgw])
        response = self.client.post(self.url("task", 7), data)
        self.assertRedirects(response, detail(self.draft))
        self.assertEqual([u.code for u in task.lead_units()], ["kjj", "jxj", "fgw"])
        self.assertEqual(
            list(task.assignments.filter(role=LEAD).values_list("unit__code", "position")),
            [("kjj", 1), ("jxj", 2), ("fgw", 3)],
        )
        kjj = TaskAssignment.objects.get(task=task, unit=self.kjj)
        self.assertEqual([h.position for h in kjj.history.order_by("history_date")], [3, 1])
        self.assertContains(self.client.get(detail(self.draft)), "市科技局、市经信局、市发改委")

    def test_the_public_task_page_follows_a_published_plans_new_order(self):
        task = Task.objects.get(plan=self.plan, number=7)
        fgw = Unit.objects.get(code="fgw")
        data = self.task_form(task, lead_units=[fgw, self.kjj, self.jxj], reason="按市政府文件调整牵头单位顺序")
        self.assertRedirects(self.client.post(self.url("task", 7, plan=self.plan), data), detail(self.plan))
        response = self.client.get(reverse("tasks:detail", args=[7]))
        self.assertEqual([u.code for u in response.context["lead_units"]], ["fgw", "kjj", "jxj"])
        latest = TaskAssignment.objects.get(task=task, unit=fgw).history.latest()
        self.assertEqual((latest.position, latest.history_change_reason), (1, "按市政府文件调整牵头单位顺序"))


class TaskDeleteTest(StructureTestCase):
    def test_it_deletes_a_task_with_its_units_and_unlinks_its_targets(self):
        url = self.url("task_delete", 9)
        page = self.client.get(url)
        self.assertContains(page, "同时删除该任务的 5 个牵头、责任单位分工：市科技局、市发改委、市经信局、市税务局、各区人民政府。")
        self.assertContains(page, "解除该任务与指标 T08、T09、T26、T27 的关联；这些指标保留。")
        task = Task.objects.get(plan=self.draft, number=9)
        response = self.client.post(url, follow=True)
        self.assertRedirects(response, detail(self.draft))
        self.assertContains(response, "已删除任务 9。")
        self.assertFalse(Task.objects.filter(pk=task.pk).exists())
        self.assertFalse(TaskAssignment.objects.filter(task_id=task.pk).exists())
        deleted = TaskAssignment.history.filter(task_id=task.pk, history_type="-")
        self.assertEqual(deleted.count(), 5)
        self.assertEqual(set(deleted.values_list("history_user", flat=True)), {self.staff.pk})
        t08 = Target.objects.get(plan=self.draft, code="T08")
        self.assertEqual(list(t08.tasks.all()), [])
        self.assertEqual(t08.history.latest().history_change_reason, "删除任务9")
        self.assertEqual(Target.objects.get(plan=self.plan, code="T08").tasks.get().number, 9)  # 2023 untouched
        self.assertContains(response, "任务分工：市税务局（责任单位） · 删除")

    def test_it_refuses_a_task_with_reported_progress_on_the_published_plan(self):
        task = Task.objects.get(plan=self.plan, number=7)
        report = MonthlyReport.objects.create(plan=self.plan, unit=self.jxj, month=1)
        ProgressReport.objects.create(report=report, task=task, work_done="进展")
        url = self.url("task_delete", 7, plan=self.plan)
        self.assertContains(self.client.get(url), "任务 7 已有单位报送的月度进展，不能删除。")
        response = self.client.post(url, {"reason": "合并到任务8"})
        self.assertContains(response, "任务 7 已有单位报送的月度进展，不能删除。", status_code=400)
        self.assertEqual(task.assignments.count(), 5)
        self.assertFalse(Task.history.filter(id=task.pk, history_type="-").exists())

    def test_it_refuses_a_task_an_instruction_refers_to_and_keeps_its_units(self):
        task = Task.objects.get(plan=self.plan, number=9)
        instructions.write(self.leader, "task", task, [self.jxj], "请加快推进。", "2023-06-05", self.leader)
        response = self.client.post(self.url("task_delete", 9, plan=self.plan), {"reason": "并入任务10"})
        self.assertContains(response, "任务 9 已被领导批示等记录引用，不能删除。", status_code=400)
        # The assignments' deletion and the targets' unlinking were rolled back with it.
        self.assertEqual(task.assignments.count(), 5)
        self.assertEqual([t.number for t in Target.objects.get(plan=self.plan, code="T08").tasks.all()], [9])
        self.assertFalse(TaskAssignment.history.filter(task_id=task.pk, history_type="-").exists())

    def test_on_the_published_plan_it_needs_a_reason_and_records_it(self):
        task = Task.objects.get(plan=self.plan, number=12)
        url = self.url("task_delete", 12, plan=self.plan)
        response = self.client.post(url)
        self.assertContains(response, REASON_NEEDED)
        self.assertTrue(Task.objects.filter(pk=task.pk).exists())
        response = self.client.post(url, {"reason": "市政府调整年度任务"})
        self.assertRedirects(response, detail(self.plan))
        deleted = Task.history.get(id=task.pk, history_type="-")
        self.assertEqual((deleted.history_change_reason, deleted.history_user), ("市政府调整年度任务", self.staff))
        self.assertFalse(TaskStanding.objects.filter(task_id=task.pk).exists())
        self.assertEqual(TaskStanding.objects.filter(plan=self.plan, month=12).count(), 21)


class TargetAddTest(StructureTestCase):
    def test_it_adds_a_target_linked_to_a_task_last_in_the_plans_order(self):
        page = self.client.get(self.url("target_add"))
        self.assertContains(page, "新增指标")
        response = self.client.post(self.url("target_add"), self.new_target_form())
        self.assertRedirects(response, detail(self.draft))
        target = Target.objects.get(plan=self.draft, code="T44")
        self.assertEqual(
            (target.value, target.kind, target.comparison, target.frequency, target.reporting_unit, target.position),
            (Decimal("120"), "stock", "at_least", "quarterly", self.jxj, 44),
        )
        self.assertEqual([t.number for t in target.tasks.all()], [9])
        self.assertEqual(target.goal_section.number, 3)
        self.assertEqual(target.history.get().history_user, self.staff)
        page = self.client.get(detail(self.draft))
        self.assertContains(page, "120家以上")
        self.assertContains(page, "指标 T44 专精特新“小巨人”企业数 · 新增")

    def test_it_refuses_a_taken_code_and_name_a_bad_value_and_no_kind_or_unit(self):
        data = self.new_target_form(code="T08", name="高新技术企业数", value="0", kind="", comparison="",
                                    reporting_unit="")
        response = self.client.post(self.url("target_add"), data)
        for message in ("本工作要点已有编号为 T08 的指标。", "本工作要点已有名为“高新技术企业数”的指标。",
                        "目标值须大于零。", "请选择指标类型。", "请选择比较方式。", "请选择此项。"):
            self.assertContains(response, message)
        response = self.client.post(self.url("target_add"), self.new_target_form(code="new"))
        self.assertContains(response, "编号只能包含字母、数字、点、连字符和下划线，如 T44。")
        self.assertEqual(self.draft.targets.count(), 43)

    def test_the_edit_page_moves_a_target_to_another_task_and_goal_group(self):
        target = Target.objects.get(plan=self.draft, code="T08")
        task = Task.objects.get(plan=self.draft, number=10)
        goal = Section.objects.get(plan=self.draft, kind="goal", number=4)
        data = self.target_form(target, tasks=[task.pk], goal_section=goal.pk)
        self.assertRedirects(self.client.post(self.url("target", "T08"), data), detail(self.draft))
        self.assertEqual([t.number for t in target.tasks.all()], [10])
        target.refresh_from_db()
        self.assertEqual(target.goal_section, goal)


class TargetDeleteTest(StructureTestCase):
    def test_it_deletes_a_target_and_keeps_its_task(self):
        response = self.client.post(self.url("target_delete", "T08"))
        self.assertRedirects(response, detail(self.draft))
        self.assertFalse(Target.objects.filter(plan=self.draft, code="T08").exists())
        self.assertEqual(Task.objects.get(plan=self.draft, number=9).targets.count(), 3)
        deleted = Target.history.get(plan_id=self.draft.pk, code="T08", history_type="-")
        self.assertEqual(deleted.history_user, self.staff)
        self.assertContains(self.client.get(detail(self.draft)), "指标 T08 高新技术企业数 · 删除")

    def test_deleting_a_city_target_deletes_its_district_shares_and_says_so(self):
        city = Target.objects.get(plan=self.draft, code="T09")
        units = [self.hongshan, Unit.objects.get(code="jiangan")]
        breakdown_authoring.create_shares(city, units, share_rule="sum", user=self.staff,
                                          codes={self.hongshan.pk: "T09.01", units[1].pk: "T09.02"})
        url = self.url("target_delete", "T09")
        self.assertContains(self.client.get(url), "同时删除该指标的 2 个分区指标：T09.01、T09.02。")
        self.assertRedirects(self.client.post(url), detail(self.draft))
        self.assertFalse(Target.objects.filter(plan=self.draft, code__startswith="T09").exists())
        shares = Target.history.filter(plan_id=self.draft.pk, code__startswith="T09.", history_type="-")
        self.assertEqual(sorted(shares.values_list("history_change_reason", flat=True)), ["删除全市指标T09"] * 2)

    def test_it_refuses_a_target_with_a_reported_figure(self):
        target = Target.objects.get(plan=self.plan, code="T08")
        report = MonthlyReport.objects.create(plan=self.plan, unit=self.kjj, month=3)
        TargetValue.objects.create(target=target, unit=self.kjj, report=report, month=3, value=Decimal("12000"))
        url = self.url("target_delete", "T08", plan=self.plan)
        message = "指标 T08 “高新技术企业数”已有报送的数值，不能删除。"
        self.assertContains(self.client.get(url), message)
        response = self.client.post(url, {"reason": "统计口径调整"})
        self.assertContains(response, message, status_code=400)
        self.assertTrue(Target.objects.filter(pk=target.pk).exists())

    def test_it_refuses_a_city_target_whose_share_has_a_figure(self):
        city = Target.objects.get(plan=self.draft, code="T09")
        [share] = breakdown_authoring.create_shares(city, [self.hongshan], share_rule="sum", user=self.staff,
                                                    codes={self.hongshan.pk: "T09.01"})
        report = MonthlyReport.objects.create(plan=self.draft, unit=self.hongshan, month=1)
        TargetValue.objects.create(target=share, unit=self.hongshan, report=report, month=1, value=Decimal("400"))
        response = self.client.post(self.url("target_delete", "T09"))
        self.assertContains(response, "指标 T09 “科技型中小企业评价入库数”已有报送的数值，不能删除。", status_code=400)
        self.assertEqual(city.shares.count(), 1)

    def test_on_the_published_plan_it_needs_a_reason_and_its_standings_go(self):
        target = Target.objects.get(plan=self.plan, code="T27")
        url = self.url("target_delete", "T27", plan=self.plan)
        self.assertContains(self.client.post(url), REASON_NEEDED)
        self.assertTrue(Target.objects.filter(pk=target.pk).exists())
        self.assertRedirects(self.client.post(url, {"reason": "指标并入T26"}), detail(self.plan))
        deleted = Target.history.get(id=target.pk, history_type="-")
        self.assertEqual(deleted.history_change_reason, "指标并入T26")
        self.assertFalse(TargetStanding.objects.filter(target_id=target.pk).exists())
        self.assertEqual(TargetStanding.objects.filter(plan=self.plan, month=12).count(), 42)


class PublishedAddTest(StructureTestCase):
    def test_adding_to_the_published_plan_needs_a_reason_and_records_it(self):
        url = self.url("section_add", plan=self.plan)
        response = self.client.post(url, section_form())
        self.assertContains(response, REASON_NEEDED)
        self.assertFalse(Section.objects.filter(plan=self.plan, number=10, kind="task").exists())
        response = self.client.post(url, section_form(reason="市政府增设年度任务板块"))
        self.assertRedirects(response, detail(self.plan))
        section = Section.objects.get(plan=self.plan, number=10, kind="task")
        self.assertEqual(section.history.get().history_change_reason, "市政府增设年度任务板块")


class StructureAccessTest(StructureTestCase):
    def urls(self):
        return [
            self.url("section_add"), self.url("section", "task", 3), self.url("section_delete", "task", 3),
            self.url("task_add"), self.url("task_delete", 9), self.url("target_add"), self.url("target_delete", "T08"),
        ]

    def test_it_forbids_a_liaison_and_a_leader_and_changes_nothing(self):
        for user in (self.jxj_liaison, self.leader):
            self.client.force_login(user)
            for url in self.urls():
                self.assertEqual(self.client.get(url).status_code, 403, (user, url))
                self.assertEqual(self.client.post(url, {"reason": "x"}).status_code, 403, (user, url))
        self.assertEqual((self.draft.sections.count(), self.draft.tasks.count(), self.draft.targets.count()), (13, 22, 43))

    def test_it_sends_an_anonymous_visitor_to_sign_in(self):
        self.client.logout()
        for url in self.urls():
            response = self.client.post(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertIn(reverse("login"), response.url)
        self.assertEqual(self.draft.tasks.count(), 22)

    def test_it_refuses_the_wrong_method(self):
        for url in self.urls():
            self.assertEqual(self.client.put(url).status_code, 405, url)
            self.assertEqual(self.client.delete(url).status_code, 405, url)
        self.assertEqual(self.draft.targets.count(), 43)

    def test_an_unknown_part_is_a_404(self):
        for url in (self.url("section", "task", 99), self.url("section", "other", 1), self.url("task_delete", 99),
                    self.url("target_delete", "T99")):
            self.assertEqual(self.client.get(url).status_code, 404, url)


class PlanPageQueriesTest(StructureTestCase):
    def test_the_plan_page_takes_as_many_queries_with_more_parts(self):
        def count():
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(detail(self.draft)).status_code, 200)
            return len(queries)

        before = count()
        self.client.post(self.url("section_add"), section_form())
        self.client.post(self.url("task_add"), self.new_task_form(**{f"role_{self.jxj.pk}": LEAD}))
        self.client.post(self.url("target_add"), self.new_target_form())
        self.assertEqual((self.draft.tasks.count(), self.draft.targets.count()), (23, 44))
        self.assertEqual(count(), before)
