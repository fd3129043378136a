"""The seven sheets of the quarterly workbook (see reports/workbook/build.py), each from `QuarterData`."""
