"""The notice pages (/reports/supervision/): the list for staff and leaders, a notice's page for its
unit's liaison (sign for it, reply) and for staff (close, escalate). Another unit's notice is a 404."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig

from reports.models import UrgingNotice
from reports.steps import take_step
from reports.supervision import access, ladder, workflow
from reports.supervision.filtersets import NoticeFilterSet
from reports.supervision.forms import CloseForm, ReplyForm, StepForm
from reports.supervision.messages import copies_of
from reports.supervision.tables import NoticeTable
from reports.tasks import enqueue_delivery
from tasks.reporting import local_today
from units.access import get_object_for_user, is_staff, reads_everything, require_role

PAGE_SIZE = 50


def _notice_for_user(user, pk):
    """The notice if `user` may see it (else 404): (notice, whether they answer for its unit)."""
    require_role(user)
    queryset = UrgingNotice.objects.select_related("plan", "unit", "target", "signed_by", "replied_by", "closed_by")
    notice = get_object_for_user(queryset, user, pk=pk)
    return notice, access.answers_for_unit(user, notice)


def _notice_for_step(user, pk, allowed):
    """The notice for a step `user` must be allowed (access.answers_for_unit or is_staff), else 403."""
    notice, _answers = _notice_for_user(user, pk)
    if not allowed(user, notice):
        raise PermissionDenied
    return notice


def _page(request, notice, status=200, **forms):
    user = request.user
    forms.setdefault("reply_form", ReplyForm(notice=notice, initial={
        "version": notice.version, "reply": notice.reply, "promised_on": notice.promised_on}))
    forms.setdefault("close_form", CloseForm(initial={"version": notice.version}))
    context = {
        "notice": notice, **forms, "can_sign": access.can_sign(user, notice), "can_reply": access.can_reply(user, notice),
        "can_close": access.can_close(user, notice), "can_escalate": access.can_escalate(user, notice),
        "history": notice.history.select_related("history_user").order_by("-history_date", "-history_id"),
        "copies": copies_of(notice),
    }
    return render(request, "supervision/detail.html", context, status=status)


@login_required
@require_GET
def notice_list(request):
    if not reads_everything(request.user):
        raise PermissionDenied
    rows = UrgingNotice.objects.select_related("plan", "unit", "target")
    filterset = NoticeFilterSet(request.GET, queryset=rows)
    table = NoticeTable(filterset.qs if filterset.is_valid() else rows.none())
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    return render(request, "supervision/list.html", {"filterset": filterset, "table": table})


@login_required
@require_GET
def notice_detail(request, pk):
    notice, _answers = _notice_for_user(request.user, pk)
    return _page(request, notice)


def _take_step(request, notice, form, step, done_message):
    return take_step(request, notice, form, form.form_name, step, done_message, _page, "supervision:detail")


@login_required
@require_POST
def sign(request, pk):
    notice = _notice_for_step(request.user, pk, access.answers_for_unit)
    form = StepForm(request.POST)
    form.form_name = "sign_form"
    return _take_step(request, notice, form, lambda data: workflow.sign_for(notice, request.user, data["version"]),
                      _("已签收。"))


@login_required
@require_POST
def reply(request, pk):
    notice = _notice_for_step(request.user, pk, access.answers_for_unit)
    form = ReplyForm(request.POST, notice=notice)
    form.form_name = "reply_form"
    return _take_step(request, notice, form, lambda data: workflow.reply(
        notice, request.user, data["reply"], data["promised_on"], data["version"]), _("办理情况已提交。"))


@login_required
@require_POST
def close(request, pk):
    notice = _notice_for_step(request.user, pk, lambda user, _notice: is_staff(user))
    form = CloseForm(request.POST)
    form.form_name = "close_form"
    return _take_step(request, notice, form, lambda data: workflow.close(
        notice, request.user, data["note"], data["version"]), _("已办结。"))


@login_required
@require_POST
def escalate(request, pk):
    notice = _notice_for_step(request.user, pk, lambda user, _notice: is_staff(user))
    form = StepForm(request.POST)
    form.form_name = "escalate_form"

    def step(data):
        supervise, _created, message_ids = ladder.escalate(notice, request.user, local_today(), data["version"])
        transaction.on_commit(lambda: enqueue_delivery(message_ids))

    return _take_step(request, notice, form, step, _("已升级为督办单。"))
