"""python manage.py export_report --quarter 2023Q2 --output report.xlsx [--plan CODE]"""

import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.workbook.build import build_quarterly_workbook
from tasks.models import Plan
from units.audit import record
from units.models import AuditEvent

QUARTER = re.compile(r"^(\d{4})[Qq]([1-4])$")


def parse_quarter(text):
    """'2023Q2' → (2023, 2); CommandError otherwise."""
    match = QUARTER.match((text or "").strip())
    if not match:
        raise CommandError(f"季度格式应为 2023Q2（年份 + Q + 1–4），不是“{text}”。")
    return int(match.group(1)), int(match.group(2))


class Command(BaseCommand):
    help = "Writes the quarterly coordination workbook (季度调度报告) of a quarter to an xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("--quarter", required=True, help="e.g. 2023Q2")
        parser.add_argument("--output", required=True, help="the xlsx file to write")
        parser.add_argument("--plan", help="plan code (default: the current real plan)")

    def handle(self, *args, quarter, output, plan=None, **options):
        year, number = parse_quarter(quarter)
        if plan:
            plan_obj = Plan.objects.filter(code=plan).first()
            if plan_obj is None:
                raise CommandError(f"没有代码为“{plan}”的工作要点。")
        else:
            plan_obj = Plan.current()
            if plan_obj is None:
                raise CommandError("系统中还没有工作要点，请先导入（python manage.py load_plan）。")
        if plan_obj.year != year:
            raise CommandError(f"工作要点“{plan_obj}”是 {plan_obj.year} 年的，不能导出 {year} 年的季度。")
        content = build_quarterly_workbook(plan_obj, number)
        path = Path(output)
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"无法写入 {path}：{error}") from None
        record(
            AuditEvent.Action.EXPORT, obj=plan_obj, username="manage.py export_report",
            object_repr=path.name, changes={"quarter": f"{year}Q{number}"},
        )
        self.stdout.write(f"已写入 {path}（{plan_obj.title} {year}年第{number}季度，{len(content):,} 字节）")
