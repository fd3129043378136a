"""The instruction pages (/reports/instructions/): the list for staff and leaders, the form a leader
(or staff on a leader's behalf) writes one with, and an instruction's page, where each assigned
unit's liaison replies and staff or the leader close it. Another unit's instruction is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2 import RequestConfig

from reports.instructions import access, workflow
from reports.instructions.forms import CloseForm, InstructionForm, ReplyForm
from reports.instructions.items import ITEM_FIELDS, default_units, plan_of_link
from reports.instructions.tables import LIST_RELATED, InstructionFilterSet, InstructionTable
from reports.models import LeaderInstruction
from reports.steps import take_step
from tasks.calendar import local_today
from units.access import get_object_for_user, is_staff, reads_everything, require_role

PAGE_SIZE = 50


def _instruction_for_user(user, pk):
    require_role(user)
    queryset = LeaderInstruction.objects.select_related(*LIST_RELATED, "closed_by", "recorded_by")
    return get_object_for_user(queryset, user, pk=pk)


def _assignments(instruction):
    return list(instruction.assignments.select_related("unit", "replied_by"))


@login_required
@require_GET
def instruction_list(request):
    if not reads_everything(request.user):
        raise PermissionDenied
    rows = LeaderInstruction.objects.select_related(*LIST_RELATED).prefetch_related("assignments__unit")
    filterset = InstructionFilterSet(request.GET, queryset=rows)
    table = InstructionTable(filterset.qs if filterset.is_valid() else rows.none())
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    return render(request, "instructions/list.html", {"filterset": filterset, "table": table})


def _initial(params, form):
    """The form's first values: today, and the item the link names with the units it goes to."""
    initial = {"instructed_on": local_today()}
    for field in ITEM_FIELDS:
        value = params.get(field, "")
        item = form.fields[field].queryset.filter(pk=value).first() if value.isdigit() else None
        if item is not None:
            initial.update({field: item, "units": default_units(field, item)})
            return initial, field, item
    return initial, None, None


@login_required
@require_http_methods(["GET", "POST"])
def instruction_new(request):
    if not access.can_write(request.user):
        raise PermissionDenied
    plan, on_behalf = plan_of_link(request.GET), is_staff(request.user)
    form = InstructionForm(request.POST or None, plan=plan, on_behalf=on_behalf)
    initial, field, item = _initial(request.GET, form)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        instruction = workflow.write(data.get("leader") or request.user, data["item_field"], data["item"],
                                     data["units"], data["text"], data["instructed_on"], request.user)
        messages.success(request, _("批示已交办。"))
        return redirect("instructions:detail", instruction.pk)
    if request.method == "GET":
        form = InstructionForm(initial=initial, plan=plan, on_behalf=on_behalf)
    status = 400 if request.method == "POST" else 200
    return render(request, "instructions/form.html", {"form": form, "item_field": field, "item": item,
                                                      "plan": plan}, status=status)


def _page(request, instruction, status=200, **forms):
    user, assignments = request.user, _assignments(instruction)
    own = access.assignment_of(user, assignments)
    forms.setdefault("reply_form", ReplyForm(initial={"version": own.version, "reply": own.reply} if own else None))
    forms.setdefault("close_form", CloseForm(initial={"version": instruction.version}))
    context = {
        "instruction": instruction, "assignments": assignments, "own": own, **forms,
        "can_reply": access.can_reply(user, instruction, assignments), "can_close": access.can_close(user, instruction),
        "history": instruction.history.select_related("history_user").order_by("-history_date", "-history_id"),
    }
    return render(request, "instructions/detail.html", context, status=status)


@login_required
@require_GET
def instruction_detail(request, pk):
    return _page(request, _instruction_for_user(request.user, pk))


def _take_step(request, instruction, form, form_name, step, done_message):
    return take_step(request, instruction, form, form_name, step, done_message, _page, "instructions:detail")


@login_required
@require_POST
def reply(request, pk):
    instruction = _instruction_for_user(request.user, pk)
    own = access.assignment_of(request.user, _assignments(instruction))
    if own is None:
        raise PermissionDenied
    return _take_step(request, instruction, ReplyForm(request.POST), "reply_form",
                      lambda data: workflow.reply(own, request.user, data["reply"], data["version"]),
                      _("办理情况已提交。"))


@login_required
@require_POST
def close(request, pk):
    instruction = _instruction_for_user(request.user, pk)
    if not access.may_close(request.user, instruction):
        raise PermissionDenied
    return _take_step(request, instruction, CloseForm(request.POST), "close_form",
                      lambda data: workflow.close(instruction, request.user, data["note"], data["version"]),
                      _("批示已办结。"))
