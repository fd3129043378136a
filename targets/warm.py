"""Fill the dashboards' cache right after their data changes, so that readers meet no recomputation.

A dashboard page is cached per plan data version (targets.cache). The first request after a
report is submitted, approved, returned or reopened recomputes the page: 50–170 ms instead of
about 10. `schedule_warmup(plan_id)` (called by tasks.services when a report changes state) queues
a Celery task a few seconds later; the task requests every page a leader opens first — the
overview, the target list, the task list, the unit list, and each task's, unit's and target's
page, in every language of the site, at the default month and with no filters — through the
views themselves, so the entries are exactly those a reader's request looks up.

This helps only when the web processes and the worker share the cache: CACHE_URL must point at
Redis in production (`dev.py start` uses a file cache under var/). A broker that is down only
means that the first reader fills the cache, as before.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.test.client import RequestFactory
from django.urls import resolve, reverse
from django.utils import translation
from kombu.exceptions import OperationalError

from units.models import Unit

logger = logging.getLogger(__name__)

WARMUP_DELAY_SECONDS = 3  # a burst of approvals (bulk approval) makes one warm-up, not one each
_PENDING = "dash-warmup-pending:{plan}"


def page_urls(plan):
    """The pages a leader opens first, at the default month and with no query string."""
    urls = [reverse("overview"), reverse("targets:list"), reverse("tasks:list"), reverse("units:list")]
    urls += [reverse("tasks:detail", args=[number]) for number in plan.tasks.values_list("number", flat=True)]
    urls += [reverse("units:detail", args=[code]) for code in Unit.objects.values_list("code", flat=True)]
    # Last: a target's page is the cheapest to miss, and a big plan has hundreds of them.
    urls += [reverse("targets:detail", args=[pk]) for pk in plan.targets.values_list("pk", flat=True)]
    return urls


def _reader():
    """An in-memory reader who sees what staff and leaders see (never saved: it is no account)."""
    return get_user_model()(username="__dashboard_warmup__", is_active=True, is_superuser=True)


def warm_dashboards(plan):
    """Request every page of `page_urls(plan)` in every language; returns how many answered 200."""
    from tasks.models import Plan

    if Plan.current() != plan:  # the pages show the current plan only
        return 0
    factory, reader, warmed = RequestFactory(), _reader(), 0
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for url in page_urls(plan):
                request = factory.get(url, secure=True)
                request.user = reader
                request.LANGUAGE_CODE = language
                match = resolve(url)
                try:
                    response = match.func(request, *match.args, **match.kwargs)
                except Exception:  # a page that fails here fails for its reader too, with a proper 500
                    logger.exception("dashboard warm-up of %s failed", url)
                    continue
                warmed += response.status_code == 200
    return warmed


def schedule_warmup(plan_id):
    """Queue one warm-up of the plan's pages after the current transaction commits."""
    transaction.on_commit(lambda: _queue(plan_id))


def _queue(plan_id):
    from targets.tasks import warm_dashboard_cache

    # One queued warm-up per plan at a time: the approvals of one burst share it.
    if not cache.add(_PENDING.format(plan=plan_id), 1, WARMUP_DELAY_SECONDS + 60):
        return
    try:
        warm_dashboard_cache.apply_async(args=[plan_id], countdown=WARMUP_DELAY_SECONDS, retry=False)
    except OperationalError as error:
        cache.delete(_PENDING.format(plan=plan_id))
        logger.warning("broker unavailable, dashboards not warmed: %s", error)


def run_warmup(plan_id):
    """The Celery task's body: clear the pending mark first, so changes made meanwhile queue again."""
    from tasks.models import Plan

    cache.delete(_PENDING.format(plan=plan_id))
    plan = Plan.objects.filter(pk=plan_id).first()
    return warm_dashboards(plan) if plan else 0
