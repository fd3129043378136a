"""reporting.services: the workflow of a monthly report and the rules every change follows."""

import datetime
from decimal import Decimal

import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from reporting import services
from targets.models import TargetValue
from tasks.models import MonthlyReport, ProgressReport, ReportingMonthClosure
from tests.reminders_support import deliveries_run_here
from tests.reporting_base import ReportingTestCase
from units.models import AuditEvent

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


class ReportServicesTests(ReportingTestCase):
    def test_it_creates_a_report_once_and_refuses_months_outside_the_year(self):
        report = services.get_or_create_report(self.plan, self.jxj, 3)
        self.assertEqual(report.pk, self.jxj_report.pk)
        for month in (0, 13, -1):
            with self.assertRaises(ValueError):
                services.get_or_create_report(self.plan, self.jxj, month)
        with self.assertRaises(ValueError):
            services.get_or_create_report(self.plan, self.districts, 3)

    def test_it_saves_a_value_with_history_and_audit(self):
        value = services.save_target_value(
            self.jrj_report, self.fund_size, value="12.5", note="初值", source="基金公司", user=self.jrj_liaison
        )
        self.assertEqual((value.value, value.version, value.unit, value.month), (Decimal("12.5"), 1, self.jrj, 3))
        value = services.save_target_value(
            self.jrj_report, self.fund_size, value="13", note="初值", source="基金公司", user=self.jrj_liaison,
            expected_version=1,
        )
        self.assertEqual(value.version, 2)
        records = list(value.history.order_by("history_id"))
        self.assertEqual([r.value for r in records], [Decimal("12.5"), Decimal("13")])
        self.assertEqual({r.history_user for r in records}, {self.jrj_liaison})
        # The history is the change log of reported data; the security audit log records none of it.
        self.assertFalse(AuditEvent.objects.exists())

    def test_it_keeps_no_version_for_an_unchanged_save(self):
        services.save_target_value(self.jrj_report, self.fund_size, value="12.5", user=self.jrj_liaison)
        value = services.save_target_value(self.jrj_report, self.fund_size, value="12.50", user=self.jrj_liaison)
        self.assertEqual(value.version, 1)
        self.assertEqual(value.history.count(), 1)

    def test_it_refuses_a_stale_version_and_keeps_the_first_save(self):
        services.save_target_value(self.jrj_report, self.fund_size, value="12", user=self.jrj_liaison)
        services.save_target_value(
            self.jrj_report, self.fund_size, value="14", user=self.staff, expected_version=1
        )
        with self.assertRaises(services.EditConflict):
            services.save_target_value(
                self.jrj_report, self.fund_size, value="13", user=self.jrj_liaison, expected_version=1
            )
        value = TargetValue.objects.get(target=self.fund_size, unit=self.jrj, month=3)
        self.assertEqual((value.value, value.version), (Decimal("14"), 2))

    def test_it_refuses_a_create_when_someone_created_the_row_since(self):
        services.save_target_value(self.jrj_report, self.fund_size, value="12", user=self.staff)
        with self.assertRaises(services.EditConflict):
            services.save_target_value(
                self.jrj_report, self.fund_size, value="13", user=self.jrj_liaison, expected_version=0
            )

    def test_it_refuses_bad_values_and_saves_nothing(self):
        with self.assertRaises(ValidationError) as caught:
            services.save_target_value(self.jrj_report, self.fund_size, value="-1", note="x" * 2001, user=self.jrj_liaison)
        self.assertEqual(set(caught.exception.message_dict), {"value", "note"})
        self.assertFalse(TargetValue.objects.exists())

    def test_it_refuses_another_units_target_and_other_users(self):
        with self.assertRaises(services.NotEditable):  # T08 is reported by 市科技局
            services.save_target_value(
                self.jrj_report, self.plan.targets.get(code="T08"), value="1", user=self.staff
            )
        for user in (self.jxj_liaison, self.leader, self.outsider):
            with self.subTest(user=user.username), self.assertRaises(services.NotEditable):
                services.save_target_value(self.jrj_report, self.fund_size, value="1", user=user)
        self.assertFalse(TargetValue.objects.exists())

    def test_it_lets_a_district_report_progress_on_a_task_of_its_group(self):
        task = self.plan.tasks.get(number=13)  # assigned to 各区人民政府
        progress = services.save_progress(
            self.hongshan_report, task, **self.progress_data(), user=self.hongshan_liaison
        )
        self.assertEqual(progress.version, 1)
        with self.assertRaises(services.NotEditable):  # task 1 is not 市经信局's
            services.save_progress(
                self.jxj_report, self.plan.tasks.get(number=1), **self.progress_data(), user=self.jxj_liaison
            )

    def test_it_requires_problems_when_behind_or_a_value_lags(self):
        with self.assertRaises(ValidationError) as caught:
            services.save_progress(
                self.jxj_report, self.jxj_task, **self.progress_data(self_status="behind"), user=self.jxj_liaison
            )
        self.assertIn("problems", caught.exception.message_dict)
        task21 = self.plan.tasks.get(number=21)  # T16 (科技贷款余额增幅, 不低于10%, monthly) belongs to it
        loans = self.plan.targets.get(code="T16")
        self.assertFalse(services.progress_problems_required(self.jrj_report, task21, "on_track"))
        services.save_target_value(self.jrj_report, loans, value="1", user=self.jrj_liaison)  # 10% of 10%
        self.assertTrue(services.progress_problems_required(self.jrj_report, task21, "on_track"))
        with self.assertRaises(ValidationError):
            services.save_progress(self.jrj_report, task21, **self.progress_data(), user=self.jrj_liaison)
        services.save_progress(
            self.jrj_report, task21, **self.progress_data(problems="基金募资慢"), user=self.jrj_liaison
        )
        self.assertFalse(ProgressReport.objects.filter(problems="").exists())

    def test_it_refuses_bad_progress_fields(self):
        cases = {
            "work_done": {"work_done": ""},
            "self_status": {"self_status": "great"},
            "coordination_matter": {"needs_coordination": True, "coordination_matter": ""},
            "next_steps": {"next_steps": "x" * 5001},
        }
        for field, bad in cases.items():
            with self.subTest(field=field), self.assertRaises(ValidationError) as caught:
                services.save_progress(self.jxj_report, self.jxj_task, **self.progress_data(**bad), user=self.jxj_liaison)
            self.assertIn(field, caught.exception.message_dict)
        self.assertFalse(ProgressReport.objects.exists())


class WorkflowTests(ReportingTestCase):
    def test_it_refuses_to_submit_an_incomplete_report(self):
        services.save_progress(self.jxj_report, self.jxj_task, **self.progress_data(), user=self.jxj_liaison)
        with self.assertRaises(ValidationError) as caught:
            services.submit_report(self.jxj_report, self.jxj_liaison)
        self.assertIn("5. ", caught.exception.messages[0])
        self.jxj_report.refresh_from_db()
        self.assertEqual(self.jxj_report.status, MonthlyReport.Status.DRAFT)

    def test_it_runs_draft_submit_return_resubmit_approve(self):
        report = self.fill(self.jxj_report, self.jxj_liaison)
        with time_machine.travel(datetime.datetime(2023, 4, 3, 10, tzinfo=SHANGHAI), tick=False):
            services.submit_report(report, self.jxj_liaison)
        self.assertEqual(report.status, MonthlyReport.Status.SUBMITTED)
        self.assertFalse(report.is_late)
        self.assertEqual(report.submitted_by, self.jxj_liaison)
        with self.assertRaises(services.NotEditable):  # locked while waiting for review
            services.save_progress(report, self.jxj_task, **self.progress_data(work_done="改"), user=self.jxj_liaison)
        with self.assertRaises(services.NotEditable):
            services.save_progress(report, self.jxj_task, **self.progress_data(work_done="改"), user=self.staff)

        with self.assertRaises(ValidationError):
            services.return_report(report, self.staff, "  ")
        with self.assertRaises(PermissionDenied):
            services.return_report(report, self.leader, "数据有误")
        with deliveries_run_here(), self.captureOnCommitCallbacks(execute=True):
            services.return_report(report, self.staff, "任务7进展过于简略，请补充具体数字 & <来源>。")
        self.assertEqual(report.status, MonthlyReport.Status.RETURNED)
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["jxj@example.gov.cn"])
        self.assertIn("市经信局2023年3月报送已退回", message.subject)
        self.assertIn("任务7进展过于简略，请补充具体数字 & <来源>。", message.body)
        html, _mimetype = message.alternatives[0]
        self.assertIn("请补充具体数字 &amp; &lt;来源&gt;。", html)  # escaped in HTML, plain in text
        self.assertIn(f"/reporting/{report.pk}/", message.body)

        services.save_progress(report, self.jxj_task, **self.progress_data(work_done="签约项目3个"), user=self.jxj_liaison)
        with time_machine.travel(datetime.datetime(2023, 4, 7, 9, tzinfo=SHANGHAI), tick=False):
            services.submit_report(report, self.jxj_liaison)
        self.assertTrue(report.is_late)

        services.approve_reports([report], self.staff)
        self.assertEqual(report.status, MonthlyReport.Status.APPROVED)
        self.assertEqual(report.reviewed_by, self.staff)
        with self.assertRaises(services.NotEditable):
            services.save_progress(report, self.jxj_task, **self.progress_data(work_done="再改"), user=self.staff)
        with self.assertRaises(services.NotEditable):
            services.submit_report(report, self.jxj_liaison)
        steps = list(
            report.history.order_by("history_id").values_list("status", "history_user__username", "history_change_reason")
        )
        self.assertEqual(steps, [
            ("draft", None, None), ("submitted", "jxj_liaison", "报送"), ("returned", "staff", "退回"),
            ("submitted", "jxj_liaison", "报送"), ("approved", "staff", "审核通过"),
        ])

    def test_it_marks_a_submission_after_the_5th_late(self):
        report = self.fill(self.jxj_report, self.jxj_liaison)
        with time_machine.travel(datetime.datetime(2023, 4, 5, 23, 59, tzinfo=SHANGHAI), tick=False):
            services.submit_report(report, self.jxj_liaison)
        self.assertFalse(report.is_late)
        report2 = self.fill(services.get_or_create_report(self.plan, self.jxj, 4), self.jxj_liaison)
        with time_machine.travel(datetime.datetime(2023, 5, 6, 0, 1, tzinfo=SHANGHAI), tick=False):
            services.submit_report(report2, self.jxj_liaison)
        self.assertTrue(report2.is_late)
        self.assertEqual(report2.submitted_at, datetime.datetime(2023, 5, 6, 0, 1, tzinfo=SHANGHAI))

    def test_it_approves_several_at_once_or_none(self):
        jxj = self.submitted(self.jxj_report, self.jxj_liaison)
        hongshan = self.submitted(self.hongshan_report, self.hongshan_liaison)
        draft = self.jrj_report
        with self.assertRaises(services.NotEditable):
            services.approve_reports([jxj, hongshan, draft], self.staff)
        self.assertEqual(MonthlyReport.objects.filter(status="approved").count(), 0)
        with self.assertRaises(PermissionDenied):
            services.approve_reports([jxj], self.leader)
        approved = services.approve_reports([jxj, hongshan], self.staff)
        self.assertEqual(len(approved), 2)
        self.assertEqual(MonthlyReport.objects.filter(status="approved").count(), 2)
        self.assertEqual(jxj.status, "approved")

    def test_it_reopens_an_approved_report_with_a_reason(self):
        report = self.approved(self.jxj_report, self.jxj_liaison)
        with self.assertRaises(ValidationError):
            services.reopen_report(report, self.staff, "")
        with deliveries_run_here(), self.captureOnCommitCallbacks(execute=True):
            services.reopen_report(report, self.staff, "统计口径调整，请更正。")
        self.assertEqual(report.status, MonthlyReport.Status.RETURNED)
        self.assertEqual(report.reopen_reason, "统计口径调整，请更正。")
        self.assertIn("统计口径调整，请更正。", mail.outbox[0].body)
        services.save_progress(report, self.jxj_task, **self.progress_data(work_done="更正"), user=self.jxj_liaison)
        with self.assertRaises(services.NotEditable):
            services.reopen_report(report, self.staff, "again")

    def test_it_counts_only_approved_values(self):
        report = self.fill(self.jrj_report, self.jrj_liaison)
        self.assertFalse(TargetValue.objects.approved().exists())
        self.approved(report, self.jrj_liaison)
        self.assertEqual(TargetValue.objects.approved().count(), 4)

    def test_it_closes_and_opens_a_month(self):
        services.close_month(self.plan, 3, self.staff)
        services.close_month(self.plan, 3, self.staff)  # idempotent
        self.assertEqual(ReportingMonthClosure.objects.count(), 1)
        with self.assertRaises(services.NotEditable):
            services.save_target_value(self.jrj_report, self.fund_size, value="1", user=self.staff)
        with self.assertRaises(PermissionDenied):
            services.open_month(self.plan, 3, self.jrj_liaison)
        services.open_month(self.plan, 3, self.staff)
        services.save_target_value(self.jrj_report, self.fund_size, value="1", user=self.jrj_liaison)
        # Who closed the month and who opened it again is in the closure's history, in plain words.
        history = list(ReportingMonthClosure.history.filter(month=3).order_by("history_id"))
        self.assertEqual(
            [(row.history_type, row.history_user, row.history_change_reason) for row in history],
            [("+", self.staff, "关闭报送月份"), ("-", self.staff, "重新开放报送月份")],
        )


class RestoreTests(ReportingTestCase):
    def test_it_restores_an_earlier_version_as_a_new_one(self):
        first = services.save_target_value(self.jrj_report, self.fund_size, value="12", note="一", user=self.jrj_liaison)
        services.save_target_value(self.jrj_report, self.fund_size, value="15", note="二", user=self.jrj_liaison)
        old = first.history.get(version=1)
        with self.assertRaises(PermissionDenied):
            services.restore_version(first, old.history_id, self.jrj_liaison)
        restored = services.restore_version(first, old.history_id, self.staff)
        self.assertEqual((restored.value, restored.note, restored.version), (Decimal("12"), "一", 3))
        latest = restored.history.latest()
        self.assertEqual((latest.version, latest.history_user), (3, self.staff))
        self.assertIn("恢复至第 1 版", latest.history_change_reason)
        self.assertFalse(AuditEvent.objects.exists())

    def test_it_refuses_a_restore_on_a_locked_report(self):
        progress = services.save_progress(
            self.jxj_report, self.jxj_task, **self.progress_data(work_done="一"), user=self.jxj_liaison
        )
        services.save_progress(self.jxj_report, self.jxj_task, **self.progress_data(work_done="二"), user=self.jxj_liaison)
        self.submitted(self.jxj_report, self.jxj_liaison)
        with self.assertRaises(services.NotEditable):
            services.restore_version(progress, progress.history.get(version=1).history_id, self.staff)
        progress.refresh_from_db()
        self.assertEqual(progress.work_done, "召开推进会2次，走访企业5家。")
