"""What the upload's steps hand each other: the parsed file and the errors, located in the template."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from reports.upload.template import PROGRESS_COLUMNS, PROGRESS_SHEET, VALUE_COLUMNS, VALUES_SHEET, _column_of

# Errors -------------------------------------------------------------------------------------


@dataclass
class UploadError:
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


class UploadRejected(Exception):
    """The file cannot be saved; `errors` lists every problem found, nothing was saved."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


def _value_error(row, key, message):
    column, title = _column_of(VALUE_COLUMNS, key)
    return UploadError(message, VALUES_SHEET, row, column, title)


def _progress_error(row, key, message):
    column, title = _column_of(PROGRESS_COLUMNS, key)
    return UploadError(message, PROGRESS_SHEET, row, column, title)


# The parsed file ----------------------------------------------------------------------------


@dataclass
class ParsedTemplate:
    plan_code: str
    unit_code: str
    month: int
    values: list = field(default_factory=list)  # {"row", "code", "value", "note", "source"}
    progress: list = field(default_factory=list)  # {"row", "number", "work_done", …}
    sha256: str = ""


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())
