"""A problem of the import file, located by sheet, row and column, as the page lists it."""

from targets.plan_import.layout import column_of
from wuhan_plan.uploaded_xlsx import CellError, WorkbookRejected


class PlanImportError(CellError):
    """A problem of the import file, located by sheet, row and column (as the monthly upload's)."""


class ImportRejected(WorkbookRejected):
    """The file cannot be imported; `errors` lists every problem found. Nothing was saved."""


def cell_error(sheet, row, key, message):
    column, title = column_of(sheet, key)
    return PlanImportError(message, sheet, row, column, title)
