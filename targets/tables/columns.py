"""Columns whose xlsx cells are typed: a number with its number format, not the text on screen.

The decision (issue 17, typed exports): a table's export is django-tables2's own `value_<column>`
path (targets.exports.table_to_xlsx reads `row.get_cell_value`), and each value method returns
what the cell holds — a Decimal, an int, a date — never the wording of the screen ("3个（75.0%）",
"25%", "4月"). What the screen writes inside one cell and a spreadsheet needs apart (the unit of
measure, the month a value belongs to, the gap of a rate in points, a flag such as 可能完不成) is
an `ExportColumn` of its own, declared next to the screen column: invisible on the page
(visible=False) and written by the export, which, as django-tables2's `as_values`, writes the
invisible columns too.

Figures keep their unit and meaning per column: a target's value, its latest value and the
forecast are the number as reported, in the unit named by the 单位 column (a rate's 11.5 with
单位 "%"); the shares the system computes (完成率, 时间进度, 按时报送率) are fractions with a
percent format (0.75 shown as 75.0%); a rate's distance from its target is a number of points.
"""

import django_tables2 as tables
from django.utils.timezone import localtime

PERCENT = "0.0%"  # 完成率, 时间进度: one decimal, as on screen
WHOLE_PERCENT = "0%"  # 按时报送率: whole per cent, as on screen
POINTS = "+0.0;-0.0;0.0"  # a rate's gap from its target in percentage points, signed
MONTH = '0"月"'  # the month a figure belongs to: the number 3, shown 3月 (and sorting 10 after 9)


class TypedColumn(tables.Column):
    """A column whose exported numbers take `number_format` (None: by their type, see
    targets.exports.number_format_for)."""

    def __init__(self, *args, number_format=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.number_format = number_format


class ExportColumn(TypedColumn):
    """A column of the export only: the page does not show it (see the module's docstring)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("visible", False)
        kwargs.setdefault("orderable", False)
        super().__init__(*args, **kwargs)


def minute_text(moment):
    """2023-04-08 09:30, in the site's time zone: what date_format(localtime(moment), "Y-m-d H:i") writes,
    without the formatter's lookups per character (a report table has dozens of such cells)."""
    return localtime(moment).strftime("%Y-%m-%d %H:%M")


def share(percent):
    """A percent figure (75.0) as the fraction a % format shows (0.75); None stays None."""
    return None if percent is None else percent / 100
