"""The reminder pages (/reports/reminders/): the record, a preview of any kind for any period,
"send now" — bureau staff only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig

from reports.emails import render_email
from reports.models import ReminderMessage
from reports.reminders import delivery as reminders
from reports.reminders.filtersets import ReminderFilterSet
from reports.reminders.forms import ReminderPeriodForm
from reports.reminders.tables import ReminderTable
from reports.tasks import enqueue_delivery
from tasks.reporting import local_today
from units.access import require_staff
from units.audit import record
from units.models import AuditEvent

PAGE_SIZE = 50
Kind = ReminderMessage.Kind


def _list_page(request, form, status=200):
    filterset = ReminderFilterSet(request.GET, queryset=ReminderMessage.objects.select_related("unit"))
    rows = filterset.qs if filterset.is_valid() else ReminderMessage.objects.none()
    table = ReminderTable(rows)
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    context = {"filterset": filterset, "table": table, "form": form}
    return render(request, "reminders/list.html", context, status=status)


@login_required
@require_GET
def reminder_list(request):
    require_staff(request.user)
    return _list_page(request, ReminderPeriodForm(today=local_today()))


def _sample_recipient(request, kind, period, plan):
    """Who the preview is shown for when the period has no recipient (yet): the viewer, and for
    unit kinds a unit that would get it."""
    unit = None
    if kind == Kind.MONTHLY_NOTICE:
        unit = reminders.reporting_units(plan).order_by("position", "code").first()
    elif kind in (Kind.MONTHLY_REMINDER, Kind.MONTHLY_OVERDUE):
        outstanding = reminders.units_not_submitted(plan, period.month)
        unit = outstanding[0] if outstanding else reminders.reporting_units(plan).order_by("position", "code").first()
    user = request.user
    return reminders.Recipient(user.email or "—", user.get_full_name() or user.username, user=user, unit=unit)


@login_required
@require_GET
def reminder_preview(request):
    require_staff(request.user)
    form = ReminderPeriodForm(request.GET, today=local_today())
    if not form.is_valid():
        return render(request, "reminders/preview.html", {"form": form}, status=400)
    kind, period, plan = form.cleaned_data["kind"], form.cleaned_data["period_obj"], form.cleaned_data["plan"]
    recipients = reminders.recipients_for(kind, period, plan)
    chosen = request.GET.get("recipient", "")
    recipient = next((r for r in recipients if r.email == chosen), None) or (
        recipients[0] if recipients else _sample_recipient(request, kind, period, plan)
    )
    template = reminders.template_for(kind, recipient.unit is not None)
    subject, text, html = render_email(template, reminders.context_for(kind, period, recipient, plan))
    unaddressed = []
    if kind == Kind.MONTHLY_NOTICE:
        unaddressed = reminders.units_without_address(list(reminders.reporting_units(plan).order_by("position")))
    elif kind in (Kind.MONTHLY_REMINDER, Kind.MONTHLY_OVERDUE):
        unaddressed = reminders.units_without_address(reminders.units_not_submitted(plan, period.month))
    recorded = {
        row.recipient: row for row in ReminderMessage.objects.filter(kind=kind, period=period.code)
    }
    context = {
        "form": form,
        "kind": kind,
        "period": period,
        "plan": plan,
        "send_date": reminders.send_date(kind, period, plan),
        "recipients": [(r, recorded.get(r.email)) for r in recipients],
        "recipient": recipient,
        "is_sample": recipient not in recipients,
        "unaddressed": unaddressed,
        "subject": subject,
        "text": text,
        "html": html,
        "attachment": kind == Kind.QUARTERLY,
        "base_query": urlencode({"kind": kind, "period": period.code}),
    }
    return render(request, "reminders/preview.html", context)


def _report_queueing(request, recorded, queued, not_queued):
    if not_queued:
        messages.warning(
            request,
            _("消息队列暂时不可用：%(count)s 封邮件已记录为“待发送”，队列恢复后将自动发送。") % {"count": not_queued},
        )
    elif queued:
        messages.success(request, _("已提交发送 %(count)s 封邮件。") % {"count": queued})
    if not recorded and not queued and not not_queued:
        messages.info(request, _("没有需要发送的邮件：收件人都已发送过，或没有收件人。"))


@login_required
@require_POST
def reminder_send(request):
    """Record the messages of a kind and period now and queue everything still pending."""
    require_staff(request.user)
    form = ReminderPeriodForm(request.POST, today=local_today())
    if not form.is_valid():
        return _list_page(request, form, status=400)
    kind, period = form.cleaned_data["kind"], form.cleaned_data["period_obj"]
    created = reminders.prepare(kind, period)
    pending = reminders.pending_ids(kind, period)
    queued, not_queued = enqueue_delivery(pending)
    record(
        AuditEvent.Action.SEND,
        request=request,
        object_repr=_("提醒邮件 %(kind)s %(period)s") % {"kind": kind.label, "period": period.code},
        changes={"kind": kind.value, "period": period.code, "recorded": len(created), "queued": queued},
    )
    _report_queueing(request, len(created), queued, not_queued)
    return redirect(reverse("reminders:list") + "?" + urlencode({"kind": kind.value, "period": period.code}))


@login_required
@require_POST
def reminder_resend(request, pk):
    """Send one failed (or stuck) message again. A sent message is never sent twice."""
    require_staff(request.user)
    row = get_object_or_404(ReminderMessage, pk=pk)
    if row.status == ReminderMessage.Status.SENT:
        when = timezone.localtime(row.sent_at).strftime("%Y-%m-%d %H:%M") if row.sent_at else "—"
        messages.error(request, _("该邮件已于 %(when)s 发送，不会重复发送。") % {"when": when})
    elif not reminders.reopen_for_resend(row.pk):
        messages.error(request, _("该邮件正在发送中，请稍后刷新查看结果。"))
    else:
        record(
            AuditEvent.Action.SEND, request=request, obj=row,
            changes={"resend": True, "status": [row.status, ReminderMessage.Status.PENDING.value]},
        )
        queued, not_queued = enqueue_delivery([row.pk])
        _report_queueing(request, 1, queued, not_queued)
    next_url = request.POST.get("next", "")
    # Only a path on this site; redirect() would read anything else as a view name (and fail).
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}
    ):
        next_url = reverse("reminders:list")
    return HttpResponseRedirect(next_url)
