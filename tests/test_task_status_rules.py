"""Worked examples of a task's status (targets/task_status.py): targets, lead and responsible units."""

from django.test import SimpleTestCase

from targets.progress import Status
from targets.task_status import task_standing

LEAD, RESP = "lead", "responsible"


def units(lead, *responsible):
    return [(LEAD, lead), *[(RESP, s) for s in responsible]]


class TaskStatusTest(SimpleTestCase):
    def test_it_is_not_reported_when_nothing_is(self):
        self.assertEqual(task_standing([Status.NOT_REPORTED], units(None, None), 3).status, Status.NOT_REPORTED)
        self.assertEqual(task_standing([Status.NOT_DUE], [], 3).status, Status.NOT_REPORTED)

    def test_it_takes_the_worst_target(self):
        standing = task_standing([Status.ON_TRACK, Status.SERIOUSLY_BEHIND], units("on_track"), 3)
        self.assertEqual(standing.status, Status.SERIOUSLY_BEHIND)
        self.assertEqual(task_standing([Status.BEHIND], units("on_track"), 3).status, Status.BEHIND)

    def test_it_flags_one_responsible_unit_behind_instead_of_marking_the_task(self):
        standing = task_standing([Status.ON_TRACK], units("on_track", "behind", "on_track", "on_track", None), 5)
        self.assertEqual(standing.status, Status.ON_TRACK)
        self.assertEqual(standing.flags, ["1个责任单位自评滞后"])

    def test_it_lets_the_lead_unit_decide(self):
        standing = task_standing([Status.ON_TRACK], units("behind", "on_track", "on_track"), 5)
        self.assertEqual(standing.status, Status.BEHIND)
        self.assertEqual(standing.flags, [])

    def test_it_marks_the_task_behind_when_more_than_half_of_responsible_units_are(self):
        # 3 of 4 → behind; 2 of 4 is not more than half → a flag.
        self.assertEqual(task_standing([], units("on_track", "behind", "behind", "behind", "on_track"), 5).status, Status.BEHIND)
        two = task_standing([], units("on_track", "behind", "behind", "on_track", "on_track"), 5)
        self.assertEqual((two.status, two.flags), (Status.ON_TRACK, ["2个责任单位自评滞后"]))

    def test_it_counts_every_responsible_unit_not_only_those_that_reported(self):
        # The only one of three responsible units to have reported says 滞后: still one of three.
        standing = task_standing([], units("on_track", "behind", None, None), 5)
        self.assertEqual((standing.status, standing.flags), (Status.ON_TRACK, ["1个责任单位自评滞后"]))

    def test_it_counts_not_started_as_behind_after_june(self):
        self.assertEqual(task_standing([], units("not_started"), 6).status, Status.ON_TRACK)
        self.assertEqual(task_standing([], units("not_started"), 7).status, Status.BEHIND)

    def test_it_is_done_when_every_target_and_the_lead_unit_are(self):
        self.assertEqual(task_standing([Status.DONE], units("done", "on_track"), 12).status, Status.DONE)
        self.assertEqual(task_standing([Status.DONE], units("on_track", "done"), 12).status, Status.ON_TRACK)
        self.assertEqual(task_standing([Status.DONE, Status.NOT_REPORTED], units("done"), 12).status, Status.ON_TRACK)

    def test_it_says_when_a_responsible_group_has_no_members(self):
        standing = task_standing([], units("on_track"), 3, empty_groups=["市推进科创中心建设领导小组成员单位"])
        self.assertEqual(standing.status, Status.ON_TRACK)
        self.assertEqual(standing.flags, ["责任单位“市推进科创中心建设领导小组成员单位”未配置成员单位，其进展未纳入任务状态"])
