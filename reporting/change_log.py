"""The change log of reported data, read from django-simple-history as a person reads it.

Every save of a value, a narrative or a report writes a historical row (the write path saves
through simple_history, with the user and the reason). Here each version is compared with the
one before it by simple_history's `diff_against`, and each change is worded with the field's
label and its value as the form shows it: 自评状态：正常推进, 需市级协调：是, 数值：3 — never
`on_track`, `True` or `3.0000`.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from targets.numbers import format_number

EMPTY = "—"


def shown_value(field, value):
    """A stored value as the forms and pages show it."""
    if value is None or value == "":
        return EMPTY
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, Decimal):
        return format_number(value)
    return str(value)


def changes_between(record, before, fields):
    """[(label, old, new)] of `fields` that differ between two historical rows of one object;
    with no row before, what the first version set (empty fields left out)."""
    meta = record.instance_type._meta
    if before is None:
        changes = [(name, None, getattr(record, name)) for name in fields if getattr(record, name) not in (None, "")]
        return [(str(meta.get_field(name).verbose_name), None, shown_value(meta.get_field(name), new))
                for name, _old, new in changes]
    delta = record.diff_against(before, included_fields=list(fields))
    by_name = {change.field: change for change in delta.changes}
    return [
        (str(meta.get_field(name).verbose_name),
         shown_value(meta.get_field(name), by_name[name].old), shown_value(meta.get_field(name), by_name[name].new))
        for name in fields if name in by_name
    ]


def version_rows(model, report, fields, label_of):
    """Every version of every row of `model` in `report`, newest first, each with what it changed,
    whether it is the current version and whether the row still exists (restore needs both)."""
    records = list(
        model.history.filter(report_id=report.pk).select_related("history_user").order_by("id", "history_date", "history_id")
    )
    current_versions = dict(model.objects.filter(report=report).values_list("pk", "version"))
    rows, previous = [], {}
    for record in records:
        before = previous.get(record.id)
        rows.append({
            "record": record,
            "label": label_of(record),
            "changes": [
                {"field": label, "old": old, "new": new} for label, old, new in changes_between(record, before, fields)
            ],
            "is_current": current_versions.get(record.id) == record.version and record.history_type != "-",
            "exists": record.id in current_versions,
        })
        previous[record.id] = record
    rows.sort(key=lambda row: (row["record"].history_date, row["record"].history_id), reverse=True)
    return rows
