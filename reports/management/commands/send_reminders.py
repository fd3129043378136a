"""python manage.py send_reminders KIND [--period …] [--dry-run]: the beat jobs, by hand, synchronously."""

from django.core.management.base import BaseCommand, CommandError

from reports.reminders import delivery as reminders
from tasks.reporting import local_today


class Command(BaseCommand):
    help = (
        "Records and sends one kind of reminder for a period in this process (no worker needed). "
        "Each recipient gets a message at most once: running it again sends only what is still pending."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[str(kind) for kind in reminders.PERIODIC_KINDS])
        parser.add_argument(
            "--period",
            help="2023-W20 (weekly), 2023-05 (monthly kinds: the month reported on), 2023Q2 (quarterly). "
            "Default: the period the schedule would use today.",
        )
        parser.add_argument("--dry-run", action="store_true", help="List the recipients; record and send nothing.")
        parser.add_argument(
            "--retry-failed", action="store_true", help="Also send again the messages of the period marked failed."
        )

    def handle(self, *args, kind, period, dry_run, retry_failed, **options):
        today = local_today()
        try:
            period = reminders.parse_period(kind, period) if period else reminders.default_period(kind, today)
            plan = reminders.plan_for(kind, period)
        except (reminders.PeriodError, reminders.NoPlanError) as error:
            raise CommandError(str(error)) from None
        scheduled = reminders.send_date(kind, period, plan)
        self.stdout.write(f"{kind} {period.code} ({period.label}), scheduled for {scheduled:%Y-%m-%d}")
        result = reminders.run_now(kind, period, dry_run=dry_run, retry_failed=retry_failed)
        for recipient in result.recipients:
            unit = f" [{recipient.unit.name}]" if recipient.unit else ""
            self.stdout.write(f"  {recipient.email} {recipient.name}{unit}")
        if dry_run:
            self.stdout.write(f"Dry run: {len(result.recipients)} recipient(s), nothing recorded or sent.")
            return
        for row, error in result.failed:
            self.stderr.write(f"  FAILED {row.recipient}: {error}")
        self.stdout.write(
            f"{len(result.recipients)} recipient(s), {result.created} newly recorded, {result.sent} sent now, "
            f"{len(result.failed)} failed."
        )
        if result.failed:
            raise CommandError(f"{len(result.failed)} message(s) failed; see /reports/reminders/ or use --retry-failed.")
