"""Who may manage whose account: bureau staff manage liaisons and leaders; only a superuser
touches a superuser or a member of staff. Every pair of roles, for every account action."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.personas import PASSWORD, PersonasTestCase
from units.accounts import create_account
from units.models import AuditEvent, Membership

User = get_user_model()
ACTIONS = ["account_reset_password", "account_deactivate", "account_activate"]


class HierarchyTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.root = User.objects.create_superuser("root", "root@example.gov.cn", PASSWORD)
        cls.other_root = User.objects.create_superuser("root2", "root2@example.gov.cn", PASSWORD)
        cls.other_staff = create_account("staff2", Membership.Role.STAFF, cls.kjj, PASSWORD)

    def act(self, actor, action, account):
        self.client.force_login(actor)
        return self.client.post(reverse(action, args=[account.pk]))

    def state(self, account):
        account.refresh_from_db()
        return account.password, account.is_active

    def assert_refused(self, actor, account):
        """Every action on `account` by `actor` is a 403, changes nothing, and is in the audit log."""
        for action in ACTIONS:
            with self.subTest(actor=actor.username, account=account.username, action=action):
                before = self.state(account)
                events = AuditEvent.objects.filter(object_id=str(account.pk)).count()
                response = self.act(actor, action, account)
                self.assertEqual(response.status_code, 403)
                self.assertEqual(self.state(account), before)
                event = AuditEvent.objects.filter(object_id=str(account.pk)).first()
                self.assertEqual(AuditEvent.objects.filter(object_id=str(account.pk)).count(), events + 1)
                self.assertEqual(event.action, AuditEvent.Action.ACCOUNT)
                self.assertEqual(event.user, actor)
                self.assertEqual(event.changes, {"refused": action.removeprefix("account_")})

    def assert_allowed(self, actor, account):
        """Reset, deactivate and activate again: each done and audited with the actor."""
        with self.subTest(actor=actor.username, account=account.username):
            password = self.state(account)[0]
            response = self.act(actor, "account_reset_password", account)
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "temporary-password")
            self.assertNotEqual(self.state(account)[0], password)
            self.assertRedirects(self.act(actor, "account_deactivate", account), reverse("account_manage"),
                                 fetch_redirect_response=False)
            self.assertFalse(self.state(account)[1])
            self.act(actor, "account_activate", account)
            self.assertTrue(self.state(account)[1])
            changes = list(
                AuditEvent.objects.filter(object_id=str(account.pk), user=actor).order_by("id")
                .values_list("changes", flat=True)
            )
            self.assertEqual(changes[0]["password"], "reset")
            self.assertEqual(changes[1:], [{"is_active": [True, False]}, {"is_active": [False, True]}])


class StaffActingTests(HierarchyTestCase):
    def test_staff_cannot_touch_a_superuser(self):
        self.assert_refused(self.staff, self.root)
        # …not even one already deactivated: activating it would hand its rights back.
        User.objects.filter(pk=self.root.pk).update(is_active=False)
        self.assert_refused(self.staff, self.root)

    def test_staff_cannot_touch_another_member_of_staff(self):
        self.assert_refused(self.staff, self.other_staff)

    def test_staff_cannot_touch_an_account_without_a_role(self):
        self.assert_refused(self.staff, self.outsider)

    def test_staff_manage_a_liaison(self):
        self.assert_allowed(self.staff, self.jxj_liaison)

    def test_staff_manage_a_leader(self):
        self.assert_allowed(self.staff, self.leader)

    def test_the_page_offers_staff_only_what_they_may_do(self):
        self.client.force_login(self.staff)
        response = self.client.get(reverse("account_manage"))
        for account in (self.root, self.other_staff, self.outsider, self.staff):
            self.assertNotContains(response, reverse("account_reset_password", args=[account.pk]))
            self.assertNotContains(response, reverse("account_deactivate", args=[account.pk]))
        for account in (self.jxj_liaison, self.leader):
            self.assertContains(response, reverse("account_reset_password", args=[account.pk]))
            self.assertContains(response, reverse("account_deactivate", args=[account.pk]))

    def test_staff_cannot_edit_a_superuser_in_the_admin(self):
        self.client.force_login(self.staff)
        for url in (f"/admin/auth/user/{self.root.pk}/change/", f"/admin/auth/user/{self.root.pk}/password/",
                    f"/admin/units/membership/{self.other_staff.membership.pk}/change/"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 403)
                self.assertEqual(self.client.post(url, {"password1": "x", "password2": "x"}).status_code, 403)
        self.assertTrue(User.objects.get(pk=self.root.pk).check_password(PASSWORD))


class SuperuserActingTests(HierarchyTestCase):
    def test_a_superuser_manages_staff(self):
        self.assert_allowed(self.root, self.other_staff)

    def test_a_superuser_manages_another_superuser(self):
        self.assert_allowed(self.root, self.other_root)

    def test_a_superuser_manages_liaisons_and_leaders(self):
        self.assert_allowed(self.root, self.jxj_liaison)
        self.assert_allowed(self.root, self.leader)

    def test_the_page_offers_a_superuser_every_other_account(self):
        self.client.force_login(self.root)
        response = self.client.get(reverse("account_manage"))
        for account in (self.other_root, self.staff, self.jxj_liaison, self.leader, self.outsider):
            self.assertContains(response, reverse("account_reset_password", args=[account.pk]))
        self.assertNotContains(response, reverse("account_reset_password", args=[self.root.pk]))


class OthersActingTests(HierarchyTestCase):
    def test_leaders_liaisons_and_users_without_a_role_manage_nobody(self):
        for actor in (self.leader, self.jxj_liaison, self.outsider):
            for account in (self.root, self.staff, self.hongshan_liaison):
                for action in ACTIONS:
                    with self.subTest(actor=actor.username, account=account.username, action=action):
                        before = self.state(account)
                        self.assertEqual(self.act(actor, action, account).status_code, 403)
                        self.assertEqual(self.state(account), before)


class CreateTests(HierarchyTestCase):
    def form(self, role, unit=None, username="new_account"):
        return {"username": username, "full_name": "王五", "email": "", "phone": "", "role": role,
                "unit": unit.pk if unit else ""}

    def test_staff_cannot_create_a_staff_account(self):
        self.client.force_login(self.staff)
        before = User.objects.count()
        response = self.client.post(reverse("account_create"), self.form("staff", self.kjj))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "只能新建单位联络员或领导账户；科技局工作人员账户由系统管理员新建。")
        self.assertEqual(User.objects.count(), before)
        self.assertNotContains(self.client.get(reverse("account_create")), 'value="staff"')

    def test_staff_create_liaisons_and_leaders(self):
        self.client.force_login(self.staff)
        self.client.post(reverse("account_create"), self.form("liaison", self.jxj, "jxj_new"))
        self.client.post(reverse("account_create"), self.form("leader", username="leader_new"))
        self.assertEqual(User.objects.get(username="jxj_new").membership.role, "liaison")
        self.assertEqual(User.objects.get(username="leader_new").membership.role, "leader")

    def test_a_superuser_creates_a_staff_account(self):
        self.client.force_login(self.root)
        response = self.client.post(reverse("account_create"), self.form("staff", self.kjj, "kjj_new"))
        self.assertEqual(response.status_code, 200)
        account = User.objects.get(username="kjj_new")
        self.assertEqual(account.membership.role, "staff")
        event = AuditEvent.objects.get(object_id=str(account.pk))
        self.assertEqual((event.user, event.changes["role"]), (self.root, "staff"))
