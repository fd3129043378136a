"""Every URL in the URLconf, as every kind of user, with GET and POST, against the permission matrix.

A page added later without an entry in MATRIX fails `test_every_url_is_in_the_matrix`, and
one whose checks differ from its entry fails the persona's sweep. Each request runs in a
savepoint that is rolled back, so the sweep's POSTs do not affect one another; for every
request that must be refused, the test also checks that no table changed.
"""

from pathlib import Path
from unittest import mock

from django.conf import settings
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from api.models import ApiToken
from reports.instructions import workflow as instructions
from reports.models import ReminderMessage, UrgingNotice
from targets.models import Target, TargetStanding, TargetValue, TaskStanding
from tasks.models import EvidenceFile, MonthlyReport, ProgressReport, Section
from tasks.reporting import tasks_for_unit
from tests.personas import PersonasTestCase
from tests.test_backup_restore import table_fingerprints

ANON, OUTSIDER, OTHER, OWN, LEADER, STAFF = "anonymous", "outsider", "other_liaison", "own_liaison", "leader", "staff"
PERSONAS = [ANON, OUTSIDER, OTHER, OWN, LEADER, STAFF]
ROLES = [OTHER, OWN, LEADER, STAFF]

# What an answer may be. "login": a redirect to the login page; "redirect": any other redirect.
OK = {200}
REDIRECT = {"redirect"}
LOGIN = {"login"}
HIDDEN = {404}  # another unit's object does not exist for you
FORBIDDEN = {403}
METHOD = {405}
CLOSED = {403, 404, 405, "login"}  # refused, in whichever order the checks run
ACCEPTED = {200, 400, 409, "redirect"}  # processed: a form error or a success
UNAUTHENTICATED = {401}  # the API: no session and no token
REFUSED = [HIDDEN, FORBIDDEN, METHOD, CLOSED, LOGIN, UNAUTHENTICATED]


def rule(get, post, anon_get=LOGIN, anon_post=LOGIN, outsider_get=FORBIDDEN, outsider_post=CLOSED):
    """get/post: {persona: expectation} for the four roles, or one expectation for all four."""
    get = get if isinstance(get, dict) else dict.fromkeys(ROLES, get)
    post = post if isinstance(post, dict) else dict.fromkeys(ROLES, post)
    return {
        "GET": {ANON: anon_get, OUTSIDER: outsider_get, **get},
        "POST": {ANON: anon_post, OUTSIDER: outsider_post, **post},
    }


def action(get, post):
    """A POST-only URL: a GET is refused (405) before or after the role check."""
    return rule(get, post, outsider_get=CLOSED)


def roles(other=None, own=None, leader=None, staff=None, liaisons=None):
    liaisons = liaisons if liaisons is not None else other
    return {OTHER: other if other is not None else liaisons, OWN: own if own is not None else liaisons,
            LEADER: leader, STAFF: staff}


PUBLIC_READ = rule(OK, METHOD)  # the plan and approved figures: every role reads
STAFF_PAGE = rule(roles(liaisons=FORBIDDEN, leader=FORBIDDEN, staff=OK), roles(liaisons=CLOSED, leader=CLOSED, staff=METHOD))
STAFF_ACTION = action(roles(liaisons=CLOSED, leader=CLOSED, staff=METHOD), roles(liaisons=FORBIDDEN, leader=FORBIDDEN, staff=ACCEPTED))
# Objects of 市经信局 (the own liaison's unit); the other liaison is 洪山区's.
REPORT_READ = rule(roles(other=HIDDEN, own=OK, leader=OK, staff=OK), METHOD, outsider_post=CLOSED)
REPORT_EDIT = rule(roles(other=HIDDEN, own=OK, leader=FORBIDDEN, staff=OK),
                   roles(other=HIDDEN, own=ACCEPTED, leader=FORBIDDEN, staff=ACCEPTED))
REPORT_ACTION = action(roles(other=CLOSED, own=METHOD, leader=CLOSED, staff=METHOD),
                     roles(other=HIDDEN, own=ACCEPTED, leader=FORBIDDEN, staff=ACCEPTED))
REVIEW_ACTION = action(roles(other=CLOSED, own=CLOSED, leader=CLOSED, staff=METHOD),
                     roles(other=CLOSED, own=FORBIDDEN, leader=FORBIDDEN, staff=ACCEPTED))
READERS_PAGE = rule(roles(liaisons=FORBIDDEN, leader=OK, staff=OK), roles(liaisons=CLOSED, leader=METHOD, staff=METHOD))
UPLOADERS_PAGE = rule(roles(liaisons=OK, leader=FORBIDDEN, staff=OK), roles(liaisons=ACCEPTED, leader=FORBIDDEN, staff=ACCEPTED))
# The read-only API (api/): 401 without a session or token, 403 without a role, no write method.
API_READ = rule(OK, METHOD, anon_get=UNAUTHENTICATED, anon_post=UNAUTHENTICATED,
                outsider_get=FORBIDDEN, outsider_post=FORBIDDEN)
API_REPORT = rule(roles(other=HIDDEN, own=OK, leader=OK, staff=OK), METHOD, anon_get=UNAUTHENTICATED,
                  anon_post=UNAUTHENTICATED, outsider_get=FORBIDDEN, outsider_post=FORBIDDEN)
# The sweep's fixture has no approved figure and no open coordination matter: their detail is a 404
# for every role here (tests/test_api_figures.py reads them).
API_ABSENT = rule(HIDDEN, METHOD, anon_get=UNAUTHENTICATED, anon_post=UNAUTHENTICATED,
                  outsider_get=FORBIDDEN, outsider_post=FORBIDDEN)

MATRIX = {
    # sign-in and accounts
    "login": rule(REDIRECT, REDIRECT, anon_get=OK, anon_post=OK, outsider_get=REDIRECT, outsider_post=REDIRECT),
    "logout": rule(METHOD, LOGIN, anon_get=METHOD, anon_post=LOGIN, outsider_get=METHOD, outsider_post=LOGIN),
    "set_language": rule(REDIRECT, REDIRECT, anon_get=REDIRECT, anon_post=REDIRECT,
                         outsider_get=REDIRECT, outsider_post=REDIRECT),
    "healthz": rule(OK, METHOD, anon_get=OK, anon_post=METHOD, outsider_get=OK, outsider_post=METHOD),
    "favicon": rule(REDIRECT, METHOD, anon_get=REDIRECT, anon_post=METHOD, outsider_get=REDIRECT, outsider_post=METHOD),
    "home": rule(REDIRECT, METHOD),
    "password_change": rule(OK, OK),
    "otp_setup": rule(OK, OK),
    "otp_verify": rule(REDIRECT, REDIRECT),
    "account_manage": STAFF_PAGE,
    "account_create": rule(roles(liaisons=FORBIDDEN, leader=FORBIDDEN, staff=OK),
                           roles(liaisons=FORBIDDEN, leader=FORBIDDEN, staff=OK)),
    "account_deactivate": STAFF_ACTION,
    "account_activate": STAFF_ACTION,
    "account_reset_password": STAFF_ACTION,
    # Only a superuser issues OTP enrolment codes (the staff persona is not one).
    "account_otp_code": action(roles(liaisons=CLOSED, leader=CLOSED, staff=METHOD),
                               roles(liaisons=FORBIDDEN, leader=FORBIDDEN, staff=FORBIDDEN)),
    "audit_log": STAFF_PAGE,
    # the plan, targets, tasks, units (dashboards)
    "overview": PUBLIC_READ,
    "targets:list": PUBLIC_READ,
    "targets:detail": PUBLIC_READ,
    "targets:year_start": STAFF_ACTION,
    # A target across the years (targets/views/target_years.py, target_profile.py).
    "targets:counterpart": STAFF_ACTION,
    "targets:adopt_profile": STAFF_ACTION,
    "targets:revert_profile": STAFF_ACTION,
    "tasks:list": PUBLIC_READ,
    "tasks:detail": PUBLIC_READ,
    "units:list": PUBLIC_READ,
    "units:months": PUBLIC_READ,
    "units:detail": PUBLIC_READ,
    # the command-room screen (a kiosk link opens it without a personal login: tests/test_screen.py)
    # a POST signs a kiosk in (a signed-in user is sent on to the screen; no key: the refusal page)
    "screen": rule(OK, REDIRECT, anon_post=FORBIDDEN, outsider_post=REDIRECT),
    # monthly reporting
    "reporting:my_unit": rule(roles(liaisons=OK, leader=REDIRECT, staff=REDIRECT), METHOD),
    # 市经信局's June report exists (a redirect to it); 洪山区's does not: its empty form, saved by a POST.
    "reporting:open_month": rule(roles(other=OK, own=REDIRECT, leader=HIDDEN, staff=HIDDEN),
                                 roles(other=ACCEPTED, own=REDIRECT, leader=HIDDEN, staff=HIDDEN)),
    "reporting:review": STAFF_PAGE,
    "reporting:approve": action(roles(liaisons=CLOSED, leader=CLOSED, staff=METHOD),
                              roles(liaisons=FORBIDDEN, leader=FORBIDDEN, staff=ACCEPTED | HIDDEN)),
    "reporting:grid": READERS_PAGE,
    "reporting:suspect": READERS_PAGE,
    "reporting:months": STAFF_PAGE,
    "reporting:close_month": STAFF_ACTION,
    "reporting:open_reporting_month": STAFF_ACTION,
    "reporting:evidence": REPORT_READ,
    "reporting:delete_evidence": REPORT_ACTION,
    "reporting:report": REPORT_READ,
    "reporting:values": REPORT_EDIT,
    "reporting:progress": REPORT_EDIT,
    "reporting:upload_evidence": REPORT_ACTION,
    "reporting:submit": REPORT_ACTION,
    "reporting:return": REVIEW_ACTION,
    "reporting:reopen": REVIEW_ACTION,
    "reporting:history": REPORT_READ,
    "reporting:restore": action(roles(liaisons=CLOSED, leader=CLOSED, staff=METHOD),
                              roles(other=CLOSED, own=FORBIDDEN, leader=FORBIDDEN, staff=ACCEPTED | HIDDEN)),
    # reports: workbooks, Excel template and upload, reminders
    "reports:index": READERS_PAGE,
    "reports:quarterly": READERS_PAGE,
    "reports:weekly_notice": READERS_PAGE,
    "reports:quarterly_notice": READERS_PAGE,
    "reports:template": rule(roles(liaisons={200, 400}, leader=FORBIDDEN, staff={200, 400}),
                             roles(liaisons=CLOSED, leader=CLOSED, staff=METHOD)),
    "reports:upload": UPLOADERS_PAGE,
    "reports:upload_confirm": action(roles(liaisons=CLOSED, leader=CLOSED, staff=METHOD),
                                   roles(liaisons=ACCEPTED, leader=FORBIDDEN, staff=ACCEPTED)),
    "reminders:list": STAFF_PAGE,
    "reminders:preview": rule(roles(liaisons=FORBIDDEN, leader=FORBIDDEN, staff={200, 400}),
                              roles(liaisons=CLOSED, leader=CLOSED, staff=METHOD)),
    "reminders:send": STAFF_ACTION,
    "reminders:resend": STAFF_ACTION,
    # urging notices (市经信局's 催办单): its liaison signs and replies, staff close and escalate
    "supervision:list": READERS_PAGE,
    "supervision:detail": REPORT_READ,
    "supervision:sign": action(roles(other=CLOSED, own=METHOD, leader=CLOSED, staff=CLOSED),
                               roles(other=HIDDEN, own=ACCEPTED, leader=FORBIDDEN, staff=FORBIDDEN)),
    "supervision:reply": action(roles(other=CLOSED, own=METHOD, leader=CLOSED, staff=CLOSED),
                                roles(other=HIDDEN, own=ACCEPTED, leader=FORBIDDEN, staff=FORBIDDEN)),
    "supervision:close": action(roles(liaisons=CLOSED, leader=CLOSED, staff=METHOD),
                                roles(other=HIDDEN, own=FORBIDDEN, leader=FORBIDDEN, staff=ACCEPTED)),
    "supervision:escalate": action(roles(liaisons=CLOSED, leader=CLOSED, staff=METHOD),
                                   roles(other=HIDDEN, own=FORBIDDEN, leader=FORBIDDEN, staff=ACCEPTED)),
    # leaders' instructions (a leader's, on the sweep's task, assigned to 市经信局): its liaison replies,
    # staff or that leader close it
    "instructions:list": READERS_PAGE,
    "instructions:new": rule(roles(liaisons=FORBIDDEN, leader=OK, staff=OK),
                             roles(liaisons=FORBIDDEN, leader=ACCEPTED, staff=ACCEPTED)),
    "instructions:detail": REPORT_READ,
    "instructions:reply": action(roles(other=CLOSED, own=METHOD, leader=CLOSED, staff=CLOSED),
                                 roles(other=HIDDEN, own=ACCEPTED, leader=FORBIDDEN, staff=FORBIDDEN)),
    "instructions:close": action(roles(liaisons=CLOSED, leader=METHOD, staff=METHOD),
                                 roles(other=HIDDEN, own=FORBIDDEN, leader=ACCEPTED, staff=ACCEPTED)),
    # the assessment (考核评比): a liaison reads its own unit's score only; staff set the rules
    "assessment:ranking": PUBLIC_READ,
    "assessment:unit": REPORT_READ,
    "assessment:rules": rule(roles(liaisons=FORBIDDEN, leader=FORBIDDEN, staff=OK),
                             roles(liaisons=FORBIDDEN, leader=FORBIDDEN, staff=ACCEPTED)),
    # the read-only API and its tokens
    **{f"api:{name}-{kind}": API_READ for name in ("plan", "section", "task", "target", "target-standing",
                                                    "task-standing", "unit") for kind in ("list", "detail")},
    "api:report-list": API_READ,
    "api:report-detail": API_REPORT,
    "api:target-value-list": API_READ,
    "api:target-value-detail": API_ABSENT,
    "api:coordination-list": API_READ,
    "api:coordination-detail": API_ABSENT,
    "api:notice-list": API_READ,
    "api:notice-detail": API_REPORT,
    "api:screen": API_READ,
    "api:schema": API_READ,
    "api:docs": API_READ,
    "api:tokens": rule(roles(liaisons=FORBIDDEN, leader=FORBIDDEN, staff=OK),
                       roles(liaisons=FORBIDDEN, leader=FORBIDDEN, staff=ACCEPTED)),
    "api:token_revoke": action(roles(liaisons=CLOSED, leader=CLOSED, staff=METHOD),
                               roles(liaisons=FORBIDDEN, leader=FORBIDDEN, staff=ACCEPTED | HIDDEN)),
    # Plan authoring (targets/views/plans.py), swept on the published 2023 plan: its publish page redirects.
    "plans:list": STAFF_PAGE,
    "plans:detail": STAFF_PAGE,
    # Adding and deleting parts (targets/views/plan_parts.py): a form error, or (the sweep's task area
    # and task are in use) the refusal with a 400, nothing deleted.
    **dict.fromkeys(["plans:copy", "plans:edit", "plans:task", "plans:target", "plans:section_add", "plans:section",
                     "plans:section_delete", "plans:task_add", "plans:task_delete", "plans:target_add",
                     "plans:target_delete"], rule(
        roles(liaisons=FORBIDDEN, leader=FORBIDDEN, staff=OK), roles(liaisons=FORBIDDEN, leader=FORBIDDEN, staff=ACCEPTED))),
    "plans:publish": rule(roles(liaisons=FORBIDDEN, leader=FORBIDDEN, staff=REDIRECT),
                          roles(liaisons=FORBIDDEN, leader=FORBIDDEN, staff=ACCEPTED)),
    # Importing a plan from Excel (targets/views/plan_import.py): a POST without a file is a form error.
    "plans:import": rule(roles(liaisons=FORBIDDEN, leader=FORBIDDEN, staff=OK),
                         roles(liaisons=FORBIDDEN, leader=FORBIDDEN, staff=ACCEPTED)),
    "plans:import_template": STAFF_PAGE,
    "plans:import_confirm": STAFF_ACTION,
    # Breaking a target down into districts (targets/views/breakdown.py): on the published plan the
    # page says it is for drafts, and a POST is refused with a 400, nothing saved.
    "plans:breakdown": rule(roles(liaisons=FORBIDDEN, leader=FORBIDDEN, staff=OK),
                            roles(liaisons=FORBIDDEN, leader=FORBIDDEN, staff=ACCEPTED)),
}


def url_patterns(patterns=None, namespace=None):
    """(qualified name, route, parameter names) of every named URL; Django's admin excluded."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue  # Django's own checks; see test_the_admin_is_for_superusers_only
            ns = pattern.namespace
            yield from url_patterns(pattern.url_patterns, f"{namespace}:{ns}" if namespace and ns else ns or namespace)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, str(pattern.pattern), list(pattern.pattern.regex.groupindex)


class SweepFixture(PersonasTestCase):
    """The objects the URLs are swept with: 市经信局's June report, its progress and evidence,
    a target, a reminder; `kwargs_for` fills a URL's parameters with them."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.task = tasks_for_unit(cls.plan, cls.jxj)[0]
        cls.report = MonthlyReport.objects.create(plan=cls.plan, unit=cls.jxj, month=6)
        cls.progress = ProgressReport.objects.create(report=cls.report, task=cls.task, work_done="进展")
        cls.evidence = EvidenceFile.objects.create(
            progress=cls.progress, file="evidence/2023/06/0123456789abcdef0123456789abcdef.pdf",
            original_name="纪要.pdf", content_type="application/pdf", size=9,
        )
        cls.target = Target.objects.filter(plan=cls.plan).first()
        cls.reminder = ReminderMessage.objects.create(
            kind=ReminderMessage.Kind.MONTHLY_REMINDER, period="2023-06", recipient="jxj@example.gov.cn",
            user=cls.jxj_liaison, unit=cls.jxj, status=ReminderMessage.Status.FAILED,
        )
        cls.notice = UrgingNotice.objects.create(
            plan=cls.plan, kind=UrgingNotice.Kind.URGE, serial=1, cause=UrgingNotice.Cause.OVERDUE, unit=cls.jxj,
            month=5, request="请于2023年6月9日前完成报送。", issued_on="2023-06-06", deadline="2023-06-09",
        )
        cls.instruction = instructions.write(cls.leader, "task", cls.task, [cls.jxj], "请加快推进。",
                                             "2023-06-05", cls.leader)
        cls.users = {OUTSIDER: cls.outsider, OTHER: cls.hongshan_liaison, OWN: cls.jxj_liaison,
                     LEADER: cls.leader, STAFF: cls.staff}

    def setUp(self):
        super().setUp()
        path = Path(settings.MEDIA_ROOT) / self.evidence.file.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.4\n")

    def kwargs_for(self, name, params):
        pk_of = {
            "reporting:evidence": self.evidence.pk, "reporting:delete_evidence": self.evidence.pk,
            "targets:detail": self.target.pk, "targets:year_start": self.target.pk,
            **{f"targets:{n}": self.target.pk for n in ("counterpart", "adopt_profile", "revert_profile")}, "reminders:resend": self.reminder.pk,
            **{f"supervision:{step}": self.notice.pk for step in ("detail", "sign", "reply", "close", "escalate")},
            "api:notice-detail": self.notice.pk,
            **{f"instructions:{step}": self.instruction.pk for step in ("detail", "reply", "close")},
            "account_deactivate": self.jxj_liaison.pk, "account_activate": self.jxj_liaison.pk,
            "account_reset_password": self.jxj_liaison.pk, "account_otp_code": self.staff.pk,
            **self.api_pks(),
        }
        values = {
            "pk": pk_of.get(name, self.report.pk), "task_number": self.task.number, "number": self.task.number,
            "code": "jxj", "plan_code": self.plan.code, "section_kind": "task", "target_code": self.target.code, "month": 6, "year": 2023, "quarter": 1, "week": "2023-W20",
        }
        missing = [p for p in params if p not in values]
        self.assertEqual(missing, [], f"{name}: tell the sweep which object to use for {missing}")
        return {p: values[p] for p in params}

    def api_pks(self):
        """The API's detail URLs: the plan, its first section, the task, the target and their standings,
        市经信局, its June report; the first approved figure and open matter, if any (0 when none)."""
        first = {"api:section-detail": Section.objects, "api:target-value-detail": TargetValue.objects,
                 "api:coordination-detail": ProgressReport.objects.filter(needs_coordination=True),
                 "api:token_revoke": ApiToken.objects}
        pks = {name: getattr(rows.order_by("pk").first(), "pk", 0) for name, rows in first.items()}
        return {
            **pks, "api:plan-detail": self.plan.pk, "api:task-detail": self.task.pk,
            "api:target-detail": self.target.pk,
            "api:target-standing-detail": TargetStanding.objects.get(target=self.target, month=6).pk,
            "api:task-standing-detail": TaskStanding.objects.get(task=self.task, month=6).pk,
            "api:unit-detail": self.jxj.pk, "api:report-detail": self.report.pk,
        }

    def url_for(self, name, params):
        return reverse(name, kwargs=self.kwargs_for(name, params))


class AccessSweepTests(SweepFixture):
    @staticmethod
    def outcome(response):
        if response.status_code in (301, 302, 303):
            return "login" if response["Location"].startswith(reverse("login")) else "redirect"
        return response.status_code

    def test_every_url_is_in_the_matrix(self):
        names = [name for name, _route, _params in url_patterns()]
        self.assertNotIn(None, names, "every URL needs a name so that the matrix can list it")
        missing = sorted(set(names) - set(MATRIX))
        self.assertEqual(missing, [], "URLs without an entry in tests/test_access_sweep.py MATRIX")
        stale = sorted(set(MATRIX) - set(names))
        self.assertEqual(stale, [], "MATRIX entries for URLs that no longer exist")

    def sweep(self, persona):
        ignored = {"django_session", "units_auditevent", "axes_accessattempt", "axes_accesslog",
                   "axes_accessfailurelog", "axes_accessattemptexpiration"}
        failures = []
        with mock.patch("wuhan_plan.health._check_worker"):  # no Celery worker in tests
            self._sweep(persona, ignored, failures)
        self.assertEqual(failures, [], "\n" + "\n".join(failures))

    def _sweep(self, persona, ignored, failures):
        for name, route, params in url_patterns():
            if name not in MATRIX:
                continue  # reported by test_every_url_is_in_the_matrix
            url = reverse(name, kwargs=self.kwargs_for(name, params))
            for method in ("GET", "POST"):
                expected = MATRIX[name][method][persona]
                with transaction.atomic():
                    if persona == ANON:
                        self.client.logout()
                    else:
                        self.client.force_login(self.users[persona])
                    refused = expected in REFUSED
                    before = table_fingerprints() if refused and method == "POST" else None
                    response = getattr(self.client, method.lower())(url)
                    got = self.outcome(response)
                    if got not in expected:
                        failures.append(f"{method} {url} ({name}) as {persona}: got {got}, expected {sorted(map(str, expected))}")
                    elif before is not None:
                        after = table_fingerprints()
                        changed = [t for t in before if t not in ignored and before[t] != after.get(t)]
                        if changed:
                            failures.append(f"{method} {url} ({name}) as {persona}: refused but changed {changed}")
                    transaction.set_rollback(True)

    def test_anonymous(self):
        self.sweep(ANON)

    def test_a_user_without_a_role(self):
        self.sweep(OUTSIDER)

    def test_a_liaison_of_another_unit(self):
        self.sweep(OTHER)

    def test_the_units_own_liaison(self):
        self.sweep(OWN)

    def test_a_leader(self):
        self.sweep(LEADER)

    def test_bureau_staff(self):
        self.sweep(STAFF)

    def test_the_admin_is_for_superusers_and_the_schedule_for_staff(self):
        for user in [None, self.outsider, self.jxj_liaison, self.leader]:
            if user is None:
                self.client.logout()
            else:
                self.client.force_login(user)
            response = self.client.get("/admin/units/auditevent/")
            self.assertEqual(response.status_code, 302)
            self.assertTrue(response["Location"].startswith("/admin/login/"))
        # Bureau staff reach the admin only for the reminder schedule (django-celery-beat).
        self.client.force_login(self.staff)
        self.assertEqual(self.client.get("/admin/units/auditevent/").status_code, 403)
        self.assertEqual(self.client.get("/admin/django_celery_beat/periodictask/").status_code, 200)
