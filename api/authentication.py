"""`Authorization: Token <key>` for machine clients, and the kiosk session of the command-room
screen (/screen/?kiosk=<key>, api/screen.py); every use is in the security audit log."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from api.access import TokenClient
from api.models import ApiToken
from units import audit
from units.models import AuditEvent

KEYWORD = "Token"
# The session key of a kiosk: the id of its token, checked again on every request (revoking the
# token ends the kiosk at its next refresh). A kiosk session has no user: the pages stay closed to it.
KIOSK_SESSION_KEY = "kiosk_token_id"
REFUSED = _("令牌无效、已过期或已吊销。")


def record_use(token, request, now):
    """A token's use: its last-used time, and an event in the security audit log."""
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    audit.record(
        AuditEvent.Action.EXPORT, request=request, username=f"token:{token.name}"[:150], obj=token,
        object_repr=f"API {request.get_full_path()}"[:300],
    )


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """A token that is unknown, expired or revoked is a 401; another scheme is left to the next class
    (and, with no session either, refused as unauthenticated)."""

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("令牌格式错误。"))
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("令牌格式错误。")) from None
        now = timezone.now()
        token = ApiToken.usable_by_key(key, now)
        if token is None:
            raise exceptions.AuthenticationFailed(REFUSED)
        record_use(token, request._request, now)
        return TokenClient(token), token

    def authenticate_header(self, request):
        return KEYWORD


class KioskSessionAuthentication(authentication.BaseAuthentication):
    """The kiosk session a kiosk link opened: reads as its token (api.access: only the screen's
    endpoint). A session whose token has since expired or been revoked is a 401."""

    def authenticate(self, request):
        session = getattr(request._request, "session", None)
        token_id = session.get(KIOSK_SESSION_KEY) if session is not None else None
        if token_id is None:
            return None
        now = timezone.now()
        token = ApiToken.objects.filter(pk=token_id, kind=ApiToken.Kind.KIOSK).first()
        if token is None or not token.is_usable(now):
            raise exceptions.AuthenticationFailed(REFUSED)
        record_use(token, request._request, now)
        return TokenClient(token), token


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "Token <key>"}


class KioskSessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.KioskSessionAuthentication"
    name = "kioskSession"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid",
                "description": "the session a kiosk link (/screen/?kiosk=<key>) opened"}
