"""Authoring a plan in the app: copy last year's, edit its parts, publish it — the one write path.

Every save keeps a django-simple-history version with its user; a change to a published plan's
structure needs a reason, stored as the version's change reason. A published plan's stored
standings are recomputed in the same transaction (tasks.signals.plan_data_changed); a draft has
none until it is published. This lives in targets/ because a plan's parts include its targets.
Adding and deleting a section, task or target is targets/plan_structure.py, on these helpers.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from targets.models import Target
from tasks.models import Plan, Section, Task, TaskAssignment
from tasks.signals import plan_data_changed

REASON_MAX = 100  # django-simple-history's history_change_reason column
PUBLISHED_REASON = "发布"
COPIED_REASON = "复制自%(code)s"

# What a copied target carries forward; the year's own figures (年初基数, profile) are set anew.
TARGET_COPIED_FIELDS = (
    "code", "name", "value", "unit_of_measure", "comparison", "comparison_wording", "kind",
    "source_text", "position", "frequency", "frequency_reason", "reporting_unit_id", "share_rule",
)


def save_with_history(obj, user, reason=""):
    """Save `obj` with a django-simple-history version carrying `user` and `reason`."""
    obj._history_user = user
    if reason:
        obj._change_reason = reason
    obj.save()


def delete_with_history(obj, user, reason=""):
    """Delete `obj`, its django-simple-history version (type '-') carrying `user` and `reason`."""
    obj._history_user = user
    if reason:
        obj._change_reason = reason
    obj.delete()


def reason_needed(plan):
    """Whether a change to the plan's structure must say why: only once it is published."""
    return plan.is_published


def clean_reason(plan, reason):
    """The reason to record (required for a published plan), or raise a ValidationError on `reason`."""
    reason = (reason or "").strip()
    if reason_needed(plan) and not reason:
        raise ValidationError({"reason": _("已发布的工作要点修改结构须填写修改原因。")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("修改原因不能超过 %(max)s 个字。") % {"max": REASON_MAX}})
    return reason


def announce_change(plan):
    """A published plan's stored standings follow the change, in the same transaction."""
    if plan.is_published:
        plan_data_changed.send(sender=None, plan=plan)


@transaction.atomic
def copy_plan(source, *, year, code, title, document_number="", issuer="", user):
    """A draft plan for `year` with `source`'s sections, tasks and their units, and targets."""
    reason = COPIED_REASON % {"code": source.code}
    plan = Plan(year=year, code=code, title=title, document_number=document_number,
                issuer=issuer or source.issuer, state=Plan.State.DRAFT)
    save_with_history(plan, user, reason)
    sections = {}
    for section in source.sections.order_by("kind", "number"):
        copy = Section(plan=plan, kind=section.kind, number=section.number, numeral=section.numeral,
                       title=section.title)
        save_with_history(copy, user, reason)
        sections[section.pk] = copy
    tasks = {}
    for task in source.tasks.prefetch_related("assignments").order_by("number"):
        copy = Task(plan=plan, section=sections[task.section_id], number=task.number, title=task.title,
                    text=task.text)
        save_with_history(copy, user, reason)
        tasks[task.pk] = copy
        for assignment in task.assignments.all():
            save_with_history(TaskAssignment(task=copy, unit_id=assignment.unit_id, role=assignment.role,
                                 position=assignment.position), user, reason)
    # City targets before their district shares, so that each share points at its city's copy.
    copies = {}
    ordered = source.targets.prefetch_related("tasks").order_by(
        F("breakdown_of").asc(nulls_first=True), "position", "code"
    )
    for target in ordered:
        copy = Target(plan=plan, **{field: getattr(target, field) for field in TARGET_COPIED_FIELDS})
        copy.goal_section = sections.get(target.goal_section_id)
        copy.breakdown_of = copies.get(target.breakdown_of_id)
        save_with_history(copy, user, reason)
        copies[target.pk] = copy
        copy.tasks.set([tasks[task.pk] for task in target.tasks.all()])
    return plan


@transaction.atomic
def publish_plan(plan, user):
    """Publish a draft: from now on it takes reports and the dashboard may show it."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_published:
        return plan
    if plan.tasks.exclude(assignments__role=TaskAssignment.Role.LEAD).exists():
        raise ValidationError(_("每项任务至少须有一个牵头单位，才能发布。"))
    plan.state = Plan.State.PUBLISHED
    save_with_history(plan, user, PUBLISHED_REASON)
    announce_change(plan)
    return plan


@transaction.atomic
def save_plan_header(plan, user, reason=""):
    """The header (year, code, title, document number …) as the form set it on `plan`."""
    save_with_history(plan, user, reason)
    announce_change(plan)
    return plan


def _set_assignments(task, wanted, user, reason):
    """Make the task's assignments `wanted` ({role: [unit, …]}): removals first, so that a unit moved
    from one role to the other leaves its old row before the new one is written."""
    keep = {(unit.pk, role) for role, units in wanted.items() for unit in units}
    existing = {}
    for assignment in task.assignments.all():
        if (assignment.unit_id, assignment.role) in keep:
            existing[(assignment.unit_id, assignment.role)] = assignment
        else:
            delete_with_history(assignment, user, reason)
    for role, units in wanted.items():
        for position, unit in enumerate(units, start=1):
            assignment = existing.get((unit.pk, role))
            if assignment is None:
                save_with_history(TaskAssignment(task=task, unit=unit, role=role, position=position), user, reason)
            elif assignment.position != position:
                assignment.position = position
                save_with_history(assignment, user, reason)


@transaction.atomic
def save_task(task, *, lead_units, responsible_units, user, reason=""):
    """The task as the form set it, with its lead and responsible units in the order given."""
    save_with_history(task, user, reason)
    wanted = {TaskAssignment.Role.LEAD: list(lead_units), TaskAssignment.Role.RESPONSIBLE: list(responsible_units)}
    _set_assignments(task, wanted, user, reason)
    announce_change(task.plan)
    return task


@transaction.atomic
def save_target(target, user, reason="", tasks=None):
    """The target as the form set it; with `tasks`, linked to exactly those of its plan's tasks."""
    save_with_history(target, user, reason)
    if tasks is not None:
        target.tasks.set(tasks)
    announce_change(target.plan)
    return target
