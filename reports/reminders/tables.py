"""The reminder record table: every message, its status shown as coloured text."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from reports.models import ReminderMessage
from wuhan_plan.tables import Table


class ReminderStatusColumn(tables.Column):
    def render(self, record):
        return format_html(
            '<span class="status reminder-{}">{}</span>', record.status, record.get_status_display()
        )


class ReminderTable(Table):
    created = tables.DateTimeColumn(verbose_name=_("记录时间"), format="Y-m-d H:i")
    kind = tables.Column(_("类别"))
    period = tables.Column(_("期间"))
    recipient = tables.Column(_("收件人"))
    unit = tables.Column(_("单位"), order_by=("unit__position",), default="—")
    subject = tables.Column(_("主题"), default="—")
    status = ReminderStatusColumn(_("状态"))
    attempts = tables.Column(_("尝试次数"), attrs={"td": {"class": "num"}})
    sent_at = tables.DateTimeColumn(verbose_name=_("发送时间"), format="Y-m-d H:i", default="—")
    error = tables.Column(_("错误"), default="")
    actions = tables.TemplateColumn(
        template_name="reminders/_actions.html", verbose_name=_("操作"), orderable=False, exclude_from_export=True
    )

    class Meta:
        model = ReminderMessage
        fields = ("created", "kind", "period", "recipient", "unit", "subject", "status", "attempts", "sent_at", "error")
        sequence = (*fields, "actions")
        default_columns = sequence
        empty_text = _("还没有提醒邮件记录。")
        order_by = ("-created",)

    def render_error(self, value):
        return value if len(value) <= 80 else value[:80] + "…"
