"""`Authorization: Token <key>` for machine clients; every use is in the security audit log."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from api.access import TokenClient
from api.models import ApiToken, digest
from units import audit
from units.models import AuditEvent

KEYWORD = "Token"


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
        token = ApiToken.objects.filter(key_hash=digest(key)).first()
        if token is None or not token.is_usable(now):
            raise exceptions.AuthenticationFailed(_("令牌无效、已过期或已吊销。"))
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        audit.record(
            AuditEvent.Action.EXPORT, request=request._request, username=f"token:{token.name}"[:150], obj=token,
            object_repr=f"API {request._request.get_full_path()}"[:300],
        )
        return TokenClient(token), token

    def authenticate_header(self, request):
        return KEYWORD


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "Token <key>"}
