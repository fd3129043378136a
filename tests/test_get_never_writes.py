"""GET never writes: every URL of the URLconf, and the links on the pages it answers, requested
by GET as each persona; after each request, no model's table has gained or lost a row.

The URLs are filled with real objects (a seeded half-year of approved reports, 市经信局's June
draft with progress and evidence, a reminder, one row of every model the admin shows). Following
the links is what finds GETs with a query string, such as the 报送情况 grid's
/reporting/month/12/?unit=… — which used to create an empty draft for every unit clicked. Links
are followed once per URL name and set of query parameters, so the sweep stays a few hundred requests.

Not counted, because a GET legitimately writes them:
- django_session: every request saves the session (SESSION_SAVE_EVERY_REQUEST, the idle
  timeout counts from the last request);
- units_auditevent rows with action "export": downloading a workbook or a table is recorded in
  the security audit log, which is the log's purpose (any other audit row on a GET fails);
- last_login and the axes logs change only when signing in, which the sweep does before it starts
  (and these are row counts: an UPDATE such as last_login would not show anyway).
"""

from html.parser import HTMLParser
from unittest import mock
from urllib.parse import parse_qsl, urlsplit

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, SolarSchedule
from django_otp.plugins.otp_totp.models import TOTPDevice

from targets.models import Target
from tasks.models import ReportingMonthClosure
from tests import dashboard_seed
from tests.test_access_sweep import SweepFixture
from units.models import AuditEvent

# Patterns the sweep cannot request by name, and why.
UNNAMED = {
    "admin/<model>/<path:object_id>/": "the admin's redirect of an old object URL to the named change page",
    "admin/(?P<url>.*)$": "the admin's catch-all (a 404 or a redirect to add a slash)",
}
NOT_COUNTED = {"django_session"}


def row_counts():
    """{table: (rows, highest key)} of every model's table, in one query."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy and model._meta.db_table not in NOT_COUNTED:
            tables[model._meta.db_table] = model._meta.pk.column
    quote = connection.ops.quote_name
    where = {AuditEvent._meta.db_table: f" WHERE {quote('action')} <> '{AuditEvent.Action.EXPORT.value}'"}
    columns = ", ".join(
        f"(SELECT COUNT(*) FROM {quote(table)}{where.get(table, '')}), "
        f"(SELECT MAX({quote(pk)}) FROM {quote(table)}{where.get(table, '')})"
        for table, pk in tables.items()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")
        values = cursor.fetchone()
    return {table: (values[2 * i], values[2 * i + 1]) for i, table in enumerate(tables)}


def named_patterns(patterns=None, namespace=None, prefix=""):
    """(name, route, named parameters, number of unnamed ones) of every URL pattern; unnamed
    patterns with name None."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            yield from named_patterns(pattern.url_patterns, f"{namespace}:{ns}" if namespace and ns else ns or namespace,
                                      prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            regex = pattern.pattern.regex
            yield name, prefix + str(pattern.pattern), list(regex.groupindex), regex.groups - len(regex.groupindex)


class LinkFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag == "a" else None
        if href and href.startswith("/") and not href.startswith(("//", "/static/")):
            self.links.append(href)


class GetNeverWritesTests(SweepFixture):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        dashboard_seed.seed_months(cls.plan, [1, 2, 3, 4, 5], staff=cls.staff)
        ReportingMonthClosure.objects.create(plan=cls.plan, month=1, closed_by=cls.staff)
        cls.superuser = get_user_model().objects.create_superuser("root", "root@example.gov.cn", "x")
        # One row of every model the admin lists, so each change page is requested.
        seen = {"user_agent": "test", "ip_address": "127.0.0.1", "username": "x", "http_accept": "*/*",
                "path_info": "/accounts/login/"}
        AccessAttempt.objects.create(**seen, get_data="", post_data="", failures_since_start=1)
        AccessLog.objects.create(**seen)
        AccessFailureLog.objects.create(**seen)
        someone = get_user_model().objects.create_user("otp_user")  # a device makes its user verify first
        TOTPDevice.objects.create(user=someone, name="手机", confirmed=True)
        crontab = CrontabSchedule.objects.create(minute="0", hour="9")
        PeriodicTask.objects.create(name="周报", task="reports.tasks.send_weekly_bulletin", crontab=crontab)
        ClockedSchedule.objects.create(clocked_time="2023-06-01T09:00:00+08:00")
        SolarSchedule.objects.create(event="sunrise", latitude=30.59, longitude=114.31)
        IntervalSchedule.objects.create(every=5, period=IntervalSchedule.MINUTES)
        AuditEvent.objects.create(action=AuditEvent.Action.LOGIN, user=cls.staff, username="staff")
        Target.objects.order_by("pk").first().save()  # a version in its history (the fixture loads none)

    def admin_url(self, name, params, positional):
        """An admin URL filled with the first row of its model, an app's label or a content type;
        django-simple-history's page of one version takes (object, version) positionally."""
        if params == ["app_label"]:
            return reverse(name, kwargs={"app_label": "tasks"})
        if params == ["content_type_id", "object_id"]:
            content_type = ContentType.objects.get_for_model(self.target)
            return reverse(name, kwargs={"content_type_id": content_type.pk, "object_id": self.target.pk})
        url_name = name.removeprefix("admin:")
        for model in apps.get_models():
            if url_name.startswith(f"{model._meta.app_label}_{model._meta.model_name}_"):
                if positional == 2 and url_name.endswith("_simple_history"):
                    version = model.history.order_by("history_id").first()
                    self.assertIsNotNone(version, f"{name}: the sweep needs a version of a {model.__name__}")
                    return reverse(name, args=[getattr(version, model._meta.pk.attname), version.pk])
                obj = model._default_manager.order_by("pk").first()
                self.assertIsNotNone(obj, f"{name}: the sweep needs a {model.__name__} to request it")
                self.assertEqual(positional, 0, f"{name}: tell the sweep its positional parameters")
                return reverse(name, kwargs=dict.fromkeys(params, obj.pk))
        self.fail(f"{name}: tell the sweep which object to use for {params}")

    def urls(self):
        urls = []
        for name, route, params, positional in named_patterns():
            if name is None:
                self.assertTrue(route in UNNAMED or route.startswith("admin/") and route.endswith("<path:object_id>/"),
                                f"an unnamed URL pattern the sweep does not know: {route}")
            elif name.startswith("admin:") and (params or positional):
                urls.append(self.admin_url(name, params, positional))
            else:
                self.assertEqual(positional, 0, f"{name}: tell the sweep its positional parameters")
                urls.append(reverse(name, kwargs=self.kwargs_for(name, params)))
        return urls

    @staticmethod
    def link_key(url):
        """Links are followed once per URL name and set of query parameters (an export by its kind)."""
        parts = urlsplit(url)
        try:
            name = resolve(parts.path).view_name
        except Resolver404:
            return None
        query = parse_qsl(parts.query, keep_blank_values=True)
        return name, tuple(sorted((key, value if key == "export" else "") for key, value in query))

    def sweep(self, user):
        if user is not None:
            self.client.force_login(user)  # signing in writes (session, last_login, audit): before counting
        failures, requested, followed = [], {}, set()
        queue = self.urls()
        before = row_counts()
        with mock.patch("wuhan_plan.health._check_worker"):  # no Celery worker in tests
            while queue:
                url = queue.pop(0)
                if url in requested:
                    continue
                response = self.client.get(url)
                requested[url] = response.status_code
                after = row_counts()
                changed = sorted(table for table in after if after[table] != before[table])
                if changed:
                    failures.append(f"GET {url} ({response.status_code}) changed {changed}")
                before = after
                if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                    finder = LinkFinder()
                    finder.feed(response.content.decode())
                    for link in finder.links:
                        key = self.link_key(link)
                        if key is not None and key not in followed:
                            followed.add(key)
                            queue.append(link)
        self.assertEqual(failures, [], "\n" + "\n".join(failures))
        if user is not None:
            self.assertEqual(self.client.session.get("_auth_user_id"), str(user.pk), "the sweep signed the user out")
        return requested

    def test_bureau_staff(self):
        requested = self.sweep(self.staff)
        # The grid's links to a month nobody has reported yet were followed, and answered.
        self.assertIn(200, [status for url, status in requested.items() if "/reporting/month/" in url and "?unit=" in url])
        self.assertEqual(requested[reverse("reporting:grid")], 200)

    def test_a_leader(self):
        requested = self.sweep(self.leader)
        self.assertEqual(requested[reverse("reports:quarterly", args=[2023, 1])], 200)

    def test_a_liaison(self):
        requested = self.sweep(self.jxj_liaison)
        self.assertIn(200, [status for url, status in requested.items() if url.startswith("/reporting/month/")])

    def test_a_district_liaison(self):
        requested = self.sweep(self.hongshan_liaison)
        self.assertEqual(requested[reverse("reporting:my_unit")], 200)

    def test_a_superuser(self):
        requested = self.sweep(self.superuser)
        self.assertEqual(requested["/admin/tasks/monthlyreport/"], 200)
        self.assertEqual(requested[f"/admin/tasks/monthlyreport/{self.report.pk}/change/"], 200)

    def test_anonymous(self):
        self.sweep(None)
