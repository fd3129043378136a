"""What the upload's steps hand each other: the parsed file and the errors, located in the template."""

from dataclasses import dataclass, field

from reports.upload.template import PROGRESS_COLUMNS, PROGRESS_SHEET, VALUE_COLUMNS, VALUES_SHEET, _column_of
from wuhan_plan.uploaded_xlsx import CellError, WorkbookRejected

# Errors -------------------------------------------------------------------------------------


class UploadError(CellError):
    """A problem of an uploaded monthly template, located by sheet, row and column."""


class UploadRejected(WorkbookRejected):
    """The file cannot be saved; `errors` lists every problem found, nothing was saved."""


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
