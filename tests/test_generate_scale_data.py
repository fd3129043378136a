from io import StringIO

from django.core.management import CommandError, call_command

from targets.models import Target, TargetStanding, TargetValue
from tasks.models import MonthlyReport, Plan, ProgressReport, Task, TaskAssignment
from tasks.reporting import reporting_unit_ids, tasks_for_unit
from tests.personas import PersonasTestCase
from units.models import Unit


def generate(**options):
    out = StringIO()
    call_command("generate_scale_data", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


class GenerateScaleDataTests(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # A real approved figure that the synthetic data must never touch.
        target = cls.plan.targets.order_by("position").first()
        report = MonthlyReport.objects.create(
            plan=cls.plan, unit=target.reporting_unit, month=3, status=MonthlyReport.Status.APPROVED
        )
        cls.real_value = TargetValue.objects.create(
            target=target, unit=target.reporting_unit, report=report, month=3, value=7
        )

    def test_it_builds_a_synthetic_plan_per_year_from_the_2023_plan(self):
        output = generate(years=2, districts=2)

        plans = list(Plan.objects.filter(code__startswith="scale-").order_by("year"))
        self.assertEqual([p.code for p in plans], ["scale-2013", "scale-2014"])
        self.assertTrue(all(p.title.startswith("【合成数据】") for p in plans))
        self.assertEqual(Plan.current(), self.plan)
        self.assertIn("Generated 2 synthetic plans", output)
        self.assertIn("in ", output)

        plan = plans[0]
        real_targets = self.plan.targets.count()
        self.assertEqual(plan.tasks.count(), 22)
        self.assertEqual(plan.targets.count(), real_targets * 3)  # city-wide + 2 district breakdowns each

    def test_it_breaks_each_target_down_to_the_districts(self):
        generate(years=1, districts=2)

        plan = Plan.objects.get(code="scale-2013")
        districts = list(self.districts.members.order_by("position", "code")[:2])
        source = self.plan.targets.order_by("position", "code").first()
        breakdown = plan.targets.get(code=f"{source.code}.02")
        self.assertEqual(breakdown.reporting_unit, districts[1])
        self.assertEqual(breakdown.name, f"{source.name}（{districts[1].name}）")
        self.assertEqual(
            set(breakdown.tasks.values_list("number", flat=True)), set(source.tasks.values_list("number", flat=True))
        )
        self.assertEqual(breakdown.tasks.first().plan, plan)
        # A first-class breakdown: the share points at its city target, whose stored figure is the
        # districts' sum (their mean for a rate), as the city unit's own synthetic figure says too.
        city = plan.targets.get(code=source.code)
        self.assertEqual(breakdown.breakdown_of, city)
        self.assertEqual(city.shares.count(), 2)
        rate = plan.targets.filter(kind=Target.Kind.RATE, breakdown_of__isnull=True).first()
        self.assertEqual((city.share_rule, rate.share_rule), (Target.ShareRule.SUM, Target.ShareRule.MEAN))
        shares = {t.pk: t for t in city.shares.all()}
        december = TargetValue.objects.filter(target__in=shares, month=12).values_list("value", flat=True)
        self.assertEqual(TargetStanding.objects.get(target=city, month=12).value, sum(december))

    def test_it_fills_twelve_approved_months_with_history(self):
        generate(years=1, districts=2)

        plan = Plan.objects.get(code="scale-2013")
        values = TargetValue.objects.filter(target__plan=plan)
        self.assertEqual(values.count(), plan.targets.count() * 12)
        self.assertEqual(values.approved().count(), values.count())
        self.assertEqual(TargetValue.history.filter(report__plan=plan).count(), values.count())
        # Every target has its reporting unit's figure for each month, and they never fall for a stock.
        target = plan.targets.get(code=self.plan.targets.order_by("position", "code").first().code)
        months = list(target.values.order_by("month").values_list("month", "unit_id"))
        self.assertEqual(months, [(m, target.reporting_unit_id) for m in range(1, 13)])
        self.assertEqual(MonthlyReport.history.filter(plan=plan).count(), plan.reports.count())

    def test_it_writes_progress_of_every_unit_on_every_task_each_month(self):
        generate(years=1, districts=2)

        plan = Plan.objects.get(code="scale-2013")
        units = reporting_unit_ids(self.plan)
        progress = ProgressReport.objects.filter(report__plan=plan)
        self.assertEqual(progress.count(), len(units) * 22 * 12)
        self.assertEqual(ProgressReport.history.filter(report__plan=plan).count(), progress.count())
        self.assertTrue(progress.exclude(work_done="").exists())
        # The pages' own rule finds the progress: every unit reports on all 22 synthetic tasks.
        self.assertEqual(tasks_for_unit(plan, self.jxj).count(), 22)
        self.assertEqual(TaskAssignment.objects.filter(task__plan=plan, unit=self.jxj).count(), 22)

    def test_it_replaces_the_synthetic_plans_and_never_touches_the_real_one(self):
        real_counts = (
            self.plan.targets.count(), self.plan.tasks.count(), self.plan.reports.count(),
            TaskAssignment.objects.filter(task__plan=self.plan).count(),
        )
        generate(years=2, districts=1)
        output = generate(years=1, districts=1)

        self.assertIn("Removed 2 synthetic plans", output)
        self.assertEqual(list(Plan.objects.filter(code__startswith="scale-").values_list("code", flat=True)), ["scale-2013"])
        synthetic = Plan.objects.get(code="scale-2013")
        # Nothing of the removed year is left behind.
        self.assertEqual(Task.objects.exclude(plan__in=[self.plan, synthetic]).count(), 0)
        self.assertEqual(TargetValue.objects.count(), synthetic.targets.count() * 12 + 1)
        self.assertEqual(TargetValue.history.exclude(report__plan__in=[self.plan, synthetic]).count(), 0)
        self.assertEqual(
            real_counts,
            (
                self.plan.targets.count(), self.plan.tasks.count(), self.plan.reports.count(),
                TaskAssignment.objects.filter(task__plan=self.plan).count(),
            ),
        )
        self.real_value.refresh_from_db()
        self.assertEqual(self.real_value.value, 7)

    def test_it_refuses_without_the_real_plan(self):
        with self.assertRaisesMessage(CommandError, "load_plan"):
            generate(years=1, source_plan="1999")
        self.assertFalse(Plan.objects.filter(code__startswith="scale-").exists())
        self.assertTrue(Unit.objects.exists())
