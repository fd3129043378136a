from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from targets.standing_store import refresh_plan, stored_differences
from tasks.models import Plan


class Command(BaseCommand):
    help = "重新计算并保存指标和任务的各月状态（规则调整或迁移之后），并列出被更正的记录。"

    def add_arguments(self, parser):
        parser.add_argument("--plan", metavar="CODE", help="只重建这个工作要点（默认全部）")
        parser.add_argument("--check", action="store_true", help="只检查，不写入；有差异时以非零状态退出")

    def handle(self, *args, plan=None, check=False, **options):
        plans = Plan.objects.filter(code=plan) if plan else Plan.objects.all()
        if plan and not plans.exists():
            raise CommandError(f"没有代码为 {plan} 的工作要点。")
        total = 0
        for each in plans.order_by("year", "code"):
            with transaction.atomic():
                differences = stored_differences(each)
                for kind, obj, month, field, stored, computed in differences:
                    label = obj.code if kind == "target" else f"任务{obj.number}"
                    self.stdout.write(f"{each.code} {label} {month}月 {field}: {stored} → {computed}")
                if not check:
                    refresh_plan(each)
            total += len(differences)
            self.stdout.write(f"{each.code}：{len(differences)} 处与规则不符" + ("" if check else "，已更正"))
        if check and total:
            raise CommandError(f"共 {total} 处存储的状态与规则不符。")
