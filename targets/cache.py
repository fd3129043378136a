"""Caching of the dashboards' computed figures, invalidated by a data version, not by signals.

A dashboard page is the same for every reader of the same scope until a report of the plan
changes. `data_state(plan)` reads, in ONE query, a version of the plan's reported data:

- over the plan's `MonthlyReport`s: their count, the sum of their `version` (every submit,
  approve, return and reopen adds one, see tasks/services.py `_bump_report`), the latest
  `submitted_at` and `reviewed_at`, and the latest approved month (which the as-of month needs
  anyway, so the version costs no extra query);
- the latest `updated_at` of the values and narratives of the plan's reports that are not drafts,
  so that a value or narrative changed by any path (the admin, a shell, a data fix) also gives a
  new version. Drafts are seen only by their own unit's liaison: a liaison's keys add the state of
  that unit's drafts (`ReaderScope`), so a draft being typed invalidates no one else's pages.

`cached(key_parts, builder)` returns `builder()` cached under the key parts plus that version and
the active language. Keys of content that differs by reader carry a scope (`reader_scope`):
a liaison's own drafts are never served from an entry another reader filled. Entries expire
after `DASHBOARD_CACHE_SECONDS` (default 600) as well, which bounds how long an edit of a
target's definition (the admin; not part of the version) takes to show.

The cache is Django's default cache: CACHE_URL (Redis in production; a file cache under var/ with
`dev.py start`; locmem, per process, when unset). targets/warm.py refills it after each review.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from targets.models import TargetValue
from tasks.models import MonthlyReport, ProgressReport
from units.access import editable_unit_ids, reads_everything

PREFIX = "dash:v1"


def timeout():
    return getattr(settings, "DASHBOARD_CACHE_SECONDS", 600)


def _version_sql():
    # The latest change of the values and narratives is read per report, through the
    # (report, updated_at) indexes: one index probe per report of this plan. A join of the
    # values with the plan's reports made PostgreSQL scan every plan's values (23 ms with ten
    # years stored, growing with each year); this stays at about 2 ms.
    # Drafts are left out: no page shows a draft to staff or leaders, so a liaison typing a draft
    # does not make every reader recompute the dashboards. The drafts a liaison sees are in the
    # liaison's own key (`ReaderScope`, `_drafts_sql`).
    report = MonthlyReport._meta.db_table
    value = TargetValue._meta.db_table
    progress = ProgressReport._meta.db_table
    return (
        f"SELECT COUNT(*), COALESCE(SUM(r.version), 0), MAX(r.submitted_at), MAX(r.reviewed_at), "
        f"MAX(CASE WHEN r.status = %s THEN r.month END), "
        f"MAX(CASE WHEN r.status <> %s THEN (SELECT MAX(v.updated_at) FROM {value} v WHERE v.report_id = r.id) END), "
        f"MAX(CASE WHEN r.status <> %s THEN (SELECT MAX(p.updated_at) FROM {progress} p WHERE p.report_id = r.id) END) "
        f"FROM {report} r WHERE r.plan_id = %s"
    )


def _drafts_sql(unit_count):
    report = MonthlyReport._meta.db_table
    value = TargetValue._meta.db_table
    progress = ProgressReport._meta.db_table
    units = ", ".join(["%s"] * unit_count)
    return (
        f"SELECT COUNT(*), "
        f"MAX((SELECT MAX(v.updated_at) FROM {value} v WHERE v.report_id = r.id)), "
        f"MAX((SELECT MAX(p.updated_at) FROM {progress} p WHERE p.report_id = r.id)) "
        f"FROM {report} r WHERE r.plan_id = %s AND r.status = %s AND r.unit_id IN ({units})"
    )


class DataState:
    """The plan's data version (a short string) and its latest approved month (None if none)."""

    def __init__(self, row):
        count, versions, submitted, reviewed, latest_month, value_at, progress_at = row
        self.latest_approved_month = latest_month
        raw = "|".join(str(part) for part in (count, versions, submitted, reviewed, latest_month, value_at, progress_at))
        self.version = hashlib.blake2b(raw.encode(), digest_size=8).hexdigest()


def data_state(plan, request=None):
    """The plan's DataState, read once per request (memoised on the request when given)."""
    memo = getattr(request, "_dashboard_state", None) if request is not None else None
    if memo is not None and memo[0] == plan.pk:
        return memo[1]
    with connection.cursor() as cursor:
        draft = MonthlyReport.Status.DRAFT
        cursor.execute(_version_sql(), [MonthlyReport.Status.APPROVED, draft, draft, plan.pk])
        state = DataState(cursor.fetchone())
    if request is not None:
        request._dashboard_state = (plan.pk, state)
    return state


class ReaderScope(str):
    """A key part naming whose view a page is: 'all', or 'units:3,7' for a liaison (`unit_ids`).

    `make_key` adds the state of those units' drafts to a liaison's key: only they see them.
    """

    unit_ids = ()


def reader_scope(user):
    """'all' for readers who see every unit's reports (staff, leaders); else the units the user edits."""
    if reads_everything(user):
        return ReaderScope("all")
    unit_ids = sorted(editable_unit_ids(user))
    scope = ReaderScope("units:" + ",".join(str(pk) for pk in unit_ids))
    scope.unit_ids = tuple(unit_ids)
    return scope


def drafts_version(plan, unit_ids):
    """A short string that changes whenever a draft of `unit_ids` in `plan` is created or edited."""
    with connection.cursor() as cursor:
        cursor.execute(_drafts_sql(len(unit_ids)), [plan.pk, MonthlyReport.Status.DRAFT, *unit_ids])
        raw = "|".join(map(str, cursor.fetchone()))
    return hashlib.blake2b(raw.encode(), digest_size=8).hexdigest()


def query_key(request, ignore=("export",)):
    """The request's query string, sorted, as a key part (pagination, sorting and filters)."""
    items = sorted((k, v) for k, values in request.GET.lists() if k not in ignore for v in values)
    return hashlib.blake2b(repr(items).encode(), digest_size=8).hexdigest()


def make_key(plan, key_parts, request=None):
    state = data_state(plan, request)
    parts = [PREFIX, str(plan.pk), state.version, translation.get_language() or "", *map(str, key_parts)]
    parts += [drafts_version(plan, p.unit_ids) for p in key_parts if isinstance(p, ReaderScope) and p.unit_ids]
    raw = ":".join(parts)
    if len(raw) > 200:
        raw = f"{PREFIX}:{hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()}"
    return raw


def cached(plan, key_parts, builder, request=None):
    """builder() cached under (plan, data version, language, *key_parts)."""
    key = make_key(plan, key_parts, request)
    value = cache.get(key)
    if value is None:
        value = builder()
        cache.set(key, value, timeout())
    return value
