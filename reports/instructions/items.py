"""The item an instruction is on: a task, a target, a coordination matter or an urging notice —
each named by a query parameter of the 批示 link (?task=7, ?target=12, ?matter=40, ?notice=3)."""

from reports.models import LeaderInstruction, UrgingNotice
from targets.models import Target
from tasks.models import Plan, ProgressReport, Task

ITEM_FIELDS = LeaderInstruction.ITEM_FIELDS


def item_querysets(plan):
    """What may be instructed on, per field, in `plan`: an open coordination matter only once approved
    or submitted is beside the point — any matter a unit flagged 需市级协调 may be instructed on."""
    return {
        "task": Task.objects.filter(plan=plan).order_by("number"),
        "target": Target.objects.filter(plan=plan).order_by("code"),
        "matter": ProgressReport.objects.filter(report__plan=plan, needs_coordination=True)
        .select_related("report__unit", "task"),
        "notice": UrgingNotice.objects.filter(plan=plan).select_related("plan", "unit"),
    }


def plan_of_link(params):
    """The plan of the item the link names, or the current plan (an unknown item: the current plan,
    and the form then says the item is not valid)."""
    lookups = {
        "task": (Task.objects, "pk"), "target": (Target.objects, "pk"),
        "matter": (ProgressReport.objects, "pk"), "notice": (UrgingNotice.objects, "pk"),
    }
    for field, (manager, key) in lookups.items():
        value = params.get(field, "")
        if value.isdigit():
            row = manager.filter(**{key: int(value)}).values_list(
                "report__plan_id" if field == "matter" else "plan_id", flat=True).first()
            if row is not None:
                return Plan.objects.get(pk=row)
    return Plan.current()


def plan_of(field, item):
    return item.report.plan if field == "matter" else item.plan


def default_units(field, item):
    """The units an instruction on `item` goes to unless the writer changes them: a task's lead
    units (a group such as 各区人民政府 is not a unit that replies), a target's reporting unit, the
    unit that raised the matter, the unit the notice was sent to."""
    if field == "task":
        return [a.unit for a in item.assignments.select_related("unit") if a.role == a.Role.LEAD
                and not a.unit.is_group]
    if field == "target":
        return [item.reporting_unit] if item.reporting_unit_id else []
    if field == "matter":
        return [item.report.unit]
    return [item.unit]
