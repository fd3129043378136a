"""A new year's plan (工作要点) from a filled Excel template, as a draft — issue 20.

Staff download the template (template.py), fill its sheets 工作要点, 板块, 任务 and 指标, and upload
it. The upload goes through the same three steps as the monthly one (reports/upload/):

1. read.py reads the whole file (safe to open, no formulas, the headers as the template has them)
   into plain JSON-able rows, which the page keeps in the session between preview and confirm;
2. check.py checks every row against the file itself and the database (units, plans of that
   year) and collects every error with its sheet, row and column; with none, it returns the
   plan as unsaved objects — the preview;
3. save.py checks the stored rows again and saves the plan, its sections, tasks, units and
   targets in one transaction as a draft, each row with its history. Nothing is saved on any error.

The layout (sheet names, columns, choices) lives once in layout.py, shared by the writer and the reader.
"""
