"""The optional second factor (TOTP, django-otp)."""

import base64
import time

import time_machine
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.personas import PASSWORD, PersonasTestCase
from units.models import AuditEvent
from units.otp_enrolment import issue_code


def current_token(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


class OtpTests(PersonasTestCase):
    def login(self, user):
        response = self.client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
        self.assertEqual(response.status_code, 302)

    def device_on_the_page(self):
        """The device being set up, as the user's phone knows it: from the key behind the QR code."""
        return TOTPDevice(key=self.client.session["otp_setup_key"])

    def enrol(self, user, **extra):
        self.login(user)
        response = self.client.get(reverse("otp_setup"))
        self.assertEqual(response.status_code, 200)
        token = current_token(self.device_on_the_page())
        response = self.client.post(reverse("otp_setup"), {"token": token, **extra})
        self.assertEqual(response.status_code, 302)
        return TOTPDevice.objects.get(user=user)

    def test_the_setup_page_shows_a_qr_code_without_any_external_service(self):
        self.login(self.staff)
        response = self.client.get(reverse("otp_setup"))
        self.assertContains(response, 'src="data:image/svg+xml;base64,')
        self.assertNotRegex(response.content.decode(), r'src="https?://')
        self.assertFalse(TOTPDevice.objects.exists())  # opening the page stores nothing
        self.assertContains(response, base64.b32encode(self.device_on_the_page().bin_key).decode())
        self.assertEqual(self.client.get(reverse("otp_setup")).context["secret"], response.context["secret"])

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
        device = self.device_on_the_page()
        response = self.client.post(reverse("otp_setup"), {"token": current_token(device), "next": "https://evil.example/"})
        self.assertEqual(response["Location"], reverse("home"))

    def test_a_next_that_is_not_a_path_goes_home(self):
        self.login(self.staff)
        self.client.get(reverse("otp_setup"))
        device = self.device_on_the_page()
        response = self.client.post(reverse("otp_setup"), {"token": current_token(device), "next": "account_manage"})
        self.assertEqual(response["Location"], reverse("home"))

    @override_settings(REQUIRE_OTP_FOR_STAFF=True)
    def test_staff_must_enrol_and_verify_when_required(self):
        self.login(self.staff)
        response = self.client.get("/targets/")
        self.assertTrue(response["Location"].startswith(reverse("otp_setup")))
        self.assertEqual(self.client.get(reverse("account_manage")).status_code, 302)
        self.assertContains(self.client.get(reverse("otp_setup")), "须启用动态验证码")
        code = issue_code(self.staff)  # as a superuser does on the account page
        self.client.post(reverse("otp_setup"), {"token": current_token(self.device_on_the_page()), "enrolment_code": code})
        self.assertEqual(self.client.get(reverse("account_manage")).status_code, 200)

    @override_settings(REQUIRE_OTP_FOR_STAFF=True)
    def test_the_requirement_does_not_apply_to_liaisons(self):
        self.login(self.jxj_liaison)
        self.assertEqual(self.client.get(reverse("home"))["Location"], reverse("reporting:my_unit"))

    @override_settings(REQUIRE_OTP_FOR_STAFF=True)
    def test_a_verified_staff_member_cannot_be_pushed_around_by_a_second_enrolment(self):
        device = self.enrol(self.staff, enrolment_code=issue_code(self.staff))
        self.client.post(reverse("logout"))
        self.login(self.staff)
        # Before verifying, the setup page cannot be used to replace the device.
        self.assertEqual(self.client.get(reverse("otp_setup"))["Location"], reverse("otp_verify"))
        self.assertEqual(TOTPDevice.objects.filter(user=self.staff).count(), 1)
        self.assertTrue(TOTPDevice.objects.get(user=self.staff).pk == device.pk)

    def test_anonymous_is_sent_to_login(self):
        for name in ["otp_setup", "otp_verify"]:
            self.assertTrue(self.client.get(reverse(name))["Location"].startswith(reverse("login")))
