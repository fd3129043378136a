"""What the write path announces, so that it need not know who follows (the stored standings,
the email to the unit whose report was returned).

Receivers run synchronously, inside the sender's transaction: whatever they store commits or
rolls back with the change itself.
"""

from django.dispatch import Signal

#: Approved data of some units changed (a report approved or reopened): `plan`, `unit_ids`.
approved_data_changed = Signal()
#: Anything else a plan's figures depend on changed (an admin edit, a bulk load): `plan`.
plan_data_changed = Signal()
#: A submitted or approved report went back to its unit: `report`, `reason`, `reopened`.
report_returned = Signal()
