from django.shortcuts import redirect
from django.urls import reverse

from units.access import membership_of


class AccountPolicyMiddleware:
    """Sends a user who must change the password to the change form before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        membership = membership_of(request.user)
        if membership and membership.must_change_password:
            allowed = (reverse("password_change"), reverse("logout"))
            if not request.path.startswith(allowed) and not request.path.startswith("/static/"):
                return redirect("password_change")
        return self.get_response(request)
