"""Reminders and bulletins: the send calendar (calendar.py), who gets each (recipients.py), what it says (content.py), recording and sending
exactly once (delivery.py), and the staff pages of the record (views, forms, filtersets, tables, urls)."""
