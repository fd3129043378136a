"""Account administration by bureau staff: /accounts/manage/."""

import re

from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.personas import PASSWORD, PersonasTestCase
from units.models import AuditEvent

User = get_user_model()


def temporary_password_in(response):
    match = re.search(r'<code class="temporary-password">([^<]+)</code>', response.content.decode())
    assert match, "no temporary password on the page"
    return match.group(1)


class ManageListTests(PersonasTestCase):
    def test_it_lists_accounts_for_staff(self):
        self.client.force_login(self.staff)
        response = self.client.get(reverse("account_manage"))
        self.assertContains(response, "jxj_liaison")
        self.assertContains(response, "市经信局")
        self.assertContains(response, "单位联络员")

    def test_it_uses_a_constant_number_of_queries(self):
        self.client.force_login(self.staff)
        self.client.get(reverse("account_manage"))
        with self.assertNumQueries(8) as first:
            self.client.get(reverse("account_manage"))
        queries = len(first.captured_queries)
        for n in range(10):
            User.objects.create_user(f"extra{n}")
        with self.assertNumQueries(queries):
            self.client.get(reverse("account_manage"))

    def test_it_refuses_everyone_but_staff(self):
        for user in [self.jxj_liaison, self.leader, self.outsider]:
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get(reverse("account_manage")).status_code, 403)

    def test_it_sends_anonymous_to_login(self):
        response = self.client.get(reverse("account_manage"))
        self.assertTrue(response["Location"].startswith(reverse("login")))

    def test_it_refuses_post(self):
        self.client.force_login(self.staff)
        self.assertEqual(self.client.post(reverse("account_manage")).status_code, 405)


class AccountCreateTests(PersonasTestCase):
    def form(self, **overrides):
        data = {"username": "jxj_wang", "full_name": "王五", "email": "wang@example.gov.cn", "phone": "027-12345678",
                "role": "liaison", "unit": self.jxj.pk}
        data.update(overrides)
        return data

    def test_it_creates_a_liaison_with_a_temporary_password_to_change(self):
        self.client.force_login(self.staff)
        response = self.client.post(reverse("account_create"), self.form())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Cache-Control"].count("no-store"), 1)
        password = temporary_password_in(response)
        account = User.objects.get(username="jxj_wang")
        self.assertTrue(account.check_password(password))
        self.assertEqual(account.first_name, "王五")
        self.assertEqual(account.membership.unit, self.jxj)
        self.assertEqual(account.membership.phone, "027-12345678")
        self.assertTrue(account.membership.must_change_password)
        event = AuditEvent.objects.get(action=AuditEvent.Action.ACCOUNT)
        self.assertEqual((event.user, event.object_id), (self.staff, str(account.pk)))
        self.assertEqual(event.changes["account"], "created")

        # The new liaison signs in and is sent to change the password first.
        self.client.logout()
        response = self.client.post(reverse("login"), {"username": "jxj_wang", "password": password}, follow=True)
        self.assertEqual(response.redirect_chain[-1][0], reverse("password_change"))
        self.assertContains(response, "首次登录，请先修改密码")

    def test_it_requires_a_unit_for_a_liaison(self):
        self.client.force_login(self.staff)
        response = self.client.post(reverse("account_create"), self.form(unit=""))
        self.assertContains(response, "单位联络员必须选择所属单位")
        self.assertFalse(User.objects.filter(username="jxj_wang").exists())

    def test_it_refuses_a_group_as_the_unit(self):
        self.client.force_login(self.staff)
        response = self.client.post(reverse("account_create"), self.form(unit=self.districts.pk))
        self.assertContains(response, "选择一个有效的选项")
        self.assertFalse(User.objects.filter(username="jxj_wang").exists())

    def test_it_refuses_a_duplicate_or_malformed_username(self):
        self.client.force_login(self.staff)
        for username, message in [("JXJ_LIAISON", "已被使用"), ("王 五", "只能使用"), ("ab", "只能使用")]:
            with self.subTest(username=username):
                response = self.client.post(reverse("account_create"), self.form(username=username))
                self.assertContains(response, message)
        self.assertEqual(User.objects.count(), 5)

    def test_it_is_for_staff_only(self):
        before = User.objects.count()
        for user in [self.jxj_liaison, self.leader, self.outsider]:
            self.client.force_login(user)
            self.assertEqual(self.client.post(reverse("account_create"), self.form()).status_code, 403)
        self.assertEqual(User.objects.count(), before)


class DeactivateAndResetTests(PersonasTestCase):
    def test_it_deactivates_and_the_user_can_no_longer_sign_in(self):
        self.client.force_login(self.jxj_liaison)
        liaison_client = self.client_class()
        liaison_client.force_login(self.jxj_liaison)
        self.client.force_login(self.staff)
        response = self.client.post(reverse("account_deactivate", args=[self.jxj_liaison.pk]))
        self.assertRedirects(response, reverse("account_manage"), fetch_redirect_response=False)
        self.jxj_liaison.refresh_from_db()
        self.assertFalse(self.jxj_liaison.is_active)
        # The open session is gone too.
        self.assertTrue(liaison_client.get(reverse("home"))["Location"].startswith(reverse("login")))
        self.assertEqual(
            AuditEvent.objects.get(action=AuditEvent.Action.ACCOUNT).changes, {"is_active": [True, False]}
        )
        self.client.post(reverse("account_activate", args=[self.jxj_liaison.pk]))
        self.jxj_liaison.refresh_from_db()
        self.assertTrue(self.jxj_liaison.is_active)

    def test_staff_cannot_deactivate_themselves(self):
        self.client.force_login(self.staff)
        self.client.post(reverse("account_deactivate", args=[self.staff.pk]))
        self.staff.refresh_from_db()
        self.assertTrue(self.staff.is_active)

    def test_it_resets_a_password_lifts_the_lock_and_forces_a_change(self):
        for _ in range(5):
            self.client.post(reverse("login"), {"username": "jxj_liaison", "password": "wrong-Passw0rd"})
        self.client.force_login(self.staff)
        response = self.client.post(reverse("account_reset_password", args=[self.jxj_liaison.pk]))
        password = temporary_password_in(response)
        self.assertNotEqual(password, PASSWORD)
        self.jxj_liaison.refresh_from_db()
        self.assertTrue(self.jxj_liaison.check_password(password))
        self.assertTrue(self.jxj_liaison.membership.must_change_password)
        self.assertEqual(AuditEvent.objects.get(action=AuditEvent.Action.ACCOUNT).changes["password"], "reset")
        self.client.logout()
        response = self.client.post(reverse("login"), {"username": "jxj_liaison", "password": password})
        self.assertEqual(response.status_code, 302)

    def test_the_actions_need_post_and_staff(self):
        for name in ["account_deactivate", "account_activate", "account_reset_password"]:
            url = reverse(name, args=[self.jxj_liaison.pk])
            self.client.force_login(self.staff)
            self.assertEqual(self.client.get(url).status_code, 405)
            for user in [self.hongshan_liaison, self.leader, self.outsider]:
                self.client.force_login(user)
                self.assertEqual(self.client.post(url).status_code, 403)
            self.client.logout()
            self.assertTrue(self.client.post(url)["Location"].startswith(reverse("login")))
        self.jxj_liaison.refresh_from_db()
        self.assertTrue(self.jxj_liaison.is_active)
        self.assertTrue(self.jxj_liaison.check_password(PASSWORD))

    def test_an_unknown_account_is_404(self):
        self.client.force_login(self.staff)
        self.assertEqual(self.client.post(reverse("account_deactivate", args=[99999])).status_code, 404)
