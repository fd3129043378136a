"""Filing a month in one sitting: how far a unit's report is (tasks and figures filled), the state of
each task, and where "保存并填写下一项" goes next — the next task still missing its progress, then the
values page while figures are missing, then the report page where it is submitted.

Which task needs 存在问题 is `reporting.services.tasks_with_targets_behind`'s rule (the one the save
enforces); this module only collects it for the pages.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext as _

from reporting import services
from tasks.reporting import targets_for_unit, tasks_for_unit


@dataclass
class ReportProgress:
    report: object
    tasks: list = field(default_factory=list)  # [{"task", "done", "needs_problems"}] in the plan's order
    values_done: int = 0
    values_total: int = 0

    @property
    def tasks_done(self):
        return sum(1 for row in self.tasks if row["done"])

    @property
    def tasks_total(self):
        return len(self.tasks)

    @property
    def values_missing(self):
        return self.values_done < self.values_total

    @property
    def complete(self):
        return self.tasks_done == self.tasks_total and not self.values_missing

    @property
    def summary(self):
        return _("已填写 %(done)d/%(total)d 项任务进展，指标 %(vdone)d/%(vtotal)d 项") % {
            "done": self.tasks_done, "total": self.tasks_total, "vdone": self.values_done, "vtotal": self.values_total,
        }

    def next_missing_task(self, after=None):
        """The first task without progress after task `after` (a Task), going round to the start."""
        rows = self.tasks
        if after is not None:
            index = next((i for i, row in enumerate(rows) if row["task"].pk == after.pk), -1)
            rows = rows[index + 1:] + rows[: index + 1]
        return next((row["task"] for row in rows if not row["done"]), None)


def report_progress(report):
    """The ReportProgress of `report` (saved or not yet: then nothing is filled). Five queries."""
    tasks = list(tasks_for_unit(report.plan, report.unit))
    targets = list(targets_for_unit(report.plan, report.unit, report.month).values_list("pk", flat=True))
    if report.pk:
        progressed = set(report.progress.values_list("task_id", flat=True))
        valued = set(report.values.values_list("target_id", flat=True))
        behind = services.tasks_with_targets_behind(report)
    else:
        progressed, valued, behind = set(), set(), set()
    rows = [{"task": t, "done": t.pk in progressed, "needs_problems": t.pk in behind} for t in tasks]
    return ReportProgress(report, rows, sum(1 for pk in targets if pk in valued), len(targets))


def next_step(progress, after_task=None):
    """(url, label) of what the unit does next after saving: a task, the values, or submitting."""
    report = progress.report
    task = progress.next_missing_task(after_task)
    if task is not None:
        return (reverse("reporting:progress", args=[report.pk, task.number]),
                _("填写下一项：任务 %(n)d") % {"n": task.number})
    if progress.values_missing:
        return reverse("reporting:values", args=[report.pk]), _("填写指标数值")
    return reverse("reporting:report", args=[report.pk]), _("核对并报送")


# A message that links to the next step. Messages are escaped text; the link travels in the
# message's extra tags and base.html renders it (templatetags/next_step.py), never as marked-safe HTML.

NEXT_STEP_TAG = "next-step"


def message_with_link(request, level, text, url, label):
    messages.add_message(request, level, text, extra_tags=f"{NEXT_STEP_TAG}|{url}|{label}")


def link_of(message):
    """{"url", "label"} of a message added by `message_with_link`, else None."""
    parts = (getattr(message, "extra_tags", "") or "").split("|", 2)
    if len(parts) == 3 and parts[0] == NEXT_STEP_TAG and parts[1].startswith("/"):
        return {"url": parts[1], "label": parts[2]}
    return None
