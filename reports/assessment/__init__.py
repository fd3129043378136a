"""The units' assessment (考核评比): a monthly and a quarterly score per reporting unit, explained.

- periods.py: the month or quarter scored (?month=N, ?quarter=Q);
- rules.py: the one place the score is computed (`score_units`) — components.py, the five
  components and their rules, from the data already in the system (data.py, read once), each point
  lost an event that links to the report, target, task or notice behind it; scores.py, what a score,
  an event and a rank are;
- weights.py: the staff's weights and rule parameters (reports.models.AssessmentRules), their form
  and its one save, with history;
- tables.py, views.py, urls.py: the ranking at /reports/assessment/, a unit's events, the rules page.
"""
