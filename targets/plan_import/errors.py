"""A problem of the import file, located by sheet, row and column, as the page lists it."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from targets.plan_import.layout import column_of


@dataclass
class PlanImportError:
    message: str
    sheet: str = ""
    row: int | None = None
    column: int | None = None
    column_title: str = ""

    @property
    def location(self):
        """工作表“任务”第 7 行 牵头单位（D 列）"""
        text = _("工作表“%(sheet)s”") % {"sheet": self.sheet} if self.sheet else ""
        if self.row:
            text += _("第 %(row)s 行") % {"row": self.row}
        if self.column:
            letter = get_column_letter(self.column)
            title = self.column_title
            text += " " + (_("%(title)s（%(letter)s 列）") % {"title": title, "letter": letter} if title
                           else _("%(letter)s 列") % {"letter": letter})
        return text

    def __str__(self):
        return f"{self.location}：{self.message}" if self.location else self.message


class ImportRejected(Exception):
    """The file cannot be imported; `errors` lists every problem found. Nothing was saved."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(str(error) for error in self.errors))


def cell_error(sheet, row, key, message):
    column, title = column_of(sheet, key)
    return PlanImportError(message, sheet, row, column, title)
