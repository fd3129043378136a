"""The command-room screen (/screen/) and its kiosk token: who may open it, what a kiosk may read,
and its figures — the overview's for the same month, from the same stored standings."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from api.authentication import KIOSK_SESSION_KEY
from api.models import ApiToken
from targets.models import Status, Target, TargetValue
from targets.standing_store import refresh_plan
from tests import dashboard_seed
from tests.personas import PersonasTestCase
from units.models import AuditEvent

SCREEN = "/screen/"
DATA = "/api/v1/screen/"


def counts(cards):
    return {card["code"]: card["count"] for card in cards}


class KioskTests(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        later = timezone.now() + timedelta(days=30)
        cls.kiosk, cls.kiosk_key = ApiToken.issue("指挥中心大屏", later, cls.staff, kind=ApiToken.Kind.KIOSK)
        cls.client_token, cls.client_key = ApiToken.issue("绩效考核系统", later, cls.staff)

    def open_kiosk(self, key=None):
        """What the kiosk link's page does at once (static/js/kiosk_start.js): post the key back."""
        return self.client.post(SCREEN, {"kiosk": key or self.kiosk_key})

    def test_it_opens_a_kiosk_link_with_a_form_that_signs_in_and_writes_nothing(self):
        response = self.client.get(SCREEN, {"kiosk": self.kiosk_key, "month": 3})
        self.assertContains(response, '<form method="post" action="/screen/" id="kiosk-start">')
        self.assertContains(response, f'<input type="hidden" name="kiosk" value="{self.kiosk_key}">')
        self.assertContains(response, '<input type="hidden" name="month" value="3">')
        self.assertContains(response, 'src="/static/js/kiosk_start.js"')
        self.assertNotIn(KIOSK_SESSION_KEY, self.client.session)
        self.assertFalse(AuditEvent.objects.exists())
        self.kiosk.refresh_from_db()
        self.assertIsNone(self.kiosk.last_used_at)

    def test_it_redirects_anonymous_users_without_a_token_to_login(self):
        response = self.client.get(SCREEN)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])
        self.assertEqual(self.client.get(DATA).status_code, 401)

    def test_it_refuses_a_user_without_a_role_and_a_write(self):
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(SCREEN).status_code, 403)
        self.client.force_login(self.leader)
        self.assertEqual(self.client.put(SCREEN).status_code, 405)
        self.assertEqual(self.client.post(DATA).status_code, 405)

    def test_it_shows_the_screen_to_a_signed_in_user(self):
        self.client.force_login(self.jxj_liaison)
        response = self.client.get(SCREEN)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "调度大屏")
        self.assertContains(response, 'src="/static/js/screen.js"')
        self.assertContains(response, f'data-url="{DATA}"')
        self.assertIsNone(re.search(r"<script(?![^>]*\bsrc=)", response.content.decode()), "inline script")
        self.assertEqual(self.client.get(DATA).status_code, 200)

    def test_it_opens_a_kiosk_session_with_a_valid_kiosk_token(self):
        response = self.open_kiosk()
        self.assertRedirects(response, SCREEN, fetch_redirect_response=False)  # the key leaves the address bar
        self.assertEqual(self.client.session[KIOSK_SESSION_KEY], self.kiosk.pk)
        self.assertNotIn("_auth_user_id", self.client.session)  # no personal login
        self.assertEqual(self.client.get(SCREEN).status_code, 200)
        data = self.client.get(DATA)
        self.assertEqual(data.status_code, 200)
        self.assertEqual(data.json()["plan"]["code"], "2023")
        opened = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN, object_id=str(self.kiosk.pk))
        self.assertEqual(opened.username, "token:指挥中心大屏")
        used = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_id=str(self.kiosk.pk))
        self.assertEqual(list(used.values_list("object_repr", flat=True)), [f"API {DATA}"])
        self.kiosk.refresh_from_db()
        self.assertIsNotNone(self.kiosk.last_used_at)

    def test_it_keeps_the_month_of_a_kiosk_link(self):
        response = self.client.post(SCREEN, {"kiosk": self.kiosk_key, "month": 3})
        self.assertRedirects(response, f"{SCREEN}?month=3", fetch_redirect_response=False)
        self.assertContains(self.client.get(response["Location"]), f'data-url="{DATA}?month=3"')

    def test_it_refuses_an_expired_a_revoked_an_unknown_or_a_client_token_as_a_kiosk_link(self):
        ApiToken.objects.filter(pk=self.kiosk.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        link = self.client.get(SCREEN, {"kiosk": self.kiosk_key})  # the link itself: refused, nothing written
        self.assertContains(link, "大屏链接已失效", status_code=403)
        self.assertFalse(AuditEvent.objects.exists())
        expired = self.open_kiosk()
        self.assertEqual(expired.status_code, 403)
        self.assertContains(expired, "大屏链接已失效", status_code=403)
        self.assertContains(expired, "请联系市科技局工作人员", status_code=403)
        ApiToken.objects.filter(pk=self.kiosk.pk).update(expires_at=timezone.now() + timedelta(days=1),
                                                         revoked_at=timezone.now())
        self.assertEqual(self.open_kiosk().status_code, 403)
        self.assertEqual(self.open_kiosk(self.kiosk_key + "x").status_code, 403)
        self.assertEqual(self.open_kiosk(self.client_key).status_code, 403)  # a client token is not a kiosk link
        self.assertNotIn(KIOSK_SESSION_KEY, self.client.session)
        self.assertEqual(AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).count(), 4)

    def test_it_ends_a_kiosk_session_when_its_token_is_revoked(self):
        self.open_kiosk()
        ApiToken.objects.filter(pk=self.kiosk.pk).update(revoked_at=timezone.now())
        self.assertEqual(self.client.get(DATA).status_code, 401)
        page = self.client.get(SCREEN)
        self.assertContains(page, "大屏链接已失效", status_code=403)
        self.assertEqual(self.client.get(SCREEN).status_code, 403)  # and stays refused

    def test_it_gives_a_kiosk_session_nothing_but_the_screen(self):
        self.open_kiosk()
        for url in ("/", "/targets/", "/units/", "/reporting/", "/api/tokens/"):
            self.assertEqual(self.client.get(url).status_code, 302, url)  # the pages ask for a sign-in
        for url in ("/api/v1/plans/", "/api/v1/targets/", "/api/v1/reports/", "/api/v1/target-values/",
                    "/api/v1/units/", "/api/v1/schema/"):
            self.assertIn(self.client.get(url).status_code, (401, 403), url)

    def test_it_gives_a_kiosk_token_in_the_header_nothing_but_the_screens_data(self):
        self.client.logout()
        header = {"HTTP_AUTHORIZATION": f"Token {self.kiosk_key}"}
        self.assertEqual(self.client.get(DATA, **header).status_code, 200)
        for url in ("/api/v1/plans/", "/api/v1/targets/", "/api/v1/target-standings/", "/api/v1/reports/",
                    "/api/v1/units/", "/api/v1/coordination-matters/", "/api/v1/schema/"):
            self.assertEqual(self.client.get(url, **header).status_code, 403, url)
        self.assertEqual(self.client.get("/targets/", **header).status_code, 302)

    def test_it_lets_a_client_token_read_the_screens_data_too(self):
        response = self.client.get(DATA, HTTP_AUTHORIZATION=f"Token {self.client_key}")
        self.assertEqual(response.status_code, 200)

    def test_it_lets_a_signed_in_user_open_a_kiosk_link_as_itself(self):
        self.client.force_login(self.leader)
        self.assertEqual(self.client.get(SCREEN, {"kiosk": self.kiosk_key}).status_code, 302)
        self.assertEqual(self.open_kiosk().status_code, 302)
        self.assertNotIn(KIOSK_SESSION_KEY, self.client.session)  # no kiosk mixed into a personal session
        self.assertEqual(self.client.get(SCREEN).status_code, 200)

    def test_it_lets_staff_create_a_kiosk_link_that_opens_the_screen(self):
        self.client.force_login(self.staff)
        response = self.client.post("/api/tokens/", {"name": "二楼指挥室", "days": 7, "kind": "kiosk"})
        link = re.search(r'<code id="kiosk-link">([^<]+)</code>', response.content.decode()).group(1)
        token = ApiToken.objects.get(name="二楼指挥室")
        self.assertEqual(token.kind, ApiToken.Kind.KIOSK)
        self.assertContains(self.client.get("/api/tokens/"), "大屏链接")
        self.client.logout()
        self.assertContains(self.client.get(link.removeprefix("http://testserver")), 'id="kiosk-start"')
        self.assertEqual(self.client.post(SCREEN, {"kiosk": link.split("kiosk=")[1]}).status_code, 302)
        self.assertEqual(self.client.get(SCREEN).status_code, 200)


class ScreenFiguresTests(PersonasTestCase):
    """Three months of approved reports (tests/dashboard_seed.py): the screen's figures, by hand and
    against the overview's for the same month."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        dashboard_seed.seed_months(cls.plan, [1, 2, 3], staff=cls.staff)
        # One cumulative target far off its path: 1 % of the year's target a month, not 1/12.
        cls.slow = (Target.objects.filter(plan=cls.plan, reporting_unit=cls.kjj, kind=Target.Kind.CUMULATIVE)
                    .exclude(code="T08").order_by("position", "code").first())
        for value in TargetValue.objects.filter(target=cls.slow):
            value.value = cls.slow.value * value.month / 100
            value.save(update_fields=["value"])
        refresh_plan(cls.plan)

    def screen(self, **params):
        self.client.force_login(self.leader)
        response = self.client.get(DATA, params)
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_it_shows_the_headline_figures(self):
        data = self.screen(month=3)
        self.assertEqual((data["month"], data["as_of"], data["time_progress"]), (3, "截至3月底", 25.0))
        # As on the overview: 市科技局's 28 targets, 26 on their path, one yearly (not due) and T03
        # (10 labs) at 0.3 in March, 3 % against 25 % of the year: 严重滞后. Of the other 15, three
        # are half-yearly (not due) and 12 have no approved value.
        self.assertEqual(counts(data["targets"]), {"done": 0, "on_track": 26, "behind": 0, "seriously_behind": 1,
                                                   "not_reported": 12, "not_due": 4})
        self.assertEqual((data["target_total"], data["missing"]), (43, 0))
        self.assertEqual([card["label"] for card in data["targets"]], [str(s.label) for s in Status])
        # Task 4 holds T03; task 7's lead unit, 市经信局, assesses it 进度滞后. The 11 tasks with neither
        # a 市科技局 target nor a progress report are 未报送.
        behind = [(t["number"], t["status_label"]) for t in data["behind_tasks"]]
        self.assertEqual(behind, [(4, "严重滞后"), (7, "滞后")])
        self.assertEqual(counts(data["tasks"]), {"done": 0, "on_track": 9, "behind": 1, "seriously_behind": 1,
                                                 "not_reported": 11, "not_due": 0})
        # Every unit that must report (43) but 市科技局, which reported March on time.
        late = {unit["code"]: unit["state_label"] for unit in data["late_units"]}
        self.assertEqual(len(late), 42)
        self.assertEqual(late["jxj"], "已审核·逾期")  # submitted late, then approved
        self.assertEqual(late["fgw"], "未报送")
        self.assertNotIn("kjj", late)
        # T03 at 0.1 a month ends the year at about 1 of its 10.
        self.assertEqual(data["likely_missed_count"], 1)
        self.assertEqual([(s["code"], s["statement"]) for s in data["likely_missed"]],
                         [("T03", "预计年底可达 1家（完成 10.0%），可能完不成目标；还需月均 1.08家")])
        # January to March, each month's mix of the 43 targets; March's is the headline.
        self.assertEqual([m["month"] for m in data["trend"]], [1, 2, 3])
        self.assertEqual(counts(data["trend"][-1]["statuses"]), counts(data["targets"]))
        self.assertTrue(all(sum(counts(m["statuses"]).values()) == 43 for m in data["trend"]))

    def test_it_equals_the_overview_for_the_same_month(self):
        for month in (None, 1, 3, 6):
            params = {"month": month} if month else {}
            data = self.screen(**params)
            page = self.client.get("/", params).context
            self.assertEqual(data["month"], page["as_of"].month)
            self.assertEqual(counts(data["targets"]), {c["code"]: c["count"] for c in page["target_cards"]}, month)
            self.assertEqual(counts(data["tasks"]), {c["code"]: c["count"] for c in page["task_cards"]}, month)
            self.assertEqual(data["missing"], page["missing_count"])
            self.assertEqual([u["code"] for u in data["late_units"]], [u.code for u, _state, _url in page["late_units"]])
            self.assertEqual([u["state_label"] for u in data["late_units"]], [s[1] for _u, s, _url in page["late_units"]])
            self.assertEqual([t["number"] for t in data["behind_tasks"]], [t.number for t, _s, _url in page["behind_tasks"]])
            self.assertEqual(data["likely_missed_count"], page["likely_missed_count"])
            self.assertEqual([(s["code"], s["statement"]) for s in data["likely_missed"]],
                             [(s.target.code, line) for s, line, _url in page["likely_missed"]])

    def test_it_lists_the_targets_likely_missed_with_their_forecast_range(self):
        data = self.screen(month=3)
        self.assertEqual(len(data["likely_missed"]), 1)
        for standing in data["likely_missed"]:
            forecast = standing["forecast"]
            self.assertTrue(forecast["likely_missed"])
            self.assertLessEqual(forecast["low"], forecast["value"])
            self.assertLessEqual(forecast["value"], forecast["high"])
            self.assertIn("可能完不成目标", standing["statement"])

    def test_it_rejects_a_bad_month(self):
        self.client.force_login(self.leader)
        for month in ("13", "0", "x", "3.5"):
            self.assertEqual(self.client.get(DATA, {"month": month}).status_code, 400, month)


class ScreenQueriesTests(PersonasTestCase):
    def setUp(self):
        self.kiosk, key = ApiToken.issue("大屏", timezone.now() + timedelta(days=1), self.staff,
                                         kind=ApiToken.Kind.KIOSK)
        self.client.post(SCREEN, {"kiosk": key})

    def test_it_reads_in_a_constant_number_of_queries_as_data_grows(self):
        # The session, its token, the token's last use, the audit event; the plan, its reporting units,
        # the default month; the overview's counts (5), the trend, the late units, the likely missed;
        # the session saved (SESSION_SAVE_EVERY_REQUEST: a savepoint, an update, its release).
        expected = 18
        dashboard_seed.seed_months(self.plan, [1], staff=self.staff, extra_units=1)
        with self.assertNumQueries(expected):
            self.assertEqual(self.client.get(DATA, {"month": 3}).status_code, 200)
        dashboard_seed.grow(self.plan, staff=self.staff)
        with self.assertNumQueries(expected):
            self.assertEqual(self.client.get(DATA, {"month": 3}).status_code, 200)
        with self.assertNumQueries(expected):
            self.assertEqual(self.client.get(DATA).status_code, 200)
