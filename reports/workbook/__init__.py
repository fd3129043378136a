"""The quarterly workbook for the 市级协调 meeting: its figures, its sheets and their styles (build.py assembles them)."""
