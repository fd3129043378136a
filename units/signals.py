"""Receivers that write the security audit log for sign-in events.

Data changes, exports and uploads are recorded by the views that make them
(`units.audit.record`); these cover what happens around authentication.
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from units import audit
from units.models import AuditEvent

# Session keys used by units.middleware.AccountPolicyMiddleware.
SESSION_LAST_SEEN = "units_last_seen"
SESSION_HAS_OTP_DEVICE = "units_has_otp_device"


def has_confirmed_device(user):
    from django_otp import devices_for_user

    return any(True for _ in devices_for_user(user, confirmed=True))


@receiver(user_logged_in, dispatch_uid="units_audit_login")
def record_login(sender, request, user, **kwargs):
    audit.record(AuditEvent.Action.LOGIN, request=request, user=user)
    if request is not None and hasattr(request, "session"):
        # Looked up once here so that the middleware needs no query on every request.
        request.session[SESSION_HAS_OTP_DEVICE] = has_confirmed_device(user)


@receiver(user_logged_out, dispatch_uid="units_audit_logout")
def record_logout(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, "logout_reason", "") if request is not None else ""
    audit.record(AuditEvent.Action.LOGOUT, request=request, user=user, changes={"reason": reason} if reason else None)


@receiver(user_login_failed, dispatch_uid="units_audit_login_failed")
def record_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already replaced the password in `credentials` with stars; log the name only.
    username = str((credentials or {}).get("username") or "")[:150]
    audit.record(AuditEvent.Action.LOGIN_FAILED, request=request, user=None, username=username)


@receiver(user_locked_out, dispatch_uid="units_audit_lockout")
def record_lockout(sender, request, username, ip_address, **kwargs):
    audit.record(AuditEvent.Action.LOCKOUT, request=request, user=None, username=str(username or "")[:150])
