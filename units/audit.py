"""The security audit log: one function every part of the app calls to record an event."""

from units.models import AuditEvent


def client_ip(request):
    """The client's address. Behind the intranet's reverse proxy REMOTE_ADDR is the proxy,
    so trust X-Forwarded-For only when the deployment says a proxy is there."""
    from django.conf import settings

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
