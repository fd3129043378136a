"""A synthetic ten-year dataset for the performance benchmark, kept apart from the real plans.

For each of `--years` plan years (2013, 2014, … by default, codes `scale-2013` …) it copies the
2023 plan — its sections, its 22 tasks and its targets — into a plan coded `scale-YYYY`
and titled 【合成数据】…, and fills it with a year of approved data:

- every target of the 2023 plan, plus its breakdown to each district (the members of the group
  各区人民政府, code gqrmzf): a Target of its own in the synthetic plan, code `T01.07`, name
  "…（洪山区）", reporting unit the district, linked to the same tasks: a district share of the city
  target (`Target.breakdown_of`, targets/breakdown.py), whose figure its rule makes of the shares';
- every unit that reports for the 2023 plan is assigned to every synthetic task (the plan's own
  lead units stay lead, the others become responsible), so each unit reports progress on all
  22 tasks: 22 tasks × ~45 units × 12 months of narratives;
- one approved MonthlyReport per unit and month holding the unit's target values (a district's
  value for a breakdown; for the city-wide target the sum of the districts', or their mean for a
  rate) and its progress narratives; values, progress and reports each get a history row.

Re-running replaces the synthetic plans. Only plans coded `scale-…` are ever selected; a real plan is never
touched. The domain model carries no flag for them: they belong in the benchmark's own database
(README, Performance), never in production's, where this app is not installed.
"""

import datetime
import random
import time
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from targets.expected_path import expected_value_for
from targets.models import Target, TargetStanding, TargetValue, TaskStanding
from targets.standing_store import refresh_plan
from tasks.calendar import is_late
from tasks.models import MonthlyReport, Plan, ProgressReport, Section, Task, TaskAssignment
from tasks.reporting import reporting_unit_ids
from units.models import Unit

BATCH_SIZE = 2000
CENT = Decimal("0.01")
SYNTHETIC_TITLE = "【合成数据】武汉市{year}年科技创新工作要点（性能测试用，非真实数据）"

WORK_DONE = [
    "{unit}围绕“{task}”召开专题推进会{n}次，梳理重点项目清单，落实责任人和时间节点，{month}月完成阶段性工作{m}项。",
    "{unit}本月牵头协调“{task}”相关事项，走访企业和创新平台{n}家，组织政策宣讲{m}场，推动项目按计划实施。",
    "{month}月，{unit}对照年度目标细化“{task}”工作举措，完成资金拨付{n}笔，新增签约项目{m}个，进度总体可控。",
]
PROBLEMS = [
    "部分项目前期手续办理周期较长，要素保障仍需加强。",
    "企业申报积极性有待提高，政策知晓度不够。",
    "跨部门协同机制仍需完善，数据共享不够及时。",
    "",
]
NEXT_STEPS = [
    "下月将加快项目调度，逐项对账销号，确保按期完成。",
    "继续加强政策宣传和服务对接，推动更多项目落地。",
    "会同相关部门研究解决存在问题，按月报送进展情况。",
]


SCALE_CODE_PREFIX = "scale-"


def scale_plans():
    """The synthetic plans this command made (and only those)."""
    return Plan.objects.filter(code__startswith=SCALE_CODE_PREFIX)


def quantize(value):
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


def delete_synthetic_plans(plan_ids=None):
    """Delete synthetic plans (all, or the given ids) and everything in them, with plain SQL.

    Plain DELETE statements rather than QuerySet.delete(): the ORM would load every row and
    write a "-" history row for each of several hundred thousand objects. History rows of the
    synthetic objects go too. Only plans coded scale-… are ever selected.
    """
    synthetic = scale_plans()
    if plan_ids is not None:
        synthetic = synthetic.filter(pk__in=plan_ids)
    ids = list(synthetic.values_list("pk", flat=True))
    if not ids:
        return 0
    table = lambda model: connection.ops.quote_name(model._meta.db_table)  # noqa: E731
    reports = f"SELECT id FROM {table(MonthlyReport)} WHERE plan_id = ANY(%s)"
    targets = f"SELECT id FROM {table(Target)} WHERE plan_id = ANY(%s)"
    tasks = f"SELECT id FROM {table(Task)} WHERE plan_id = ANY(%s)"
    target_tasks = Target.tasks.through
    statements = [
        f"DELETE FROM {table(TargetValue.history.model)} WHERE report_id IN ({reports})",
        f"DELETE FROM {table(ProgressReport.history.model)} WHERE report_id IN ({reports})",
        f"DELETE FROM {table(TargetValue)} WHERE report_id IN ({reports})",
        f"DELETE FROM {table(ProgressReport.evidence.rel.related_model)} WHERE progress_id IN "
        f"(SELECT id FROM {table(ProgressReport)} WHERE report_id IN ({reports}))",
        f"DELETE FROM {table(ProgressReport)} WHERE report_id IN ({reports})",
        f"DELETE FROM {table(MonthlyReport.history.model)} WHERE plan_id = ANY(%s)",
        f"DELETE FROM {table(MonthlyReport)} WHERE plan_id = ANY(%s)",
        f"DELETE FROM {table(TargetStanding)} WHERE plan_id = ANY(%s)",
        f"DELETE FROM {table(TaskStanding)} WHERE plan_id = ANY(%s)",
        f"DELETE FROM {table(Target.history.model)} WHERE plan_id = ANY(%s)",
        f"DELETE FROM {table(target_tasks)} WHERE target_id IN ({targets})",
        f"DELETE FROM {table(Target)} WHERE plan_id = ANY(%s)",
        f"DELETE FROM {table(TaskAssignment)} WHERE task_id IN ({tasks})",
        f"DELETE FROM {table(Task)} WHERE plan_id = ANY(%s)",
        f"DELETE FROM {table(Plan.closed_months.rel.related_model)} WHERE plan_id = ANY(%s)",
        f"DELETE FROM {table(Section)} WHERE plan_id = ANY(%s)",
        f"DELETE FROM {table(Plan)} WHERE id = ANY(%s) AND code LIKE '{SCALE_CODE_PREFIX}%%'",
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            if connection.vendor == "postgresql":
                cursor.execute(statement, [ids] * statement.count("%s"))
            else:  # SQLite has no arrays: spell the id list out.
                placeholders = ", ".join(["%s"] * len(ids))
                sql = statement.replace("= ANY(%s)", f"IN ({placeholders})")
                cursor.execute(sql, ids * statement.count("%s"))
    return len(ids)


class Command(BaseCommand):
    help = "Replaces the synthetic plans (scale-YYYY) with a ten-year performance dataset built from the 2023 plan."

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, default=10, help="plan years to generate (default 10)")
        parser.add_argument("--districts", type=int, default=17, help="districts each target is broken down to")
        parser.add_argument("--first-year", type=int, default=2013, help="year of the first synthetic plan")
        parser.add_argument("--source-plan", default="2023", help="code of the real plan to copy (default 2023)")
        parser.add_argument("--seed", type=int, default=2023, help="random seed, for reproducible data")

    def handle(self, *args, **options):
        if options["years"] < 1 or options["districts"] < 0:
            raise CommandError("--years must be at least 1 and --districts at least 0")
        try:
            source = Plan.objects.exclude(code__startswith=SCALE_CODE_PREFIX).get(code=options["source_plan"])
        except Plan.DoesNotExist:
            raise CommandError(
                f"the real plan {options['source_plan']!r} is not in the database: run `python manage.py load_plan` first"
            ) from None
        group = Unit.objects.filter(code="gqrmzf").first()
        districts = list(group.members.order_by("position", "code")[: options["districts"]]) if group else []
        if options["districts"] and len(districts) < options["districts"]:
            self.stderr.write(f"only {len(districts)} district units (members of gqrmzf) found; using those")
        self.rng = random.Random(options["seed"])
        self.totals = dict.fromkeys(
            ["plans", "tasks", "assignments", "targets", "reports", "values", "progress", "history"], 0
        )
        started = time.monotonic()
        with transaction.atomic():
            removed = delete_synthetic_plans()
            if removed:
                self.stdout.write(f"Removed {removed} synthetic plans ({time.monotonic() - started:.1f} s).")
            for offset in range(options["years"]):
                year = options["first_year"] + offset
                year_started = time.monotonic()
                plan = self.generate_year(source, year, districts)
                refresh_plan(plan)  # bulk-created reports bypass the write path
                self.stdout.write(f"  scale-{year}: {time.monotonic() - year_started:.1f} s")
        if connection.vendor == "postgresql":
            # Fresh planner statistics: after a bulk load of this size, stale ones make PostgreSQL
            # plan nested loops over tables it believes are empty (autovacuum catches up later).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.monotonic() - started
        self.stdout.write(
            "Generated {plans} synthetic plans: {tasks} tasks, {assignments} assignments, {targets} targets, "
            "{reports} monthly reports, {values} approved target values, {progress} progress narratives, "
            "{history} history rows".format(**self.totals)
            + f" in {elapsed:.1f} s."
        )

    # --- one year -------------------------------------------------------------------------

    def generate_year(self, source, year, districts):
        rng = self.rng
        plan = Plan.objects.create(
            code=f"{SCALE_CODE_PREFIX}{year}",
            year=year,
            title=SYNTHETIC_TITLE.format(year=year),
            document_number=f"合成数据-{year}",
            issuer="性能测试",
            issued_on=datetime.date(year, 2, 1),
        )
        self.totals["plans"] += 1

        section_map = {}
        for section in source.sections.all():
            old_pk = section.pk
            section.pk = None
            section.plan = plan
            section.save()
            section_map[old_pk] = section

        source_tasks = list(source.tasks.prefetch_related("assignments__unit"))
        task_map = {}
        new_tasks = []
        for task in source_tasks:
            new_tasks.append(
                Task(plan=plan, section=section_map[task.section_id], number=task.number, title=task.title, text=task.text)
            )
        Task.objects.bulk_create(new_tasks, batch_size=BATCH_SIZE)
        for old, new in zip(source_tasks, new_tasks):
            task_map[old.pk] = new
        self.totals["tasks"] += len(new_tasks)

        # Every reporting unit of the real plan is named for every synthetic task.
        unit_ids = sorted(reporting_unit_ids(source))
        units = Unit.objects.in_bulk(unit_ids)
        assignments = []
        for task in source_tasks:
            named = set()
            position = 0
            for assignment in task.assignments.all():
                position += 1
                named.add(assignment.unit_id)
                assignments.append(
                    TaskAssignment(task=task_map[task.pk], unit_id=assignment.unit_id, role=assignment.role, position=position)
                )
            for unit_id in unit_ids:
                if unit_id not in named:
                    position += 1
                    assignments.append(
                        TaskAssignment(
                            task=task_map[task.pk], unit_id=unit_id, role=TaskAssignment.Role.RESPONSIBLE, position=position
                        )
                    )
        TaskAssignment.objects.bulk_create(assignments, batch_size=BATCH_SIZE)
        self.totals["assignments"] += len(assignments)

        # Targets: the city-wide target and one breakdown per district.
        source_targets = list(source.targets.prefetch_related("tasks").order_by("position", "code"))
        new_targets = []  # (target, parent_or_None, task ids)
        position = 0
        for target in source_targets:
            position += 1
            task_ids = [task_map[t.pk].pk for t in target.tasks.all()]
            city = self.copy_target(
                target, plan, position, target.code, target.name, target.reporting_unit_id, 1, section_map
            )
            if districts and target.kind == Target.Kind.RATE:
                city.share_rule = Target.ShareRule.MEAN  # a rate is the districts' mean, not their sum
            new_targets.append((city, None, task_ids))
            for index, district in enumerate(districts, start=1):
                position += 1
                name = f"{target.name}（{district.name}）"[:120]
                breakdown = self.copy_target(
                    target, plan, position, f"{target.code}.{index:02d}", name, district.pk, len(districts), section_map
                )
                new_targets.append((breakdown, city, task_ids))
        # The city targets first: each district share points at its city target (Target.breakdown_of).
        Target.objects.bulk_create([t for t, parent, _ in new_targets if parent is None], batch_size=BATCH_SIZE)
        for share, city, _ in new_targets:
            if city is not None:
                share.breakdown_of = city
        Target.objects.bulk_create([t for t, parent, _ in new_targets if parent is not None], batch_size=BATCH_SIZE)
        links = [
            Target.tasks.through(target_id=t.pk, task_id=task_id) for t, _, task_ids in new_targets for task_id in task_ids
        ]
        Target.tasks.through.objects.bulk_create(links, batch_size=BATCH_SIZE)
        self.totals["targets"] += len(new_targets)

        # One approved report per unit and month.
        report_units = set(unit_ids) | {t.reporting_unit_id for t, _, _ in new_targets}
        reports = {}
        for unit_id in sorted(report_units):
            for month in range(1, 13):
                submitted = self.submitted_at(year, month)
                reviewed = submitted + datetime.timedelta(days=rng.randint(0, 3), hours=rng.randint(1, 6))
                reports[unit_id, month] = MonthlyReport(
                    plan=plan,
                    unit_id=unit_id,
                    month=month,
                    status=MonthlyReport.Status.APPROVED,
                    submitted_at=submitted,
                    is_late=is_late(plan, month, submitted),
                    reviewed_at=reviewed,
                    version=1,
                )
        report_list = list(reports.values())
        self.create_with_history(MonthlyReport, report_list, lambda r: r.reviewed_at)
        self.totals["reports"] += len(report_list)

        # Values: each district's figure for its breakdown; the city figure sums (or averages) them.
        values = []
        district_values = {}
        for target, parent, _ in new_targets:
            if parent is None:
                continue
            series = self.monthly_series(target)
            district_values.setdefault(parent.pk, []).append(series)
            values.extend(self.value_rows(target, series, reports))
        for target, parent, _ in new_targets:
            if parent is not None:
                continue
            parts = district_values.get(target.pk)
            if parts:
                if target.kind == Target.Kind.RATE:
                    series = [quantize(sum(p[m] for p in parts) / len(parts)) for m in range(12)]
                else:
                    series = [quantize(sum(p[m] for p in parts)) for m in range(12)]
            else:
                series = self.monthly_series(target)
            values.extend(self.value_rows(target, series, reports))
        self.create_with_history(TargetValue, values, lambda v: v.report.reviewed_at)
        self.totals["values"] += len(values)

        # Progress narratives: every unit, every task, every month.
        progress = []
        for unit_id in unit_ids:
            unit_name = units[unit_id].name
            for month in range(1, 13):
                report = reports[unit_id, month]
                for task in new_tasks:
                    progress.append(self.progress_row(report, task, unit_name, month, year))
        self.create_with_history(ProgressReport, progress, lambda p: p.report.reviewed_at)
        self.totals["progress"] += len(progress)
        return plan

    # --- rows -----------------------------------------------------------------------------

    def copy_target(self, target, plan, position, code, name, reporting_unit_id, share_count, section_map):
        def share(number):
            # A district's share of a count or an amount; a rate stays the rate.
            if number is None or target.kind == Target.Kind.RATE:
                return number
            if target.kind == Target.Kind.MILESTONE:
                return max(Decimal(1), (number / share_count).to_integral_value(ROUND_CEILING))
            part = quantize(number / share_count)
            return part if part > 0 else CENT

        goal_section = section_map[target.goal_section_id] if target.goal_section_id else None
        return Target(
            plan=plan,
            code=code,
            name=name,
            value=share(target.value),
            unit_of_measure=target.unit_of_measure,
            comparison=target.comparison,
            comparison_wording=target.comparison_wording,
            kind=target.kind,
            goal_section=goal_section,
            reporting_unit_id=reporting_unit_id,
            source_text=target.source_text,
            position=position,
            baseline=share(target.baseline),
            monthly_profile=target.monthly_profile,
        )

    def monthly_series(self, target):
        """Twelve month-end figures along the target's expected path, some ahead and some behind."""
        rng = self.rng
        pace = Decimal(str(rng.uniform(0.7, 1.2)))
        series = []
        previous = None
        for month in range(1, 13):
            expected = expected_value_for(target, month)
            noise = Decimal(str(rng.uniform(0.97, 1.03)))
            if target.kind == Target.Kind.RATE:
                value = target.value * pace * noise
            else:
                value = expected * pace * noise
                if previous is not None and value < previous:
                    value = previous  # stocks and running totals do not fall
            if target.kind == Target.Kind.MILESTONE:
                value = value.to_integral_value(ROUND_HALF_UP)
            value = quantize(value)
            series.append(value)
            previous = value
        return series

    def value_rows(self, target, series, reports):
        return [
            TargetValue(
                target=target,
                unit_id=target.reporting_unit_id,
                report=reports[target.reporting_unit_id, month],
                month=month,
                value=series[month - 1],
                source="合成数据",
            )
            for month in range(1, 13)
        ]

    def progress_row(self, report, task, unit_name, month, year):
        rng = self.rng
        words = {"unit": unit_name, "task": task.title, "month": month, "n": rng.randint(1, 9), "m": rng.randint(1, 20)}
        needs_coordination = rng.random() < 0.05
        return ProgressReport(
            report=report,
            task=task,
            work_done=rng.choice(WORK_DONE).format(**words),
            problems=rng.choice(PROBLEMS),
            next_steps=rng.choice(NEXT_STEPS),
            self_status=rng.choice(
                [ProgressReport.SelfStatus.ON_TRACK] * 6 + [ProgressReport.SelfStatus.BEHIND, ProgressReport.SelfStatus.DONE]
            ),
            needs_coordination=needs_coordination,
            coordination_matter=f"{year}年{month}月：请市级层面协调解决“{task.title}”推进中的要素保障问题。"
            if needs_coordination
            else "",
            coordination_closed=needs_coordination and rng.random() < 0.8,
        )

    def submitted_at(self, year, month):
        next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
        day = self.rng.choice([1, 2, 3, 3, 4, 4, 5, 5, 6, 8])  # mostly on time (due day 5 by default)
        return timezone.make_aware(datetime.datetime(next_year, next_month, day, self.rng.randint(8, 18), 0))

    def create_with_history(self, model, objects, history_date):
        model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        for obj in objects:
            obj._history_date = history_date(obj)
        model.history.bulk_history_create(objects, batch_size=BATCH_SIZE)
        self.totals["history"] += len(objects)
