"""Evidence files (佐证材料): checked by content, stored under a random name, served as attachments only.

The type is decided from the bytes (the `filetype` package, plus the zip and OLE2 containers of
office documents), never from the name or the browser's Content-Type; the name's extension must
agree with the content so that a download opens in the program its name promises.
"""

import uuid
import zipfile
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from tasks.models import EvidenceFile
from tasks.reporting import can_edit_report
from units.audit import record
from units.models import AuditEvent

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

# extension -> MIME type of what we accept
MIME_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}
SIMPLE_KINDS = {"application/pdf": {"pdf"}, "image/png": {"png"}, "image/jpeg": {"jpg", "jpeg"}, "image/gif": {"gif"}}
OOXML_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
ACCEPT = ".pdf,.png,.jpg,.jpeg,.gif,.doc,.docx,.xls,.xlsx,.ppt,.pptx"


def _extension(name):
    return PurePath(name or "").suffix.lower().lstrip(".")


def _ooxml_kind(uploaded):
    """docx/xlsx/pptx for an Office Open XML package, else None."""
    try:
        uploaded.seek(0)
        with zipfile.ZipFile(uploaded) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        uploaded.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    for kind, prefix in OOXML_PARTS.items():
        if any(name.startswith(prefix) for name in names):
            return kind
    return None


def detected_extensions(uploaded):
    """The extensions the content of `uploaded` may carry (empty when it is not a type we accept)."""
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    if head.startswith(OLE2_MAGIC):
        # An OLE2 compound file: Word, Excel or PowerPoint 97–2003; the container alone does not say which.
        return {"doc", "xls", "ppt"}
    if head.startswith(ZIP_MAGIC):
        kind = _ooxml_kind(uploaded)
        return {kind} if kind else set()
    guess = filetype.guess(head)
    if guess is None:
        return set()
    return SIMPLE_KINDS.get(guess.mime, set())


def check_upload(uploaded):
    """(extension, MIME type) of an acceptable upload, or ValidationError in Chinese."""
    limit = settings.EVIDENCE_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            _("文件不能超过 %(limit)s（本文件 %(size)s）。")
            % {"limit": filesizeformat(limit), "size": filesizeformat(uploaded.size)},
            code="too_large",
        )
    if uploaded.size == 0:
        raise ValidationError(_("文件是空的。"), code="empty")
    extension = _extension(uploaded.name)
    if extension not in MIME_TYPES:
        raise ValidationError(
            _("只能上传 PDF、图片（PNG、JPEG、GIF）或 Office 文档（Word、Excel、PowerPoint）。"), code="type"
        )
    if extension not in detected_extensions(uploaded):
        raise ValidationError(
            _("文件内容与扩展名“.%(ext)s”不符，或不是允许的类型。") % {"ext": extension}, code="content"
        )
    return extension, MIME_TYPES[extension]


def store_evidence(progress, uploaded, user, request=None):
    """Attach `uploaded` to `progress` under a random name; the original name is kept for downloads."""
    if not can_edit_report(user, progress.report):
        raise PermissionDenied
    extension, mime = check_upload(uploaded)
    original_name = PurePath(uploaded.name).name[:255]
    with transaction.atomic():
        evidence = EvidenceFile(
            progress=progress, original_name=original_name, content_type=mime, size=uploaded.size, uploaded_by=user
        )
        evidence.file.save(f"{uuid.uuid4().hex}.{extension}", uploaded, save=False)
        evidence.save()
        record(
            AuditEvent.Action.UPLOAD, request=request, user=user, obj=evidence,
            changes={"file": [None, original_name], "size": [None, uploaded.size], "progress": [None, progress.pk]},
        )
    return evidence


def delete_evidence(evidence, user, request=None):
    if not can_edit_report(user, evidence.progress.report):
        raise PermissionDenied
    name = evidence.original_name
    with transaction.atomic():
        record(AuditEvent.Action.DELETE, request=request, user=user, obj=evidence, changes={"file": [name, None]})
        stored = evidence.file.name
        storage = evidence.file.storage
        evidence.delete()
        transaction.on_commit(lambda: storage.delete(stored))
