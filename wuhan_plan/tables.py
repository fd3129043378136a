"""The base of every django-tables2 table here: a row's cells rendered by one prepared call each.

django-tables2 renders each cell by inspecting the render method's signature, resolving the
accessor through the model's fields and merging the <td> attributes anew: about 0.1 ms a cell,
which made the cells most of a list page's time (the target list has 430). A `Table` here
prepares each column once per table (its renderer and what it takes, its link, its <td>
attributes) and its rows call that. Headers, ordering, pagination, `Meta` and the exports
(`as_values`, `value_<column>` methods) stay django-tables2's own.

The template (tables/table.html) reads `row.prepared_cells`; a table that needs per-record cell attributes
would have to use django-tables2's `row.items` instead (none does).
"""

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django_tables2.rows import BoundRow, BoundRows
from django_tables2.utils import Accessor, AttributeDict, signature


class PreparedColumn:
    """One column's cell, resolved once: how to get the value, render it, link it and wrap it."""

    def __init__(self, table, bound_column):
        self.table = table
        self.bound_column = bound_column
        self.column = bound_column.column
        self.accessor = Accessor(bound_column.accessor)
        self.render = bound_column.render
        self.wants, self.takes_any = signature(self.render)
        self.link = bound_column.link
        self.td_attrs = AttributeDict(bound_column.attrs.get("td", {})).as_html()
        self.display = None  # decided at the first record: get_FOO_display() for a field with choices

    def _value(self, record):
        if self.display is None:
            self.display = self._uses_display(record)
        if self.display:
            penultimate, remainder = self.accessor.penultimate(record)
            return getattr(penultimate, f"get_{remainder}_display")()
        try:
            return self.accessor.resolve(record)
        except Exception:  # as django-tables2: a column need not map to an attribute
            return None

    def _uses_display(self, record):
        penultimate, remainder = self.accessor.penultimate(record)
        if not isinstance(penultimate, models.Model):
            return False
        try:
            field = self.accessor.get_field(record)
        except FieldDoesNotExist:
            return False
        return bool(getattr(field, "choices", ())) and hasattr(penultimate, f"get_{remainder}_display")

    def cell(self, row):
        value = self._value(row.record)
        if value in self.column.empty_values:
            return self.bound_column.default
        arguments = {
            "value": value, "record": row.record, "column": self.column,
            "bound_column": self.bound_column, "bound_row": row, "table": self.table,
        }
        if not self.takes_any:
            if any(name not in arguments for name in self.wants):
                return None
            content = self.render(**{name: arguments[name] for name in self.wants})
        else:
            content = self.render(**arguments)
        return self.link(content, **arguments) if self.link else content


class PreparedRow(BoundRow):
    @property
    def prepared_cells(self):
        """(the <td> attributes, the rendered cell) for each shown column."""
        return [(prepared.td_attrs, prepared.cell(self)) for prepared in self.table.prepared_columns]

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


class Table(tables.Table):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = PreparedRows(data=self.data, table=self)
        self._prepared = {}

    def prepared_column(self, name):
        if name not in self._prepared:
            self._prepared[name] = PreparedColumn(self, self.columns[name])
        return self._prepared[name]

    @property
    def prepared_columns(self):
        # Prepared after ordering and column choice are configured (RequestConfig), at the first row.
        if "_shown" not in self.__dict__:
            self._shown = [self.prepared_column(column.name) for column in self.columns]
        return self._shown
