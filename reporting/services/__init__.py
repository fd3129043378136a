"""The one place reported data changes: the forms, the Excel upload and the bureau's corrections call these.

Every function runs in a transaction, locks the report row it changes, checks the report is
editable by the user (`tasks.reporting.can_edit_report`) and keeps a django-simple-history
version with the user and, for workflow steps, the reason: that history is the change log of
reported data (the security audit log, units.audit, records sign-ins, accounts, exports, files).

Optimistic locking: each value and progress row carries `version`; a caller that read a row
at version N passes `expected_version=N` and gets `EditConflict` if someone saved since (for a
row that did not exist when the form was shown, pass 0). An unchanged save is a no-op.

entries.py holds values and progress, batch.py a whole month of them at once (the upload), workflow.py submit/approve/return/reopen, corrections.py
restoring a version and closing a month; callers import from here.
"""

from reporting.services.batch import MonthEntries, ProgressEntry, ValueEntry, save_month_entries
from reporting.services.common import EditConflict, NotEditable
from reporting.services.corrections import close_month, open_month, restore_version
from reporting.services.entries import (
    MATTER_MAX,
    NOTE_MAX,
    PROGRESS_FIELDS,
    SOURCE_MAX,
    TEXT_MAX,
    VALUE_FIELDS,
    clean_progress,
    get_or_create_report,
    progress_problems_required,
    save_progress,
    save_target_value,
    tasks_with_targets_behind,
)
from reporting.services.workflow import approve_reports, missing_items, reopen_report, return_report, submit_report

__all__ = [
    "MATTER_MAX", "NOTE_MAX", "PROGRESS_FIELDS", "SOURCE_MAX", "TEXT_MAX", "VALUE_FIELDS",
    "EditConflict", "MonthEntries", "NotEditable", "ProgressEntry", "ValueEntry", "save_month_entries", "approve_reports", "clean_progress", "close_month", "get_or_create_report",
    "missing_items", "open_month", "progress_problems_required", "reopen_report", "restore_version",
    "return_report", "save_progress", "save_target_value", "submit_report", "tasks_with_targets_behind",
]
