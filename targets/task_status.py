"""A task's status (任务状态) at a month, from its targets' standings and its units' self-assessments.

The rule (README, 《任务状态》):
- 未报送 when nothing is reported: no target of the task has an approved value and no unit an
  approved progress report up to the month;
- 严重滞后 when any of its targets is 严重滞后;
- 滞后 when any of its targets is 滞后, when a lead unit (牵头单位) assesses the task 进度滞后
  (or still 未启动 after June: 时间过半、任务过半), or when more than half of its responsible units
  (责任单位, groups counted by their members) do. The lead unit answers for the task, so its word
  counts more than any one responsible unit's: fewer responsible units behind are shown as a flag
  on the task (“1个责任单位自评滞后”), not as its status;
- 已完成 when every target is 已完成 and every lead unit assesses the task 已完成;
- otherwise 正常. A responsible group with no members (the plan names 市推进科创中心建设领导小组
  成员单位 without listing them) is flagged, so the status is not read as covering them.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from targets.progress import BEHIND_STATUSES, Status
from tasks.models import MonthlyReport, ProgressReport, TaskAssignment

# "时间过半、任务过半": a task still 未启动 after mid-year counts as behind.
NOT_STARTED_BEHIND_AFTER_MONTH = 6
LEAD = TaskAssignment.Role.LEAD


@dataclass(frozen=True)
class TaskStanding:
    status: str
    flags: list = field(default_factory=list)
    behind_responsible: int = 0

    @property
    def status_label(self):
        return Status(self.status).label


def _assessed_behind(self_status, month):
    return self_status == "behind" or (self_status == "not_started" and month > NOT_STARTED_BEHIND_AFTER_MONTH)


def task_standing(target_statuses, assessments, month, empty_groups=()):
    """The standing of a task (see the module doc).

    `target_statuses`: the status of each of the task's targets; `assessments`: (role, self_status)
    of each unit assigned to the task, groups expanded to their members, self_status None when the
    unit has no approved progress report up to `month`; `empty_groups`: names of assigned groups
    without members.
    """
    target_statuses = [Status(s) for s in target_statuses]
    reported_targets = [s for s in target_statuses if s not in (Status.NOT_REPORTED, Status.NOT_DUE)]
    assessed = [(role, s) for role, s in assessments if s]
    flags = [
        _("责任单位“%(group)s”未配置成员单位，其进展未纳入任务状态") % {"group": name} for name in empty_groups
    ]
    responsible = [s for role, s in assessments if role != LEAD]
    behind_responsible = sum(1 for s in responsible if s and _assessed_behind(s, month))
    lead_behind = any(_assessed_behind(s, month) for role, s in assessed if role == LEAD)
    if not reported_targets and not assessed:
        return TaskStanding(Status.NOT_REPORTED, flags)
    if Status.SERIOUSLY_BEHIND in reported_targets:
        status = Status.SERIOUSLY_BEHIND
    elif Status.BEHIND in reported_targets or lead_behind or behind_responsible * 2 > len(responsible):
        status = Status.BEHIND
    else:
        leads = [s for role, s in assessments if role == LEAD]
        all_targets_done = all(s == Status.DONE for s in target_statuses)
        status = Status.DONE if all_targets_done and leads and all(s == "done" for s in leads) else Status.ON_TRACK
    if behind_responsible and status not in BEHIND_STATUSES:
        flags.insert(0, _("%(n)s个责任单位自评滞后") % {"n": behind_responsible})
    return TaskStanding(status, flags, behind_responsible)


def latest_self_statuses(plan, month, tasks=None):
    """{(task_id, unit_id): self_status} from each unit's latest approved progress report up to `month`.

    One query, whatever the number of tasks, units and months. `tasks` (optional) limits it to
    those tasks (a task's page needs only its own).
    """
    rows = ProgressReport.objects.filter(
        report__plan=plan, report__status=MonthlyReport.Status.APPROVED, report__month__lte=month
    )
    if tasks is not None:
        rows = rows.filter(task__in=[getattr(t, "pk", t) for t in tasks])
    rows = rows.order_by("report__month").values_list("task_id", "report__unit_id", "self_status")
    latest = {}
    for task_id, unit_id, self_status in rows:
        if self_status:
            latest[(task_id, unit_id)] = self_status
    return latest


def units_with_roles(task_assignments):
    """[(unit, role)] of a task's units, groups expanded to their members, in the plan's order,
    and the names of groups without members."""
    units, empty_groups, seen = [], [], set()
    for assignment in task_assignments:
        unit = assignment.unit
        expanded = list(unit.members.all()) if unit.is_group else [unit]
        if unit.is_group and not expanded:
            empty_groups.append(unit.name)
        for member in expanded:
            if member.pk not in seen:
                seen.add(member.pk)
                units.append((member, assignment.role))
    return units, empty_groups


def task_standings(tasks, month, standing_by_target, self_statuses):
    """{task_id: TaskStanding} for tasks prefetched with `targets` and `assignments__unit__members`."""
    result = {}
    for task in tasks:
        target_statuses = [
            standing_by_target[t.pk].status for t in task.targets.all() if t.pk in standing_by_target
        ]
        units, empty_groups = units_with_roles(task.assignments.all())
        assessments = [(role, self_statuses.get((task.pk, u.pk))) for u, role in units]
        result[task.pk] = task_standing(target_statuses, assessments, month, empty_groups)
    return result


def task_statuses(tasks, month, standing_by_target, self_statuses):
    """{task_id: status}: the status `task_standings` gives."""
    return {pk: s.status for pk, s in task_standings(tasks, month, standing_by_target, self_statuses).items()}
