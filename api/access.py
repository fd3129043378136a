"""Who an API request reads as, and what it may read: the pages' rules (units/access.py).

A signed-in user reads as on the pages. A token reads as a leader does — the plan, every target and
task, every unit's approved figures and reports — and changes nothing (there is no write endpoint).
"""

from rest_framework.permissions import BasePermission

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


class HasRole(BasePermission):
    """Read-only requests of a user with a role (or of a token); everyone else is refused."""

    def has_permission(self, request, view):
        return has_role(request.user)
