"""Evidence files (佐证材料): checked by content, stored under a random name, served as attachments only.

The type is decided from the bytes, never from the browser's Content-Type, and the name's extension
must agree with it, so that a download opens in the program its name promises:

- PDF: starts with ``%PDF-``;
- PNG: the 8-byte signature followed by the IHDR header chunk; JPEG: ``FF D8 FF``; GIF: ``GIF87a``/``GIF89a``;
- docx/xlsx/pptx: a zip (only its directory is read, nothing is inflated) with ``[Content_Types].xml``
  and exactly one of the main parts ``word/document.xml``, ``xl/workbook.xml``, ``ppt/presentation.xml``;
  one that carries macros (``vbaProject.bin``) is refused;
- doc/xls/ppt: an OLE2 compound file; when its root entry records the class of a Word, Excel or
  PowerPoint document it must be the one the extension names, and a Windows Installer class
  (.msi/.msp/.mst renamed) is refused.

The name a user sees and downloads is cleaned once, here (`clean_name`): whatever path it carries,
control, bidi and zero-width characters, runs of spaces, leading dots and the trailing dots and spaces
Windows drops are removed, and it is cut to NAME_MAX characters with its extension kept. The
extension that is checked is the one of the cleaned name. The stored file's name is generated.
"""

import re
import struct
import unicodedata
import uuid
import zipfile

import olefile
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
PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"

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
OOXML_MAIN_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
OLE2_KINDS = {"doc", "xls", "ppt"}
# The class (CLSID) an OLE2 file's root entry records, for the ones we know.
OLE2_CLASSES = {
    uuid.UUID("00020906-0000-0000-c000-000000000046"): {"doc"},  # Word 97–2003
    uuid.UUID("00020900-0000-0000-c000-000000000046"): {"doc"},  # Word 6.0/95
    uuid.UUID("00020820-0000-0000-c000-000000000046"): {"xls"},  # Excel 97–2003
    uuid.UUID("00020810-0000-0000-c000-000000000046"): {"xls"},  # Excel 5.0/95
    uuid.UUID("64818d10-4f9b-11cf-86ea-00aa00b929e8"): {"ppt"},  # PowerPoint 97–2003
    uuid.UUID("ea7bae70-fb3b-11cd-a903-00aa00510ea3"): {"ppt"},  # PowerPoint 95
    uuid.UUID("000c1084-0000-0000-c000-000000000046"): set(),  # Windows Installer package (.msi)
    uuid.UUID("000c1086-0000-0000-c000-000000000046"): set(),  # Windows Installer patch (.msp)
    uuid.UUID("000c1082-0000-0000-c000-000000000046"): set(),  # Windows Installer transform (.mst)
}
ACCEPT = ".pdf,.png,.jpg,.jpeg,.gif,.doc,.docx,.xls,.xlsx,.ppt,.pptx"
NAME_MAX = 100  # characters of the name shown and downloaded, extension included
DEFAULT_STEM = "佐证材料"  # when nothing is left of the name but its extension


def _visible(text):
    """`text` without control, format (bidi, zero-width), surrogate, private-use or unassigned characters."""
    return "".join(char for char in text if not unicodedata.category(char).startswith("C"))


def _split(name):
    """(stem, extension as typed) of a name, cleaned; the extension is "" when there is none."""
    name = re.split(r"[/\\]", unicodedata.normalize("NFC", str(name or "")))[-1]
    name = re.sub(r"\s+", " ", _visible(name)).rstrip(" .")  # Windows drops trailing dots and spaces
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    return stem.strip(" ."), extension.strip()


def split_name(name):
    """(stem, extension) of an uploaded file's name, cleaned; the extension lower-case, "" when there is none."""
    stem, extension = _split(name)
    return stem, extension.lower()


def clean_name(name):
    """The name shown on the pages and offered on download: see the module's docstring."""
    stem, extension = _split(name)
    suffix = f".{extension}" if extension else ""
    stem = stem[: max(NAME_MAX - len(suffix), 0)].rstrip(" .") or DEFAULT_STEM
    return f"{stem}{suffix}"[:NAME_MAX]


def _zip_names(uploaded):
    """The lower-cased member names of a zip (its central directory only), or None."""
    try:
        uploaded.seek(0)
        with zipfile.ZipFile(uploaded) as archive:
            return {name.lower() for name in archive.namelist()}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        uploaded.seek(0)


def _ooxml_kind(names):
    """docx/xlsx/pptx for an Office Open XML package, else None."""
    if not names or "[content_types].xml" not in names:
        return None
    kinds = [kind for kind, part in OOXML_MAIN_PARTS.items() if part in names]
    return kinds[0] if len(kinds) == 1 else None


def _has_macros(names):
    return any(name.rsplit("/", 1)[-1] == "vbaproject.bin" for name in names or ())


def _ole2_class(uploaded):
    """The class (CLSID) an OLE2 file's root storage records, read with olefile, or None."""
    try:
        uploaded.seek(0)
        with olefile.OleFileIO(uploaded) as ole:
            clsid = ole.root.clsid
        return uuid.UUID(clsid) if clsid else None
    except (OSError, ValueError, struct.error):
        return None
    finally:
        uploaded.seek(0)


def detected_extensions(uploaded):
    """The extensions the content of `uploaded` may carry (empty when it is not a type we accept)."""
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return {"pdf"}
    if head.startswith(PNG_HEAD):
        return {"png"}
    if head.startswith(b"\xff\xd8\xff"):
        return {"jpg", "jpeg"}
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return {"gif"}
    if head.startswith(OLE2_MAGIC):
        # Word, Excel or PowerPoint 97–2003; the container alone does not say which, its root entry may.
        return OLE2_CLASSES.get(_ole2_class(uploaded), OLE2_KINDS)
    if head.startswith(ZIP_MAGIC):
        kind = _ooxml_kind(_zip_names(uploaded))
        return {kind} if kind else set()
    return set()


def _allowed_types_message():
    return _("只能上传 PDF、图片（PNG、JPEG、GIF）或 Office 文档（Word、Excel、PowerPoint）。")


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
    _stem, extension = split_name(uploaded.name)
    if not extension:
        raise ValidationError(
            _("文件名没有扩展名。%(allowed)s") % {"allowed": _allowed_types_message()}, code="type"
        )
    if extension not in MIME_TYPES:
        shown = extension if len(extension) <= 16 else extension[:16] + "…"
        raise ValidationError(
            _("不能上传“.%(ext)s”文件。%(allowed)s") % {"ext": shown, "allowed": _allowed_types_message()},
            code="type",
        )
    if extension not in detected_extensions(uploaded):
        raise ValidationError(
            _("文件内容与扩展名“.%(ext)s”不符，或不是允许的类型。") % {"ext": extension}, code="content"
        )
    if extension in OOXML_MAIN_PARTS and _has_macros(_zip_names(uploaded)):
        raise ValidationError(
            _("文档含有宏，不能上传；请另存为不含宏的“.%(ext)s”文档后再上传。") % {"ext": extension}, code="macros"
        )
    return extension, MIME_TYPES[extension]


def store_evidence(progress, uploaded, user, request=None):
    """Attach `uploaded` to `progress` under a random name; the original name is kept for downloads."""
    if not can_edit_report(user, progress.report):
        raise PermissionDenied
    extension, mime = check_upload(uploaded)
    original_name = clean_name(uploaded.name)
    evidence = EvidenceFile(
        progress=progress, original_name=original_name, content_type=mime, size=uploaded.size, uploaded_by=user
    )
    try:
        with transaction.atomic():
            evidence.file.save(f"{uuid.uuid4().hex}.{extension}", uploaded, save=False)
            evidence.save()
            record(
                AuditEvent.Action.UPLOAD, request=request, user=user, obj=evidence,
                changes={"file": [None, original_name], "size": [None, uploaded.size], "progress": [None, progress.pk]},
            )
    except Exception:
        if evidence.file.name:  # the row was not saved: leave no file behind
            evidence.file.storage.delete(evidence.file.name)
        raise
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
