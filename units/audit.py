"""The security audit log: one function every part of the app calls to record an event, and one that
says what an event was as a sentence (the audit log page shows it).

Security events only: sign-ins and their failures, lockouts, account and role changes, exports,
files brought in (uploads) or removed, mail sent by hand, backups and restores. Changes of reported data
are in their django-simple-history history, shown on the history pages.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from units.models import AuditEvent, Membership


def client_ip(request):
    """The client's address. Behind the intranet's reverse proxy REMOTE_ADDR is the proxy,
    so trust X-Forwarded-For only when the deployment says a proxy is there."""
    if request is None:
        return None
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def record(action, request=None, user=None, obj=None, changes=None, username=None, object_repr=None):
    """Append one event. `changes` is a JSON-able dict such as {"value": ["12", "15"]}."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return AuditEvent.objects.create(
        action=action,
        user=user,
        username=username or (user.get_username() if user else ""),
        ip=client_ip(request),
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:300],
        changes=changes or {},
    )


_ACCOUNT_ACTIONS = {
    "deactivate": gettext_lazy("停用"),
    "activate": gettext_lazy("启用"),
    "reset_password": gettext_lazy("重置密码"),
    "otp_code": gettext_lazy("签发动态验证码绑定码"),
}


def _role_label(value):
    try:
        return Membership.Role(value).label
    except ValueError:
        return value or "—"


def _readable_changes(changes):
    """Old rows of data changes (before the history became the only change log): field：旧 → 新."""
    parts = []
    for key, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            old, new = ("—" if v in (None, "") else v for v in value)
            parts.append(f"{key}：{old} → {new}")
        else:
            parts.append(f"{key}：{value}")
    return "；".join(parts)


def _account_sentence(event, changes, what):
    if changes.get("account") == "created":
        return _("新建账户 %(what)s（角色：%(role)s；单位：%(unit)s）。") % {
            "what": what, "role": _role_label(changes.get("role")), "unit": changes.get("unit") or "—",
        }
    if "refused" in changes:
        action = _ACCOUNT_ACTIONS.get(changes["refused"], changes["refused"])
        return _("试图对账户 %(what)s 执行“%(action)s”，因权限不足被拒绝。") % {"what": what, "action": action}
    if changes.get("is_active") == [True, False]:
        return _("停用账户 %(what)s。") % {"what": what}
    if changes.get("is_active") == [False, True]:
        return _("启用账户 %(what)s。") % {"what": what}
    if changes.get("password") == "reset":
        return _("重置账户 %(what)s 的密码（须在下次登录时修改），移除二次验证设备 %(n)s 个。") % {
            "what": what, "n": changes.get("otp_devices_removed", 0),
        }
    if changes.get("password") == "changed":
        return _("修改了自己的密码。")
    if changes.get("otp") == "enrolled":
        return _("绑定了二次验证设备。")
    if changes.get("otp") == "wrong enrolment code":
        return _("绑定动态验证码时输入的绑定码无效。")
    if changes.get("otp") == "enrolment_code":
        return _("为账户 %(what)s 签发二次验证绑定码。") % {"what": what}
    return _("变更账户 %(what)s：%(changes)s。") % {"what": what, "changes": _readable_changes(changes)}


def describe(event):
    """What happened, as a person would say it: 停用账户 jxj_liaison。, not {'is_active': [True, False]}."""
    changes = event.changes or {}
    what = event.object_repr or "—"
    action = AuditEvent.Action
    if event.action == action.LOGIN:
        return _("登录成功。")
    if event.action == action.LOGIN_FAILED:
        if changes.get("otp"):
            return _("二次验证码错误。")
        return _("以用户名 %(name)s 登录失败。") % {"name": event.username or "—"}
    if event.action == action.LOCKOUT:
        return _("连续登录失败，用户名 %(name)s 已被暂时锁定。") % {"name": event.username or "—"}
    if event.action == action.LOGOUT:
        if changes.get("reason"):
            return _("退出登录（%(reason)s）。") % {"reason": changes["reason"]}
        return _("退出登录。")
    if event.action == action.ACCOUNT:
        return _account_sentence(event, changes, what)
    if event.action == action.EXPORT:
        return _("导出 %(what)s。") % {"what": what}
    if event.action == action.UPLOAD:
        return _("上传 %(what)s。") % {"what": what}
    if event.action == action.DELETE:
        return _("删除 %(what)s。") % {"what": what}
    if event.action == action.SEND:
        if changes.get("resend"):
            return _("重新发送邮件 %(what)s。") % {"what": what}
        return _("手动发送 %(what)s：新记录 %(recorded)s 封，已排队 %(queued)s 封。") % {
            "what": what, "recorded": changes.get("recorded", 0), "queued": changes.get("queued", 0),
        }
    if event.action == action.BACKUP:
        return _("备份全部数据：%(what)s。") % {"what": what}
    if event.action == action.RESTORE_BACKUP:
        return _("从备份 %(what)s 恢复全部数据。") % {"what": what}
    readable = _readable_changes(changes)
    return f"{event.get_action_display()} {what}" + (f"：{readable}" if readable else "") + "。"
