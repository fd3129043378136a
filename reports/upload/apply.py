"""Steps 2 and 3 of an upload (see reports/upload/read.py): check a parsed template against the
database and preview it, then save it — both through `reporting.services.save_month_entries`, the
whole file at once (the same rules as a form's save, in a constant number of queries)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from reporting.services import (
    NotEditable,
    ProgressEntry,
    ValueEntry,
    get_or_create_report,
    save_month_entries,
)
from reports.upload.errors import ParsedTemplate, UploadError, UploadRejected, _blank, _progress_error, _value_error
from reports.upload.template import (
    INFO_ROW,
    MONTH_COLUMN,
    NO,
    PROGRESS_EDITABLE,
    PROGRESS_SHEET,
    UNIT_COLUMN,
    VALUE_EDITABLE,
    VALUES_SHEET,
    YES,
)
from targets.models import TargetValue
from targets.numbers import format_number
from tasks.models import MonthlyReport, Plan, ProgressReport
from tasks.reporting import month_is_closed, targets_for_unit, tasks_for_unit
from units.access import is_staff, unit_of
from units.models import Unit

# Checking against the database, and saving --------------------------------------------------


@dataclass
class Change:
    sheet: str
    row: int
    item: str
    field: str
    old: str
    new: str


@dataclass
class UploadPreview:
    plan: Plan
    unit: Unit
    month: int
    changes: list
    payload: dict  # what apply_upload needs: ids, rows and the versions seen now

    @property
    def has_changes(self):
        return bool(self.changes)


class _DryRun(Exception):
    """Raised to roll the preview's transaction back."""


def _locked_month_error(plan, unit, month):
    """The Chinese reason the month cannot take an upload, or None."""
    if month_is_closed(plan, month):
        return _("%(year)s年%(month)s月的报送已关闭，不能再填报或修改。") % {"year": plan.year, "month": month}
    report = MonthlyReport.objects.filter(plan=plan, unit=unit, month=month).first()
    if report is None:
        return None
    if report.status == MonthlyReport.Status.SUBMITTED:
        return _("%(unit)s%(year)s年%(month)s月的报送已报送、正在审核，不能再修改；如需修改请联系市科技局退回。") % {
            "unit": unit.name, "year": plan.year, "month": month,
        }
    if report.status == MonthlyReport.Status.APPROVED:
        return _("%(unit)s%(year)s年%(month)s月的报送已审核，不能再修改；如需修改请联系市科技局重新打开。") % {
            "unit": unit.name, "year": plan.year, "month": month,
        }
    return None


def _context(parsed, user, expected_unit=None, expected_month=None):
    """(plan, unit, month) of the template once it is checked to be the user's to upload."""
    foreign = UploadError(_("这不是本系统下载的报送模板，请在“上传月度报送”页面下载本单位的模板后填写。"))
    plan = Plan.objects.filter(code=parsed.plan_code).first()
    unit = Unit.objects.filter(code=parsed.unit_code).first()
    month = parsed.month
    if plan is None or unit is None or not 1 <= month <= 12 or unit.is_group:
        raise UploadRejected([foreign])
    unit_cell = dict(sheet=VALUES_SHEET, row=INFO_ROW, column=UNIT_COLUMN, column_title=_("单位"))
    month_cell = dict(sheet=VALUES_SHEET, row=INFO_ROW, column=MONTH_COLUMN, column_title=_("月份"))
    if expected_unit is not None and unit != expected_unit:
        raise UploadRejected([UploadError(
            _("这是“%(found)s”的模板，不是“%(expected)s”的。") % {"found": unit.name, "expected": expected_unit.name},
            **unit_cell,
        )])
    if expected_month is not None and (plan.year, month) != expected_month:
        raise UploadRejected([UploadError(
            _("这是%(year)s年%(month)s月的模板，不是%(expected_year)s年%(expected_month)s月的。") % {
                "year": plan.year, "month": month, "expected_year": expected_month[0],
                "expected_month": expected_month[1],
            },
            **month_cell,
        )])
    if not is_staff(user):
        own = unit_of(user)
        if own is None or own.pk != unit.pk:
            raise UploadRejected([UploadError(
                _("这是“%(found)s”的报送模板，您只能上传本单位（%(own)s）的报送。") % {
                    "found": unit.name, "own": own.name if own else "—",
                },
                **unit_cell,
            )])
    reason = _locked_month_error(plan, unit, month)
    if reason:
        raise UploadRejected([UploadError(reason, **month_cell)])
    return plan, unit, month


def _resolve_rows(parsed, plan, unit, month):
    """Rows matched to the unit's targets due `month` and its tasks; a row for anything else is an error."""
    errors = []
    own_targets = {t.code: t for t in targets_for_unit(plan, unit)}
    due_targets = {t.code for t in targets_for_unit(plan, unit, month)}
    plan_targets = {t.code: t for t in plan.targets.select_related("reporting_unit")}
    own_tasks = {t.number: t for t in tasks_for_unit(plan, unit)}
    plan_tasks = {t.number: t for t in plan.tasks.all()}
    value_rows, progress_rows = [], []
    seen = {}  # code or task number: the row it was first given in
    for row in parsed.values:
        code = str(row.get("code") or "").strip()
        if not code:
            errors.append(_value_error(row["row"], "code", _("缺少指标编号，请不要修改灰色单元格。")))
        elif code not in plan_targets:
            errors.append(_value_error(
                row["row"], "code", _("“%(code)s”不是本工作要点的指标编号。") % {"code": code[:20]}
            ))
        elif code not in own_targets:
            errors.append(_value_error(row["row"], "code", _("指标 %(code)s 由“%(unit)s”报送，不是本单位的指标。") % {
                "code": code, "unit": plan_targets[code].reporting_unit.name,
            }))
        elif code not in due_targets:
            target = own_targets[code]
            errors.append(_value_error(
                row["row"], "code", _("指标 %(code)s %(frequency)s报送，%(month)s月无需填报，请删除此行。") % {
                    "code": code, "frequency": target.get_frequency_display(), "month": month,
                },
            ))
        elif code in seen:
            errors.append(_value_error(row["row"], "code", _(
                "指标 %(code)s 在工作表“%(sheet)s”第 %(first)s 行和第 %(row)s 行重复出现，"
                "每个指标只能填一行，请删除其中一行。"
            ) % {"code": code, "sheet": VALUES_SHEET, "first": seen[code], "row": row["row"]}))
        else:
            seen[code] = row["row"]
            value_rows.append((row, own_targets[code]))
    seen = {}
    for row in parsed.progress:
        raw = row.get("number")
        try:
            number = int(str(raw).strip()) if not _blank(raw) else None
        except ValueError:
            number = None
        if number is None or number not in plan_tasks:
            errors.append(_progress_error(row["row"], "number", _("缺少或无法识别任务序号，请不要修改灰色单元格。")))
        elif number not in own_tasks:
            errors.append(_progress_error(
                row["row"], "number", _("任务 %(number)s 不由本单位报送进展。") % {"number": number}
            ))
        elif number in seen:
            errors.append(_progress_error(row["row"], "number", _(
                "任务 %(number)s 在工作表“%(sheet)s”第 %(first)s 行和第 %(row)s 行重复出现，"
                "每项任务只能填一行，请删除其中一行。"
            ) % {"number": number, "sheet": PROGRESS_SHEET, "first": seen[number], "row": row["row"]}))
        else:
            seen[number] = row["row"]
            progress_rows.append((row, own_tasks[number]))
    return value_rows, progress_rows, errors


def _text(value):
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _self_status(row, errors):
    raw = _text(row.get("self_status")).strip()
    if not raw:
        return ""
    by_label = {str(label): value for value, label in ProgressReport.SelfStatus.choices}
    if raw in by_label:
        return by_label[raw]
    if raw in ProgressReport.SelfStatus.values:
        return raw
    errors.append(_progress_error(row["row"], "self_status", _("自评状态须为%(labels)s之一，不是“%(raw)s”。") % {
        "labels": "、".join(by_label), "raw": raw[:20],
    }))
    return ""


def _yes_no(row, errors):
    raw = row.get("needs_coordination")
    if isinstance(raw, bool):
        return raw
    text = _text(raw).strip()
    if text in ("", NO, "0", "否 "):
        return False
    if text in (YES, "1"):
        return True
    errors.append(_progress_error(row["row"], "needs_coordination", _("需市级协调请填“是”或“否”，不是“%(raw)s”。") % {
        "raw": text[:20],
    }))
    return False


def _messages(error):
    if hasattr(error, "error_dict"):
        return error.message_dict.items()
    return [(None, error.messages)]


def _show_value(value):
    return format_number(value) if value is not None else ""


def _value_changes(row, target, old, saved):
    item = f"{target.code} {target.name}"
    changes = []
    for key, title in (("value", _("本月数值")), ("note", _("说明")), ("source", _("数据来源"))):
        before = getattr(old, key) if old else None
        after = getattr(saved, key)
        if (before if before is not None else "") != after:
            shown = _show_value if key == "value" else (lambda v: v or "")
            changes.append(Change(VALUES_SHEET, row["row"], item, title, shown(before), shown(after)))
    return changes


def _progress_changes(row, task, old, saved):
    item = f"{task.number}. {task.title}"
    changes = []
    for key, title in (
        ("work_done", _("工作进展")), ("problems", _("存在问题")), ("next_steps", _("下步计划")),
        ("self_status", _("自评状态")), ("needs_coordination", _("需市级协调")),
        ("coordination_matter", _("协调事项")),
    ):
        before = getattr(old, key) if old else None
        after = getattr(saved, key)
        if key == "needs_coordination":
            before_text = "" if old is None else (YES if before else NO)
            after_text = YES if after else NO
        elif key == "self_status":
            before_text = old.get_self_status_display() if old else ""
            after_text = saved.get_self_status_display()
        else:
            before_text, after_text = before or "", after or ""
        if old is None and (not after_text or (key == "needs_coordination" and not after)):
            continue  # a new row: list what it says, not every empty field
        if before_text != after_text:
            changes.append(Change(PROGRESS_SHEET, row["row"], item, title, before_text, after_text))
    return changes


def _row_errors(error, row, error_of, editable, fallback, key_column):
    """The upload's errors for one row the services refused: a field's message in its column, a
    refusal of the row itself (not the unit's, someone saved since) in its key column."""
    if isinstance(error, ValidationError):
        return [
            error_of(row["row"], key if key in editable else fallback, message)
            for key, messages in _messages(error) for message in messages
        ]
    return [error_of(row["row"], key_column, str(error))]


def _run(plan, unit, month, value_rows, progress_rows, user, *, versions=None, commit):
    """Save every row through `reporting.services.save_month_entries` in one transaction (a constant
    number of queries for the file); roll back on any error or a dry run.

    Returns (changes, errors, versions seen before saving).
    """
    changes, errors = [], []
    seen_versions = {"values": {}, "progress": {}}
    try:
        with transaction.atomic():
            existing_values = {
                v.target_id: v for v in TargetValue.objects.filter(
                    target__in=[t for _row, t in value_rows], unit=unit, month=month
                )
            }
            existing_progress = {
                p.task_id: p for p in ProgressReport.objects.filter(
                    report__plan=plan, report__unit=unit, report__month=month
                )
            }
            value_entries, progress_entries, parse_errors = [], [], {}
            for row, target in value_rows:
                old = existing_values.get(target.pk)
                seen_versions["values"][target.code] = old.version if old else 0
                value_entries.append(ValueEntry(
                    ("values", row["row"]), target, row.get("value"), note=_text(row.get("note")),
                    source=_text(row.get("source")),
                    expected_version=versions["values"].get(target.code, 0) if versions else None,
                ))
            for row, task in progress_rows:
                old = existing_progress.get(task.pk)
                seen_versions["progress"][str(task.number)] = old.version if old else 0
                row_errors = []
                self_status = _self_status(row, row_errors)
                needs_coordination = _yes_no(row, row_errors)
                if row_errors:
                    parse_errors[row["row"]] = row_errors
                    continue
                progress_entries.append(ProgressEntry(("progress", row["row"]), task, {
                    "work_done": _text(row.get("work_done")), "problems": _text(row.get("problems")),
                    "next_steps": _text(row.get("next_steps")), "self_status": self_status,
                    "needs_coordination": needs_coordination,
                    "coordination_matter": _text(row.get("coordination_matter")),
                }, expected_version=versions["progress"].get(str(task.number), 0) if versions else None))
            try:
                saved = save_month_entries(
                    get_or_create_report(plan, unit, month), values=value_entries, progress=progress_entries, user=user
                )
            except NotEditable as error:
                errors.append(UploadError(str(error), sheet=VALUES_SHEET, row=INFO_ROW, column=MONTH_COLUMN,
                                          column_title=_("月份")))
                raise _DryRun from None
            for row, target in value_rows:
                key = ("values", row["row"])
                if key in saved.errors:
                    errors += _row_errors(saved.errors[key], row, _value_error, VALUE_EDITABLE, "value", "code")
                else:
                    changes += _value_changes(row, target, existing_values.get(target.pk), saved.saved[key])
            for row, task in progress_rows:
                key = ("progress", row["row"])
                if row["row"] in parse_errors:
                    errors += parse_errors[row["row"]]
                elif key in saved.errors:
                    errors += _row_errors(
                        saved.errors[key], row, _progress_error, PROGRESS_EDITABLE, "work_done", "number"
                    )
                else:
                    changes += _progress_changes(row, task, existing_progress.get(task.pk), saved.saved[key])
            if errors or not commit or not changes:
                raise _DryRun  # nothing is kept: not even an empty draft report for an unchanged file
    except _DryRun:
        pass
    return changes, errors, seen_versions


def check_upload(parsed, user, *, expected_unit=None, expected_month=None):
    """Check a parsed template against the database and preview its changes (nothing is saved).

    Raises UploadRejected with every error found; returns an UploadPreview otherwise.
    """
    with translation.override("zh-hans"):
        plan, unit, month = _context(parsed, user, expected_unit, expected_month)
        value_rows, progress_rows, errors = _resolve_rows(parsed, plan, unit, month)
        if errors:
            raise UploadRejected(errors)
        changes, errors, versions = _run(plan, unit, month, value_rows, progress_rows, user, commit=False)
        if errors:
            raise UploadRejected(errors)
    payload = {
        "plan": plan.pk,
        "unit": unit.pk,
        "month": month,
        "plan_code": parsed.plan_code,
        "unit_code": parsed.unit_code,
        "values": parsed.values,
        "progress": parsed.progress,
        "versions": versions,
        "sha256": parsed.sha256,
    }
    return UploadPreview(plan=plan, unit=unit, month=month, changes=changes, payload=payload)


def apply_upload(payload, user):
    """Save a checked upload in one transaction, with the versions seen at preview time.

    Returns (report, changes). Raises UploadRejected (and saves nothing) if any row fails now,
    for instance because someone changed a value since the preview or the month was locked.
    """
    parsed = ParsedTemplate(
        plan_code=payload["plan_code"], unit_code=payload["unit_code"], month=payload["month"],
        values=payload["values"], progress=payload["progress"], sha256=payload["sha256"],
    )
    with translation.override("zh-hans"):
        plan, unit, month = _context(parsed, user)
        value_rows, progress_rows, errors = _resolve_rows(parsed, plan, unit, month)
        if errors:
            raise UploadRejected(errors)
        changes, errors, _versions = _run(
            plan, unit, month, value_rows, progress_rows, user,
            versions=payload["versions"], commit=True,
        )
        if errors:
            raise UploadRejected(errors)
    report = MonthlyReport.objects.filter(plan=plan, unit=unit, month=month).first()
    return report, changes
