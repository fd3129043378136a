"""Opening an uploaded xlsx safely, before openpyxl parses a byte of its XML: the monthly upload
(reports/upload/read.py) and the plan import (targets/plan_import/) both open files through here.

The size; a zip of few members that stays small once unpacked (no zip bomb); an xlsx's parts; no
part declaring a DTD or entity (entity expansion, local file reads) nor an encoding that could hide
one. A refusal is UnsafeWorkbook with the reason in Chinese.
"""

import re
import zipfile
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

MAX_ZIP_MEMBERS = 200
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
# A DTD can define entities that expand to gigabytes or read local files; no xlsx needs one.
# Looked for in the encodings an XML parser recognises by itself; a part declaring any other
# encoding (in which these bytes would read differently) is refused too.
_DECLARATIONS = tuple(
    marker.encode(codec) for marker in ("<!DOCTYPE", "<!ENTITY") for codec in ("utf-8", "utf-16-le", "utf-16-be")
)
_XML_ENCODING_RE = re.compile(r"""\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_PLAIN_XML_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf16", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1"}
_CHUNK = 64 * 1024


class UnsafeWorkbook(Exception):
    """The file is refused as a whole; the message says why, in Chinese."""


@dataclass
class CellError:
    """A problem of an uploaded workbook where its reader finds it: 工作表“进展情况” 第 8 行 D 列（存在问题）：…"""

    message: str
    sheet: str = ""
    row: int | None = None
    column: int | None = None
    column_title: str = ""

    @property
    def location(self):
        parts = []
        if self.sheet:
            parts.append(_("工作表“%(sheet)s”") % {"sheet": self.sheet})
        if self.row:
            parts.append(_("第 %(row)s 行") % {"row": self.row})
        if self.column:
            letter = get_column_letter(self.column)
            parts.append(
                _("%(letter)s 列（%(title)s）") % {"letter": letter, "title": self.column_title}
                if self.column_title else _("%(letter)s 列") % {"letter": letter}
            )
        return " ".join(parts)

    def __str__(self):
        return f"{self.location}：{self.message}" if self.location else self.message


class WorkbookRejected(Exception):
    """The file cannot be saved; `errors` lists every CellError found, and nothing was saved."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(str(error) for error in self.errors))


def _declared_encoding(head):
    """The encoding named in an XML part's declaration (read from its first bytes), or ""."""
    for start, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
                         (b"<\x00", "utf-16-le"), (b"\x00<", "utf-16-be")):
        if head.startswith(start):
            text = head.decode(codec, "ignore")
            break
    else:
        text = head.decode("latin-1")
    match = _XML_ENCODING_RE.match(text.lstrip("\ufeff"))
    return match.group(1).strip().lower() if match else ""


def _declares_a_dtd(archive, member):
    """Whether a part carries a DOCTYPE or ENTITY declaration, or an encoding that could hide one."""
    overlap = max(len(marker) for marker in _DECLARATIONS) - 1
    with archive.open(member) as stream:
        data = stream.read(_CHUNK)
        encoding = _declared_encoding(data[:400])
        if encoding and encoding not in _PLAIN_XML_ENCODINGS:
            return True
        tail = b""
        while data:
            window = tail + data
            if any(marker in window for marker in _DECLARATIONS):
                return True
            tail = window[-overlap:]
            data = stream.read(_CHUNK)
    return False


def _check_zip(content):
    not_xlsx = _("文件不是 Excel（.xlsx）格式，请上传从本系统下载并填写的模板。")
    try:
        archive = zipfile.ZipFile(BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnsafeWorkbook(not_xlsx) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise UnsafeWorkbook(_("文件内部结构异常（部件过多），拒绝处理。"))
        if sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES:
            raise UnsafeWorkbook(_("文件解压后过大，疑似异常文件，拒绝处理。"))
        names = {member.filename for member in members}
        if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
            raise UnsafeWorkbook(not_xlsx)
        try:
            # Every part, whatever its name: openpyxl follows the package's relationships to any.
            refused = any(_declares_a_dtd(archive, member) for member in members if not member.is_dir())
        except Exception:  # a damaged or encrypted member: zipfile and zlib raise many kinds
            refused = True
        if refused:
            raise UnsafeWorkbook(_("文件已损坏或含有不允许的内容（XML 文档类型或实体声明），拒绝处理。"
                                   "请用 Excel 打开本系统下载的模板填写后另存为 .xlsx 再上传。"))


def open_uploaded_workbook(content, filename=""):
    """The workbook, read-only and with its formulas as formulas (data type "f"), or UnsafeWorkbook."""
    limit = settings.UPLOAD_XLSX_MAX_BYTES
    if len(content) > limit:
        raise UnsafeWorkbook(_("文件大小 %(size).1f MB，超过 %(limit)s MB 的上限。") % {
            "size": len(content) / 1048576, "limit": limit // 1048576,
        })
    if filename and not filename.lower().endswith(".xlsx"):
        raise UnsafeWorkbook(_("文件不是 Excel（.xlsx）格式，请上传从本系统下载并填写的模板。"))
    _check_zip(content)
    try:
        # data_only=False: a formula reads as the formula (data type "f"), so it can be refused.
        return load_workbook(BytesIO(content), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise UnsafeWorkbook(_("文件已损坏或不是有效的 Excel（.xlsx）文件。")) from None
