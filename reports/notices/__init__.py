"""The Word 通报 (reports/notices/): the weekly bulletin and the quarterly coordination summary as .docx,
in the layout of an official notice (layout.py), from the contexts the emails use
(reports/reminders/bulletins.py). Downloaded from /reports/ and attached to those emails."""

from reports.notices.layout import DOCX  # noqa: F401
from reports.notices.quarterly import quarterly_filename, quarterly_notice  # noqa: F401
from reports.notices.weekly import weekly_filename, weekly_notice  # noqa: F401
