"""Entering a whole month at once (the Excel upload): the rules of `save_target_value` and
`save_progress`, row for row, in a constant number of queries for the file rather than per row.

The report is locked and checked once; the rows' existing versions, the approved earlier figures
the suspect-figure check needs and the unit's tasks are read once; new rows and changed rows are
written with django-simple-history's bulk helpers (each with its history row and user). Values are
written before progress is checked, as a form saves them: whether 存在问题 is required depends on
the figures of this month.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from reporting.services.common import EditConflict, NotEditable, locked_report, require_editable
from reporting.services.entries import (
    PROGRESS_FIELDS,
    VALUE_FIELDS,
    approved_earlier,
    changed_object,
    clean_progress,
    clean_value_entry,
    confirmed_suspect_reasons,
    new_progress,
    new_value,
    progress_rules,
    require_reported_by,
    tasks_with_targets_behind,
    value_rules,
)
from targets.models import TargetValue
from tasks.models import ProgressReport
from tasks.reporting import tasks_for_unit


@dataclass
class ValueEntry:
    key: object  # the caller's name for the row (the upload: its row number)
    target: object
    value: object
    note: str = ""
    source: str = ""
    expected_version: int | None = None


@dataclass
class ProgressEntry:
    key: object
    task: object
    data: dict
    expected_version: int | None = None


@dataclass
class MonthEntries:
    """What `save_month_entries` did: `saved` {key: the row as it now is (unchanged rows too)},
    `errors` {key: ValidationError, NotEditable or EditConflict}: such a row is not written."""

    saved: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)


def save_month_entries(report, *, values=(), progress=(), user):
    """Save `values` (ValueEntry) and `progress` (ProgressEntry) of `report` in one transaction.

    Raises NotEditable when the report is not the user's to change now (nothing is written);
    a row's own refusal is kept in the result's `errors` and the other rows are written — the
    caller that wants all or nothing (the upload) rolls the transaction back itself.
    """
    result = MonthEntries()
    with transaction.atomic():
        report = locked_report(report)
        require_editable(report, user)
        _save_values(report, list(values), user, result)
        _save_progress(report, list(progress), user, result)
    return result


def _save_values(report, entries, user, result):
    if not entries:
        return
    targets = [entry.target for entry in entries]
    earlier = approved_earlier(report, targets)
    existing = {
        row.target_id: row
        for row in TargetValue.objects.select_for_update().filter(
            target__in=targets, unit_id=report.unit_id, month=report.month
        )
    }
    changed = []
    for entry in entries:
        target = entry.target
        try:
            require_reported_by(report, target)
            value, note, source = clean_value_entry(target, entry.value, entry.note, entry.source)
            suspect = confirmed_suspect_reasons(target, value, report.month, earlier.get(target.pk), note)
            row = changed_object(
                existing.get(target.pk), new_value(report, target), **value_rules(report, value, note, source, suspect),
                user=user, expected_version=entry.expected_version,
            )
        except (ValidationError, NotEditable, EditConflict) as error:
            result.errors[entry.key] = error
            continue
        result.saved[entry.key] = row or existing[target.pk]
        if row is not None:
            changed.append(row)
    _write(TargetValue, changed, [*VALUE_FIELDS, "suspect", "report", "version", "updated_by", "updated_at"], user)


def _save_progress(report, entries, user, result):
    if not entries:
        return
    own_tasks = set(tasks_for_unit(report.plan, report.unit).values_list("pk", flat=True))
    behind_tasks = tasks_with_targets_behind(report)  # after this month's values are written
    existing = {
        row.task_id: row
        for row in ProgressReport.objects.select_for_update().filter(report=report, task__in=[e.task for e in entries])
    }
    changed = []
    for entry in entries:
        task = entry.task
        try:
            if task.pk not in own_tasks:
                raise NotEditable(_("该任务不由本单位报送。"))
            after = clean_progress(report, task, entry.data, behind_tasks)
            row = changed_object(
                existing.get(task.pk), new_progress(report, task), **progress_rules(after),
                user=user, expected_version=entry.expected_version,
            )
        except (ValidationError, NotEditable, EditConflict) as error:
            result.errors[entry.key] = error
            continue
        result.saved[entry.key] = row or existing[task.pk]
        if row is not None:
            changed.append(row)
    fields = [*PROGRESS_FIELDS, "coordination_closed", "version", "updated_by", "updated_at"]
    _write(ProgressReport, changed, fields, user)


def _write(model, rows, fields, user):
    """Insert the new rows and update the changed ones, each with its history row (two queries each)."""
    new = [row for row in rows if row.pk is None]
    updated = [row for row in rows if row.pk is not None]
    if new:
        bulk_create_with_history(new, model, default_user=user)
    if updated:
        now = timezone.now()
        for row in updated:
            row.updated_at = now  # auto_now is not applied by bulk_update
        bulk_update_with_history(updated, model, fields, default_user=user)
