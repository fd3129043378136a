"""Accounts managed by others (the role hierarchy is units/access.py): list, create, (de)activate, reset."""

import secrets
import string

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from units import audit
from units.access import can_manage_account, require_staff
from units.accounts import create_account
from units.forms import AccountCreateForm
from units.models import AuditEvent, Membership
from units.otp_enrolment import issue_code


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
    context = {"accounts": accounts, "can_issue_otp_codes": request.user.is_superuser}
    return render(request, "accounts/manage.html", context)


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


@never_cache
@login_required
@require_POST
def account_otp_code(request, pk):
    """A superuser issues a one-time code with which the account enrols its first OTP device
    (units/otp_enrolment.py); the code is shown here once. Nobody else may issue one."""
    require_staff(request.user)
    account = get_object_or_404(get_user_model(), pk=pk)
    if not request.user.is_superuser:
        audit.record(AuditEvent.Action.ACCOUNT, request=request, obj=account, changes={"refused": "otp_code"})
        raise PermissionDenied
    code = issue_code(account, issued_by=request.user)
    audit.record(AuditEvent.Action.ACCOUNT, request=request, obj=account, changes={"otp": "enrolment_code"})
    response = render(request, "accounts/otp_enrolment_code.html", {
        "account": account, "code": code, "hours": settings.OTP_ENROLMENT_CODE_HOURS,
    })
    response["Cache-Control"] = "no-store"
    return response
