"""python manage.py import_progress FILE --month 2023-05 --unit CODE [--user USERNAME] [--dry-run]

The command-line twin of /reports/upload/: the same checks, the same preview, the same saves
through reporting.services. On any error it prints every one (sheet, row, column) and exits
non-zero, having saved nothing.
"""

import re
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from reports.upload.read import UploadRejected, apply_upload, check_upload, read_template
from units.audit import record
from units.models import AuditEvent, Membership, Unit

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_month(text):
    match = MONTH.match((text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise CommandError(f"月份格式应为 2023-05，不是“{text}”。")
    return int(match.group(1)), int(match.group(2))


def acting_user(username):
    """The user the saves are recorded under: --user, else the first active superuser or bureau staff."""
    users = get_user_model().objects.filter(is_active=True)
    if username:
        user = users.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户名为“{username}”的有效用户。")
        return user
    user = (
        users.filter(is_superuser=True).order_by("pk").first()
        or users.filter(membership__role=Membership.Role.STAFF).order_by("pk").first()
    )
    if user is None:
        raise CommandError("请用 --user 指定操作人（系统中没有市科技局工作人员账户）。")
    return user


class Command(BaseCommand):
    help = "Imports a unit's filled monthly template (xlsx) as draft values and progress."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--month", required=True, help="e.g. 2023-05")
        parser.add_argument("--unit", required=True, help="unit code, e.g. jxj")
        parser.add_argument("--user", help="username the changes are recorded under (default: first superuser or staff)")
        parser.add_argument("--dry-run", action="store_true", help="check and show the changes, save nothing")

    def handle(self, *args, file, month, unit, user=None, dry_run=False, **options):
        year_month = parse_month(month)
        unit_obj = Unit.objects.filter(code=unit).first()
        if unit_obj is None:
            raise CommandError(f"没有代码为“{unit}”的单位。")
        user_obj = acting_user(user)
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"无法读取 {path}：{error}") from None
        try:
            parsed = read_template(content, path.name)
            preview = check_upload(parsed, user_obj, expected_unit=unit_obj, expected_month=year_month)
        except UploadRejected as rejected:
            self._fail(rejected)
        if not preview.has_changes:
            self.stdout.write("文件内容与系统中的数据一致，没有需要保存的修改。")
            return
        for change in preview.changes:
            self.stdout.write(
                f"{change.sheet} 第 {change.row} 行 {change.item} {change.field}：{change.old or '—'} → {change.new or '—'}"
            )
        if dry_run:
            self.stdout.write(f"检查通过，共 {len(preview.changes)} 处修改（--dry-run，未保存）。")
            return
        try:
            report, changes = apply_upload(preview.payload, user_obj)
        except UploadRejected as rejected:
            self._fail(rejected)
        record(
            AuditEvent.Action.UPLOAD, user=user_obj, obj=report, object_repr=f"{report} · {path.name}",
            changes={"file": path.name, "sha256": parsed.sha256, "cells": len(changes), "via": "import_progress"},
        )
        self.stdout.write(self.style.SUCCESS(f"已保存 {len(changes)} 处修改到{report}的草稿。"))

    def _fail(self, rejected):
        for error in rejected.errors:
            self.stderr.write(str(error))
        raise CommandError(f"文件有 {len(rejected.errors)} 处问题，未保存任何内容。")
