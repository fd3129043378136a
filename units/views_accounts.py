"""Sign-in, password, second factor, account administration and the health check."""

import base64
import io
import secrets
import string

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from units import audit
from units.access import can_manage_account, membership_of, require_role, require_staff, role_of
from units.accounts import create_account
from units.forms import AccountCreateForm, TokenForm
from units.models import AuditEvent, Membership
from units.signals import SESSION_HAS_OTP_DEVICE


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
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Enrol a TOTP device: scan the QR code, confirm with one token. Re-enrolling replaces
    the old device only after the user has verified the current one (or has none)."""
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice

    require_role(request.user)
    user = request.user
    if request.session.get(SESSION_HAS_OTP_DEVICE) and not user.is_verified():
        return redirect("otp_verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("身份验证器"), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            request.session[SESSION_HAS_OTP_DEVICE] = True
            audit.record(AuditEvent.Action.ACCOUNT, request=request, obj=user, changes={"otp": "enrolled"})
            messages.success(request, _("已启用动态验证码，以后登录时需输入验证码。"))
            return redirect(_safe_next(request))
        form.add_error("token", _("验证码不正确，请核对手机时间后重试。"))
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
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice

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

def temporary_password(length=14):
    """A random password that satisfies the validators: every character class present."""
    alphabet = string.ascii_letters + string.digits + "-_!@#%"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _position in range(length))
        if (any(c.islower() for c in candidate) and any(c.isupper() for c in candidate)
                and any(c.isdigit() for c in candidate) and any(c in "-_!@#%" for c in candidate)):
            try:
                validate_password(candidate)
            except ValidationError:
                continue
            return candidate


def _password_page(request, account, password, created):
    response = render(request, "accounts/temporary_password.html",
                      {"account": account, "password": password, "created": created})
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
@require_GET
def manage(request):
    require_staff(request.user)
    accounts = list(
        get_user_model().objects.select_related("membership__unit").order_by("-is_active", "username")
    )
    for account in accounts:  # the page offers only the actions the views below would allow
        account.manageable = account != request.user and can_manage_account(request.user, account)
    return render(request, "accounts/manage.html", {"accounts": accounts})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_create(request):
    require_staff(request.user)
    form = AccountCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        password = temporary_password()
        unit = data["unit"]
        account = create_account(
            data["username"], data["role"], unit=unit, password=password, email=data["email"],
            full_name=data["full_name"], must_change_password=True,
        )
        if data["phone"]:
            Membership.objects.filter(user=account).update(phone=data["phone"])
        audit.record(AuditEvent.Action.ACCOUNT, request=request, obj=account, changes={
            "account": "created", "role": data["role"], "unit": str(unit) if unit else "",
        })
        return _password_page(request, account, password, created=True)
    return render(request, "accounts/account_form.html", {"form": form})


def _get_account(request, pk, action):
    """The account to act on, or 403 when it is above the user's station (units.access.
    can_manage_account); a refused attempt is in the audit log, as the actions themselves are."""
    require_staff(request.user)
    account = get_object_or_404(get_user_model().objects.select_related("membership__unit"), pk=pk)
    if account != request.user and not can_manage_account(request.user, account):
        audit.record(AuditEvent.Action.ACCOUNT, request=request, obj=account, changes={"refused": action})
        raise PermissionDenied
    return account


@login_required
@require_POST
def account_deactivate(request, pk):
    account = _get_account(request, pk, "deactivate")
    if account == request.user:
        messages.error(request, _("不能停用自己的账户。"))
        return redirect("account_manage")
    if account.is_active:
        account.is_active = False
        account.save(update_fields=["is_active"])
        audit.record(AuditEvent.Action.ACCOUNT, request=request, obj=account, changes={"is_active": [True, False]})
        messages.success(request, _("已停用账户 %(name)s。") % {"name": account.username})
    return redirect("account_manage")


@login_required
@require_POST
def account_activate(request, pk):
    account = _get_account(request, pk, "activate")
    if not account.is_active:
        account.is_active = True
        account.save(update_fields=["is_active"])
        audit.record(AuditEvent.Action.ACCOUNT, request=request, obj=account, changes={"is_active": [False, True]})
        messages.success(request, _("已启用账户 %(name)s。") % {"name": account.username})
    return redirect("account_manage")


@never_cache
@login_required
@require_POST
def account_reset_password(request, pk):
    """A new temporary password, shown once; the account must change it at the next login.
    Also lifts a lockout and removes the second-factor device (the usual reason to call)."""
    from axes.utils import reset as axes_reset
    from django_otp.plugins.otp_totp.models import TOTPDevice

    account = _get_account(request, pk, "reset_password")
    if account == request.user:
        messages.error(request, _("请通过“修改密码”修改自己的密码。"))
        return redirect("account_manage")
    password = temporary_password()
    with transaction.atomic():
        account.set_password(password)
        account.save(update_fields=["password"])
        Membership.objects.filter(user=account).update(must_change_password=True)
        removed_devices, _details = TOTPDevice.objects.filter(user=account).delete()
    axes_reset(username=account.username)
    audit.record(AuditEvent.Action.ACCOUNT, request=request, obj=account, changes={
        "password": "reset", "must_change_password": True, "otp_devices_removed": removed_devices,
    })
    return _password_page(request, account, password, created=False)
