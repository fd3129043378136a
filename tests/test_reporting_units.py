"""Who must report for a plan each month (tasks.reporting.reporting_unit_ids_sql): every unit named on
one of its tasks, each member of a group named on one (not the group), and each target's reporting
unit; no unit named only on another plan's tasks."""

from tasks.models import Task, TaskAssignment
from tasks.reporting import reporting_unit_ids, reporting_units
from tests.personas import PersonasTestCase
from units.models import Unit


class ReportingUnitsTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        task = cls.plan.tasks.get(number=7)
        cls.group = Unit.objects.create(code="test-group", name="测试单位组", kind=Unit.Kind.GROUP)
        cls.member = Unit.objects.create(code="test-member", name="测试成员区", kind=Unit.Kind.DISTRICT)
        cls.group.members.add(cls.member)
        TaskAssignment.objects.create(task=task, unit=cls.group, role=TaskAssignment.Role.RESPONSIBLE, position=90)
        cls.target_only = Unit.objects.create(code="test-target-only", name="只报指标的单位", kind=Unit.Kind.CITY_DEPARTMENT)
        cls.plan.targets.filter(code="T43").update(reporting_unit=cls.target_only)
        cls.other_plan_only = Unit.objects.create(code="test-elsewhere", name="只在别的年度的单位", kind=Unit.Kind.CITY_DEPARTMENT)
        other = type(cls.plan).objects.create(code="2022-test", year=2022, title="2022年工作要点")
        other_task = Task.objects.create(plan=other, section=task.section, number=1, title="别的年度的任务", text="…")
        TaskAssignment.objects.create(task=other_task, unit=cls.other_plan_only, role=TaskAssignment.Role.LEAD, position=1)

    def test_it_counts_a_groups_members_and_the_targets_units_not_the_group_nor_another_plans(self):
        ids = reporting_unit_ids(self.plan)
        self.assertIn(self.member.pk, ids)
        self.assertIn(self.target_only.pk, ids)
        self.assertIn(self.jxj.pk, ids)  # named on tasks of the plan
        self.assertNotIn(self.group.pk, ids)
        self.assertNotIn(self.other_plan_only.pk, ids)
        self.assertEqual(set(reporting_units(self.plan).values_list("pk", flat=True)), ids)
