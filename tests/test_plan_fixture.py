"""The 2023 plan fixture (fixtures/plan_2023.json) checked against the plan text itself."""

import re
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.test import TestCase

from targets.models import Target
from tasks.models import Plan, Section, Task, TaskAssignment
from units.models import Unit

# The plan text as extracted from the PDF (武政办〔2023〕4号), kept beside the fixture built from it.
SEED = Path(settings.BASE_DIR) / "fixtures/plan_2023_source.txt"

DISTRICTS = [
    "江岸区人民政府", "江汉区人民政府", "硚口区人民政府", "汉阳区人民政府", "武昌区人民政府",
    "青山区人民政府", "洪山区人民政府", "东西湖区人民政府", "汉南区人民政府", "蔡甸区人民政府",
    "江夏区人民政府", "黄陂区人民政府", "新洲区人民政府", "东湖高新区管委会", "武汉经开区管委会",
    "东湖风景区管委会", "长江新区管委会",
]


def normalise(text):
    """Drop "—01—" page furniture and all whitespace, as the PDF extraction scatters both."""
    return re.sub(r"\s+", "", re.sub(r"—\d+—", "", text))


def names(units):
    return [u.name for u in units]


class PlanFixtureTest(TestCase):
    fixtures = ["plan_2023"]

    def setUp(self):
        self.plan = Plan.objects.get(code="2023")

    def task(self, number):
        return Task.objects.prefetch_related("assignments__unit").get(plan=self.plan, number=number)

    def assertUnits(self, number, leads, responsible):
        task = self.task(number)
        self.assertEqual(names(task.lead_units()), leads)
        self.assertEqual(names(task.responsible_units()), responsible)

    def test_it_has_the_plan_header(self):
        self.assertEqual(self.plan.year, 2023)
        self.assertEqual(self.plan.document_number, "武政办〔2023〕4号")
        self.assertEqual(self.plan.issuer, "武汉市人民政府办公厅")
        self.assertEqual(str(self.plan.issued_on), "2023-01-28")

    def test_it_has_22_tasks_in_9_task_areas_and_4_goal_groups(self):
        self.assertEqual(Task.objects.filter(plan=self.plan).count(), 22)
        self.assertEqual(list(Task.objects.filter(plan=self.plan).values_list("number", flat=True)), list(range(1, 23)))
        areas = Section.objects.filter(plan=self.plan, kind=Section.Kind.TASK_AREA)
        self.assertEqual(list(areas.values_list("number", flat=True)), list(range(1, 10)))
        self.assertEqual(areas.get(number=1).title, "加快推进科创中心建设")
        self.assertEqual(areas.get(number=9).title, "加快打造热带雨林式创新生态")
        self.assertEqual(areas.get(number=9).numeral, "（九）")
        goals = Section.objects.filter(plan=self.plan, kind=Section.Kind.GOAL_GROUP)
        self.assertEqual(
            list(goals.values_list("title", flat=True)),
            ["科创中心建设成势见效", "科技创新工程深入实施", "产业创新能力持续增强", "科技创新生态加快优化"],
        )
        self.assertFalse(Task.objects.filter(section__kind=Section.Kind.GOAL_GROUP).exists())
        # tasks per area, as in part 二
        counts = [areas.get(number=n).tasks.count() for n in range(1, 10)]
        self.assertEqual(counts, [2, 3, 3, 2, 2, 2, 3, 2, 3])

    def test_it_gives_every_task_a_lead_unit_and_ordered_positions(self):
        for task in Task.objects.filter(plan=self.plan).prefetch_related("assignments__unit"):
            self.assertTrue(task.lead_units(), task)
            self.assertTrue(task.responsible_units(), task)
            for role in TaskAssignment.Role.values:
                positions = [a.position for a in task.assignments.all() if a.role == role]
                self.assertEqual(positions, list(range(1, len(positions) + 1)), task)

    def test_it_assigns_units_as_the_plan_names_them(self):
        self.assertUnits(1, ["市科技局"], ["市推进科创中心建设领导小组成员单位"])
        self.assertUnits(2, ["东湖高新区管委会"], ["市发改委", "市科技局", "市财政局", "市自然资源规划局"])
        self.assertUnits(
            3, ["市发改委"], ["市科技局", "市财政局", "市自然资源规划局", "东湖高新区管委会", "洪山区人民政府"]
        )
        self.assertUnits(7, ["市经信局", "市发改委", "市科技局"], ["市委网信办", "各区人民政府"])
        self.assertUnits(
            15, ["市人才工作局"], ["市人社局", "市科技局", "市教育局", "团市委", "武汉人才集团", "各区人民政府"]
        )
        self.assertUnits(
            21,
            ["市地方金融局", "人行武汉分行营管部"],
            ["市发改委", "市科技局", "市财政局", "武汉投控集团", "各区人民政府"],
        )
        self.assertUnits(
            22,
            ["市科技局"],
            ["市委宣传部", "市经信局", "市教育局", "市人社局", "市科协", "团市委", "各区人民政府"],
        )

    def test_it_uses_the_group_for_each_district_clause(self):
        group = Unit.objects.get(code="gqrmzf")
        with_group = set(TaskAssignment.objects.filter(unit=group).values_list("task__number", flat=True))
        self.assertEqual(with_group, set(range(4, 23)))
        self.assertFalse(TaskAssignment.objects.filter(unit=group, role=TaskAssignment.Role.LEAD).exists())

    def test_it_puts_the_17_districts_and_zones_in_the_group(self):
        group = Unit.objects.get(name="各区人民政府")
        self.assertEqual(group.kind, Unit.Kind.GROUP)
        members = group.members.order_by("position")
        self.assertEqual(names(members), DISTRICTS)
        self.assertIn("洪山区人民政府", names(members))
        self.assertTrue(all(m.kind == Unit.Kind.DISTRICT for m in members))
        self.assertFalse(Unit.objects.get(code="lxzcydw").members.exists())

    def test_it_has_no_duplicate_unit_or_target_names(self):
        unit_names = list(Unit.objects.values_list("name", flat=True))
        self.assertEqual(len(unit_names), len(set(unit_names)))
        self.assertEqual(len(unit_names), 45)
        target_names = list(Target.objects.filter(plan=self.plan).values_list("name", flat=True))
        self.assertEqual(len(target_names), len(set(target_names)))
        codes = list(Target.objects.filter(plan=self.plan).order_by("position").values_list("code", flat=True))
        self.assertEqual(codes, [f"T{n:02d}" for n in range(1, len(codes) + 1)])

    def test_it_gives_every_target_a_value_unit_kind_and_reporting_unit(self):
        targets = Target.objects.filter(plan=self.plan)
        self.assertTrue(40 <= targets.count() <= 50, targets.count())
        for t in targets:
            self.assertGreater(t.value, 0, t.code)
            self.assertTrue(t.unit_of_measure, t.code)
            self.assertIn(t.kind, Target.Kind.values, t.code)
            self.assertIn(t.comparison, Target.Comparison.values, t.code)
            self.assertTrue(t.comparison_wording, t.code)
            self.assertIsNotNone(t.reporting_unit_id, t.code)
            self.assertNotEqual(t.reporting_unit.kind, Unit.Kind.GROUP, t.code)
            if t.kind == Target.Kind.RATE:
                self.assertEqual(t.unit_of_measure, "%", t.code)
            if t.goal_section_id is not None:
                self.assertEqual(t.goal_section.kind, Section.Kind.GOAL_GROUP, t.code)
            else:
                self.assertTrue(t.tasks.exists(), f"{t.code} is neither a goal nor in a task")

    def assertTarget(self, name, value, uom, comparison, kind):
        t = Target.objects.get(plan=self.plan, name=name)
        self.assertEqual((t.value, t.unit_of_measure, t.comparison, t.kind), (Decimal(value), uom, comparison, kind))
        return t

    def test_it_has_the_plans_headline_and_task_figures(self):
        t = self.assertTarget("高新技术企业数", "13000", "家", "at_least", "stock")
        self.assertEqual(t.comparison_wording, "突破")
        self.assertEqual((t.goal_section.kind, t.goal_section.number), ("goal", 3))
        self.assertEqual(list(t.tasks.values_list("number", flat=True)), [9])
        self.assertEqual(t.reporting_unit.code, "kjj")
        t = self.assertTarget("技术合同成交额", "1450", "亿元", "at_least", "cumulative")
        self.assertEqual(list(t.tasks.values_list("number", flat=True)), [11])
        self.assertTarget("高新技术产业增加值增速", "11.5", "%", "at_least", "rate")
        t = self.assertTarget("数字经济核心产业增加值占比", "11", "%", "about", "rate")
        self.assertEqual(t.comparison_wording, "左右")
        t = self.assertTarget("武汉人工智能计算中心算力", "400", "P", "reach", "stock")
        self.assertEqual(t.comparison_wording, "扩容至")
        t = self.assertTarget("武创科技成果转化基金规模", "30", "亿元", "at_least", "stock")
        self.assertEqual(t.comparison_wording, "不低于")
        self.assertEqual(t.reporting_unit.name, "市地方金融局")
        self.assertTarget("在孵初创科技企业数", "15000", "家", "at_least", "stock")
        self.assertTarget("培育技术经纪人", "200", "名", "reach", "cumulative")
        self.assertTarget("新增在汉就业创业大学生", "30", "万人", "reach", "cumulative")
        self.assertTarget("曙光计划专项资金", "1000", "万元", "reach", "cumulative")
        self.assertTarget("专业型众创孵化载体比例提升", "5", "%", "reach", "rate")

    def test_it_gives_the_10_family_one_kind_and_milestones_an_exact_number(self):
        family = Target.objects.filter(plan=self.plan, code__in=["T04", "T05", "T06", "T07"])
        self.assertEqual(set(family.values_list("kind", flat=True)), {"milestone"})
        milestones = Target.objects.filter(plan=self.plan, kind="milestone")
        self.assertEqual(set(milestones.values_list("comparison", flat=True)), {"reach"})
        self.assertEqual(
            sorted(milestones.values_list("code", flat=True)),
            ["T01", "T02", "T04", "T05", "T06", "T07", "T21", "T22", "T24"],
        )

    def test_it_links_each_target_to_the_tasks_that_name_it(self):
        def tasks_of(name):
            return list(Target.objects.get(plan=self.plan, name=name).tasks.values_list("number", flat=True))

        self.assertEqual(tasks_of("高价值专利培育中心"), [19])  # 布局建设高价值专利培育中心
        self.assertEqual(tasks_of("每万人口高价值发明专利拥有量"), [19])
        self.assertEqual(tasks_of("科技保险增速"), [21])  # 推进东湖科技保险创新示范区建设
        self.assertEqual(tasks_of("创业投资增速"), [21])  # 武创科技成果转化基金, 引导基金子基金
        self.assertEqual(tasks_of("科技贷款余额增幅"), [21])

    def test_it_sets_a_reporting_frequency_with_a_reason_where_not_monthly(self):
        targets = Target.objects.filter(plan=self.plan)
        for target in targets.exclude(frequency="monthly"):
            self.assertTrue(target.frequency_reason, target.code)
        self.assertEqual(targets.get(code="T08").frequency, "quarterly")  # 高新技术企业: recognised in batches
        self.assertEqual(targets.get(code="T11").frequency, "quarterly")  # 增加值: quarterly statistics
        self.assertEqual(targets.get(code="T27").frequency, "yearly")
        self.assertEqual(targets.filter(frequency="monthly").count(), 33)

    def test_it_invents_no_year_start_figure(self):
        self.assertFalse(Target.objects.filter(plan=self.plan, baseline__isnull=False).exists())

    def test_it_shows_the_plan_s_qualifiers(self):
        wordings = dict(Target.objects.filter(plan=self.plan).values_list("code", "comparison_wording"))
        self.assertEqual(Target.objects.get(plan=self.plan, code="T11").wording, "11.5%以上")
        self.assertEqual(Target.objects.get(plan=self.plan, code="T14").wording, "100名左右")
        self.assertEqual(Target.objects.get(plan=self.plan, code="T08").wording, "突破13,000家")
        self.assertEqual(wordings["T23"], "扩容至")

    def test_it_links_a_figure_in_goals_and_tasks_once(self):
        t = self.assertTarget("科技领军人才", "100", "名", "about", "cumulative")  # task 15's wording
        self.assertEqual(t.goal_section.number, 4)
        self.assertEqual(list(t.tasks.values_list("number", flat=True)), [15])
        self.assertEqual(t.reporting_unit.name, "市人才工作局")
        # 10家以上: a count that may pass 10, so not a capped project count (milestone).
        t = self.assertTarget("获批建设全国重点实验室", "10", "家", "at_least", "cumulative")
        self.assertEqual((t.goal_section.number, list(t.tasks.values_list("number", flat=True))), (1, [4]))
        t = self.assertTarget("推进建设重大科技基础设施", "4", "个", "reach", "milestone")
        self.assertEqual(t.reporting_unit.name, "市发改委")
        self.assertEqual(Target.objects.filter(plan=self.plan, value=13000).count(), 1)
        self.assertEqual(Target.objects.filter(plan=self.plan, value=1450).count(), 1)
        self.assertEqual(Target.objects.filter(plan=self.plan, value=120).count(), 1)
        self.assertEqual(Target.objects.filter(plan=self.plan, goal_section__number=2).count(), 4)
        rates = Target.objects.filter(plan=self.plan, kind="rate", goal_section__number=4)
        self.assertEqual(sorted(rates.values_list("name", flat=True)), ["创业投资增速", "科技保险增速", "科技贷款余额增幅"])

    def test_it_quotes_the_plan_text_for_every_target_and_task(self):
        plan_text = normalise(SEED.read_text(encoding="utf-8"))
        for t in Target.objects.filter(plan=self.plan):
            self.assertIn(normalise(t.source_text), plan_text, t.code)
            self.assertIn(format(t.value.normalize(), "f"), normalise(t.source_text).replace("十", "10"), t.code)
            if t.comparison_wording != "—":
                self.assertIn(t.comparison_wording, t.source_text, t.code)
        for task in Task.objects.filter(plan=self.plan):
            self.assertIn(f"{task.number}.{task.text}(牵头单位:", plan_text, task.number)
            self.assertEqual(task.text, normalise(task.text), task.number)
            self.assertTrue(task.text.startswith(task.title + "。"), task.number)
