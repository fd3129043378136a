"""Staff's POSTs on a target's page about its earlier years: choose its counterpart in the previous
year's plan (targets/counterpart.py), adopt the monthly profile learned from those years or return
to even pace (targets/profile_adoption.py). A refused form is shown again on the page, with its
error, and nothing is saved."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from targets.asof import as_of_month
from targets.counterpart import set_counterpart
from targets.earlier_years import earlier_years
from targets.learned_profile import learned_profile
from targets.profile_adoption import adopt_profile, revert_to_even_pace
from targets.views.target_years import adopt_form, counterpart_form, revert_form
from targets.views.targets import _detail_page, _target_for
from units.access import require_staff


def _refused(request, plan, target, key, form):
    target.refresh_from_db()
    return _detail_page(request, plan, target, as_of_month(request, plan), status=400, earlier_forms={key: form})


def _years(request, target):
    return earlier_years(target, request.user, getattr(request, "published_plans", None))


@login_required
@require_POST
def target_counterpart(request, pk):
    require_staff(request.user)
    plan, target = _target_for(request, pk)
    years = _years(request, target)
    if years.previous_plan is None:
        messages.error(request, _("没有上一年度已发布的工作要点，无需指定上年对应指标。"))
        return redirect("targets:detail", pk=target.pk)
    form = counterpart_form(target, years, request.POST)
    if form.is_valid() and set_counterpart(target.pk, form):
        messages.success(request, _("已保存上年对应指标。"))
        return redirect("targets:detail", pk=target.pk)
    return _refused(request, plan, target, "counterpart", form)


@login_required
@require_POST
def target_adopt_profile(request, pk):
    require_staff(request.user)
    plan, target = _target_for(request, pk)
    profile = learned_profile(target, _years(request, target).years)
    form = adopt_form(target, profile, request.POST)
    if form.is_valid() and adopt_profile(target.pk, form):
        messages.success(
            request, _("已采用%(source)s的月度曲线，预期进度、状态与预计已重新计算。") % {"source": profile.source_text}
        )
        return redirect("targets:detail", pk=target.pk)
    return _refused(request, plan, target, "adopt", form)


@login_required
@require_POST
def target_revert_profile(request, pk):
    require_staff(request.user)
    plan, target = _target_for(request, pk)
    form = revert_form(target, request.POST)
    if form.is_valid() and revert_to_even_pace(target.pk, form):
        messages.success(request, _("预期进度已恢复按时间均匀推进，状态与预计已重新计算。"))
        return redirect("targets:detail", pk=target.pk)
    return _refused(request, plan, target, "revert", form)
