"""The notice list (/reports/supervision/): every notice, its number linking to its page."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from reports.models import UrgingNotice
from wuhan_plan.tables import Table


class NoticeStatusColumn(tables.Column):
    def render(self, record):
        return format_html('<span class="status notice-{}">{}</span>', record.status, record.get_status_display())


class NoticeTable(Table):
    number = tables.Column(_("编号"), linkify=("supervision:detail", [tables.A("pk")]), order_by=("kind", "serial"),
                           accessor="number")
    kind = tables.Column(_("类别"))
    unit = tables.Column(_("单位"), order_by=("unit__position",))
    subject = tables.Column(_("事由"), accessor="subject", orderable=False)
    issued_on = tables.DateColumn(verbose_name=_("印发日期"), format="Y-m-d")
    deadline = tables.DateColumn(verbose_name=_("办理期限"), format="Y-m-d")
    status = NoticeStatusColumn(_("状态"))
    signed_at = tables.DateTimeColumn(verbose_name=_("签收时间"), format="Y-m-d H:i", default="—")
    replied_at = tables.DateTimeColumn(verbose_name=_("回复时间"), format="Y-m-d H:i", default="—")

    class Meta:
        model = UrgingNotice
        fields = ("number", "kind", "unit", "subject", "issued_on", "deadline", "status", "signed_at", "replied_at")
        sequence = fields
        default_columns = fields
        empty_text = _("还没有督办通知。")
        order_by = ("-issued_on",)
