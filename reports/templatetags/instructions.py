"""Leaders' instructions where their item is shown: the task page, the target page, a notice's page,
and the liaison's home. Those pages belong to lower layers (targets, reporting) that may not import
reports; they load these tags, which read the instructions through
LeaderInstruction.objects.for_user — one query each.
"""

from django import template
from django.db.models import Q

from reports.instructions.access import can_write
from reports.models import LeaderInstruction

register = template.Library()


def _open_for(user):
    return LeaderInstruction.objects.for_user(user).open().select_related("leader").order_by("-instructed_on", "-pk")


@register.inclusion_tag("instructions/_open_instructions.html", takes_context=True)
def open_instructions(context, task=None, target=None, notice=None):
    """The open instructions on the item the page shows (a task's include those on its coordination
    matters) and, for a leader or staff, the 批示 link with the item preselected."""
    user = context["request"].user
    if task is not None:
        on_item, link = Q(task=task) | Q(matter__task=task), f"task={task.pk}"
    elif target is not None:
        on_item, link = Q(target=target), f"target={target.pk}"
    else:
        on_item, link = Q(notice=notice), f"notice={notice.pk}"
    return {"instructions": list(_open_for(user).filter(on_item)), "link": link if can_write(user) else ""}


@register.inclusion_tag("instructions/_unit_instructions.html", takes_context=True)
def unit_instructions(context, unit):
    """The open instructions assigned to `unit` that the viewer may see."""
    user = context["request"].user
    return {"instructions": list(_open_for(user).filter(assignments__unit=unit))}

