from units.access import is_leader, is_staff, membership_of, unit_of


def membership(request):
    # No user when a middleware refused the request before AuthenticationMiddleware ran (a
    # disallowed Host header): the 400 page still renders, for an anonymous visitor.
    user = getattr(request, "user", None)
    return {
        "user_membership": membership_of(user),
        "user_unit": unit_of(user),
        "user_is_staff": is_staff(user),
        "user_is_leader": is_leader(user),
    }
