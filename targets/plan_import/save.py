"""Step 3 of an import: the checked plan saved as a draft, in one transaction, with its history.

The rows kept from the preview are checked again (a plan for the year may have been made since),
then the plan, its sections, tasks with their lead and responsible units, and targets are saved
through plan_authoring's save (each row a django-simple-history version with the user and the
reason). A draft has no stored standings until it is published, so none is written here.
"""

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from targets.plan_authoring import save_with_history
from targets.plan_import.check import check_plan_rows
from targets.plan_import.errors import ImportRejected, PlanImportError
from tasks.models import TaskAssignment

IMPORTED_REASON = "从Excel导入"


def save_plan_import(parsed, user):
    """The new draft plan the rows describe, or ImportRejected (nothing saved)."""
    try:
        with transaction.atomic():
            checked = check_plan_rows(parsed)
            plan = checked.plan
            save_with_history(plan, user, IMPORTED_REASON)
            # The rows were built around the unsaved plan and sections: Django fills in each
            # foreign key's id from its object, saved by then, when the row is saved.
            for section in checked.sections:
                save_with_history(section, user, IMPORTED_REASON)
            tasks = {}
            for row in checked.tasks:
                task = row.task
                save_with_history(task, user, IMPORTED_REASON)
                tasks[task.number] = task
                for role, units in ((TaskAssignment.Role.LEAD, row.lead_units),
                                    (TaskAssignment.Role.RESPONSIBLE, row.responsible_units)):
                    for position, unit in enumerate(units, start=1):
                        save_with_history(TaskAssignment(task=task, unit=unit, role=role, position=position), user, IMPORTED_REASON)
            for row in checked.targets:
                target = row.target
                save_with_history(target, user, IMPORTED_REASON)
                target.tasks.set([tasks[number] for number in row.task_numbers])
    except IntegrityError:
        # Another import of the same code won the race between our check and our save.
        with translation.override("zh-hans"):
            raise ImportRejected([PlanImportError(_("保存时发现同一代码的工作要点已存在，请刷新后重试。"))]) from None
    return plan
