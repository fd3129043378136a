"""The security audit log page: bureau staff read and filter it; nothing edits or deletes it."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from units.access import require_staff
from units.audit import describe
from units.forms import AuditFilterForm
from units.models import AuditEvent

PAGE_SIZE = 50


def filter_events(events, data):
    if data.get("action"):
        events = events.filter(action=data["action"])
    if data.get("user"):
        events = events.filter(username__icontains=data["user"])
    tz = timezone.get_current_timezone()
    if data.get("date_from"):
        start = datetime.datetime.combine(data["date_from"], datetime.time.min, tzinfo=tz)
        events = events.filter(created__gte=start)
    if data.get("date_to"):
        end = datetime.datetime.combine(data["date_to"] + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        events = events.filter(created__lt=end)
    if data.get("q"):
        q = data["q"]
        events = events.filter(
            Q(object_repr__icontains=q) | Q(object_type__icontains=q) | Q(object_id=q)
            | Q(ip__startswith=q) | Q(username__icontains=q)
        ) if _looks_like_ip_prefix(q) else events.filter(
            Q(object_repr__icontains=q) | Q(object_type__icontains=q) | Q(object_id=q) | Q(username__icontains=q)
        )
    return events


def _looks_like_ip_prefix(text):
    # A GenericIPAddressField lookup with arbitrary text fails on PostgreSQL (inet); only
    # search the address when the text could be part of one.
    return all(ch in "0123456789abcdefABCDEF.:" for ch in text)


@login_required
@require_GET
def audit_log(request):
    require_staff(request.user)
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.all()
    if form.is_bound and form.is_valid():
        events = filter_events(events, form.cleaned_data)
    elif form.is_bound:
        events = events.none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page:
        event.sentence = describe(event)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/list.html", {"form": form, "page": page, "query": query.urlencode()})
