"""Free text users type or upload: what it may contain, checked once where it comes in.

Every text field of the reporting forms and every cell of an uploaded template passes
`validate_plain_text`. It refuses the characters nobody types on purpose and that break or
disguise what others later read: control characters (an openpyxl export of a stored U+0007
fails for everyone), bidi overrides (U+202E makes "gpj.exe" read as "exe.jpg") and zero-width
characters (two texts that look the same but are not). Tab, newline and carriage return stay.

Exports cannot rely on this alone — rows stored before the check, or written by the admin, may
still hold such characters — so targets.exports strips what an xlsx cell cannot hold at the one
point where cells are written (`targets.exports.excel_safe`).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FORBIDDEN_CHARACTERS_RE = re.compile(
    "["
    "\x00-\x08\x0b\x0c\x0e-\x1f"  # C0 controls, except tab, newline and carriage return
    "\x7f-\x9f"  # DEL and the C1 controls
    "\u200b-\u200d\ufeff"  # zero-width space, non-joiner, joiner; zero-width no-break space (BOM)
    "\u202a-\u202e\u2066-\u2069"  # bidi embeddings, overrides and isolates
    "]"
)


def forbidden_character_message(text):
    """The Chinese reason `text` is refused, naming the first offending character, or None."""
    match = FORBIDDEN_CHARACTERS_RE.search(text or "")
    if match is None:
        return None
    return _("不能包含控制字符、文字方向控制符或零宽字符（第 %(position)s 个字符为 U+%(code)04X），"
             "请删除后重新输入；从其他文档复制的文字常带有这类看不见的字符。") % {
        "position": match.start() + 1, "code": ord(match.group()),
    }


def validate_plain_text(value):
    """A form field validator (validators=[validate_plain_text])."""
    if isinstance(value, str):
        message = forbidden_character_message(value)
        if message:
            raise ValidationError(message, code="forbidden_character")

