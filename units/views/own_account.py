"""What a person does with their own account: the landing page, the password, the OTP device."""

import base64
import io
import time

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from units import audit
from units.access import membership_of, require_role, role_of
from units.forms import OtpEnrolForm, TokenForm
from units.models import AuditEvent, Membership
from units.otp_enrolment import needs_enrolment_code, redeem_code
from units.signals import SESSION_HAS_OTP_DEVICE

SESSION_OTP_SETUP_KEY = "otp_setup_key"


@login_required
@require_GET
def home(request):
    """Where a user lands after login: liaisons on their unit's month, everyone else on the overview."""
    require_role(request.user)
    if role_of(request.user) == Membership.Role.LIAISON:
        return redirect("reporting:my_unit")
    return redirect("overview")


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    require_role(request.user)  # a signed-in user without a role has nothing here (403 everywhere)
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        membership = membership_of(user)
        if membership and membership.must_change_password:
            Membership.objects.filter(pk=membership.pk).update(must_change_password=False)
            membership.must_change_password = False
        audit.record(AuditEvent.Action.ACCOUNT, request=request, obj=user, changes={"password": "changed"})
        messages.success(request, _("密码已修改。"))
        return redirect("home")
    return render(request, "registration/password_change_form.html", {"form": form})


# --- second factor (TOTP) ---------------------------------------------------------------

def _safe_next(request, default="home"):
    """A path on this site from ?next=, else the URL of the view named `default` ("" for none).
    Only paths: redirect() would take any other word for a view name (NoReverseMatch, a 500)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default) if default else ""


def _qr_code_data_uri(text):
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _device_being_set_up(request):
    """The new device, unsaved: its key waits in the session until the first token confirms it, so
    opening the page writes no row (the QR code stays the same across reloads)."""
    key = request.session.get(SESSION_OTP_SETUP_KEY)
    if not key:
        key = request.session[SESSION_OTP_SETUP_KEY] = random_hex(20)
    return TOTPDevice(user=request.user, key=key, name=_("身份验证器"), confirmed=False)


def _first_token_matches(device, token):
    """django_otp's TOTP over the unsaved device's key; the step it matched, or None."""
    check = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    check.time = time.time()
    return check.t() if check.verify(int(token), device.tolerance) else None


def _enrol(request, device, matched_step):
    with transaction.atomic():
        TOTPDevice.objects.filter(user=request.user).delete()  # re-enrolling replaces the old device
        device.confirmed = True
        device.last_t = matched_step  # the token just used cannot be replayed at the next login
        device.save()
    otp_login(request, device)
    request.session.pop(SESSION_OTP_SETUP_KEY, None)
    request.session[SESSION_HAS_OTP_DEVICE] = True
    audit.record(AuditEvent.Action.ACCOUNT, request=request, obj=request.user, changes={"otp": "enrolled"})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Enrol a TOTP device: scan the QR code, confirm with one token — and, for staff's first device
    when OTP is required, a superuser's one-time code (units/otp_enrolment.py). Re-enrolling
    replaces the old device only after the user has verified the current one."""
    require_role(request.user)
    if request.session.get(SESSION_HAS_OTP_DEVICE) and not request.user.is_verified():
        return redirect("otp_verify")
    device = _device_being_set_up(request)
    form = OtpEnrolForm(request.POST or None, code_required=needs_enrolment_code(request.user))
    if request.method == "POST" and form.is_valid():
        matched_step = _first_token_matches(device, form.cleaned_data["token"])
        if matched_step is None:
            form.add_error("token", _("验证码不正确，请核对手机时间后重试。"))
        elif form.code_required and not redeem_code(request.user, form.cleaned_data["enrolment_code"]):
            audit.record(AuditEvent.Action.ACCOUNT, request=request, obj=request.user,
                         changes={"otp": "wrong enrolment code"})
            form.add_error("enrolment_code", _("绑定码不正确、已使用或已过期，请联系系统管理员重新签发。"))
        else:
            _enrol(request, device, matched_step)
            messages.success(request, _("已启用动态验证码，以后登录时需输入验证码。"))
            return redirect(_safe_next(request))
    context = {
        "form": form,
        "qr_code": _qr_code_data_uri(device.config_url),
        "secret": base64.b32encode(device.bin_key).decode(),
        "required": settings.REQUIRE_OTP_FOR_STAFF,
        "next": _safe_next(request, ""),
    }
    return render(request, "accounts/otp_setup.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    require_role(request.user)
    if not request.session.get(SESSION_HAS_OTP_DEVICE):
        return redirect("otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(_safe_next(request))
        audit.record(AuditEvent.Action.LOGIN_FAILED, request=request, changes={"otp": "wrong token"})
        form.add_error("token", _("验证码不正确或已使用。"))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _safe_next(request, "")})


# --- account administration (bureau staff) ----------------------------------------------

