"""The optional second factor (TOTP, django-otp)."""

import time

import time_machine
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.personas import PASSWORD, PersonasTestCase
from units.models import AuditEvent


def current_token(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


class OtpTests(PersonasTestCase):
    def login(self, user):
        response = self.client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
        self.assertEqual(response.status_code, 302)

    def enrol(self, user):
        self.login(user)
        response = self.client.get(reverse("otp_setup"))
        self.assertEqual(response.status_code, 200)
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        response = self.client.post(reverse("otp_setup"), {"token": current_token(device)})
        self.assertEqual(response.status_code, 302)
        device.refresh_from_db()
        return device

    def test_the_setup_page_shows_a_qr_code_without_any_external_service(self):
        self.login(self.staff)
        response = self.client.get(reverse("otp_setup"))
        self.assertContains(response, 'src="data:image/svg+xml;base64,')
        self.assertNotRegex(response.content.decode(), r'src="https?://')
        device = TOTPDevice.objects.get(user=self.staff)
        self.assertFalse(device.confirmed)

    def test_it_enrols_with_a_correct_token_and_asks_for_it_at_the_next_login(self):
        device = self.enrol(self.staff)
        self.assertTrue(device.confirmed)
        self.assertTrue(AuditEvent.objects.filter(action=AuditEvent.Action.ACCOUNT, changes__otp="enrolled").exists())
        self.client.post(reverse("logout"))

        self.login(self.staff)
        response = self.client.get("/targets/")
        self.assertTrue(response["Location"].startswith(reverse("otp_verify")))
        response = self.client.post(reverse("otp_verify"), {"token": "000000" if current_token(device) != "000000" else "111111"})
        self.assertContains(response, "验证码不正确")
        # The token used at enrolment cannot be replayed; the next one works.
        token = current_token(device)
        self.assertEqual(self.client.post(reverse("otp_verify"), {"token": token}).status_code, 200)
        with time_machine.travel(time.time() + device.step, tick=False):
            response = self.client.post(reverse("otp_verify"), {"token": current_token(device), "next": "/targets/"})
            self.assertEqual(response["Location"], "/targets/")
            self.assertEqual(self.client.get(reverse("home"))["Location"], reverse("overview"))

    def test_a_wrong_token_does_not_enrol(self):
        self.login(self.staff)
        self.client.get(reverse("otp_setup"))
        for token in ["12345", "abcdef", "", "１２３４５６x"]:
            response = self.client.post(reverse("otp_setup"), {"token": token})
            self.assertEqual(response.status_code, 200)
        self.assertFalse(TOTPDevice.objects.filter(confirmed=True).exists())

    def test_it_does_not_follow_an_external_next(self):
        self.login(self.staff)
        self.client.get(reverse("otp_setup"))
        device = TOTPDevice.objects.get(user=self.staff)
        response = self.client.post(reverse("otp_setup"), {"token": current_token(device), "next": "https://evil.example/"})
        self.assertEqual(response["Location"], reverse("home"))

    def test_a_next_that_is_not_a_path_goes_home(self):
        self.login(self.staff)
        self.client.get(reverse("otp_setup"))
        device = TOTPDevice.objects.get(user=self.staff)
        response = self.client.post(reverse("otp_setup"), {"token": current_token(device), "next": "account_manage"})
        self.assertEqual(response["Location"], reverse("home"))

    @override_settings(REQUIRE_OTP_FOR_STAFF=True)
    def test_staff_must_enrol_and_verify_when_required(self):
        self.login(self.staff)
        response = self.client.get("/targets/")
        self.assertTrue(response["Location"].startswith(reverse("otp_setup")))
        self.assertEqual(self.client.get(reverse("account_manage")).status_code, 302)
        self.assertContains(self.client.get(reverse("otp_setup")), "须启用动态验证码")
        device = TOTPDevice.objects.get(user=self.staff)
        self.client.post(reverse("otp_setup"), {"token": current_token(device)})
        self.assertEqual(self.client.get(reverse("account_manage")).status_code, 200)

    @override_settings(REQUIRE_OTP_FOR_STAFF=True)
    def test_the_requirement_does_not_apply_to_liaisons(self):
        self.login(self.jxj_liaison)
        self.assertEqual(self.client.get(reverse("home"))["Location"], reverse("reporting:my_unit"))

    @override_settings(REQUIRE_OTP_FOR_STAFF=True)
    def test_a_verified_staff_member_cannot_be_pushed_around_by_a_second_enrolment(self):
        device = self.enrol(self.staff)
        self.client.post(reverse("logout"))
        self.login(self.staff)
        # Before verifying, the setup page cannot be used to replace the device.
        self.assertEqual(self.client.get(reverse("otp_setup"))["Location"], reverse("otp_verify"))
        self.assertEqual(TOTPDevice.objects.filter(user=self.staff).count(), 1)
        self.assertTrue(TOTPDevice.objects.get(user=self.staff).pk == device.pk)

    def test_anonymous_is_sent_to_login(self):
        for name in ["otp_setup", "otp_verify"]:
            self.assertTrue(self.client.get(reverse(name))["Location"].startswith(reverse("login")))
