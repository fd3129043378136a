"""django-tables2 tables of the dashboard pages; the xlsx exports reuse them (?export=xlsx)."""
