"""The base of every django-tables2 table here: a row's cells rendered by one prepared call each.

django-tables2 renders each cell by inspecting the render method's signature, resolving the
accessor through the model's fields and merging the <td> attributes anew: about 0.1 ms a cell,
which made the cells most of a list page's time (the target list has 430). A `Table` here
prepares each column once per table (its renderer and what it takes, its link, its <td>
attributes) and its rows call that; a row writes its `<tr>` in one pass (`row.html`), as the
template loop wrote it. Headers, ordering, pagination, `Meta` and the exports (`as_values`,
`value_<column>` methods) stay django-tables2's own.

The template (tables/table.html) reads `row.html`; a table that needs per-record cell attributes
would have to use django-tables2's `row.items` instead (none does).
"""

import html
import re

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import models
from django.urls import get_script_prefix, reverse
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django_tables2.columns.base import LinkTransform
from django_tables2.rows import BoundRow, BoundRows
from django_tables2.utils import Accessor, AttributeDict, signature

ARGUMENTS = ("value", "record", "column", "bound_column", "bound_row", "table")
URL_SENTINEL, URL_INT_SENTINEL = "zq9url9argzq", "987654321987"  # stand for the argument in Links
PLAIN_ARGUMENT = re.compile(r"[0-9A-Za-z_]+")  # an argument reverse() would neither quote nor refuse


_SIGNATURES = {}


def _signature(fn):
    """django_tables2.utils.signature, read once per function (inspect.signature is slow): a
    table's render methods and linkify callables are the same objects on every request."""
    key = getattr(fn, "__func__", fn)
    if key not in _SIGNATURES:
        _SIGNATURES[key] = signature(fn)
    return _SIGNATURES[key]


def cell_html(template, *args):
    """format_html(template, *args) for the cells of a table: each argument escaped the same way
    (safe text as it is, the rest through html.escape, as django.utils.html.escape does), without
    format_html's lazy-argument wrappers, which cost some twenty calls a cell (480 on the month table)."""
    return mark_safe(template.format(*(arg.__html__() if hasattr(arg, "__html__") else html.escape(str(arg)) for arg in args)))


class PreparedColumn:
    """One column's cell, resolved once: how to get the value, render it, link it and wrap it."""

    def __init__(self, table, bound_column):
        self.table = table
        self.bound_column = bound_column
        self.column = bound_column.column
        self.accessor = Accessor(bound_column.accessor)
        self.bits = tuple(self.accessor.bits)
        self.render = bound_column.render
        self.wants, self.takes_any = _signature(self.render)
        self.callable = self.takes_any or all(name in ARGUMENTS for name in self.wants)
        self.link = bound_column.link
        self.link_url = self.link_wants = None
        if isinstance(self.link, LinkTransform) and callable(self.link.url) and not self.link.attrs:
            # `<a href="…">` from the linkify callable, its signature read once (LinkTransform reads it per cell).
            wants, takes_any = _signature(self.link.url)
            if not takes_any and all(name in ARGUMENTS for name in wants):
                self.link_url, self.link_wants = self.link.url, wants
        self.td_attrs = AttributeDict(bound_column.attrs.get("td", {})).as_html()
        # A plain column (Column.render gives the value back, nothing links it): its cell is its value.
        self.plain = getattr(self.render, "__func__", None) is tables.Column.render and not self.link
        self.display = None  # decided at the first record: get_FOO_display() for a field with choices

    def _resolve(self, record):
        """Accessor.resolve for the common case (attributes of objects, keys of dicts, nothing to
        call), without its exceptions per lookup; anything else goes to Accessor.resolve."""
        if isinstance(record, dict) and self.accessor in record:
            return record[self.accessor]
        current = record
        for bit in self.bits:
            current = current.get(bit, Accessor) if isinstance(current, dict) else getattr(current, bit, Accessor)
            if current is Accessor or callable(current):
                return self.accessor.resolve(record)
            if current is None:
                break
        return current

    def _value(self, record):
        if self.display is None:
            self.display = self._uses_display(record)
        if self.display:
            # get_FOO_display(), from the field's labels translated once per table, not once per cell.
            value = self._resolve(record)
            return self.display.get(value, value) if value.__hash__ else value
        try:
            return self._resolve(record)
        except Exception:  # noqa: BLE001 (as django-tables2: a column need not map to an attribute)
            return None

    def _uses_display(self, record):
        """{value: label} of a field with choices shown by its label (as django-tables2 shows
        get_FOO_display()), or False."""
        penultimate, remainder = self.accessor.penultimate(record)
        if not isinstance(penultimate, models.Model):
            return False
        try:
            field = self.accessor.get_field(record)
        except FieldDoesNotExist:
            return False
        if not getattr(field, "choices", ()) or not hasattr(penultimate, f"get_{remainder}_display"):
            return False
        return {value: str(label) for value, label in field.flatchoices} or False

    def _arguments(self, value, row):
        return {
            "value": value, "record": row.record, "column": self.column,
            "bound_column": self.bound_column, "bound_row": row, "table": self.table,
        }

    def cell(self, row):
        value = self._value(row.record)
        if value in self.column.empty_values:
            return self.bound_column.default
        if self.plain:
            return value
        arguments = self._arguments(value, row)
        if not self.takes_any:
            if not self.callable:
                return None
            content = self.render(**{name: arguments[name] for name in self.wants})
        else:
            content = self.render(**arguments)
        if self.link_url is not None:
            url = self.link_url(**{name: arguments[name] for name in self.link_wants})
            return content if url is None else cell_html('<a href="{}">{}</a>', url, content)
        return self.link(content, **arguments) if self.link else content


def _html(value):
    """A cell's content as the template's `{{ cell }}` writes it (render_value_in_context: localised, escaped)."""
    if type(value) is int and -1000 < value < 1000:
        return str(value)  # what localize gives a count below a thousand in any language, without its lookups
    value = localize(template_localtime(value))
    if not issubclass(type(value), str):
        value = str(value)
    # conditional_escape, without its lazy-argument wrapper per call: safe text as it is, the rest
    # through html.escape, as django.utils.html.escape does.
    return value.__html__() if hasattr(value, "__html__") else html.escape(value)


class PreparedRow(BoundRow):
    @property
    def prepared_cells(self):
        """(the <td> attributes, the rendered cell) for each shown column."""
        return [(prepared.td_attrs, prepared.cell(self)) for prepared in self.table.prepared_columns]

    @property
    def html(self):
        """The row's `<tr>`: what `<tr {{ row.attrs.as_html }}>{% for … %}<td {{ td_attrs }}>{{ cell }}</td>…`
        wrote, in one pass."""
        if self.table.row_attrs:
            attrs = self.attrs.as_html()
        else:  # what BoundRow.attrs comes to without row_attrs
            attrs = f'class="{self.get_even_odd_css_class()}"'
        cells = "".join(
            f"<td {prepared.td_attrs}>{_html(prepared.cell(self))}</td>" for prepared in self.table.prepared_columns
        )
        return mark_safe(f"<tr {attrs}>{cells}</tr>")

    def get_cell(self, name):
        return self.table.prepared_column(name).cell(self)


class PreparedRows(BoundRows):
    def __iter__(self):
        for record in self.data:
            yield PreparedRow(record, table=self.table)

    def __getitem__(self, key):
        if isinstance(key, slice):
            return PreparedRows(data=self.data[key], table=self.table)
        return PreparedRow(record=self.data[key], table=self.table)


class Links:
    """reverse(viewname, args=[argument]) for the many links of one page, table or report, for an int or a
    plain code: reversed once per view name with a stand-in of the same kind, then filled in. Anything
    else, or a URL the stand-in does not give, goes to reverse()."""

    def __init__(self):
        self._parts = {}

    def __call__(self, viewname, argument):
        text = str(argument)
        if not PLAIN_ARGUMENT.fullmatch(text):
            return reverse(viewname, args=[argument])
        stand_in = URL_INT_SENTINEL if text.isdigit() else URL_SENTINEL
        key = (viewname, stand_in, get_script_prefix())
        if key not in self._parts:
            parts = reverse(viewname, args=[stand_in]).split(stand_in)
            self._parts[key] = parts if len(parts) == 2 else None
        parts = self._parts[key]
        if parts is None:
            return reverse(viewname, args=[argument])
        return f"{parts[0]}{text}{parts[1]}"


class Table(tables.Table):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = PreparedRows(data=self.data, table=self)
        self._prepared = {}

    def url(self, viewname, argument):
        """reverse(viewname, args=[argument]) for a link in every row, reversed once per table (Links)."""
        return self.__dict__.setdefault("_links", Links())(viewname, argument)

    def prepared_column(self, name):
        if name not in self._prepared:
            self._prepared[name] = PreparedColumn(self, self.columns[name])
        return self._prepared[name]

    @property
    def header_html(self):
        """The `<thead>` django-tables2's template writes, in one pass, for a table whose shown
        columns none sorts; "" for a sortable one, whose header links the template writes."""
        columns = list(self.columns)
        if not self.show_header or any(column.orderable for column in columns):
            return ""
        cells = "".join(f'<th {column.attrs["th"].as_html()} scope="col">{_html(column.header)}</th>' for column in columns)
        return mark_safe(f"<thead {AttributeDict(self.attrs.get('thead', {})).as_html()}><tr>{cells}</tr></thead>")

    @property
    def body_html(self):
        """The `<tbody>` of the page shown, its rows written in one pass (the template's loop and
        block cost some eighty calls a row), or its empty text in one cell across the table."""
        rows = "".join(row.html for row in self.paginated_rows)
        if not rows and self.empty_text:
            rows = f'<tr><td colspan="{len(self.columns)}">{_html(self.empty_text)}</td></tr>'
        return mark_safe(f"<tbody {AttributeDict(self.attrs.get('tbody', {})).as_html()}>{rows}</tbody>")

    @property
    def prepared_columns(self):
        # Prepared after ordering and column choice are configured (RequestConfig), at the first row.
        if "_shown" not in self.__dict__:
            self._shown = [self.prepared_column(column.name) for column in self.columns]
        return self._shown


class CountedPaginator(Paginator):
    """A paginator told its number of rows by a count the page has already made, so that paging a
    queryset costs no COUNT query of its own: `RequestConfig(request, paginate={"per_page": n,
    "paginator_class": CountedPaginator, "count": rows})`."""

    def __init__(self, object_list, per_page, *args, count, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.__dict__["count"] = count  # Paginator.count is a cached_property

    def page(self, number):
        """As Paginator.page, but the slice is not cut at the count: an empty page still reads its
        (no) rows, so that a page runs the same queries whether anything passes its filter or not."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top += self.orphans  # the last page takes its orphans, as Paginator's does
        return self._get_page(self.object_list[bottom:top], number, self)
