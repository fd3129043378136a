"""The urging ladder (督办): numbered 催办单 and 督办单 to units whose report is overdue or whose target
stays 严重滞后, signed for, answered and closed in the app.

- ladder.py: when a notice is due (the rules, tied to tasks/calendar.py and the stored standings),
  and the daily run that issues them;
- workflow.py: the one write path — issue with its number, escalate, sign for, reply, close —
  each step a history row under an optimistic lock;
- messages.py: who is told and what the email says (sent by reports/reminders/delivery.py);
- forms.py, tables.py, filtersets.py, views.py, urls.py: the pages at /reports/supervision/.
"""
