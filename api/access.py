"""Who an API request reads as, and what it may read: the pages' rules (units/access.py).

A signed-in user reads as on the pages. A token reads the published figures, as the public face of
a leader's view: the plan, every target and task, the stored standings, every unit's *approved*
reports and values — never a draft, a submitted report awaiting review or a returned one. The
pages show those to staff and leaders because they review and chase them; a machine client
(绩效考核, 督查室, the big screen) passes figures on, and must pass on only what the bureau has
approved. A kiosk token (ApiToken.Kind.KIOSK) reads less still: only the endpoints a view marks
`kiosk_readable` (the screen's summary). No token changes anything (there is no write endpoint).
"""

from rest_framework.permissions import BasePermission

from api.models import ApiToken
from units.access import has_role
from units.models import Membership


class _ReaderMembership:
    role = Membership.Role.LEADER
    unit = None
    unit_id = None


class TokenClient:
    """The user of a request authenticated by an API token: reads what a leader reads."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_superuser = False
    is_staff = False
    pk = id = None
    membership = _ReaderMembership()
    _editable_unit_ids = frozenset()

    def __init__(self, token):
        self.token = token

    def get_username(self):
        return f"token:{self.token.name}"

    def __str__(self):
        return self.get_username()


def reads_published_only(user):
    """A token reads approved figures only (see the module doc); a signed-in user as on the pages."""
    return isinstance(user, TokenClient)


def is_kiosk(request):
    return isinstance(request.auth, ApiToken) and request.auth.is_kiosk


class HasRole(BasePermission):
    """Read-only requests of a user with a role (or of a token); everyone else is refused. A kiosk
    token reads only the views that say `kiosk_readable = True`; elsewhere it is a 403."""

    def has_permission(self, request, view):
        if is_kiosk(request) and not getattr(view, "kiosk_readable", False):
            return False
        return has_role(request.user)
