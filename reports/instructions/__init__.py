"""Leaders' instructions (领导批示): a leader's instruction on a task, a target, a coordination
matter or an urging notice, assigned to units, answered by each unit's liaison and closed by staff
or the leader.

- workflow.py: the one write path — write (with its units), reply, close — each step a history
  row under an optimistic lock;
- access.py: who may write, reply and close (reading is LeaderInstruction.objects.for_user);
- items.py: the item an instruction is on, from the ?task= / ?target= / ?matter= / ?notice= link;
- forms.py, tables.py, views.py, urls.py: the pages at /reports/instructions/.
"""
