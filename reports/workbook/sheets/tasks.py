"""The sheets 重点任务进展 (each task's progress by unit) and 需市级协调事项 (matters raised for the city)."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.workbook.figures import VISIBLE_REPORT_STATUSES
from reports.workbook.styles import (
    DASH,
    SELF_STATUS_AS_STATUS,
    SheetLayout,
    status_cell,
    status_style,
)
from targets.exports import write_cell
from targets.progress import Status
from targets.task_status import latest_self_statuses, task_statuses
from tasks.models import ProgressReport, TaskAssignment
from units.models import Unit


def _assigned_units(task):
    """[(unit, role label)] for a task, groups expanded to their members, in the plan's order."""
    result = []
    seen = set()
    for assignment in task.assignments.all():
        unit = assignment.unit
        role = assignment.get_role_display()
        members = list(unit.members.all()) if unit.is_group else [unit]
        for member in members:
            if member.pk not in seen:
                seen.add(member.pk)
                label = f"{role}（{unit.name}）" if unit.is_group else role
                result.append((member, label))
    return result


def tasks_sheet(wb, data, heading):
    header = [
        _("序号"), _("重点任务"), _("单位"), _("职责"), _("月份"), _("工作进展"), _("存在问题"), _("下步计划"),
        _("自评状态"), _("需市级协调"), _("任务状态"),
    ]
    widths = [5, 14, 11, 8, 5, 29, 20, 20, 8, 6, 8]
    subtitle = _("各单位本季度最近一次已报送（含待审核）的进展；任务状态按已审核的指标和进展判定，与总览一致。")
    sheet = SheetLayout(wb, _("重点任务进展"), heading, subtitle, header, widths)
    sheet.header_row()
    plan = data.plan
    tasks = list(
        plan.tasks.select_related("section")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=TaskAssignment.objects.select_related("unit").prefetch_related(
                    Prefetch("unit__members", queryset=Unit.objects.order_by("position", "code"))
                ),
            ),
            "targets",
        )
        .order_by("number")
    )
    latest = {}
    progress_rows = ProgressReport.objects.filter(
        report__plan=plan, report__month__in=data.months, report__status__in=VISIBLE_REPORT_STATUSES
    ).select_related("report").order_by("report__month")
    for progress in progress_rows:
        latest[(progress.task_id, progress.report.unit_id)] = progress
    standing_by_target = {s.target.pk: s for s in data.standings}
    statuses = task_statuses(tasks, data.end_month, standing_by_target, latest_self_statuses(plan, data.end_month))
    current_section = None
    for task in tasks:
        if task.section_id != current_section:
            current_section = task.section_id
            sheet.group_row(str(task.section))
        units = _assigned_units(task)
        for unit, role in units:
            progress = latest.get((task.pk, unit.pk))
            cells = sheet.data_row(
                [
                    task.number,
                    task.title,
                    unit.name,
                    role,
                    _("%(month)s月") % {"month": progress.report.month} if progress else DASH,
                    progress.work_done if progress else _("本季度未报送进展"),
                    progress.problems if progress else "",
                    progress.next_steps if progress else "",
                    "",
                    (_("是") if progress.needs_coordination else _("否")) if progress else "",
                    "",
                ]
            )
            row = cells[0].row
            if progress and progress.self_status:
                cell = write_cell(sheet.ws, row, 9, progress.get_self_status_display())
                cell.style = status_style(SELF_STATUS_AS_STATUS[progress.self_status])
            else:
                status_cell(sheet.ws, row, 9, Status.NOT_REPORTED)
            status_cell(sheet.ws, row, 11, statuses[task.pk])
    sheet.finish()
    return sheet.ws


def coordination_sheet(wb, data, heading):
    header = [
        _("序号"), _("月份"), _("单位"), _("重点任务"), _("协调事项"), _("存在问题"), _("报送日期"), _("办结情况"),
    ]
    widths = [5, 6, 13, 18, 34, 30, 11, 8]
    subtitle = _("本季度各单位在已报送的月度进展中提出、需市级层面协调解决的事项。")
    sheet = SheetLayout(wb, _("需市级协调事项"), heading, subtitle, header, widths)
    sheet.header_row()
    for number, item in enumerate(data.coordination, start=1):
        report = item.report
        submitted = timezone.localtime(report.submitted_at).date().isoformat() if report.submitted_at else DASH
        sheet.data_row(
            [
                number,
                _("%(month)s月") % {"month": report.month},
                report.unit.name,
                f"{item.task.number}. {item.task.title}",
                item.coordination_matter,
                item.problems,
                submitted,
                _("已办结") if item.coordination_closed else _("未办结"),
            ]
        )
    if not data.coordination:
        sheet.data_row(["", "", "", "", _("本季度没有需市级协调的事项。"), "", "", ""])
    sheet.finish()
    return sheet.ws
