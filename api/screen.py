"""The command-room screen (/screen/): one 1920×1080 dark page whose script (static/js/screen.js)
reads /api/v1/screen/ every few minutes. A signed-in user with a role sees it as itself; a kiosk
— a browser with no personal login — opens the kiosk link staff created (/screen/?kiosk=<key>),
whose page posts the key back at once (static/js/kiosk_start.js; a button without script): the
POST starts a kiosk session limited to this page and its one endpoint (api/access.py) and sends
the browser on to /screen/, so the key does not stay in the address bar. Opening the link only
reads; signing the kiosk in is the POST, as any sign-in (a GET never writes)."""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from api.authentication import KIOSK_SESSION_KEY
from api.models import ApiToken, digest
from api.views import SCREEN_REFRESH_SECONDS
from units import audit
from units.access import require_role
from units.models import AuditEvent


def _refused(request, token=None):
    """The page an unknown, expired or revoked kiosk link gets: 403, in words the room can act on."""
    audit.record(AuditEvent.Action.LOGIN_FAILED, request=request,
                 username=f"token:{token.name}"[:150] if token else "kiosk", obj=token, object_repr="/screen/")
    return render(request, "api/screen_refused.html", {"token": token}, status=403)


def _page(request):
    month = request.GET.get("month", "").strip()
    query = f"?{urlencode({'month': month})}" if month else ""
    context = {"data_url": reverse("api:screen") + query, "refresh_seconds": SCREEN_REFRESH_SECONDS}
    return render(request, "api/screen.html", context)


def _screen_url(month):
    return reverse("screen") + (f"?{urlencode({'month': month})}" if month else "")


def _kiosk_token(key):
    """The usable kiosk token of `key`: (token or None, whether it may open the screen)."""
    found = ApiToken.objects.filter(key_hash=digest(key)).first()
    return found, found is not None and found.is_kiosk and found.is_usable()


def _kiosk_link(request, key):
    """GET of a kiosk link: a signed-in user goes on to the screen as itself; a kiosk gets the form
    that signs it in (nothing is written yet); a dead link its refusal."""
    month = request.GET.get("month", "").strip()
    if request.user.is_authenticated:
        return redirect(_screen_url(month))
    _found, usable = _kiosk_token(key)
    if not usable:
        return render(request, "api/screen_refused.html", status=403)
    return render(request, "api/screen_start.html", {"key": key, "month": month})


def _start_kiosk(request):
    """POST of the kiosk link's form: a fresh session (no fixation) holding only its token's id."""
    key = request.POST.get("kiosk", "").strip()
    month = request.POST.get("month", "").strip()
    if request.user.is_authenticated:
        return redirect(_screen_url(month))
    found, usable = _kiosk_token(key)
    if not usable:
        return _refused(request, found)
    request.session.cycle_key()
    request.session[KIOSK_SESSION_KEY] = found.pk
    audit.record(AuditEvent.Action.LOGIN, request=request, username=f"token:{found.name}"[:150], obj=found,
                 object_repr="/screen/")
    return redirect(_screen_url(month))


@require_http_methods(["GET", "POST"])
def screen(request):
    if request.method == "POST":
        return _start_kiosk(request)
    key = request.GET.get("kiosk", "").strip()
    if key:
        return _kiosk_link(request, key)
    if request.user.is_authenticated:
        require_role(request.user)
        return _page(request)
    token_id = request.session.get(KIOSK_SESSION_KEY)
    if token_id is None:
        return redirect_to_login(request.get_full_path())
    token = ApiToken.objects.filter(pk=token_id, kind=ApiToken.Kind.KIOSK).first()
    if token is None or not token.is_usable():
        # Read only: the session's kiosk key stays until the session ends; its token stays refused.
        return render(request, "api/screen_refused.html", {"token": token}, status=403)
    return _page(request)
