from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("报表与提醒")

    def ready(self):
        # The write path announces a return (tasks/signals.py); the notice is ours to record and send.
        from reports.reminders.returned import on_report_returned
        from tasks.signals import report_returned

        report_returned.connect(on_report_returned, dispatch_uid="report-returned-email")
