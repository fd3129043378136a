from units.access import is_leader, is_staff, membership_of, unit_of


def membership(request):
    user = request.user
    return {
        "user_membership": membership_of(user),
        "user_unit": unit_of(user),
        "user_is_staff": is_staff(user),
        "user_is_leader": is_leader(user),
    }
