"""With OTP required, a staff account's first device is bound only with a superuser's one-time code."""

import datetime
from io import StringIO

import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.personas import PASSWORD, PersonasTestCase
from tests.test_accounts_otp import current_token
from units import audit
from units.accounts import create_account
from units.models import AuditEvent, Membership
from units.otp_enrolment import issue_code


@override_settings(REQUIRE_OTP_FOR_STAFF=True)
class OtpEnrolmentCodeTests(PersonasTestCase):
    def sign_in(self, user):
        self.client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
        self.client.get(reverse("otp_setup"))

    def try_to_enrol(self, **data):
        token = current_token(TOTPDevice(key=self.client.session["otp_setup_key"]))
        return self.client.post(reverse("otp_setup"), {"token": token, **data})

    def test_a_staff_password_alone_cannot_bind_a_device(self):
        self.sign_in(self.staff)
        page = self.client.get(reverse("otp_setup"))
        self.assertContains(page, "绑定码")
        response = self.try_to_enrol()
        self.assertContains(response, "首次启用动态验证码须输入系统管理员签发的绑定码。")
        response = self.try_to_enrol(enrolment_code="ABCDE-FGHJK")
        self.assertContains(response, "绑定码不正确、已使用或已过期，请联系系统管理员重新签发。")
        self.assertFalse(TOTPDevice.objects.exists())
        self.assertEqual(self.client.get("/targets/").status_code, 302)  # still held at the setup page
        event = AuditEvent.objects.get(changes__otp="wrong enrolment code")
        self.assertEqual(audit.describe(event), "绑定动态验证码时输入的绑定码无效。")

    def test_a_code_binds_one_device_once_for_its_own_account_only(self):
        other_staff = create_account("staff2", Membership.Role.STAFF, self.kjj, PASSWORD)
        code = issue_code(self.staff)
        self.sign_in(other_staff)
        self.assertContains(self.try_to_enrol(enrolment_code=code), "绑定码不正确")
        self.client.post(reverse("logout"))
        self.sign_in(self.staff)
        response = self.try_to_enrol(enrolment_code=code.lower().replace("-", " "))  # as read over the phone
        self.assertEqual(response.status_code, 302)
        self.assertTrue(TOTPDevice.objects.get(user=self.staff).confirmed)
        self.assertEqual(self.client.get("/targets/").status_code, 200)
        # Used: it binds nothing more, even for the same account.
        TOTPDevice.objects.filter(user=self.staff).delete()
        self.client.post(reverse("logout"))
        self.sign_in(self.staff)
        self.assertContains(self.try_to_enrol(enrolment_code=code), "绑定码不正确")

    def test_a_code_expires_and_a_new_one_replaces_the_old(self):
        with time_machine.travel(timezone.now() - datetime.timedelta(hours=25)):
            yesterdays = issue_code(self.staff)  # valid 24 hours: expired now
        first = issue_code(self.staff)
        second = issue_code(self.staff)  # replaces the first
        self.sign_in(self.staff)
        self.assertContains(self.try_to_enrol(enrolment_code=yesterdays), "已过期")
        self.assertContains(self.try_to_enrol(enrolment_code=first), "绑定码不正确")
        self.assertFalse(TOTPDevice.objects.exists())
        self.assertEqual(self.try_to_enrol(enrolment_code=second).status_code, 302)

    def test_liaisons_need_no_code_and_neither_does_replacing_a_verified_device(self):
        self.sign_in(self.jxj_liaison)
        self.assertNotContains(self.client.get(reverse("otp_setup")), "绑定码")
        self.assertEqual(self.try_to_enrol().status_code, 302)
        self.client.post(reverse("logout"))
        self.sign_in(self.staff)
        self.assertEqual(self.try_to_enrol(enrolment_code=issue_code(self.staff)).status_code, 302)
        self.client.get(reverse("otp_setup"))  # verified: a new phone, no code asked
        self.assertEqual(self.try_to_enrol().status_code, 302)
        self.assertEqual(TOTPDevice.objects.filter(user=self.staff).count(), 1)


class IssuingCodesTests(PersonasTestCase):
    def test_only_a_superuser_issues_a_code_and_it_is_shown_once_and_audited(self):
        self.client.force_login(self.staff)
        self.assertNotContains(self.client.get(reverse("account_manage")), "签发绑定码")
        self.assertEqual(self.client.post(reverse("account_otp_code", args=[self.staff.pk])).status_code, 403)
        refused = AuditEvent.objects.get(changes__refused="otp_code")
        self.assertEqual(audit.describe(refused), "试图对账户 staff 执行“签发动态验证码绑定码”，因权限不足被拒绝。")

        admin = create_account("admin", Membership.Role.STAFF, self.kjj, PASSWORD)
        get_user_model().objects.filter(pk=admin.pk).update(is_superuser=True)
        self.client.force_login(get_user_model().objects.get(pk=admin.pk))
        self.assertContains(self.client.get(reverse("account_manage")), "签发绑定码")
        response = self.client.post(reverse("account_otp_code", args=[self.staff.pk]))
        self.assertContains(response, "绑定码已签发")
        self.assertIn("no-store", response["Cache-Control"])
        code = response.context["code"]
        self.assertRegex(code, r"^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$")
        self.assertNotIn(code.replace("-", ""), str(list(AuditEvent.objects.values_list("changes", flat=True))))
        issued = AuditEvent.objects.get(changes__otp="enrolment_code")
        self.assertEqual((issued.username, audit.describe(issued)), ("admin", "为账户 staff 签发二次验证绑定码。"))

    def test_the_command_issues_one_for_the_first_superuser(self):
        out = StringIO()
        call_command("otp_enrolment_code", "staff", stdout=out)
        self.assertRegex(out.getvalue(), r"^staff 的绑定码：[2-9A-Z]{5}-[2-9A-Z]{5}（只显示这一次）")
        self.assertTrue(AuditEvent.objects.filter(username="manage.py", changes__otp="enrolment_code").exists())
