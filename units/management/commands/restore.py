from django.core.management.base import BaseCommand, CommandError

from units.backups.archive import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore an archive written by `backup` into an empty (freshly migrated) database."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        try:
            manifest = restore_backup(options["archive"], using=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(entry["rows"] for entry in manifest["tables"].values())
        self.stdout.write(
            f"已恢复 {len(manifest['tables'])} 张表共 {rows} 行、{len(manifest['files'])} 个文件，校验一致。"
        )
