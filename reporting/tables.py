"""The list of suspect figures (/reporting/suspect/): every value of the plan saved despite a
data-quality warning (targets/data_quality.py), with the reasons as they were stored and the unit's
note that confirmed it. The xlsx export reuses the table (?export=xlsx), typed as
targets/tables/columns.py describes: the month and the value as numbers, the unit of measure and
the target's code in columns of their own, the reasons one per line.
"""

import django_tables2 as tables
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from targets.numbers import format_number
from targets.tables.columns import MONTH, ExportColumn, TypedColumn
from wuhan_plan.tables import Table

# Each ordering ends on the unit and the target, so that a page holds the same rows on every request.
UNIT_ORDER = ("unit__position", "unit__code")
TARGET_ORDER = ("target__position", "target__code")
MONTH_WORDING = _("%(month)s月")
REPORT_LINK = _("查看报送")


class SuspectValueTable(Table):
    """Rows: TargetValue with its target, unit and report (select_related), suspect non-empty."""

    month = TypedColumn(_("月份"), order_by=("month", *UNIT_ORDER, *TARGET_ORDER), number_format=MONTH)
    unit = tables.Column(_("单位"), accessor="unit__name", order_by=(*UNIT_ORDER, "-month", *TARGET_ORDER))
    code = ExportColumn(_("编号"), accessor="target__code")
    target = tables.Column(
        _("指标"), accessor="target__name", order_by=(*TARGET_ORDER, "-month", *UNIT_ORDER),
        linkify=lambda record, table: table.url("targets:detail", record.target_id),
    )
    value = tables.Column(_("数值"), orderable=False, attrs={"td": {"class": "num"}})
    unit_of_measure = ExportColumn(_("计量单位"), accessor="target__unit_of_measure")
    reasons = tables.Column(_("存疑原因"), accessor="suspect", orderable=False)
    note = tables.Column(_("说明"), orderable=False, default="—")
    # Not orderable: the codes would sort alphabetically, not in the workflow's order; the filter picks one.
    status = tables.Column(_("报送状态"), accessor="report__status", orderable=False)
    report = tables.Column(
        _("月度报送"), accessor="report_id", orderable=False, exclude_from_export=True,
        linkify=lambda record, table: table.url("reporting:report", record.report_id),
    )

    class Meta:
        fields = ("month", "unit", "target", "value", "reasons", "note", "status", "report")
        default_columns = fields
        # The export's order: each export-only column next to the one it belongs with.
        sequence = ("month", "unit", "code", "target", "value", "unit_of_measure", "reasons", "note", "status", "report")
        orderable = True
        empty_text = _("没有存疑的数值。")

    def _word(self, text):
        """A lazy wording translated once per table rather than once per row."""
        words = self.__dict__.setdefault("_words", {})
        key = id(text)  # a module's constant; hashing a lazy string would translate it each time
        if key not in words:
            words[key] = str(text)
        return words[key]

    def render_month(self, value):
        return self._word(MONTH_WORDING) % {"month": value}

    def value_month(self, value):
        return value

    def value_target(self, value):
        return value  # the name: the code is a column of its own

    def render_target(self, record):
        return f"{record.target.code} {record.target.name}"

    def render_value(self, record):
        return f"{format_number(record.value)}{record.target.unit_of_measure}"

    def value_value(self, value):
        return value

    def render_reasons(self, value):
        return format_html_join("", '<div class="suspect-reason">{}</div>', ((reason,) for reason in value))

    def value_reasons(self, value):
        return "\n".join(value)

    def render_report(self, record):
        return self._word(REPORT_LINK)
