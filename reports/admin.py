from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import PeriodicTask
from simple_history.admin import SimpleHistoryAdmin

from reports.models import ReminderMessage, UrgingNotice


@admin.register(ReminderMessage)
class ReminderMessageAdmin(admin.ModelAdmin):
    list_display = ["kind", "period", "recipient", "unit", "status", "attempts", "sent_at"]
    list_filter = ["kind", "status"]
    search_fields = ["recipient", "period"]


@admin.register(UrgingNotice)
class UrgingNoticeAdmin(SimpleHistoryAdmin):
    list_display = ["number", "unit", "month", "target", "status", "issued_on", "deadline"]
    list_filter = ["kind", "status", "cause"]
    search_fields = ["unit__name", "request", "reply"]
    list_select_related = ["plan", "unit", "target"]


# The schedule (django-celery-beat's PeriodicTask admin), for bureau staff: each task named in Chinese.
# Subclassed and registered again, not patched; its form's inline script lives in a static file
# (templates/admin/djcelery/change_periodictask_form.html), so the admin works under our CSP.

TASK_LABELS = {
    "reports.tasks.send_weekly_bulletin": _("每周通报"),
    "reports.tasks.send_monthly_notice": _("月度报送通知"),
    "reports.tasks.send_monthly_reminder": _("报送提醒"),
    "reports.tasks.send_monthly_overdue": _("逾期催报"),
    "reports.tasks.send_monthly_summary": _("月度进展汇总"),
    "reports.tasks.send_quarterly_report": _("季度调度报告"),
    "reports.tasks.issue_urging_notices": _("督办通知（催办单、督办单）"),
    "reports.tasks.sweep_pending_reminders": _("补发滞留邮件"),
    "reports.tasks.deliver_reminder": _("发送一封提醒邮件（由上述任务调用）"),
}


class ChineseTaskSelectWidget(beat_admin.TaskSelectWidget):
    def tasks_as_choices(self):
        return tuple(
            (name, f"{TASK_LABELS[name]}（{name}）" if name in TASK_LABELS else name)
            for name, _label in super().tasks_as_choices()
        )


class PeriodicTaskForm(beat_admin.PeriodicTaskForm):
    regtask = beat_admin.TaskChoiceField(label=_("任务"), required=False, widget=ChineseTaskSelectWidget)


admin.site.unregister(PeriodicTask)


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(beat_admin.PeriodicTaskAdmin):
    form = PeriodicTaskForm
    list_display = ("name", "task_label", "enabled", "scheduler", "last_run_at")

    @admin.display(description=_("任务"), ordering="task")
    def task_label(self, obj):
        return TASK_LABELS.get(obj.task, obj.task)
