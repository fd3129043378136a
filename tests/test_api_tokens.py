"""API tokens for machine clients: created by bureau staff (key shown once, only a digest kept),
valid until their expiry or revocation, every use in the security audit log; and the rate limit."""

import re
from datetime import timedelta
from unittest import mock

from django.core.cache import cache
from django.utils import timezone

from api.models import ApiToken, digest
from tasks.models import MonthlyReport
from tests import dashboard_seed
from tests.personas import PersonasTestCase
from units.models import AuditEvent


class TokenTests(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.token, cls.key = ApiToken.issue("指挥中心大屏", timezone.now() + timedelta(days=30), cls.staff)

    def call(self, url, authorization):
        self.client.logout()
        return self.client.get(url, HTTP_AUTHORIZATION=authorization)

    def test_it_reads_every_endpoint_with_a_valid_token(self):
        for url in ("/api/v1/plans/", "/api/v1/tasks/", "/api/v1/targets/", "/api/v1/target-standings/",
                    "/api/v1/task-standings/", "/api/v1/units/", "/api/v1/reports/", "/api/v1/target-values/",
                    "/api/v1/coordination-matters/", "/api/v1/sections/", "/api/v1/schema/"):
            self.assertEqual(self.call(url, f"Token {self.key}").status_code, 200, url)

    def test_it_records_each_use_in_the_audit_log(self):
        before = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count()
        self.call("/api/v1/targets/?plan=1", f"Token {self.key}")
        event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).first()
        self.assertEqual(AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count(), before + 1)
        self.assertEqual((event.username, event.object_id, event.object_repr),
                         ("token:指挥中心大屏", str(self.token.pk), "API /api/v1/targets/?plan=1"))
        self.token.refresh_from_db()
        self.assertIsNotNone(self.token.last_used_at)

    def test_it_refuses_an_expired_token(self):
        ApiToken.objects.filter(pk=self.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        response = self.call("/api/v1/plans/", f"Token {self.key}")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response["WWW-Authenticate"], "Token")

    def test_it_refuses_a_revoked_token(self):
        ApiToken.objects.filter(pk=self.token.pk).update(revoked_at=timezone.now())
        self.assertEqual(self.call("/api/v1/plans/", f"Token {self.key}").status_code, 401)

    def test_it_refuses_an_unknown_key_and_another_scheme(self):
        self.assertEqual(self.call("/api/v1/plans/", f"Token {self.key}x").status_code, 401)
        self.assertEqual(self.call("/api/v1/plans/", f"Bearer {self.key}").status_code, 401)
        self.assertEqual(self.call("/api/v1/plans/", f"Token {self.key} extra").status_code, 401)
        self.assertEqual(self.call("/api/v1/plans/", "Token").status_code, 401)

    def test_it_writes_nothing_with_a_token(self):
        self.client.logout()
        response = self.client.post("/api/v1/plans/", {}, HTTP_AUTHORIZATION=f"Token {self.key}")
        self.assertEqual(response.status_code, 405)

    def test_it_gives_a_token_nothing_outside_the_api(self):
        response = self.call("/targets/", f"Token {self.key}")
        self.assertEqual(response.status_code, 302)  # the pages ask for a sign-in
        self.assertEqual(self.call("/api/tokens/", f"Token {self.key}").status_code, 302)

    def test_it_reads_only_approved_figures_not_drafts(self):
        # A token passes figures on to other systems: only what the bureau has approved (api/access.py).
        draft = dashboard_seed.report(self.plan, self.kjj, 5, status=MonthlyReport.Status.DRAFT)
        dashboard_seed.value(draft, self.kjj.reported_targets.first(), 1)
        approved = dashboard_seed.report(self.plan, self.kjj, 4)
        self.assertEqual(self.call(f"/api/v1/reports/{draft.pk}/", f"Token {self.key}").status_code, 404)
        reports = self.call("/api/v1/reports/?month=4", f"Token {self.key}").json()["results"]
        self.assertEqual([r["id"] for r in reports], [approved.pk])
        values = self.call("/api/v1/target-values/?month=5", f"Token {self.key}").json()["results"]
        self.assertNotIn(draft.pk, [v["report"] for v in values])
        self.client.force_login(self.leader)  # a leader signed in still sees the draft, as on the pages
        self.assertEqual(self.client.get(f"/api/v1/reports/{draft.pk}/").status_code, 200)

    def test_it_limits_the_rate_per_token(self):
        cache.clear()
        rates = {"user": "3/minute"}
        with mock.patch("rest_framework.throttling.SimpleRateThrottle.THROTTLE_RATES", rates):
            statuses = [self.call("/api/v1/plans/", f"Token {self.key}").status_code for _ in range(4)]
        cache.clear()
        self.assertEqual(statuses, [200, 200, 200, 429])


class TokenPageTests(PersonasTestCase):
    def test_it_lets_staff_create_a_token_and_shows_its_key_once(self):
        self.client.force_login(self.staff)
        response = self.client.post("/api/tokens/", {"name": "绩效考核系统", "days": 30})
        self.assertEqual(response.status_code, 200)
        key = re.search(r'<code id="new-key">([^<]+)</code>', response.content.decode()).group(1)
        token = ApiToken.objects.get(name="绩效考核系统")
        self.assertEqual(token.key_hash, digest(key))
        self.assertNotIn(key, str(ApiToken.objects.filter(pk=token.pk).values().get()))  # only a digest kept
        self.assertAlmostEqual(token.expires_at, timezone.now() + timedelta(days=30), delta=timedelta(minutes=1))
        self.assertEqual(token.created_by, self.staff)
        self.assertNotIn(key, self.client.get("/api/tokens/").content.decode())  # never shown again
        self.assertTrue(AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_id=str(token.pk)).exists())
        self.client.logout()
        self.assertEqual(self.client.get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Token {key}").status_code, 200)

    def test_it_lets_staff_revoke_a_token(self):
        token, key = ApiToken.issue("督查室", timezone.now() + timedelta(days=1), self.staff)
        self.client.force_login(self.staff)
        self.assertEqual(self.client.post(f"/api/tokens/{token.pk}/revoke/").status_code, 302)
        token.refresh_from_db()
        self.assertEqual(token.revoked_by, self.staff)
        self.client.logout()
        self.assertEqual(self.client.get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Token {key}").status_code, 401)

    def test_it_refuses_the_page_to_anyone_but_staff(self):
        for user in (self.jxj_liaison, self.leader, self.outsider):
            self.client.force_login(user)
            self.assertEqual(self.client.get("/api/tokens/").status_code, 403)
            self.assertEqual(self.client.post("/api/tokens/", {"name": "x", "days": 3}).status_code, 403)
        self.assertFalse(ApiToken.objects.exists())

    def test_it_checks_the_form(self):
        self.client.force_login(self.staff)
        response = self.client.post("/api/tokens/", {"name": "大屏\u200b", "days": 0})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(ApiToken.objects.exists())
        self.assertNotIn('id="new-key"', response.content.decode())
