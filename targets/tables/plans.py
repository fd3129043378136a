"""django-tables2 tables of the plan authoring pages (staff): the plans, a plan's tasks and targets, its changes."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from targets.models import Target
from tasks.models import Plan, Task
from wuhan_plan.tables import Table


class PlanTable(Table):
    year = tables.Column(_("年度"))
    title = tables.Column(_("名称"), linkify=lambda record: reverse("plans:detail", args=[record.code]))
    document_number = tables.Column(_("文号"))
    state = tables.Column(_("状态"), accessor="get_state_display", order_by=("state",))

    class Meta:
        model = Plan
        fields = ["year", "title", "document_number", "state"]
        default_columns = fields
        orderable = False


class PlanTaskTable(Table):
    number = tables.Column(_("序号"))
    title = tables.Column(
        _("任务"), linkify=lambda record: reverse("plans:task", args=[record.plan.code, record.number])
    )
    section = tables.Column(_("板块"))
    lead = tables.Column(_("牵头单位"), accessor="pk", empty_values=())
    responsible = tables.Column(_("责任单位"), accessor="pk", empty_values=())

    class Meta:
        model = Task
        fields = ["number", "title", "section", "lead", "responsible"]
        default_columns = fields
        orderable = False

    def render_lead(self, record):
        return "、".join(unit.name for unit in record.lead_units())

    def render_responsible(self, record):
        return "、".join(unit.name for unit in record.responsible_units()) or "—"


class PlanTargetTable(Table):
    code = tables.Column(_("编号"))
    name = tables.Column(
        _("指标"), linkify=lambda record: reverse("plans:target", args=[record.plan.code, record.code])
    )
    wording = tables.Column(_("目标"), accessor="wording", orderable=False)
    kind = tables.Column(_("类型"), accessor="get_kind_display")
    comparison = tables.Column(_("比较方式"), accessor="get_comparison_display")
    frequency = tables.Column(_("报送频次"), accessor="get_frequency_display")
    reporting_unit = tables.Column(_("报送单位"))
    breakdown = tables.Column(_("各区分解"), accessor="pk", empty_values=())

    class Meta:
        model = Target
        fields = ["code", "name", "wording", "kind", "comparison", "frequency", "reporting_unit", "breakdown"]
        default_columns = fields
        orderable = False

    def render_breakdown(self, record):
        """A share says so; a draft's other targets link to the breakdown page (targets/views/breakdown.py)."""
        if record.breakdown_of_id is not None:
            return _("分区指标")
        if record.plan.is_published:
            return "—"
        url = reverse("plans:breakdown", args=[record.plan.code, record.code])
        return format_html('<a href="{}">{}</a>', url, _("分解到各区"))


class PlanChangeTable(Table):
    """The plan's versions (header, tasks, targets): when, who, what and why."""

    history_date = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("时间"))
    user = tables.Column(_("修改人"), accessor="history_user", default="—")
    part = tables.Column(_("内容"), accessor="part")
    history_change_reason = tables.Column(_("修改原因"), default="—")

    class Meta:
        fields = ["history_date", "user", "part", "history_change_reason"]
        default_columns = fields
        orderable = False
