"""Adding, editing and deleting a plan's sections, and adding and deleting its tasks and targets
(bureau staff), under /plans/<plan>/. Saving goes through targets.plan_structure (and
targets.plan_authoring for a task, whose units it sets); editing a task or target is
targets/views/plans.py.

A deletion asks for confirmation on a page saying what goes with it; the POST deletes. On a
published plan each change needs a reason (the forms' 修改原因), recorded in the history. What
the rules refuse — a section still in use, a task or target with reported data — is said on the
page, with a 400 to a POST, and nothing is changed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from targets import plan_authoring, plan_structure
from targets.models import Target
from targets.plan_forms import DeleteForm, SectionForm, TargetAddForm, TaskForm
from targets.views.plans import edit_page, staff_plan
from tasks.models import Section, Task

CHINESE_DIGITS = "零一二三四五六七八九"


def numeral(number):
    """The numeral of a section: 1 → （一）, 10 → （十）, 12 → （十二）; beyond 99 the digits."""
    if not 1 <= number <= 99:
        return f"（{number}）"
    tens, ones = divmod(number, 10)
    words = (CHINESE_DIGITS[tens] if tens > 1 else "") + ("十" if tens else "") + (CHINESE_DIGITS[ones] if ones else "")
    return f"（{words}）"


def _posted(request):
    """The POST data to bind a form to — an empty POST too (a deletion's confirmation has no field)."""
    return request.POST if request.method == "POST" else None


def _delete_page(request, plan, *, heading, consequences, refusal, delete, done):
    """The shared deletion flow: GET shows what goes and asks; POST deletes through `delete(reason)`,
    or says why not (`refusal`, or the ValidationError the service raised) with a 400."""
    form = DeleteForm(_posted(request), plan=plan)
    status = 200
    if request.method == "POST":
        if refusal:
            status = 400
        elif form.is_valid():
            try:
                delete(form.cleaned_data["reason"])
            except ValidationError as error:
                refusal, status = " ".join(error.messages), 400
            else:
                messages.success(request, done)
                return redirect("plans:detail", plan.code)
    context = {"plan": plan, "form": form, "heading": heading, "consequences": consequences, "refusal": refusal}
    return render(request, "plans/part_delete.html", context, status=status)


# Sections


def _section(plan, section_kind, number):
    return get_object_or_404(Section.objects.select_related("plan"), plan=plan, kind=section_kind, number=number)


@login_required
@require_http_methods(["GET", "POST"])
def section_add(request, plan_code):
    plan = staff_plan(request, plan_code)
    kind = request.GET.get("kind") if request.GET.get("kind") in Section.Kind.values else Section.Kind.TASK_AREA
    last = plan.sections.filter(kind=kind).aggregate(last=Max("number"))["last"] or 0
    initial = {"kind": kind, "number": last + 1, "numeral": numeral(last + 1)}
    form = SectionForm(_posted(request), instance=Section(plan=plan), initial=initial)

    def save(form):
        plan_structure.add_section(form.save(commit=False), request.user, form.cleaned_data["reason"])

    return edit_page(request, plan, form, save, _("新增板块"))


@login_required
@require_http_methods(["GET", "POST"])
def section_edit(request, plan_code, section_kind, number):
    plan = staff_plan(request, plan_code)
    section = _section(plan, section_kind, number)
    form = SectionForm(_posted(request), instance=section)

    def save(form):
        plan_structure.save_section(form.save(commit=False), request.user, form.cleaned_data["reason"])

    heading = _("修改板块 %(section)s") % {"section": section}
    delete_url = reverse("plans:section_delete", args=[plan.code, section.kind, section.number])
    return edit_page(request, plan, form, save, heading, delete_url=delete_url)


@login_required
@require_http_methods(["GET", "POST"])
def section_delete(request, plan_code, section_kind, number):
    plan = staff_plan(request, plan_code)
    section = _section(plan, section_kind, number)
    return _delete_page(
        request, plan, heading=_("删除板块 %(section)s") % {"section": section}, consequences=[],
        refusal=plan_structure.section_refusal(section),
        delete=lambda reason: plan_structure.delete_section(section, request.user, reason),
        done=_("已删除板块 %(section)s。") % {"section": section},
    )


# Tasks


@login_required
@require_http_methods(["GET", "POST"])
def task_add(request, plan_code):
    plan = staff_plan(request, plan_code)
    last = plan.tasks.aggregate(last=Max("number"))["last"] or 0
    form = TaskForm(_posted(request), instance=Task(plan=plan), initial={"number": last + 1})

    def save(form):
        data = form.cleaned_data
        plan_authoring.save_task(
            form.save(commit=False), lead_units=data["lead_units"], responsible_units=data["responsible_units"],
            user=request.user, reason=data["reason"],
        )

    return edit_page(request, plan, form, save, _("新增任务"), "plans/task_form.html")


@login_required
@require_http_methods(["GET", "POST"])
def task_delete(request, plan_code, number):
    plan = staff_plan(request, plan_code)
    task = get_object_or_404(Task.objects.select_related("plan"), plan=plan, number=number)
    units = [a.unit.name for a in task.assignments.select_related("unit")]
    codes = list(task.targets.order_by("position", "code").values_list("code", flat=True))
    consequences = []
    if units:
        consequences.append(_("同时删除该任务的 %(count)s 个牵头、责任单位分工：%(units)s。") % {
            "count": len(units), "units": "、".join(units)})
    if codes:
        consequences.append(_("解除该任务与指标 %(codes)s 的关联；这些指标保留。") % {"codes": "、".join(codes)})
    return _delete_page(
        request, plan, heading=_("删除任务 %(task)s") % {"task": task}, consequences=consequences,
        refusal=plan_structure.task_refusal(task),
        delete=lambda reason: plan_structure.delete_task(task, request.user, reason),
        done=_("已删除任务 %(number)s。") % {"number": task.number},
    )


# Targets


@login_required
@require_http_methods(["GET", "POST"])
def target_add(request, plan_code):
    plan = staff_plan(request, plan_code)
    form = TargetAddForm(_posted(request), instance=Target(plan=plan))

    def save(form):
        data = form.cleaned_data
        plan_structure.add_target(form.save(commit=False), data["tasks"], request.user, data["reason"])

    return edit_page(request, plan, form, save, _("新增指标"))


@login_required
@require_http_methods(["GET", "POST"])
def target_delete(request, plan_code, target_code):
    plan = staff_plan(request, plan_code)
    target = get_object_or_404(Target.objects.select_related("plan"), plan=plan, code=target_code)
    shares = list(target.shares.order_by("code").values_list("code", flat=True))
    consequences = []
    if shares:
        consequences.append(_("同时删除该指标的 %(count)s 个分区指标：%(codes)s。") % {
            "count": len(shares), "codes": "、".join(shares)})
    return _delete_page(
        request, plan, heading=_("删除指标 %(code)s %(name)s") % {"code": target.code, "name": target.name},
        consequences=consequences, refusal=plan_structure.target_refusal(target),
        delete=lambda reason: plan_structure.delete_target(target, request.user, reason),
        done=_("已删除指标 %(code)s。") % {"code": target.code},
    )
