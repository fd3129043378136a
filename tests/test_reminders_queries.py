"""SQL queries of the reminder fan-out: a constant per run plus a small constant per message.

The monthly notice goes to some 200 liaisons; what the messages share (the plan, each unit's
tasks and targets, the rows themselves) is read once per run, so doubling the recipients adds
only each message's claim and its final update.
"""

from unittest import mock

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.models import ReminderMessage
from reports.reminders import content as reminder_content
from reports.reminders import delivery as reminders
from reports.tasks import fan_out
from tasks.models import MonthlyReport
from tasks.reporting import reporting_units, targets_for_unit, tasks_for_unit
from tests.personas import PersonasTestCase
from tests.reminders_support import report, smtp_server, smtp_settings
from units.accounts import create_account
from units.models import Membership

Kind = ReminderMessage.Kind

#: run_now, per message: the optimistic-lock claim and the update marking it sent (with its subject).
QUERIES_PER_MESSAGE = 2
#: Kept under SQLite's bulk-insert batch (999 parameters: 83 rows), so the INSERTs stay one per run.
EXTRA = 10
NOTICE_SUBJECT = "【月度报送通知】请于{deadline}前报送2023年{month}月工作进展"


class ReminderQueriesTests(PersonasTestCase):
    def add_liaisons(self, count, start=0):
        """`count` more liaisons with addresses, spread over the reporting units in plan order."""
        units = list(reporting_units(self.plan).order_by("position", "code"))
        for index in range(start, start + count):
            create_account(f"extra{index:03d}", Membership.Role.LIAISON, units[index % len(units)],
                           email=f"extra{index:03d}@example.gov.cn", full_name=f"联络员{index:03d}")

    def run_counted(self, kind, code):
        period = reminders.parse_period(kind, code)
        mail.outbox = []
        with CaptureQueriesContext(connection) as queries:
            result = reminders.run_now(kind, period)
        return result, len(queries)

    def assert_notices_sent_once(self, result, month, deadline):
        rows = ReminderMessage.objects.filter(kind=Kind.MONTHLY_NOTICE, period=f"2023-{month:02d}")
        addresses = sorted(r.email for r in result.recipients)
        self.assertEqual(result.sent, len(addresses))
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), addresses)  # each address once
        subject = NOTICE_SUBJECT.format(deadline=deadline, month=month)
        self.assertEqual({m.subject for m in mail.outbox}, {subject})
        self.assertEqual(set(rows.values_list("status", "attempts", "subject")), {("sent", 1, subject)})
        self.assertEqual(sorted(rows.values_list("recipient", flat=True)), addresses)

    def test_it_adds_only_the_claim_and_the_sent_update_per_message(self):
        self.add_liaisons(EXTRA)
        small, small_queries = self.run_counted(Kind.MONTHLY_NOTICE, "2023-04")
        self.assert_notices_sent_once(small, 4, "5月5日")
        self.add_liaisons(EXTRA, start=EXTRA)
        large, large_queries = self.run_counted(Kind.MONTHLY_NOTICE, "2023-05")
        self.assert_notices_sent_once(large, 5, "6月5日")
        self.assertEqual(len(large.recipients) - len(small.recipients), EXTRA)
        self.assertEqual(large_queries - small_queries, EXTRA * QUERIES_PER_MESSAGE)
        # And the constant per run is small: the recipients, the recording, the rows, the units.
        self.assertLessEqual(large_queries - QUERIES_PER_MESSAGE * len(large.recipients), 20)

    def test_it_sends_nothing_and_reads_no_unit_on_a_second_run(self):
        self.add_liaisons(EXTRA)
        first, _queries = self.run_counted(Kind.MONTHLY_NOTICE, "2023-05")
        second, second_queries = self.run_counted(Kind.MONTHLY_NOTICE, "2023-05")
        self.assertEqual((first.created, first.sent), (len(first.recipients), len(first.recipients)))
        self.assertEqual((second.created, second.sent), (0, 0))
        self.assertEqual(mail.outbox, [])
        self.assertLessEqual(second_queries, 10)  # the recipients, the recorded rows, nothing pending

    def test_it_writes_each_units_tasks_targets_and_report_state_in_its_notices(self):
        report(self.plan, self.jxj, 5, MonthlyReport.Status.RETURNED)
        create_account("jxj_second", Membership.Role.LIAISON, self.jxj, email="jxj2@example.gov.cn")
        self.run_counted(Kind.MONTHLY_REMINDER, "2023-05")
        by_address = {m.to[0]: m for m in mail.outbox}
        for address in ("jxj@example.gov.cn", "jxj2@example.gov.cn"):
            self.assertIn("当前状态：已退回", by_address[address].body)
        self.assertIn("当前状态：未填报", by_address["hongshan@example.gov.cn"].body)
        mail.outbox = []
        self.run_counted(Kind.MONTHLY_NOTICE, "2023-05")
        for message in mail.outbox:
            unit = self.jxj if message.to[0].startswith("jxj") else self.hongshan
            for task in tasks_for_unit(self.plan, unit):
                self.assertIn(f"- {task.number}. {task.title}\n", message.body)
            for target in targets_for_unit(self.plan, unit):
                self.assertIn(f"- {target.code} {target.name}（{target.unit_of_measure}）\n", message.body)

    def test_it_reads_every_units_tasks_and_targets_in_bulk_as_the_reporting_rules_give_them(self):
        units = list(reporting_units(self.plan).order_by("position", "code"))
        period = reminders.parse_period(Kind.MONTHLY_NOTICE, "2023-05")
        with self.assertNumQueries(4):  # reports, groups, assignments with their tasks, targets
            contexts = reminder_content.unit_contexts(self.plan, period, units)
        self.assertTrue(contexts[self.hongshan.pk]["tasks"])  # through its group 各区人民政府
        for unit in units:
            with self.subTest(unit=unit.code):
                self.assertEqual(contexts[unit.pk]["tasks"], list(tasks_for_unit(self.plan, unit)))
                self.assertEqual(contexts[unit.pk]["targets"], list(targets_for_unit(self.plan, unit)))

    def test_it_builds_the_quarterly_workbook_once_per_run(self):
        period = reminders.parse_period(Kind.QUARTERLY, "2023Q2")
        with mock.patch.object(reminder_content, "quarterly_attachment",
                               wraps=reminder_content.quarterly_attachment) as attachment:
            result = reminders.run_now(Kind.QUARTERLY, period)
        self.assertEqual(result.sent, 2)
        attachment.assert_called_once()
        self.assertEqual([len(m.attachments) for m in mail.outbox], [2, 2])  # the workbook and the Word 通报

    @mock.patch("reports.tasks.deliver_reminder.apply_async")
    def test_it_records_a_fan_out_in_the_same_queries_whatever_the_recipients(self, apply_async):
        counts = []
        for month, start in ((4, 0), (5, EXTRA)):
            self.add_liaisons(EXTRA, start=start)
            with CaptureQueriesContext(connection) as queries:
                result = fan_out(Kind.MONTHLY_NOTICE, f"2023-{month:02d}")
            counts.append(len(queries))
            self.assertEqual(result["created"], 2 + start + EXTRA)
        self.assertEqual(counts[0], counts[1])
        queued = sorted(call.kwargs["args"][0] for call in apply_async.call_args_list)
        self.assertEqual(queued, sorted(ReminderMessage.objects.values_list("pk", flat=True)))

    def test_it_keeps_only_the_rows_it_created_when_another_process_records_some_first(self):
        period = reminders.parse_period(Kind.MONTHLY_NOTICE, "2023-05")
        unrecorded = reminders._unrecorded

        def racing(*args):  # another beat records 市经信局's row between our look-up and our insert
            rows = unrecorded(*args)
            ReminderMessage.objects.create(kind=Kind.MONTHLY_NOTICE, period="2023-05", recipient="jxj@example.gov.cn")
            return rows

        with mock.patch.object(reminders, "_unrecorded", racing):
            created = reminders.prepare(Kind.MONTHLY_NOTICE, period)
        self.assertEqual([row.recipient for row in created], ["hongshan@example.gov.cn"])
        self.assertEqual(ReminderMessage.objects.count(), 2)

    def test_it_delivers_one_queued_message_in_a_fixed_number_of_queries(self):
        create_account("jxj_second", Membership.Role.LIAISON, self.jxj, email="jxj2@example.gov.cn")
        period = reminders.parse_period(Kind.MONTHLY_NOTICE, "2023-05")
        rows = reminders.prepare(Kind.MONTHLY_NOTICE, period)
        # claim, the row, the plan, the unit's report, groups, tasks and targets, the sent update
        for row in rows:
            with self.subTest(recipient=row.recipient), self.assertNumQueries(8):
                self.assertTrue(reminders.deliver(row.pk))
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), sorted(r.recipient for r in rows))
        self.assertFalse(reminders.deliver(rows[0].pk))  # claimed already: one query, nothing sent
        self.assertEqual(len(mail.outbox), len(rows))

    def test_it_keeps_the_subject_of_a_message_the_mail_server_refused(self):
        period = reminders.parse_period(Kind.MONTHLY_SUMMARY, "2023-05")
        with smtp_server(fail_first=100) as (port, _server), self.settings(**smtp_settings(port)):
            result = reminders.run_now(Kind.MONTHLY_SUMMARY, period)
        [(row, _error)] = result.failed
        self.assertEqual((row.status, row.attempts), ("failed", 1))
        self.assertEqual(row.subject, "【月度进展汇总】2023年5月科技创新工作要点落实情况")
        self.assertIn("451", row.error)
