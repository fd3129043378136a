"""The reporting pages: entry.py (a unit's month: values, progress, evidence, submit) and
review.py (the bureau's review, the submission grid, history and restore, reporting months)."""
