"""Sign-in rules: password strength, lockout, idle timeout, logout, forced password change."""

import datetime

import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from tests.personas import PASSWORD, PersonasTestCase
from units.accounts import create_account
from units.models import AuditEvent, Membership

START = datetime.datetime(2023, 6, 10, 9, 0, tzinfo=datetime.timezone.utc)


class PasswordValidatorTests(PersonasTestCase):
    def test_it_refuses_short_or_simple_passwords(self):
        for weak in ["Ab1!xyz", "abcdefghijk", "abcdefghij12", "ABCDEFGHIJ12", "1234567890123"]:
            with self.subTest(weak=weak), self.assertRaises(ValidationError):
                validate_password(weak)

    def test_it_accepts_ten_characters_of_three_classes(self):
        validate_password("Wuhan2023kj")  # lower, upper, digits
        validate_password("kejiju-2023x")  # lower, symbol, digits

    def test_it_explains_the_rule_in_chinese(self):
        with self.assertRaises(ValidationError) as caught:
            validate_password("abcdefghijkl")
        self.assertIn("至少 3 类", " ".join(caught.exception.messages))


class LoginTests(PersonasTestCase):
    def post_login(self, password, username="jxj_liaison"):
        return self.client.post(reverse("login"), {"username": username, "password": password})

    def test_it_logs_in_and_records_the_login(self):
        response = self.post_login(PASSWORD)
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
        self.assertEqual(event.user, self.jxj_liaison)
        self.assertEqual(event.ip, "127.0.0.1")

    def test_it_records_a_failed_login_without_the_password(self):
        response = self.post_login("wrong-Passw0rd")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "请输入一个正确的")  # Django's zh-hans "invalid login"
        event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
        self.assertEqual(event.username, "jxj_liaison")
        self.assertNotIn("wrong-Passw0rd", str(event.changes))

    def test_it_locks_the_account_after_five_failures_even_for_the_right_password(self):
        for _ in range(5):
            self.post_login("wrong-Passw0rd")
        response = self.post_login(PASSWORD)
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "账户已锁定 15 分钟", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertTrue(AuditEvent.objects.filter(action=AuditEvent.Action.LOCKOUT, username="jxj_liaison").exists())
        # Another account from the same address is not affected.
        self.assertEqual(self.post_login(PASSWORD, username="hongshan_liaison").status_code, 302)

    def test_it_lifts_the_lock_after_fifteen_minutes(self):
        with time_machine.travel(START, tick=False) as traveller:
            for _ in range(5):
                self.post_login("wrong-Passw0rd")
            traveller.shift(datetime.timedelta(minutes=16))
            self.assertEqual(self.post_login(PASSWORD).status_code, 302)

    def test_a_try_during_the_lock_starts_the_fifteen_minutes_again(self):
        with time_machine.travel(START, tick=False) as traveller:
            for _ in range(5):
                self.post_login("wrong-Passw0rd")
            traveller.shift(datetime.timedelta(minutes=10))
            self.assertEqual(self.post_login(PASSWORD).status_code, 429)
            traveller.shift(datetime.timedelta(minutes=6))
            self.assertEqual(self.post_login(PASSWORD).status_code, 429)
            traveller.shift(datetime.timedelta(minutes=16))
            self.assertEqual(self.post_login(PASSWORD).status_code, 302)

    def test_it_does_not_lock_after_four_failures(self):
        for _ in range(4):
            self.post_login("wrong-Passw0rd")
        self.assertEqual(self.post_login(PASSWORD).status_code, 302)

    def test_it_refuses_an_inactive_account(self):
        get_user_model().objects.filter(pk=self.jxj_liaison.pk).update(is_active=False)
        self.assertEqual(self.post_login(PASSWORD).status_code, 200)
        self.assertNotIn("_auth_user_id", self.client.session)


class LogoutTests(PersonasTestCase):
    def test_it_logs_out_with_post_and_records_it(self):
        self.client.force_login(self.staff)
        response = self.client.post(reverse("logout"))
        self.assertRedirects(response, reverse("login"), fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertTrue(AuditEvent.objects.filter(action=AuditEvent.Action.LOGOUT, user=self.staff).exists())

    def test_it_does_not_log_out_with_get(self):
        self.client.force_login(self.staff)
        self.assertEqual(self.client.get(reverse("logout")).status_code, 405)
        self.assertIn("_auth_user_id", self.client.session)


class IdleTimeoutTests(PersonasTestCase):
    def test_it_logs_out_a_session_idle_longer_than_the_setting(self):
        with time_machine.travel(START, tick=False) as traveller:
            self.client.force_login(self.leader)
            self.assertEqual(self.client.get(reverse("home")).status_code, 302)
            traveller.shift(datetime.timedelta(minutes=29))
            response = self.client.get(reverse("home"))
            self.assertRedirects(response, reverse("overview"), fetch_redirect_response=False)
            traveller.shift(datetime.timedelta(minutes=31))
            response = self.client.get(reverse("home"))
            self.assertRedirects(response, f"{reverse('login')}?next=/accounts/home/", fetch_redirect_response=False)
            self.assertNotIn("_auth_user_id", self.client.session)

    @override_settings(SESSION_IDLE_MINUTES=5)
    def test_it_follows_the_setting(self):
        with time_machine.travel(START, tick=False) as traveller:
            self.client.force_login(self.leader)
            self.client.get(reverse("home"))
            traveller.shift(datetime.timedelta(minutes=6))
            response = self.client.get(reverse("home"))
            self.assertTrue(response["Location"].startswith(reverse("login")))
            self.assertNotIn("_auth_user_id", self.client.session)
        event = AuditEvent.objects.get(action=AuditEvent.Action.LOGOUT)
        self.assertEqual((event.user, event.changes), (self.leader, {"reason": "idle"}))

    def test_the_session_cookie_expires_with_the_browser_and_after_thirty_minutes(self):
        from django.conf import settings

        self.assertEqual(settings.SESSION_IDLE_MINUTES, 30)
        self.assertEqual(settings.SESSION_COOKIE_AGE, 30 * 60)
        self.assertTrue(settings.SESSION_SAVE_EVERY_REQUEST)
        self.assertTrue(settings.SESSION_EXPIRE_AT_BROWSER_CLOSE)


class ForcedPasswordChangeTests(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.newcomer = create_account(
            "new_liaison", Membership.Role.LIAISON, cls.jxj, "Temp-Passw0rd1", must_change_password=True
        )

    def test_it_sends_a_new_account_to_the_password_form_first(self):
        self.client.force_login(self.newcomer)
        for path in ["/", "/targets/", reverse("home"), "/reporting/"]:
            with self.subTest(path=path):
                self.assertRedirects(self.client.get(path), reverse("password_change"), fetch_redirect_response=False)
        self.assertEqual(self.client.post("/reporting/").status_code, 302)

    def test_it_lets_the_user_through_after_the_change(self):
        self.client.force_login(self.newcomer)
        response = self.client.post(reverse("password_change"), {
            "old_password": "Temp-Passw0rd1", "new_password1": "Hubei-2023-kj", "new_password2": "Hubei-2023-kj",
        })
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        self.newcomer.membership.refresh_from_db()
        self.assertFalse(self.newcomer.membership.must_change_password)
        self.assertEqual(self.client.get(reverse("home")).status_code, 302)
        self.assertEqual(self.client.get(reverse("home"))["Location"], reverse("reporting:my_unit"))
        event = AuditEvent.objects.get(action=AuditEvent.Action.ACCOUNT)
        self.assertEqual(event.changes, {"password": "changed"})

    def test_it_refuses_a_weak_new_password_and_keeps_the_old_one(self):
        self.client.force_login(self.newcomer)
        response = self.client.post(reverse("password_change"), {
            "old_password": "Temp-Passw0rd1", "new_password1": "abcdefghij", "new_password2": "abcdefghij",
        })
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "至少 3 类")
        self.newcomer.refresh_from_db()
        self.assertTrue(self.newcomer.check_password("Temp-Passw0rd1"))
        self.assertTrue(Membership.objects.get(user=self.newcomer).must_change_password)

    def test_it_still_allows_logout(self):
        self.client.force_login(self.newcomer)
        self.assertEqual(self.client.post(reverse("logout"))["Location"], reverse("login"))

    def test_anonymous_is_sent_to_login(self):
        response = self.client.get(reverse("password_change"))
        self.assertTrue(response["Location"].startswith(reverse("login")))


class LoginLengthTests(PersonasTestCase):
    def test_an_over_long_user_name_is_refused_before_authentication(self):
        from axes.models import AccessAttempt

        response = self.client.post(reverse("login"), {"username": "a" * 300, "password": "x"})
        self.assertContains(response, "errorlist")
        self.assertFalse(AccessAttempt.objects.exists())  # axes' column is 255 characters

    def test_an_over_long_password_is_refused(self):
        response = self.client.post(reverse("login"), {"username": "staff", "password": "P-1a" * 1000})
        self.assertContains(response, "errorlist")
        self.assertNotIn("_auth_user_id", self.client.session)
