"""The plan authoring pages (bureau staff): the plans, copying one into next year's draft, editing its
header, tasks and targets, and publishing it. Saving goes through targets.plan_authoring; adding and
deleting a section, task or target is targets/views/plan_parts.py.

They live in targets/ — the lowest layer that sees both a plan's tasks (tasks/) and its targets.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from targets import plan_authoring
from targets.models import Target
from targets.plan_forms import PlanCopyForm, PlanHeaderForm, TargetForm, TaskForm
from targets.tables.plans import PlanChangeTable, PlanTable, PlanTargetTable, PlanTaskTable
from tasks.models import Plan, Section, Task, TaskAssignment
from units.access import require_staff

CHANGES_SHOWN = 50
CHANGE_KINDS = {"+": gettext_lazy("新增"), "~": gettext_lazy("修改"), "-": gettext_lazy("删除")}


def staff_plan(request, plan_code):
    require_staff(request.user)
    return get_object_or_404(Plan, code=plan_code)


def _changes(plan):
    """The latest versions of the plan's header, sections, tasks, their units and targets, newest first
(a deleted part's too: the tasks are those the plan ever had)."""
    task_ids = Task.history.filter(plan_id=plan.pk).values("id")
    parts = [
        (plan.history.select_related("history_user"), lambda h: _("工作要点“%(title)s”") % {"title": h.title}),
        (Section.history.filter(plan_id=plan.pk).select_related("history_user"),
         lambda h: _("板块 %(numeral)s%(title)s（%(kind)s）") % {
             "numeral": h.numeral, "title": h.title, "kind": h.get_kind_display()}),
        (Task.history.filter(plan_id=plan.pk).select_related("history_user"),
         lambda h: _("任务 %(number)s. %(title)s") % {"number": h.number, "title": h.title}),
        (TaskAssignment.history.filter(task_id__in=task_ids).select_related("history_user", "unit"),
         lambda h: _("任务分工：%(unit)s（%(role)s）") % {"unit": h.unit, "role": h.get_role_display()}),
        (Target.history.filter(plan_id=plan.pk).select_related("history_user"),
         lambda h: _("指标 %(code)s %(name)s") % {"code": h.code, "name": h.name}),
    ]
    rows = []
    for queryset, describe in parts:
        for record in queryset.order_by("-history_date")[:CHANGES_SHOWN]:
            record.part = f"{describe(record)} · {CHANGE_KINDS[record.history_type]}"
            rows.append(record)
    rows.sort(key=lambda r: r.history_date, reverse=True)
    return rows[:CHANGES_SHOWN]


@login_required
@require_GET
def plan_list(request):
    require_staff(request.user)
    return render(request, "plans/plan_list.html", {"table": PlanTable(Plan.objects.order_by("-year", "code"))})


@login_required
@require_http_methods(["GET", "POST"])
def plan_copy(request):
    require_staff(request.user)
    latest = Plan.current()
    initial = {"source": latest, "year": latest.year + 1} if latest else {}
    form = PlanCopyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = plan_authoring.copy_plan(
            data["source"], year=data["year"], code=data["code"], title=data["title"],
            document_number=data["document_number"], issuer=data["issuer"], user=request.user,
        )
        messages.success(request, _("已复制为草稿“%(title)s”，请逐项修改后发布。") % {"title": plan.title})
        return redirect("plans:detail", plan.code)
    return render(request, "plans/plan_copy.html", {"form": form})


@login_required
@require_GET
def plan_detail(request, plan_code):
    plan = staff_plan(request, plan_code)
    tasks = plan.tasks.select_related("section", "plan").prefetch_related("assignments__unit")
    targets = plan.targets.select_related("reporting_unit", "plan")
    sections = plan.sections.annotate(
        task_count=Count("tasks", distinct=True), target_count=Count("goal_targets", distinct=True)
    ).order_by("kind", "number")
    context = {
        "plan": plan,
        "sections": sections,
        "tasks": PlanTaskTable(tasks, prefix="t-"),
        "targets": PlanTargetTable(targets, prefix="g-"),
        "changes": PlanChangeTable(_changes(plan), prefix="h-"),
    }
    return render(request, "plans/plan_detail.html", context)


def edit_page(request, plan, form, save, heading, template="plans/plan_part_form.html", delete_url=None):
    """The shared edit (and add) flow: show the form, or save through `save(form)` and go back to the plan."""
    if request.method == "POST" and form.is_valid():
        save(form)
        messages.success(request, _("已保存。"))
        return redirect("plans:detail", form.plan.code)
    context = {"plan": plan, "form": form, "heading": heading, "delete_url": delete_url}
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, plan_code):
    plan = staff_plan(request, plan_code)
    form = PlanHeaderForm(request.POST or None, instance=plan)

    def save(form):
        plan_authoring.save_plan_header(form.save(commit=False), request.user, form.cleaned_data["reason"])

    return edit_page(request, plan, form, save, _("修改工作要点"))


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request, plan_code, number):
    plan = staff_plan(request, plan_code)
    task = get_object_or_404(Task.objects.select_related("plan"), plan=plan, number=number)
    form = TaskForm(request.POST or None, instance=task)

    def save(form):
        data = form.cleaned_data
        plan_authoring.save_task(
            form.save(commit=False), lead_units=data["lead_units"], responsible_units=data["responsible_units"],
            user=request.user, reason=data["reason"],
        )

    heading = _("修改任务 %(number)s") % {"number": task.number}
    delete_url = reverse("plans:task_delete", args=[plan.code, task.number])
    return edit_page(request, plan, form, save, heading, "plans/task_form.html", delete_url)


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request, plan_code, target_code):
    plan = staff_plan(request, plan_code)
    target = get_object_or_404(Target.objects.select_related("plan"), plan=plan, code=target_code)
    form = TargetForm(request.POST or None, instance=target)

    def save(form):
        plan_authoring.save_target(
            form.save(commit=False), request.user, form.cleaned_data["reason"], tasks=form.cleaned_data.get("tasks"),
        )

    heading = _("修改指标 %(code)s") % {"code": target.code}
    delete_url = reverse("plans:target_delete", args=[plan.code, target.code])
    return edit_page(request, plan, form, save, heading, delete_url=delete_url)


@login_required
@require_http_methods(["GET", "POST"])
def plan_publish(request, plan_code):
    """GET asks for confirmation; POST publishes."""
    plan = staff_plan(request, plan_code)
    if plan.is_published:
        messages.info(request, _("该工作要点已发布。"))
        return redirect("plans:detail", plan.code)
    if request.method == "POST":
        try:
            plan_authoring.publish_plan(plan, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("plans:detail", plan.code)
        messages.success(request, _("“%(title)s”已发布，可以开始报送。") % {"title": plan.title})
        return redirect("plans:detail", plan.code)
    context = {"plan": plan, "task_count": plan.tasks.count(), "target_count": plan.targets.count()}
    return render(request, "plans/plan_publish.html", context)
