"""The Celery side: the beat schedule, fan-out, the broker being down, the sweep of pending messages."""

from unittest import mock

import time_machine
from django.conf import settings
from django.core import mail
from django.test import override_settings
from kombu.exceptions import OperationalError

from reports.models import ReminderMessage
from reports.reminders import delivery as reminders
from reports.tasks import (
    enqueue_delivery,
    fan_out,
    retry_delay,
    send_weekly_bulletin,
    sweep_pending_reminders,
)
from tests.personas import PersonasTestCase
from tests.reminders_support import at
from wuhan_plan.celery import app

Kind = ReminderMessage.Kind


class BeatScheduleTests(PersonasTestCase):
    def test_it_schedules_every_kind_in_shanghai_time_with_registered_tasks(self):
        self.assertEqual(app.conf.timezone, "Asia/Shanghai")
        app.loader.import_default_modules()
        schedule = settings.CELERY_BEAT_SCHEDULE
        for entry in schedule.values():
            self.assertIn(entry["task"], app.tasks)
        # Every kind runs daily: its send date moves to a working day, which a weekday or
        # day-of-month crontab cannot follow; the run sends only on that day (scheduled_period).
        every_day = set(range(7)), set(range(1, 32))
        daily = {entry["task"]: entry["schedule"] for name, entry in schedule.items() if "每日" in name}
        self.assertEqual(set(daily), {f"reports.tasks.{name}" for name in (
            "send_weekly_bulletin", "send_monthly_notice", "send_monthly_reminder", "send_monthly_overdue",
            "send_monthly_summary", "send_quarterly_report", "issue_urging_notices")})
        for task, crontab in daily.items():
            with self.subTest(task=task):
                self.assertEqual((crontab.day_of_week, crontab.day_of_month), every_day)
        weekly = schedule["每周通报（每日9:00检查发送日）"]["schedule"]
        self.assertEqual((weekly.minute, weekly.hour), ({0}, {9}))
        self.assertIn("reports.tasks.sweep_pending_reminders", {entry["task"] for entry in schedule.values()})

    def test_it_gives_every_task_a_time_limit(self):
        # A task stuck on a dead SMTP server is stopped instead of holding the worker for good.
        self.assertEqual((app.conf.task_soft_time_limit, app.conf.task_time_limit), (240, 300))

    def test_it_puts_the_schedule_in_the_database_for_staff_to_edit_in_the_admin(self):
        from django_celery_beat.models import PeriodicTask
        from django_celery_beat.schedulers import ModelEntry

        # What beat's DatabaseScheduler does at start-up (its update_from_dict) for each default.
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            ModelEntry.from_entry(name, app=app, **entry)
        weekly = PeriodicTask.objects.get(name="每周通报（每日9:00检查发送日）")
        self.assertEqual(weekly.task, "reports.tasks.send_weekly_bulletin")
        self.assertIn("向领导和科技局工作人员发送每周通报", weekly.description)  # as staff read it in the admin
        self.assertEqual((weekly.crontab.minute, weekly.crontab.hour, weekly.crontab.day_of_week), ("0", "9", "*"))
        self.assertEqual(str(weekly.crontab.timezone), "Asia/Shanghai")


@mock.patch("reports.tasks.deliver_reminder.apply_async")
class FanOutTests(PersonasTestCase):
    def test_it_queues_one_delivery_per_recorded_message(self, apply_async):
        result = send_weekly_bulletin.apply(kwargs={"period": "2023-W20"}).get()
        self.assertEqual(result, {"kind": "weekly", "period": "2023-W20", "created": 2})
        queued = sorted(call.kwargs["args"][0] for call in apply_async.call_args_list)
        self.assertEqual(queued, sorted(ReminderMessage.objects.values_list("pk", flat=True)))

    def test_it_does_nothing_on_a_day_without_a_due_period_or_plan(self, apply_async):
        with time_machine.travel(at(2023, 6, 20), tick=False):
            self.assertEqual(fan_out(Kind.MONTHLY_REMINDER), {"kind": Kind.MONTHLY_REMINDER, "period": None,
                                                              "created": 0})
        with time_machine.travel(at(2030, 6, 1), tick=False):
            self.assertEqual(fan_out(Kind.MONTHLY_NOTICE)["created"], 0)  # no 2030 plan
        self.assertFalse(ReminderMessage.objects.exists())
        apply_async.assert_not_called()

    def test_it_records_messages_as_pending_when_the_broker_is_down_and_the_sweep_sends_them(self, apply_async):
        apply_async.side_effect = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        with time_machine.travel(at(2023, 6, 1, 9, 0), tick=False):
            result = fan_out(Kind.MONTHLY_NOTICE)
        self.assertEqual(result["created"], 2)
        self.assertEqual(set(ReminderMessage.objects.values_list("status", flat=True)), {"pending"})
        apply_async.side_effect = None
        apply_async.reset_mock()
        with time_machine.travel(at(2023, 6, 1, 9, 5), tick=False):
            self.assertEqual(sweep_pending_reminders.apply().get(), 0)  # too recent: maybe still queued
        with time_machine.travel(at(2023, 6, 1, 9, 20), tick=False):
            self.assertEqual(sweep_pending_reminders.apply().get(), 2)
        self.assertEqual(sorted(c.kwargs["args"][0] for c in apply_async.call_args_list),
                         sorted(ReminderMessage.objects.values_list("pk", flat=True)))


class SweepTests(PersonasTestCase):
    def test_it_sweeps_only_pending_messages_nobody_has_touched_lately(self):
        period = reminders.parse_period(Kind.MONTHLY_NOTICE, "2023-05")
        with time_machine.travel(at(2023, 6, 1, 9, 0), tick=False):
            jxj, hongshan = sorted(reminders.prepare(Kind.MONTHLY_NOTICE, period), key=lambda r: r.recipient,
                                   reverse=True)
            reminders.deliver(jxj.pk)
        with time_machine.travel(at(2023, 6, 1, 9, 30), tick=False):
            self.assertEqual(reminders.stale_pending_ids(), [hongshan.pk])
            # A message waiting for its retry was attempted a moment ago: not yet.
            ReminderMessage.objects.filter(pk=hongshan.pk).update(last_attempt_at=at(2023, 6, 1, 9, 28))
            self.assertEqual(reminders.stale_pending_ids(), [])
        with time_machine.travel(at(2023, 6, 1, 9, 50), tick=False):
            with mock.patch("reports.tasks.deliver_reminder.apply_async") as apply_async:
                self.assertEqual(sweep_pending_reminders.apply().get(), 1)
            apply_async.assert_called_once_with(args=[hongshan.pk], retry=False)

    def test_it_delivers_through_the_task_once_even_if_queued_twice(self):
        period = reminders.parse_period(Kind.MONTHLY_SUMMARY, "2023-05")
        [row] = reminders.prepare(Kind.MONTHLY_SUMMARY, period)
        from reports.tasks import deliver_reminder

        self.assertTrue(deliver_reminder.apply(args=[row.pk]).get())
        self.assertFalse(deliver_reminder.apply(args=[row.pk]).get())
        self.assertEqual([m.to for m in mail.outbox], [["leader@example.gov.cn"]])


class RetryDelayTests(PersonasTestCase):
    @override_settings(REMINDER_RETRY_BASE_SECONDS=60)
    def test_it_backs_off_exponentially_up_to_ten_minutes(self):
        self.assertEqual([retry_delay(n) for n in range(6)], [60, 120, 240, 480, 600, 600])

    def test_it_counts_what_it_could_not_queue(self):
        with mock.patch("reports.tasks.deliver_reminder.apply_async", side_effect=[None, OperationalError("down")]):
            self.assertEqual(enqueue_delivery([1, 2, 3]), (1, 2))
        self.assertEqual(enqueue_delivery([]), (0, 0))
