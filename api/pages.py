"""The staff page of API tokens (/api/tokens/): create one (its key shown once — for a kiosk token,
as the screen link), list, revoke."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from api.forms import TokenForm
from api.models import ApiToken
from units import audit
from units.access import require_staff
from units.models import AuditEvent


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    require_staff(request.user)
    key = kiosk_link = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        expires = timezone.now() + timedelta(days=form.cleaned_data["days"])
        kind = form.cleaned_data["kind"]
        token, key = ApiToken.issue(form.cleaned_data["name"], expires, request.user, kind=kind)
        audit.record(AuditEvent.Action.CREATE, request=request, obj=token,
                     changes={"expires_at": expires.isoformat(), "kind": kind})
        if token.is_kiosk:
            kiosk_link = request.build_absolute_uri(reverse("screen") + "?" + urlencode({"kiosk": key}))
        form = TokenForm()
    context = {"form": form, "key": key, "kiosk_link": kiosk_link,
               "tokens": ApiToken.objects.select_related("created_by", "revoked_by"), "now": timezone.now()}
    return render(request, "api/tokens.html", context)


@login_required
@require_POST
def revoke(request, pk):
    require_staff(request.user)
    token = get_object_or_404(ApiToken, pk=pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = request.user
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(AuditEvent.Action.UPDATE, request=request, obj=token, changes={"revoked": True})
    return redirect("api:tokens")
