"""The security audit log: append-only, readable and filterable by bureau staff only."""

import datetime

import time_machine
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from tests.personas import PersonasTestCase
from units import audit
from units.models import AuditEvent


class AuditRecordTests(PersonasTestCase):
    def test_it_records_who_when_where_what_and_the_change(self):
        request = RequestFactory().post("/x", REMOTE_ADDR="10.1.2.3")
        request.user = self.staff
        event = audit.record(AuditEvent.Action.UPDATE, request=request, obj=self.jxj, changes={"email": ["", "a@b.cn"]})
        event.refresh_from_db()
        self.assertEqual((event.user, event.username, event.ip), (self.staff, "staff", "10.1.2.3"))
        self.assertEqual((event.object_type, event.object_id, event.object_repr), ("units.Unit", str(self.jxj.pk), "市经信局"))
        self.assertEqual(event.changes, {"email": ["", "a@b.cn"]})
        self.assertIsNotNone(event.created)

    def test_it_ignores_forwarded_for_unless_behind_a_proxy(self):
        request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
        self.assertEqual(audit.client_ip(request), "10.0.0.1")
        with self.settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
            self.assertEqual(audit.client_ip(request), "6.6.6.6")

    def test_events_cannot_be_changed_or_deleted(self):
        event = audit.record(AuditEvent.Action.EXPORT, user=self.staff, object_repr="月报.xlsx")
        event.object_repr = "nothing happened"
        with self.assertRaises(PermissionError):
            event.save()
        with self.assertRaises(PermissionError):
            event.delete()
        event.refresh_from_db()
        self.assertEqual(event.object_repr, "月报.xlsx")

    def test_the_admin_is_read_only(self):
        model_admin = admin.site._registry[AuditEvent]
        request = RequestFactory().get("/admin/")
        request.user = self.staff
        self.assertFalse(model_admin.has_add_permission(request))
        self.assertFalse(model_admin.has_change_permission(request))
        self.assertFalse(model_admin.has_delete_permission(request))

    def test_the_retention_setting_cannot_go_below_180_days(self):
        from django.conf import settings

        self.assertGreaterEqual(settings.AUDIT_RETENTION_DAYS, 180)
        import subprocess
        import sys

        result = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()"],
            env={"DJANGO_SETTINGS_MODULE": "wuhan_plan.settings", "WUHAN_PLAN_TESTING": "1",
                 "AUDIT_RETENTION_DAYS": "30", "PATH": "/usr/bin:/bin", "VAR_DIR": "/tmp/var_sec_retention"},
            capture_output=True, text=True, cwd=settings.BASE_DIR,
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("AUDIT_RETENTION_DAYS", result.stderr)


class AuditPageTests(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        with time_machine.travel(datetime.datetime(2023, 5, 2, 9, 0, tzinfo=datetime.timezone.utc)):
            audit.record(AuditEvent.Action.LOGIN, user=cls.jxj_liaison)
            audit.record(AuditEvent.Action.UPDATE, user=cls.jxj_liaison, obj=cls.jxj, changes={"note": ["", "<b>x</b>"]})
        with time_machine.travel(datetime.datetime(2023, 6, 15, 9, 0, tzinfo=datetime.timezone.utc)):
            audit.record(AuditEvent.Action.EXPORT, user=cls.staff, object_repr="2023年5月调度报告.xlsx")
            audit.record(AuditEvent.Action.LOGIN_FAILED, username="<script>alert(1)</script>")

    def get(self, **params):
        self.client.force_login(self.staff)
        return self.client.get(reverse("audit_log"), params)

    def rows(self, response):
        # Leave out the staff member's own sign-in by force_login.
        return [e for e in response.context["page"].object_list if not (e.username == "staff" and e.action == "login")]

    def test_it_lists_events_newest_first(self):
        response = self.get()
        rows = self.rows(response)
        self.assertEqual([e.action for e in rows], ["login_failed", "export", "update", "login"])
        self.assertContains(response, "2023年5月调度报告.xlsx")

    def test_it_escapes_what_it_shows(self):
        response = self.get()
        self.assertNotContains(response, "<script>alert(1)</script>")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertNotContains(response, "<b>x</b>")

    def test_it_filters_by_action_user_dates_and_text(self):
        self.assertEqual([e.action for e in self.rows(self.get(action="export"))], ["export"])
        self.assertEqual(len(self.rows(self.get(user="jxj"))), 2)
        self.assertEqual(len(self.rows(self.get(date_from="2023-06-01", date_to="2023-06-30"))), 2)
        self.assertEqual(len(self.rows(self.get(date_to="2023-05-31"))), 2)
        self.assertEqual(len(self.rows(self.get(date_from="2023-05-02", date_to="2023-05-02"))), 2)
        self.assertEqual([e.action for e in self.rows(self.get(q="市经信局"))], ["update"])

    def test_it_refuses_a_bad_filter_with_a_message(self):
        response = self.get(date_from="2023-06-30", date_to="2023-06-01")
        self.assertContains(response, "截止日期不能早于起始日期")
        self.assertEqual(self.rows(response), [])
        response = self.get(action="nonsense", date_from="yesterday")
        self.assertContains(response, "选择一个有效的选项")

    def test_it_paginates_with_a_constant_number_of_queries(self):
        for n in range(60):
            audit.record(AuditEvent.Action.LOGIN, user=self.leader)
        self.client.force_login(self.staff)
        with self.assertNumQueries(9) as first:
            response = self.client.get(reverse("audit_log"), {"action": "login"})
        queries = len(first.captured_queries)
        self.assertEqual(len(response.context["page"].object_list), 50)
        self.assertContains(response, "page=2")
        response = self.client.get(reverse("audit_log"), {"action": "login", "page": 2})
        self.assertEqual(len(response.context["page"].object_list), 12)  # 60 + jxj + staff
        for n in range(60):
            audit.record(AuditEvent.Action.LOGIN, user=self.leader)
        with self.assertNumQueries(queries):
            self.client.get(reverse("audit_log"), {"action": "login"})

    def test_it_is_for_staff_only(self):
        for user in [self.jxj_liaison, self.leader, self.outsider]:
            self.client.force_login(user)
            self.assertEqual(self.client.get(reverse("audit_log")).status_code, 403)
        self.client.logout()
        self.assertTrue(self.client.get(reverse("audit_log"))["Location"].startswith(reverse("login")))

    def test_it_offers_no_way_to_change_events(self):
        self.client.force_login(self.staff)
        before = AuditEvent.objects.count()
        for method in ["post", "put", "patch", "delete"]:
            self.assertEqual(getattr(self.client, method)(reverse("audit_log")).status_code, 405)
        self.assertEqual(AuditEvent.objects.count(), before)


class AppendOnlyQuerySetTests(PersonasTestCase):
    def test_bulk_update_and_delete_are_refused(self):
        audit.record(AuditEvent.Action.LOGIN, user=self.staff)
        with self.assertRaises(PermissionError):
            AuditEvent.objects.all().delete()
        with self.assertRaises(PermissionError):
            AuditEvent.objects.filter(action="login").update(username="someone")
        self.assertEqual(AuditEvent.objects.get().username, "staff")

    def test_deleting_a_user_keeps_their_events(self):
        audit.record(AuditEvent.Action.LOGIN, user=self.outsider)
        self.outsider.delete()
        event = AuditEvent.objects.get()
        self.assertEqual((event.user, event.username), (None, "outsider"))


class PurgeCommandTests(PersonasTestCase):
    def test_it_never_removes_events_younger_than_the_retention(self):
        from io import StringIO

        from django.core.management import CommandError, call_command

        now = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
        for days in [400, 181, 179, 1]:
            with time_machine.travel(now - datetime.timedelta(days=days)):
                audit.record(AuditEvent.Action.LOGIN, user=self.staff, object_repr=f"{days}")
        with time_machine.travel(now):
            with self.assertRaisesMessage(CommandError, "至少保存 180 天"):
                call_command("purge_audit", days=90)
            self.assertEqual(AuditEvent.objects.count(), 4)
            out = StringIO()
            call_command("purge_audit", stdout=out)
        self.assertIn("已删除 2 条", out.getvalue())
        self.assertEqual(sorted(AuditEvent.objects.values_list("object_repr", flat=True)), ["1", "179"])


class AuditSentenceTests(PersonasTestCase):
    """Each event reads as a sentence, never as the dict it is stored as."""

    def audit_page(self):
        self.client.force_login(self.staff)
        return self.client.get(reverse("audit_log"))

    def test_it_says_an_account_was_deactivated_and_a_refused_attempt(self):
        self.client.force_login(self.staff)
        self.client.post(reverse("account_deactivate", args=[self.jxj_liaison.pk]))
        superuser = get_user_model().objects.create_superuser("admin", password="Wuhan-Test-2023!")
        self.client.post(reverse("account_deactivate", args=[superuser.pk]))
        response = self.audit_page()
        self.assertContains(response, "停用账户 jxj_liaison")
        self.assertContains(response, "试图对账户 admin 执行“停用”，因权限不足被拒绝。")
        self.assertNotContains(response, "is_active")
        self.assertNotContains(response, "refused")

    def test_it_says_a_password_reset_and_a_new_account_with_its_role(self):
        self.client.force_login(self.staff)
        self.client.post(reverse("account_reset_password", args=[self.jxj_liaison.pk]))
        response = self.audit_page()
        self.assertContains(response, "重置账户 jxj_liaison 的密码（须在下次登录时修改），移除二次验证设备 0 个。")
        event = AuditEvent(action=AuditEvent.Action.ACCOUNT, object_repr="new_one",
                           changes={"account": "created", "role": "liaison", "unit": "市经信局"})
        self.assertEqual(audit.describe(event), "新建账户 new_one（角色：单位联络员；单位：市经信局）。")

    def test_it_says_a_failed_sign_in_an_export_and_a_backup(self):
        cases = [
            (AuditEvent(action=AuditEvent.Action.LOGIN_FAILED, username="jxj"), "以用户名 jxj 登录失败。"),
            (AuditEvent(action=AuditEvent.Action.LOGIN_FAILED, changes={"otp": "wrong token"}), "二次验证码错误。"),
            (AuditEvent(action=AuditEvent.Action.EXPORT, object_repr="2023Q3.xlsx"), "导出 2023Q3.xlsx。"),
            (AuditEvent(action=AuditEvent.Action.BACKUP, object_repr="b-1.tar.gz"), "备份全部数据：b-1.tar.gz。"),
            (AuditEvent(action=AuditEvent.Action.UPDATE, object_repr="旧记录", changes={"note": ["", "新"]}),
             "修改 旧记录：note：— → 新。"),
        ]
        for event, sentence in cases:
            with self.subTest(sentence):
                self.assertEqual(audit.describe(event), sentence)
