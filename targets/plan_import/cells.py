"""Reading the cells of an import file's rows: text, whole numbers, decimals, choices, lists and dates,
each bad cell adding an error located at its sheet, row and column."""

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from targets.plan_import.errors import cell_error
from targets.plan_import.layout import CHOICE_COLUMNS, LIST_SEPARATORS, SHEET_COLUMNS, choice_labels
from targets.plan_import.read import blank

MAX_NUMBER = 32767  # PositiveSmallIntegerField
_SPLIT_RE = re.compile("[" + re.escape(LIST_SEPARATORS) + "]")
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


class Rows:
    """Reads the cells of one sheet's rows, adding an error located at the cell for each bad one."""

    def __init__(self, sheet, errors):
        self.sheet = sheet
        self.errors = errors
        self.titles = {column.key: column.title for column in SHEET_COLUMNS[sheet]}

    def error(self, row, key, message):
        self.errors.append(cell_error(self.sheet, row["row"], key, message))

    def missing(self, row, key):
        if blank(row.get(key)):
            self.error(row, key, _("请填写%(title)s。") % {"title": self.titles[key]})
            return True
        return False

    def text(self, row, key, max_length, required=True):
        value = row.get(key)
        if required and self.missing(row, key):
            return ""
        if blank(value):
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        if len(text) > max_length:
            self.error(row, key, _("不能超过 %(max)s 个字（现有 %(length)s 个）。") % {"max": max_length, "length": len(text)})
            return ""
        return text

    def integer(self, row, key, minimum=1, maximum=MAX_NUMBER, required=True):
        value = row.get(key)
        if required and self.missing(row, key):
            return None
        if blank(value):
            return None
        number = as_integer(value)
        if number is None or not minimum <= number <= maximum:
            self.error(row, key, _("须为 %(min)s 至 %(max)s 之间的整数，不是“%(raw)s”。") % {
                "min": minimum, "max": maximum, "raw": str(value)[:20],
            })
            return None
        return number

    def choice(self, row, key):
        choices = CHOICE_COLUMNS[(self.sheet, key)]
        if self.missing(row, key):
            return None
        raw = str(row.get(key)).strip()
        by_label = choice_labels(choices)
        if raw in by_label:
            return by_label[raw]
        if raw in choices.values:
            return raw
        self.error(row, key, _("须为%(labels)s之一，不是“%(raw)s”。") % {"labels": "、".join(by_label), "raw": raw[:20]})
        return None


def as_integer(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    return int(text) if re.fullmatch(r"\d{1,6}", text) else None


def as_decimal(value):
    """The Decimal in a cell (12,400 · 11.5 · １２．５ · 11.5%), or None when it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = unicodedata.normalize("NFKC", str(value)).strip().replace("。", ".").replace(" ", "").rstrip("%")
    if not re.fullmatch(r"[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?", text):
        return None
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def split_list(value):
    if blank(value):
        return []
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return [part.strip() for part in _SPLIT_RE.split(str(value)) if part.strip()]


def date_in(rows, row, key):
    value = row.get(key)
    if blank(value):
        return None
    text = str(value).strip()
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        pass
    match = _DATE_RE.match(text)
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    rows.error(row, key, _("不是有效的日期，请按“2023-01-28”的格式填写。"))
    return None


def is_duplicate(rows, row, key, value, seen, what):
    """Whether `value` was given on an earlier row (an error names both rows); records it otherwise."""
    if value in seen:
        rows.error(row, key, _("%(what)s“%(value)s”在第 %(first)s 行和第 %(row)s 行重复出现，不能重复。") % {
            "what": what, "value": value, "first": seen[value], "row": row["row"],
        })
        return True
    seen[value] = row["row"]
    return False
