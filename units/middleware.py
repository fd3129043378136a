import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from units.access import is_staff, membership_of
from units.signals import SESSION_HAS_OTP_DEVICE, SESSION_LAST_SEEN


def needs_second_factor(request):
    """A user with a confirmed TOTP device, or bureau staff when REQUIRE_OTP_FOR_STAFF is on,
    must verify a token after the password. No query: the device flag is kept in the session."""
    user = request.user
    if not user.is_authenticated or getattr(user, "is_verified", lambda: False)():
        return False
    if request.session.get(SESSION_HAS_OTP_DEVICE):
        return True
    return settings.REQUIRE_OTP_FOR_STAFF and is_staff(user)


class AccountPolicyMiddleware:
    """Account rules that apply before any page:

    1. idle timeout: a session unused for SESSION_IDLE_MINUTES is logged out;
    2. second factor: verify (or first enrol) a TOTP device when one is required;
    3. a user who must change the password is sent to the change form.
    """

    OPEN_PREFIXES = ("/static/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated or request.path.startswith(self.OPEN_PREFIXES):
            return self.get_response(request)

        now = time.time()
        last_seen = request.session.get(SESSION_LAST_SEEN)
        if last_seen is not None and now - last_seen > settings.SESSION_IDLE_MINUTES * 60:
            request.logout_reason = "idle"
            logout(request)
            messages.info(request, _("长时间未操作，已自动退出，请重新登录。"))
            return redirect_to_login(request.get_full_path())
        request.session[SESSION_LAST_SEEN] = now

        logout_path = reverse("logout")
        if needs_second_factor(request):
            allowed = (reverse("otp_verify"), reverse("otp_setup"), logout_path)
            if not request.path.startswith(allowed):
                target = "otp_verify" if request.session.get(SESSION_HAS_OTP_DEVICE) else "otp_setup"
                query = "?" + urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
                return redirect(reverse(target) + query)
            return self.get_response(request)

        membership = membership_of(user)
        if membership and membership.must_change_password:
            allowed = (reverse("password_change"), logout_path)
            if not request.path.startswith(allowed):
                return redirect("password_change")
        return self.get_response(request)
