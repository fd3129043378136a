"""Demo accounts, and with --progress plausible approved demo reports, for trying the system out.

Idempotent: accounts are created once (their password is reset to the one printed), and a
unit's month that already has a report — demo or real — is left alone, so re-running adds
only what is missing and never touches real data.
"""

import datetime
import os
import random
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from targets.expected_path import expected_value_for
from targets.models import Target, TargetValue
from tasks.calendar import due_date, is_late
from tasks.models import MonthlyReport, Plan, ProgressReport, TaskAssignment
from tasks.reporting import reporting_units
from tasks.signals import plan_data_changed
from units.accounts import create_account, grant_role_access
from units.audit import record
from units.models import AuditEvent, Membership, Unit

DEFAULT_PASSWORD = "Wuhan-Demo-2023"
EMAIL_DOMAIN = "example.gov.cn"
ADMIN_USERNAME = "admin"  # a superuser (with a staff role): the Django admin and every account
STAFF_USERNAME = "kjj_staff"
LEADER_USERNAME = "leader"
EXAMPLE_LIAISONS = ("jxj", "hongshan")  # shown in the table: 9 and 20 tasks to report
COUNT_UNITS = {"家", "个", "名", "人", "项", "场", "件", "万人"}

# Demo year-start figures (年初基数) of the 2023 plan's stocks: plausible end-2022 levels, marked as
# demo on the target's page. The plan itself gives none, so the fixture has none.
DEMO_YEAR_START = {
    "高新技术企业数": ("11500", "演示数据：假定2022年末数"),
    "每万人口高价值发明专利拥有量": ("24.5", "演示数据：假定2022年末数"),
    "武汉人工智能计算中心算力": ("200", "演示数据：假定扩容前算力"),
    "在孵初创科技企业数": ("12800", "演示数据：假定2022年末数"),
    "武创科技成果转化基金规模": ("0", "演示数据：基金于当年设立"),
}
# Other plans' stocks (synthetic ones): this share of the target.
DEMO_YEAR_START_SHARE = Decimal("0.85")

# How a target's year goes in the demo: (name, share of targets, pace against the expected path).
PACES = [("done", 0.15, Decimal("1.45")), ("ahead", 0.35, Decimal("1.06")), ("on_track", 0.25, Decimal("1.0")),
         ("behind", 0.15, Decimal("0.88")), ("serious", 0.10, Decimal("0.45"))]

WORK_DONE = [
    "围绕“{task}”，本月召开专题推进会{n}次，梳理重点事项清单，逐项明确责任人和时间节点。",
    "本月推进“{task}”相关工作：走访企业和高校院所{n}家，收集需求{m}条，已协调解决{k}条。",
    "按照年度工作安排，“{task}”各项工作有序推进，本月完成阶段性任务{n}项，相关政策文件已进入征求意见阶段。",
    "本月聚焦“{task}”，组织项目申报和评审工作，新入库项目{m}个，开展现场调研{n}次。",
]
PROBLEMS = [
    "部分项目前期手续办理进度偏慢，资金到位不及预期。",
    "企业申报积极性有待提高，部分指标统计口径需进一步与市统计局核对。",
    "用地、用能等要素保障存在缺口，项目建设进度受到影响。",
]
NEXT_STEPS = [
    "下月将加强调度，督促各责任单位按时间节点推进，确保完成季度目标。",
    "下步将继续开展政策宣讲和上门服务，加快项目落地。",
    "下月组织专题协调会，推动重点难点问题解决。",
]
MATTERS = [
    "请市级层面协调解决项目建设用地指标问题。",
    "请市财政局协调落实年度专项资金拨付。",
    "请市发改委协调将相关项目纳入市级重大项目库。",
]


class Command(BaseCommand):
    help = "创建演示账户（科技局工作人员、领导、每个报送单位一名联络员）；--progress 填充已审核的演示报送数据。"

    def add_arguments(self, parser):
        parser.add_argument("--progress", action="store_true", help="同时填充演示报送数据（已审核）")
        parser.add_argument("--until", metavar="YYYY-MM", help="填充到哪个月（默认为工作要点年度的 12 月）")

    def handle(self, *args, **options):
        plan = Plan.current()
        if plan is None:
            raise CommandError("没有工作要点，请先运行 python manage.py load_plan")
        until = self._parse_until(options.get("until"), plan)
        password, from_env = self._password()
        with transaction.atomic():
            accounts = self._accounts(plan, make_password(password))
        self._print_accounts(accounts, "取自环境变量 DEMO_PASSWORD" if from_env else password)
        if options["progress"]:
            with transaction.atomic():
                created = self._progress(plan, until)
            self.stdout.write(f"演示报送：新建 {created} 份（1—{until} 月，已审核，标记为演示数据）")

    # Arguments

    def _parse_until(self, raw, plan):
        if not raw:
            return 12
        try:
            year, month = (int(part) for part in raw.split("-"))
        except ValueError:
            raise CommandError("--until 须为 YYYY-MM，例如 2023-06") from None
        if year != plan.year or not 1 <= month <= 12:
            raise CommandError(f"--until 须在 {plan.year} 年内，例如 {plan.year}-06")
        return month

    def _password(self):
        password = os.environ.get("DEMO_PASSWORD")
        from_env = bool(password)
        password = password or DEFAULT_PASSWORD
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError("DEMO_PASSWORD 不符合密码规则：" + "；".join(error.messages)) from None
        return password, from_env

    # Accounts

    def _print_accounts(self, accounts, password):
        """A short table: the administrator, staff, the leader, two liaisons and the rule for the rest."""
        role_labels = {**dict(Membership.Role.choices), "admin": "系统管理员"}
        liaisons = [row for row in accounts if row[1] == Membership.Role.LIAISON]
        examples = [row for row in liaisons if row[0].removesuffix("_liaison") in EXAMPLE_LIAISONS] or liaisons[:2]
        shown = [row for row in accounts if row[1] != Membership.Role.LIAISON] + examples
        self.stdout.write(f"演示账户（密码：{password}）")
        for username, role, unit in shown:
            where = (unit.name if unit else "—") + ("，可进入 /admin/" if role == "admin" else "")
            label = str(role_labels[role]).ljust(8, "\u3000")  # full-width spaces keep Chinese labels aligned
            self.stdout.write(f"  {label}{username:<18}{where}")
        rest = len(liaisons) - len(examples)
        if rest > 0:
            self.stdout.write(f"  其余 {rest} 个报送单位的联络员：单位代码_liaison（如 kjj_liaison），见“账户管理”")

    def _accounts(self, plan, password_hash):
        kjj = Unit.objects.filter(code="kjj").first()
        wanted = [(ADMIN_USERNAME, Membership.Role.STAFF, kjj), (STAFF_USERNAME, Membership.Role.STAFF, kjj),
                  (LEADER_USERNAME, Membership.Role.LEADER, None)]
        units = reporting_units(plan).order_by("position", "code")
        wanted += [(f"{unit.code}_liaison", Membership.Role.LIAISON, unit) for unit in units]
        User = get_user_model()
        existing = {u.username: u for u in User.objects.filter(username__in=[w[0] for w in wanted]).select_related("membership")}
        rows = []
        for username, role, unit in wanted:
            user = existing.get(username)
            email = f"{username}@{EMAIL_DOMAIN}"
            if user is None:
                user = create_account(username, role, unit, email=email)
                record(AuditEvent.Action.ACCOUNT, obj=user, username="seed_demo",
                       changes={"created": [None, username], "role": [None, role]})
            else:
                membership = getattr(user, "membership", None)
                if membership is None:
                    Membership.objects.create(user=user, role=role, unit=unit)
                elif membership.role != role or membership.unit_id != (unit.pk if unit else None):
                    membership.role, membership.unit = role, unit
                    membership.save(update_fields=["role", "unit"])
            grant_role_access(user, role)
            user.password = password_hash
            user.email = user.email or email
            user.is_active = True
            if username == ADMIN_USERNAME:  # the one account that opens the Django admin in full
                user.is_superuser = user.is_staff = True
            user.save(update_fields=["password", "email", "is_active", "is_superuser", "is_staff"])
            rows.append((username, "admin" if username == ADMIN_USERNAME else str(role.value), unit))
        return rows

    # Demo reports

    def _progress(self, plan, until):
        User = get_user_model()
        staff = User.objects.get(username=STAFF_USERNAME)
        liaisons = {
            m.unit_id: m.user
            for m in Membership.objects.filter(role=Membership.Role.LIAISON, user__username__endswith="_liaison")
            .select_related("user")
        }
        units = list(reporting_units(plan).order_by("position", "code"))
        existing = set(MonthlyReport.objects.filter(plan=plan).values_list("unit_id", "month"))
        self._demo_year_starts(plan)  # before the paths: a stock's path starts at its year-start figure
        targets_by_unit = {}
        for target in plan.targets.order_by("position", "code"):
            targets_by_unit.setdefault(target.reporting_unit_id, []).append(target)
        tasks_by_unit = self._tasks_by_unit(plan, units)
        target_tasks = {}
        for target_id, task_id in Target.tasks.through.objects.filter(target__plan=plan).values_list(
            "target_id", "task_id"
        ):
            target_tasks.setdefault(task_id, set()).add(target_id)
        self._paces = {}
        paths = {t.pk: self._path(t) for ts in targets_by_unit.values() for t in ts}

        rng = random.Random(f"seed-demo-{plan.code}")
        reports = []
        plans_for = []  # (report, unit, month)
        for unit in units:
            for month in range(1, until + 1):
                if (unit.pk, month) in existing:
                    continue
                liaison = liaisons.get(unit.pk)
                late = rng.random() < 0.12
                deadline = due_date(plan, month)
                day = deadline + datetime.timedelta(days=rng.randint(2, 6)) if late else deadline - datetime.timedelta(
                    days=rng.randint(0, 3)
                )
                submitted = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, rng.randint(0, 59))))
                reviewed = submitted + datetime.timedelta(days=1, hours=rng.randint(0, 5))
                report = MonthlyReport(
                    plan=plan, unit=unit, month=month, status=MonthlyReport.Status.APPROVED,
                    submitted_at=submitted, submitted_by=liaison, is_late=is_late(plan, month, submitted),
                    reviewed_at=reviewed, reviewed_by=staff, is_demo=True, version=3,
                )
                report._history_user = staff
                report._history_date = reviewed
                reports.append(report)
                plans_for.append((report, unit, month))
        if not reports:
            plan_data_changed.send(sender=None, plan=plan)  # demo year-start figures may have been set
            return 0
        bulk_create_with_history(reports, MonthlyReport, batch_size=500, default_change_reason="演示数据")
        saved = {
            (r.unit_id, r.month): r
            for r in MonthlyReport.objects.filter(plan=plan, is_demo=True).select_related("unit")
        }

        values, progress = [], []
        for report, unit, month in plans_for:
            report = saved[(unit.pk, month)]
            liaison = liaisons.get(unit.pk) or staff
            when = report.submitted_at - datetime.timedelta(hours=2)
            unit_values = {}
            for target in targets_by_unit.get(unit.pk, []):
                if not target.is_due_in(month):  # a quarterly figure is reported in March, June…
                    continue
                number = paths[target.pk][month - 1]
                unit_values[target.pk] = (target, number)
                value = TargetValue(
                    target=target, unit=unit, report=report, month=month, value=number,
                    source="演示数据（自动生成）", updated_by=liaison,
                )
                value._history_user = liaison
                value._history_date = when
                values.append(value)
            for task in tasks_by_unit.get(unit.pk, []):
                behind = any(
                    self._paces.get(tid) in ("behind", "serious")
                    for tid in target_tasks.get(task.pk, ()) if tid in unit_values
                )
                progress.append(self._progress_row(rng, report, task, month, behind, liaison, when))
        bulk_create_with_history(values, TargetValue, batch_size=500, default_change_reason="演示数据")
        bulk_create_with_history(progress, ProgressReport, batch_size=500, default_change_reason="演示数据")
        self._returned_then_approved(plan, staff, liaisons, [saved[(u.pk, m)] for _r, u, m in plans_for])
        plan_data_changed.send(sender=None, plan=plan)  # bulk-created reports bypass the write path
        return len(reports)

    def _tasks_by_unit(self, plan, units):
        """{unit_id: [tasks]} as tasks_for_unit gives them, in two queries for all units."""
        groups = {}
        for unit_id, group_id in Unit.members.through.objects.values_list("to_unit_id", "from_unit_id"):
            groups.setdefault(unit_id, set()).add(group_id)
        by_assigned = {}
        for assignment in TaskAssignment.objects.filter(task__plan=plan).select_related("task").order_by("task__number"):
            by_assigned.setdefault(assignment.unit_id, []).append(assignment.task)
        result = {}
        for unit in units:
            tasks = {}
            for unit_id in {unit.pk, *groups.get(unit.pk, ())}:
                for task in by_assigned.get(unit_id, []):
                    tasks[task.pk] = task
            result[unit.pk] = sorted(tasks.values(), key=lambda t: t.number)
        return result

    def _demo_year_starts(self, plan):
        """Give each stock without a year-start figure a demo one (marked as demo), in place."""
        for target in plan.targets.filter(kind=Target.Kind.STOCK, baseline__isnull=True):
            figure, reason = DEMO_YEAR_START.get(target.name, (None, "演示数据：按目标值的85%假定"))
            target.baseline = Decimal(figure) if figure is not None else (target.value * DEMO_YEAR_START_SHARE).quantize(
                Decimal(1)
            )
            target.baseline_reason, target.baseline_is_demo = reason, True
            target._change_reason = reason
            target.save(update_fields=["baseline", "baseline_reason", "baseline_is_demo"])

    def _path(self, target):
        """Twelve monthly values of a target along its expected path, at the pace drawn for it."""
        rng = random.Random(f"path-{target.plan_id}-{target.code}")
        draw, acc = rng.random(), 0.0
        for name, share, pace in PACES:
            acc += share
            if draw <= acc:
                break
        self._paces[target.pk] = name
        whole = target.unit_of_measure in COUNT_UNITS and target.kind != Target.Kind.RATE
        places = Decimal(1) if whole else Decimal("0.01")
        path, previous = [], Decimal(0)
        for month in range(1, 13):
            if target.kind == Target.Kind.RATE:
                # A rate near its target: on or a little above it unless the target was drawn as lagging.
                wobble = Decimal(str(rng.uniform(0, 0.08) if pace >= 1 else rng.uniform(-0.03, 0.03)))
                number = target.value * min(pace, Decimal("1.05")) * (1 + wobble)
                if name == "done" and month == 12:
                    number = max(number, target.value)
            else:
                start = target.baseline if target.kind == Target.Kind.STOCK and target.baseline is not None else Decimal(0)
                expected = expected_value_for(target, month)
                wobble = Decimal(str(rng.uniform(0, 0.05) if pace >= 1 else rng.uniform(-0.03, 0.03)))
                number = start + (expected - start) * pace * (1 + wobble)
                if name == "done":
                    number = min(number, target.value * Decimal("1.08"))
                if target.kind == Target.Kind.MILESTONE:
                    number = min(number, target.value)  # the plan's number of projects is the most there can be
                number = max(number, previous, start)  # stocks and running totals do not fall
            number = number.quantize(places, ROUND_CEILING if pace >= 1 else ROUND_HALF_UP)
            path.append(number)
            previous = number
        return path

    def _progress_row(self, rng, report, task, month, behind, user, when):
        numbers = {"task": task.title, "n": rng.randint(1, 5), "m": rng.randint(3, 30), "k": rng.randint(1, 3)}
        if behind or rng.random() < 0.06:
            status = ProgressReport.SelfStatus.BEHIND
        elif month == 12 and rng.random() < 0.6:
            status = ProgressReport.SelfStatus.DONE
        else:
            status = ProgressReport.SelfStatus.ON_TRACK
        needs = rng.random() < 0.02
        row = ProgressReport(
            report=report, task=task,
            work_done=rng.choice(WORK_DONE).format(**numbers),
            problems=rng.choice(PROBLEMS) if status == ProgressReport.SelfStatus.BEHIND or needs else "",
            next_steps=rng.choice(NEXT_STEPS),
            self_status=status,
            needs_coordination=needs,
            coordination_matter=rng.choice(MATTERS) if needs else "",
            updated_by=user,
        )
        row._history_user = user
        row._history_date = when
        return row

    def _returned_then_approved(self, plan, staff, liaisons, reports):
        """Give two of the new reports a history of being returned once before approval."""
        chosen = [r for r in reports if r.month in (2, 3) and r.unit.code in ("jxj", "hongshan", "kjj", "fgw")][:2]
        for report in chosen:
            liaison = liaisons.get(report.unit_id) or staff
            first = report.submitted_at - datetime.timedelta(days=2)
            steps = [
                (MonthlyReport.Status.SUBMITTED, liaison, first, "报送", ""),
                (MonthlyReport.Status.RETURNED, staff, first + datetime.timedelta(hours=20), "退回",
                 "部分指标数据来源未填写，请补充后重新报送。"),
                (MonthlyReport.Status.SUBMITTED, liaison, report.submitted_at, "报送", ""),
                (MonthlyReport.Status.APPROVED, staff, report.reviewed_at, "审核通过", ""),
            ]
            for version, (status, user, when, reason, return_reason) in enumerate(steps, start=4):
                report.status = status
                report.return_reason = return_reason
                report.version = version
                report._history_user = user
                report._history_date = when
                report._change_reason = f"{reason}（演示数据）"
                report.save()
