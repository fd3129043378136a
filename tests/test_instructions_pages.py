"""Leaders' instructions (/reports/instructions/): a leader (or staff on a leader's behalf) writes one
on a task, a target, a coordination matter or a notice; each assigned unit's liaison replies; staff
or the leader close it; each step a history row. Another unit's instruction is a 404."""

import datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.instructions import workflow
from reports.models import InstructionAssignment, LeaderInstruction, UrgingNotice
from reports.supervision import workflow as notice_workflow
from targets.models import Target
from tasks.models import MonthlyReport, ProgressReport, Task
from tests.personas import PersonasTestCase
from tests.reminders_support import at

Status = LeaderInstruction.Status
NEW = "/reports/instructions/new/"


class InstructionTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.task = Task.objects.get(plan=cls.plan, number=7)  # 市经信局 leads it
        cls.instruction = workflow.write(cls.leader, "task", cls.task, [cls.jxj], "请市经信局加快推进。",
                                         datetime.date(2023, 6, 5), cls.leader)

    def setUp(self):
        super().setUp()
        traveller = time_machine.travel(at(2023, 6, 7, 9, 0), tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)

    def url(self, step=""):
        return f"/reports/instructions/{self.instruction.pk}/{step + '/' if step else ''}"

    def fresh(self):
        return LeaderInstruction.objects.get(pk=self.instruction.pk)


class WritingTests(InstructionTestCase):
    def test_it_offers_the_instruct_link_on_the_task_page_with_the_task_preselected(self):
        self.client.force_login(self.leader)
        page = self.client.get(reverse("tasks:detail", args=[7]))
        self.assertContains(page, f'href="/reports/instructions/new/?task={self.task.pk}"')
        self.assertContains(page, "请市经信局加快推进。")
        form = self.client.get(NEW, {"task": self.task.pk})
        self.assertContains(form, f'<option value="{self.task.pk}" selected>任务7', html=False)
        # The task's lead units, preselected.
        self.assertEqual([unit.name for unit in form.context["form"].initial["units"]], ["市经信局", "市发改委", "市科技局"])
        self.assertNotContains(form, 'name="leader"')  # a leader writes as themselves
        self.assertContains(form, '<input type="date" name="instructed_on" value="2023-06-07"', html=False)  # today

    def test_a_leader_writes_an_instruction_on_a_target_that_reaches_its_unit(self):
        target = Target.objects.get(plan=self.plan, code="T08")
        self.client.force_login(self.leader)
        self.assertContains(self.client.get(reverse("targets:detail", args=[target.pk])),
                            f'/reports/instructions/new/?target={target.pk}')
        response = self.client.post(f"{NEW}?target={target.pk}", {
            "target": target.pk, "text": "该指标要确保年底完成。", "instructed_on": "2023-06-06", "units": [self.jxj.pk],
        }, follow=True)
        self.assertContains(response, "批示已交办。")
        self.assertContains(response, '<span class="status instruction-todo" id="instruction-status">待办</span>',
                            html=True)
        created = LeaderInstruction.objects.get(target=target)
        self.assertEqual((created.leader, created.recorded_by, created.plan), (self.leader, self.leader, self.plan))
        self.client.force_login(self.jxj_liaison)
        self.assertContains(self.client.get("/reporting/"), "该指标要确保年底完成。")
        self.assertContains(self.client.get(reverse("targets:detail", args=[target.pk])), "该指标要确保年底完成。")

    def test_staff_record_an_instruction_on_a_leaders_behalf_on_a_coordination_matter(self):
        report = MonthlyReport.objects.create(plan=self.plan, unit=self.hongshan, month=5)
        matter = ProgressReport.objects.create(report=report, task=self.task, needs_coordination=True,
                                               coordination_matter="用地指标需市级统筹")
        self.client.force_login(self.staff)
        form = self.client.get(NEW, {"matter": matter.pk})
        self.assertContains(form, "用地指标需市级统筹")
        response = self.client.post(f"{NEW}?matter={matter.pk}", {
            "leader": self.leader.pk, "matter": matter.pk, "text": "请市自然资源和规划局协调。",
            "instructed_on": "2023-06-07", "units": [self.hongshan.pk, self.jxj.pk],
        })
        created = LeaderInstruction.objects.get(matter=matter)
        self.assertRedirects(response, f"/reports/instructions/{created.pk}/")
        self.assertEqual((created.leader, created.recorded_by), (self.leader, self.staff))
        self.assertEqual(sorted(created.assignments.values_list("unit__code", flat=True)), ["hongshan", "jxj"])
        page = self.client.get(f"/reports/instructions/{created.pk}/")
        self.assertContains(page, "协调事项：洪山区人民政府5月 任务7“用地指标需市级统筹”")
        self.assertContains(page, "由staff录入")

    def test_a_notice_page_links_to_an_instruction_on_it(self):
        notice, _created, _ids = notice_workflow.issue(
            self.plan, UrgingNotice.Kind.URGE, self.jxj, UrgingNotice.Cause.OVERDUE, issued_on=datetime.date(2023, 6, 6),
            deadline=datetime.date(2023, 6, 9), month=5, request="请补报。")
        self.client.force_login(self.leader)
        self.assertContains(self.client.get(f"/reports/supervision/{notice.pk}/"),
                            f"/reports/instructions/new/?notice={notice.pk}")
        self.client.post(f"{NEW}?notice={notice.pk}", {"notice": notice.pk, "text": "督促补报。",
                                                        "instructed_on": "2023-06-07", "units": [self.jxj.pk]})
        self.assertContains(self.client.get(f"/reports/supervision/{notice.pk}/"), "督促补报。")

    def test_bad_input_is_refused_in_chinese_and_nothing_is_saved(self):
        self.client.force_login(self.staff)
        response = self.client.post(NEW, {"text": "  ", "instructed_on": "2023-06-30", "units": []})
        self.assertEqual(response.status_code, 400)
        for message in ("请选择批示领导。", "请填写批示内容。", "批示日期不能晚于今天。", "请至少选择一个承办单位。",
                        "请选择一项批示事项：任务、指标、协调事项或督办通知中的一项。"):
            self.assertContains(response, message, status_code=400)
        response = self.client.post(NEW, {"leader": self.leader.pk, "task": self.task.pk, "text": "批示\u202e",
                                          "instructed_on": "2023-06-07", "units": [self.jxj.pk]})
        self.assertContains(response, "不能包含控制字符", status_code=400)
        self.assertEqual(LeaderInstruction.objects.count(), 1)
        self.assertEqual(InstructionAssignment.objects.count(), 1)

    def test_a_liaison_may_not_write_or_list_and_anonymous_is_sent_to_sign_in(self):
        self.client.force_login(self.jxj_liaison)
        self.assertEqual(self.client.get(NEW).status_code, 403)
        self.assertEqual(self.client.post(NEW, {"task": self.task.pk, "text": "x"}).status_code, 403)
        self.assertEqual(self.client.get("/reports/instructions/").status_code, 403)
        self.assertNotContains(self.client.get(reverse("tasks:detail", args=[7])), "/reports/instructions/new/")
        self.client.logout()
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])
        self.assertEqual(LeaderInstruction.objects.count(), 1)


class ReplyAndCloseTests(InstructionTestCase):
    def test_the_liaison_replies_and_the_instruction_is_in_progress(self):
        self.client.force_login(self.jxj_liaison)
        self.assertContains(self.client.get("/reporting/"), "请市经信局加快推进。")
        response = self.client.post(self.url("reply"), {"version": 1, "reply": "已召开专题会部署。"}, follow=True)
        self.assertContains(response, "办理情况已提交。")
        self.assertContains(response, '<span class="status instruction-in-progress" id="instruction-status">办理中</span>',
                            html=True)
        self.assertContains(response, "已召开专题会部署。")
        assignment = InstructionAssignment.objects.get(instruction=self.instruction)
        self.assertEqual((assignment.version, assignment.replied_by, assignment.replied_at),
                         (2, self.jxj_liaison, at(2023, 6, 7, 9, 0)))
        reasons = [(row.history_change_reason, row.status) for row in self.fresh().history.order_by("history_id")]
        self.assertEqual(reasons, [("批示", "todo"), ("市经信局回复办理情况", "in-progress")])

    def test_another_units_liaison_sees_nothing_of_it(self):
        self.client.force_login(self.hongshan_liaison)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertEqual(self.client.post(self.url("reply"), {"version": 1, "reply": "x"}).status_code, 404)
        self.assertNotContains(self.client.get(reverse("tasks:detail", args=[7])), "请市经信局加快推进。")
        self.assertNotContains(self.client.get("/reporting/"), "请市经信局加快推进。")
        self.assertEqual(self.fresh().status, Status.TODO)

    def test_an_empty_reply_is_refused_and_a_repeated_one_is_stale(self):
        self.client.force_login(self.jxj_liaison)
        response = self.client.post(self.url("reply"), {"version": 1, "reply": " "})
        self.assertContains(response, "请填写办理情况。", status_code=400)
        self.assertEqual(self.fresh().status, Status.TODO)
        self.client.post(self.url("reply"), {"version": 1, "reply": "第一次回复"})
        response = self.client.post(self.url("reply"), {"version": 1, "reply": "重复提交"})
        self.assertContains(response, "该单位的办理情况已被他人修改，请刷新页面后重试。", status_code=409)
        self.assertEqual(InstructionAssignment.objects.get().reply, "第一次回复")

    def test_staff_close_it_and_a_stale_close_is_refused(self):
        self.client.force_login(self.staff)
        response = self.client.post(self.url("close"), {"version": 2, "note": "x"})
        self.assertContains(response, "该批示已被他人修改，请刷新页面后重试。", status_code=409)
        self.assertEqual(self.fresh().status, Status.TODO)
        response = self.client.post(self.url("close"), {"version": 1, "note": "已落实。"}, follow=True)
        self.assertContains(response, "批示已办结。")
        self.assertContains(response, '<span class="status instruction-done" id="instruction-status">已办结</span>',
                            html=True)
        instruction = self.fresh()
        self.assertEqual((instruction.closed_by, instruction.version), (self.staff, 2))
        self.client.force_login(self.jxj_liaison)
        self.assertNotContains(self.client.get("/reporting/"), "请市经信局加快推进。")
        response = self.client.post(self.url("reply"), {"version": 1, "reply": "迟到的回复"})
        self.assertContains(response, "该批示已办结，不能再进行此操作。", status_code=409)

    def test_the_leader_closes_it_but_a_liaison_may_not_and_get_is_refused(self):
        self.client.force_login(self.jxj_liaison)
        self.assertEqual(self.client.post(self.url("close"), {"version": 1}).status_code, 403)
        self.assertEqual(self.client.get(self.url("reply")).status_code, 405)
        self.client.force_login(self.leader)
        self.assertEqual(self.client.get(self.url("close")).status_code, 405)
        self.assertEqual(self.fresh().version, 1)
        self.client.post(self.url("close"), {"version": 1, "note": ""})
        self.assertEqual(self.fresh().status, Status.DONE)

    def test_staff_list_and_filter_the_instructions(self):
        self.client.force_login(self.staff)
        page = self.client.get("/reports/instructions/", {"status": "todo"})
        self.assertContains(page, "任务7 ")
        self.assertContains(page, "市经信局")
        self.assertNotContains(self.client.get("/reports/instructions/", {"status": "done"}), "请市经信局加快推进。")
        self.assertContains(self.client.get("/reports/instructions/", {"q": "经信"}), "请市经信局加快推进。")

    def test_the_list_reads_a_constant_number_of_queries(self):
        self.client.force_login(self.leader)
        with CaptureQueriesContext(connection) as one:
            self.client.get("/reports/instructions/")
        target = Target.objects.get(plan=self.plan, code="T08")
        for text in ("第二条", "第三条"):
            workflow.write(self.leader, "target", target, [self.jxj, self.hongshan, self.kjj], text,
                           datetime.date(2023, 6, 6), self.staff)
        with self.assertNumQueries(len(one.captured_queries)):
            page = self.client.get("/reports/instructions/")
        self.assertContains(page, "市科技局、市经信局、洪山区人民政府")  # in the units' order
