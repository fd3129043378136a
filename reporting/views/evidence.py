"""Evidence files (佐证材料) of a task's progress: upload, download (always as an attachment), remove.
The checks of a file are reporting/evidence.py's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reporting.evidence import MIME_TYPES, delete_evidence, split_name, store_evidence
from reporting.forms import EvidenceForm
from reporting.views.entry import progress_page
from reporting.views.lookups import get_rw_report_for_user, task_for_report
from tasks.models import EvidenceFile, ProgressReport
from tasks.reporting import can_edit_report
from units.access import get_object_for_user, require_role


@login_required
@require_POST
def upload_evidence(request, pk, task_number):
    report = get_rw_report_for_user(request, pk)
    task = task_for_report(report, task_number)
    progress = ProgressReport.objects.filter(report=report, task=task).first()
    form = EvidenceForm(request.POST, request.FILES)
    if progress is None:
        form.is_valid()
        form.add_error(None, _("请先保存本任务的月度进展，再上传佐证材料。"))
        return progress_page(request, report, task, evidence_form=form)
    if not form.is_valid():
        return progress_page(request, report, task, evidence_form=form)
    try:
        evidence = store_evidence(progress, form.cleaned_data["file"], request.user, request)
    except ValidationError as error:
        form.add_error("file", error)
        return progress_page(request, report, task, evidence_form=form)
    messages.success(request, _("已上传“%(name)s”。") % {"name": evidence.original_name})
    return redirect("reporting:progress", pk=report.pk, task_number=task.number)


def _get_evidence_for_user(request, pk):
    require_role(request.user)
    return get_object_for_user(
        EvidenceFile.objects.select_related("progress__report__plan", "progress__report__unit", "progress__task"),
        request.user, pk=pk,
    )


def _served_type(evidence):
    """The type of the stored file's extension, never the row's text (which an admin could edit)."""
    _stem, extension = split_name(evidence.file.name)
    return MIME_TYPES.get(extension, "application/octet-stream")


@login_required
@require_GET
def download_evidence(request, pk):
    evidence = _get_evidence_for_user(request, pk)
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=_served_type(evidence)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def remove_evidence(request, pk):
    evidence = _get_evidence_for_user(request, pk)
    report = evidence.progress.report
    if not can_edit_report(request.user, report):
        raise PermissionDenied
    delete_evidence(evidence, request.user, request)
    messages.success(request, _("已删除“%(name)s”。") % {"name": evidence.original_name})
    return redirect("reporting:progress", pk=report.pk, task_number=evidence.progress.task.number)
