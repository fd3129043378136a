"""The default schedule's entries are now named in Chinese (settings.CELERY_BEAT_SCHEDULE); beat creates
them at its next start. Remove the entries under their first, English names, so that each kind is not
run twice — only those still running the task they were made for, so an entry staff made is kept."""

from django.db import migrations

ENGLISH_NAMES = {
    "weekly-bulletin-daily-0900": "reports.tasks.send_weekly_bulletin",
    "monthly-notice-daily-0900": "reports.tasks.send_monthly_notice",
    "monthly-reminder-daily-0900": "reports.tasks.send_monthly_reminder",
    "monthly-overdue-daily-0930": "reports.tasks.send_monthly_overdue",
    "monthly-summary-daily-0900": "reports.tasks.send_monthly_summary",
    "quarterly-coordination-daily-1000": "reports.tasks.send_quarterly_report",
    "reminder-sweep-every-5-minutes": "reports.tasks.sweep_pending_reminders",
}


def remove_english_entries(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task in ENGLISH_NAMES.items():
        PeriodicTask.objects.filter(name=name, task=task).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_remindermessage_last_attempt_at"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(remove_english_entries, migrations.RunPython.noop)]
