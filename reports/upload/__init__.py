"""Monthly figures and progress from Excel: the template a unit fills (template.py), reading it back (read.py),
checking and saving it (apply.py) and the errors located by sheet, row and column (errors.py)."""
