"""Adding and deleting a plan's parts — sections (板块), tasks and targets — and what may not be deleted.

The one write path of the add and delete pages (targets/views/plan_parts.py); editing a part is
targets/plan_authoring.py, whose history helpers this uses. The rules:

- a section with tasks (a task area) or goal targets (a goal group) is not deleted;
- a task or target with reported data — a unit's monthly progress on the task, a figure of the
  target or of one of its district shares — is never deleted, draft or published;
- deleting a task deletes its units (assignments) and its links to targets, not the targets; each
  target it was linked to keeps a version saying so;
- deleting a city target deletes its district shares, each with its own version;
- on a published plan, adding or deleting a part needs a reason (plan_authoring.clean_reason, checked
  by the forms) recorded as the version's change reason, and its stored standings follow
  (plan_authoring.announce_change), all in one transaction.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils.translation import gettext as _

from targets.models import Target, TargetValue
from targets.plan_authoring import REASON_MAX, announce_change, delete_with_history, save_with_history
from tasks.models import ProgressReport, Section, Task

# Recorded on the versions a deletion leaves on other rows when staff gave no reason.
TASK_DELETED_REASON = "删除任务%(number)s"
CITY_DELETED_REASON = "删除全市指标%(code)s"


def section_refusal(section):
    """Why `section` cannot be deleted ('' when it can): it still has tasks or goal targets."""
    problems = []
    tasks = section.tasks.count()
    if tasks:
        problems.append(_("板块“%(section)s”下还有 %(count)s 项任务，不能删除；请先删除这些任务，或把它们改到其他板块。")
                        % {"section": section, "count": tasks})
    targets = section.goal_targets.count()
    if targets:
        problems.append(_("目标组“%(section)s”下还有 %(count)s 项指标，不能删除；请先删除这些指标，或把它们改到其他目标组。")
                        % {"section": section, "count": targets})
    return " ".join(problems)


def task_refusal(task):
    """Why `task` cannot be deleted ('' when it can): a unit has reported progress on it."""
    if ProgressReport.objects.filter(task=task).exists():
        return _("任务 %(number)s 已有单位报送的月度进展，不能删除。") % {"number": task.number}
    return ""


def target_refusal(target):
    """Why `target` cannot be deleted ('' when it can): it or one of its district shares has a figure."""
    if TargetValue.objects.filter(Q(target=target) | Q(target__breakdown_of=target)).exists():
        return _("指标 %(code)s “%(name)s”已有报送的数值，不能删除。") % {"code": target.code, "name": target.name}
    return ""


def _reason_or(reason, default):
    return (reason or default)[:REASON_MAX]


@transaction.atomic
def add_section(section, user, reason=""):
    """Save the new `section` (built and checked by the form) with its first version."""
    save_with_history(section, user, reason)
    announce_change(section.plan)
    return section


@transaction.atomic
def save_section(section, user, reason=""):
    save_with_history(section, user, reason)
    announce_change(section.plan)
    return section


@transaction.atomic
def delete_section(section, user, reason=""):
    """Delete an empty section; ValidationError (nothing deleted) when it still has tasks or targets."""
    section = Section.objects.select_for_update().select_related("plan").get(pk=section.pk)
    problem = section_refusal(section)
    if problem:
        raise ValidationError(problem)
    delete_with_history(section, user, reason)
    announce_change(section.plan)


@transaction.atomic
def add_target(target, tasks, user, reason=""):
    """Save the new `target` (built and checked by the form) linked to `tasks`, last in the plan's order."""
    last = Target.objects.filter(plan=target.plan).order_by("-position").values_list("position", flat=True).first()
    target.position = (last or 0) + 1
    save_with_history(target, user, reason)
    target.tasks.set(tasks)
    announce_change(target.plan)
    return target


@transaction.atomic
def delete_task(task, user, reason=""):
    """Delete `task` with its assignments, unlinking (not deleting) its targets; ValidationError
    (nothing deleted) when a unit has reported progress on it or another record refers to it."""
    task = Task.objects.select_for_update().select_related("plan").get(pk=task.pk)
    problem = task_refusal(task)
    if problem:
        raise ValidationError(problem)
    linked = list(task.targets.all())
    for assignment in task.assignments.all():
        delete_with_history(assignment, user, reason)
    task.targets.clear()
    for target in linked:
        save_with_history(target, user, _reason_or(reason, TASK_DELETED_REASON % {"number": task.number}))
    try:
        delete_with_history(task, user, reason)
    except ProtectedError:
        raise ValidationError(
            _("任务 %(number)s 已被领导批示等记录引用，不能删除。") % {"number": task.number}
        ) from None
    announce_change(task.plan)


@transaction.atomic
def delete_target(target, user, reason=""):
    """Delete `target` and its district shares; ValidationError (nothing deleted) when any of them
    has a reported figure or another record (an urging notice, an instruction) refers to it."""
    target = Target.objects.select_for_update().select_related("plan").get(pk=target.pk)
    problem = target_refusal(target)
    if problem:
        raise ValidationError(problem)
    try:
        for share in target.shares.order_by("code"):
            delete_with_history(share, user, _reason_or(reason, CITY_DELETED_REASON % {"code": target.code}))
        delete_with_history(target, user, reason)
    except ProtectedError:
        raise ValidationError(
            _("指标 %(code)s 已被督办通知或领导批示等记录引用，不能删除。") % {"code": target.code}
        ) from None
    announce_change(target.plan)
