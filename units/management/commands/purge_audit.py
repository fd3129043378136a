from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from units.models import AuditEvent


class Command(BaseCommand):
    help = "Delete audit events older than --days (never fewer than settings.AUDIT_RETENTION_DAYS)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help="Keep this many days (default and minimum: AUDIT_RETENTION_DAYS).")

    def handle(self, *args, **options):
        days = options["days"] if options["days"] is not None else settings.AUDIT_RETENTION_DAYS
        if days < settings.AUDIT_RETENTION_DAYS:
            raise CommandError(f"审计日志至少保存 {settings.AUDIT_RETENTION_DAYS} 天，不能只保留 {days} 天。")
        deleted = AuditEvent.objects.purge_older_than(days)
        self.stdout.write(f"已删除 {deleted} 条 {days} 天前的审计日志。")
