"""Importing a new year's plan from Excel (bureau staff): the template, the upload and its preview,
the confirmation that saves it as a draft. The steps are targets/plan_import/'s.

As the monthly upload (reports/views.py) does, the rows read at preview time wait in the session
under a random token; the confirmation checks them again and saves exactly those rows.
"""

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from targets.exports import xlsx_response
from targets.plan_import.check import check_plan_rows
from targets.plan_import.errors import ImportRejected
from targets.plan_import.forms import PlanImportForm
from targets.plan_import.read import read_plan_file
from targets.plan_import.save import save_plan_import
from targets.plan_import.template import build_plan_template, template_filename
from tasks.models import Plan
from units.access import require_staff
from units.audit import record
from units.models import AuditEvent

PENDING_IMPORT = "plans.pending_import"


@login_required
@require_GET
def import_template(request):
    """The empty template, or (?from=2023) one filled with that plan's sections, tasks and targets."""
    require_staff(request.user)
    source = get_object_or_404(Plan, code=request.GET["from"]) if request.GET.get("from") else None
    filename = template_filename(source)
    content = build_plan_template(source)
    record(AuditEvent.Action.EXPORT, request=request, obj=source, object_repr=filename,
           changes={"template": "plan-import"})
    return xlsx_response(content, filename)


def _page(request, *, form=None, errors=None, preview=None, token=None, status=200):
    context = {
        "form": form or PlanImportForm(),
        "errors": errors or [],
        "preview": preview,
        "token": token,
        "sources": Plan.objects.order_by("-year", "code"),
        "max_mb": settings.UPLOAD_XLSX_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "plans/plan_import.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def plan_import(request):
    """GET: the template links and the upload form. POST: check the whole file and preview it."""
    require_staff(request.user)
    if request.method == "GET":
        return _page(request)
    form = PlanImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    upload = form.cleaned_data["file"]
    try:
        parsed = read_plan_file(upload.read(), upload.name)
        preview = check_plan_rows(parsed)
    except ImportRejected as rejected:
        request.session.pop(PENDING_IMPORT, None)
        return _page(request, form=form, errors=rejected.errors)
    token = secrets.token_urlsafe(24)
    request.session[PENDING_IMPORT] = {
        "token": token, "user": request.user.pk, "filename": upload.name[:200], "parsed": parsed,
    }
    return _page(request, preview=preview, token=token)


@login_required
@require_POST
def plan_import_confirm(request):
    require_staff(request.user)
    pending = request.session.get(PENDING_IMPORT)
    token = request.POST.get("token", "")
    if (
        not pending
        or pending.get("user") != request.user.pk
        or not secrets.compare_digest(str(pending.get("token", "")), token)
    ):
        messages.error(request, _("导入预览已失效或已保存，请重新上传文件。"))
        return redirect("plans:import")
    del request.session[PENDING_IMPORT]
    try:
        plan = save_plan_import(pending["parsed"], request.user)
    except ImportRejected as rejected:
        return _page(request, errors=rejected.errors)
    record(AuditEvent.Action.UPLOAD, request=request, obj=plan, object_repr=f"{plan} · {pending['filename']}",
           changes={"file": pending["filename"], "sha256": pending["parsed"]["sha256"]})
    messages.success(request, _("已导入为草稿“%(title)s”，请核对后发布。") % {"title": plan.title})
    return redirect("plans:detail", plan.code)
