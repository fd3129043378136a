"""Approved figures for the dashboard tests, created directly with the ORM (no reporting services).

Like any bulk load, each helper ends by rebuilding the plan's stored standings (refresh_plan),
which the write path would otherwise have kept.
"""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from targets.models import Target, TargetValue
from targets.standing_store import refresh_plan
from tasks.calendar import due_date
from tasks.models import MonthlyReport, ProgressReport, Task
from units.models import Unit

# 高新技术企业数 (T08, stock, 13000 家, reported by 市科技局): a month-by-month path.
T08_VALUES = {1: Decimal("9800"), 2: Decimal("10100"), 3: Decimal("10400"), 4: Decimal("10700"),
              5: Decimal("11000"), 6: Decimal("11300")}


def submitted_at(plan, month, late=False):
    day = due_date(plan, month) + datetime.timedelta(days=3 if late else -2)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def report(plan, unit, month, status=MonthlyReport.Status.APPROVED, late=False, submitted_by=None, reviewed_by=None):
    when = submitted_at(plan, month, late)
    return MonthlyReport.objects.create(
        plan=plan, unit=unit, month=month, status=status, is_late=late,
        submitted_at=when if status != MonthlyReport.Status.DRAFT else None,
        submitted_by=submitted_by,
        reviewed_at=when + datetime.timedelta(days=1) if status == MonthlyReport.Status.APPROVED else None,
        reviewed_by=reviewed_by if status == MonthlyReport.Status.APPROVED else None,
    )


def value(monthly_report, target, number, user=None):
    return TargetValue.objects.create(
        target=target, unit=monthly_report.unit, report=monthly_report, month=monthly_report.month,
        value=Decimal(str(number)), source="统计月报", updated_by=user,
    )


def progress(monthly_report, task, self_status="on_track", work_done="按计划推进", coordination=""):
    return ProgressReport.objects.create(
        report=monthly_report, task=task, self_status=self_status, work_done=work_done,
        problems="资金到位偏慢" if coordination else "", next_steps="继续推进",
        needs_coordination=bool(coordination), coordination_matter=coordination,
    )


def seed_months(plan, months, staff=None, extra_units=0):
    """Approved reports of 市科技局 and 市经信局 for `months`, values for every target 市科技局
    reports (T08 on its path, the others at time progress), progress on tasks 9 and 7, and
    `extra_units` more district reports per month (for the constant-query tests)."""
    kjj = Unit.objects.get(code="kjj")
    jxj = Unit.objects.get(code="jxj")
    task9 = Task.objects.get(plan=plan, number=9)
    task7 = Task.objects.get(plan=plan, number=7)
    kjj_targets = list(Target.objects.filter(plan=plan, reporting_unit=kjj))
    districts = list(Unit.objects.get(code="gqrmzf").members.order_by("position")[:extra_units])
    for month in months:
        kjj_report = report(plan, kjj, month, submitted_by=staff, reviewed_by=staff)
        for target in kjj_targets:
            if target.code == "T08":
                number = T08_VALUES.get(month, T08_VALUES[6] + 300 * (month - 6))
            elif target.kind == Target.Kind.RATE:
                number = target.value
            else:
                number = (target.value * month / 12).quantize(Decimal("0.01"))
            value(kjj_report, target, number, user=staff)
        progress(kjj_report, task9, "on_track", f"{month}月：新认定高企培育入库。",
                 coordination="高企认定奖补资金需市财政协调" if month == months[-1] else "")
        jxj_report = report(plan, jxj, month, late=True, submitted_by=staff, reviewed_by=staff)
        progress(jxj_report, task7, "behind", f"{month}月：产业集群项目推进偏慢。")
        for district in districts:
            district_report = report(plan, district, month, submitted_by=staff, reviewed_by=staff)
            progress(district_report, task9, "on_track", f"{district.name}{month}月进展")
    refresh_plan(plan)


def add_targets(plan, count, task_number=9):
    """Extra targets (for the constant-query tests), each reported by 市科技局 with one approved value."""
    kjj = Unit.objects.get(code="kjj")
    task = Task.objects.get(plan=plan, number=task_number)
    created = []
    for i in range(count):
        extra = Target.objects.create(
            plan=plan, code=f"X{i:02d}", name=f"测试指标{i}", value=Decimal(100), unit_of_measure="个",
            comparison=Target.Comparison.AT_LEAST, comparison_wording="不低于", kind=Target.Kind.CUMULATIVE,
            reporting_unit=kjj, source_text="测试", position=900 + i,
        )
        extra.tasks.add(task)
        created.append(extra)
    for monthly_report in MonthlyReport.objects.filter(plan=plan, unit=kjj, status=MonthlyReport.Status.APPROVED):
        for extra in created:
            value(monthly_report, extra, 10 * monthly_report.month)
    refresh_plan(plan)
    return created


def grow(plan, staff=None):
    """Double the data and more: months 2–3 on top of month 1, four more districts, five more targets."""
    seed_months(plan, [2, 3], staff=staff, extra_units=4)
    add_targets(plan, 5)


def xlsx_rows(response):
    from io import BytesIO

    from openpyxl import load_workbook

    assert response["Content-Type"].startswith("application/vnd.openxmlformats"), response["Content-Type"]
    sheet = load_workbook(BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


class ReadOnlyPageTests:
    """The access rules every dashboard page shares, for a TestCase with personas.

    A subclass sets `page_url`; it also names the page's expected query count in
    `assert_queries_constant_as_data_grows`.
    """

    page_url = None

    def test_it_refuses_a_user_without_a_role(self):
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.page_url).status_code, 403)

    def test_it_redirects_anonymous_users_to_login(self):
        response = self.client.get(self.page_url)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])

    def test_it_allows_only_get(self):
        self.client.force_login(self.leader)
        self.assertEqual(self.client.post(self.page_url).status_code, 405)


def assert_queries_constant_as_data_grows(testcase, url, expected):
    """The page makes `expected` queries with one month of data, and still after `grow()`."""
    testcase.client.force_login(testcase.leader)
    seed_months(testcase.plan, [1], staff=testcase.staff, extra_units=1)
    with testcase.assertNumQueries(expected):
        testcase.client.get(url, {"month": 3})
    grow(testcase.plan, staff=testcase.staff)
    with testcase.assertNumQueries(expected):
        testcase.client.get(url, {"month": 3})
