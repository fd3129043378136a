from django.core.management.base import BaseCommand, CommandError

from units.backups.archive import BackupError, create_backup


class Command(BaseCommand):
    help = "Write every table and every uploaded file to a dated .tar.gz archive and print its path."

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", help="Directory for the archive (default: settings.BACKUP_DIR).")
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        try:
            archive = create_backup(options["output_dir"], using=options["database"])
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(archive))
