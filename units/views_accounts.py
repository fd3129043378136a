from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from units.access import is_staff, membership_of, role_of
from units.models import Membership


@login_required
def home(request):
    """Where a user lands after login: liaisons on their unit's month, everyone else on the overview."""
    if role_of(request.user) == Membership.Role.LIAISON:
        return redirect("reporting:my_unit")
    return redirect("overview")


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        membership = membership_of(user)
        if membership and membership.must_change_password:
            Membership.objects.filter(pk=membership.pk).update(must_change_password=False)
        messages.success(request, _("密码已修改。"))
        return redirect("home")
    return render(request, "registration/password_change_form.html", {"form": form})


@require_GET
def healthz(request):
    """Placeholder: database only. The security issue extends it to the broker and the worker."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "error"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)
