"""Creating accounts: one function used by seed_demo, the account pages and the tests."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from units.models import Membership

BUREAU_STAFF_GROUP = "科技局工作人员"
# What bureau staff may change in the Django admin: the reminder schedule (django-celery-beat), and
# the units' leader contacts (the unit admin leaves them every other field read-only).
BUREAU_STAFF_ADMIN_APPS = ["django_celery_beat"]
BUREAU_STAFF_ADMIN_PERMISSIONS = [("units", "view_unit"), ("units", "change_unit")]


def bureau_staff_permissions(permissions):
    """The Permission rows of bureau staff (`permissions` is the Permission model)."""
    wanted = Q(content_type__app_label__in=BUREAU_STAFF_ADMIN_APPS)
    for app_label, codename in BUREAU_STAFF_ADMIN_PERMISSIONS:
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    return permissions.objects.filter(wanted)


def bureau_staff_group():
    """The admin group of bureau staff, with the permissions to edit the schedule and leader contacts."""
    group, _ = Group.objects.get_or_create(name=BUREAU_STAFF_GROUP)
    group.permissions.set(bureau_staff_permissions(Permission))
    return group


def grant_role_access(user, role):
    """Bureau staff reach the Django admin, where they may edit the schedule and the units' leader
    contacts, and nothing else."""
    if role == Membership.Role.STAFF:
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        user.groups.add(bureau_staff_group())


@transaction.atomic
def create_account(username, role, unit=None, password=None, email="", full_name="", must_change_password=False):
    """A user with a membership. An unusable password when none is given."""
    user = get_user_model().objects.create_user(username=username, email=email, password=password)
    if full_name:
        user.first_name = full_name
        user.save(update_fields=["first_name"])
    Membership.objects.create(user=user, role=role, unit=unit, must_change_password=must_change_password)
    grant_role_access(user, role)
    return user
