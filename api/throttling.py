"""Rate limits: per signed-in user, per token (REST_FRAMEWORK's DEFAULT_THROTTLE_RATES)."""

from rest_framework.throttling import UserRateThrottle

from api.models import ApiToken


class ClientRateThrottle(UserRateThrottle):
    """A token counts as its own client, a session as its user."""

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            return self.cache_format % {"scope": self.scope, "ident": f"token-{request.auth.pk}"}
        return super().get_cache_key(request, view)
