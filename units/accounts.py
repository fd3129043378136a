"""Creating accounts: one function used by seed_demo, the account pages and the tests."""

from django.contrib.auth import get_user_model
from django.db import transaction

from units.models import Membership


@transaction.atomic
def create_account(username, role, unit=None, password=None, email="", full_name="", must_change_password=False):
    """A user with a membership. An unusable password when none is given."""
    user = get_user_model().objects.create_user(username=username, email=email, password=password)
    if full_name:
        user.first_name = full_name
        user.save(update_fields=["first_name"])
    Membership.objects.create(user=user, role=role, unit=unit, must_change_password=must_change_password)
    return user
