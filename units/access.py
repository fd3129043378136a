"""Who may see and change what: the one place every view and queryset asks.

Roles (units.models.Membership.Role):
- bureau staff (and superusers) read and change everything, except an approved or
  submitted report, which they must reopen or review first;
- leaders read everything and change nothing;
- a liaison reads the plan, its tasks and targets and the approved figures of every unit,
  but sees and changes only its own unit's monthly reports, values and evidence, and only
  for the tasks and targets its unit (or a group it belongs to, such as 各区人民政府) is named for;
- a signed-in user with no membership sees nothing.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from units.models import Membership


def membership_of(user):
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.membership
    except Exception:  # RelatedObjectDoesNotExist
        return None


def role_of(user):
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return Membership.Role.STAFF
    membership = membership_of(user)
    return membership.role if membership else None


def is_staff(user):
    return role_of(user) == Membership.Role.STAFF


def is_leader(user):
    return role_of(user) == Membership.Role.LEADER


def reads_everything(user):
    """Bureau staff and leaders see every unit's reports."""
    return is_staff(user) or is_leader(user)


def has_role(user):
    return role_of(user) is not None


def unit_of(user):
    membership = membership_of(user)
    return membership.unit if membership else None


def editable_unit_ids(user):
    """The user's own unit and the groups it belongs to (cached on the user object)."""
    cached = getattr(user, "_editable_unit_ids", None)
    if cached is not None:
        return cached
    membership = membership_of(user)
    ids = set()
    if membership and membership.role == Membership.Role.LIAISON and membership.unit_id:
        ids.add(membership.unit_id)
        ids.update(membership.unit.groups.values_list("id", flat=True))
    user._editable_unit_ids = ids
    return ids


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to restrict itself to what a user may see.

    Subclasses name `unit_field` when rows belong to one unit (reports, values): a liaison
    then sees only its own unit's rows. Without it every role may read every row
    (the plan's tasks and targets are public to all signed-in users with a role).
    """

    unit_field = None

    def for_user(self, user):
        if not has_role(user):
            return self.none()
        if self.unit_field is None or reads_everything(user):
            return self
        unit = unit_of(user)
        return self.filter(**{f"{self.unit_field}_id": unit.pk if unit else None})


def get_object_for_user(queryset, user, **lookup):
    """The object if the user may see it, else 404 — another unit's object does not exist for them."""
    try:
        return queryset.for_user(user).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404


def require_role(user):
    if not has_role(user):
        raise PermissionDenied


def require_staff(user):
    if not is_staff(user):
        raise PermissionDenied


def can_manage_account(user, account):
    """Whether `user` may reset the password of, deactivate, activate or change `account`.

    Bureau staff manage the accounts of the units' liaisons and of leaders, nothing above them:
    an account that reaches further (a superuser, another member of staff, anyone with access to
    the Django admin, an account with no role) is a superuser's to manage. Otherwise a member of
    staff could reset a superuser's password and sign in to /admin/ with its full rights.
    Whether one may act on one's own account is the caller's question (it has its own pages).
    """
    if not is_staff(user):
        return False
    if user.is_superuser and user.is_active:
        return True
    if account.is_superuser or account.is_staff:
        return False
    membership = membership_of(account)
    return membership is not None and membership.role in (Membership.Role.LIAISON, Membership.Role.LEADER)


def roles_user_may_create(user):
    """The roles of the accounts `user` may create: a superuser any, bureau staff liaisons and leaders."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return list(Membership.Role)
    return [Membership.Role.LIAISON, Membership.Role.LEADER] if is_staff(user) else []
