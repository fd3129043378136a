"""The reporting pages: entry.py (a unit's month: values, progress, evidence, submit) and
review.py (the bureau's review, the submission grid, history and restore, reporting months) and
suspect.py (the list of figures saved despite a data-quality warning)."""
