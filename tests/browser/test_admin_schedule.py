"""The schedule in the admin (django-celery-beat) in Chromium: Chinese names, a task list that reads as
the staff know the tasks, and the form's script running under the site's CSP with no violation."""

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from tests.browser.base import ChromiumTestCase
from tests.personas import PASSWORD

pytestmark = pytest.mark.browser

WATCH_CSP = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@override_settings(AXES_ENABLED=False)
class ScheduleAdminInBrowserTest(ChromiumTestCase):
    def setUp(self):
        get_user_model().objects.create_superuser("admin", password=PASSWORD)
        self.crontab = CrontabSchedule.objects.create(minute="0", hour="9", timezone="Asia/Shanghai")
        PeriodicTask.objects.create(
            name="每周通报（每日9:00检查发送日）", task="reports.tasks.send_weekly_bulletin", crontab=self.crontab,
        )
        self.page = self.open_browser_page()
        self.console_errors = []
        self.page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        self.page.add_init_script(WATCH_CSP)

    def log_in(self):
        self.page.goto(f"{self.live_server_url}/admin/login/")
        self.page.fill("input[name=username]", "admin")
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("input[type=submit]")
        self.page.wait_for_load_state("networkidle")

    def test_the_schedule_reads_in_chinese_and_its_form_works_under_the_csp(self):
        self.log_in()
        self.page.goto(f"{self.live_server_url}/admin/django_celery_beat/periodictask/")
        listing = self.page.inner_text("#result_list")
        self.assertIn("每周通报（每日9:00检查发送日）", listing)
        self.assertIn("每周通报", listing.split("每周通报（每日9:00检查发送日）", 1)[1])  # the task column

        self.page.goto(f"{self.live_server_url}/admin/django_celery_beat/periodictask/add/")
        options = self.page.locator("#id_regtask option").all_inner_texts()
        self.assertIn("每周通报（reports.tasks.send_weekly_bulletin）", options)
        self.assertIn("补发滞留邮件（reports.tasks.sweep_pending_reminders）", options)
        self.page.select_option("#id_regtask", "reports.tasks.send_monthly_notice")
        self.page.select_option("#id_crontab", str(self.crontab.pk))
        self.page.dispatch_event("#id_crontab", "change")
        help_text = self.page.inner_text(".field-crontab .help")
        self.assertIn("含义：", help_text)  # the form's script ran: it explains the chosen crontab
        self.assertEqual(self.page.evaluate("window.cspViolations"), [])
        self.assertEqual(self.console_errors, [])
        self.assert_stayed_local()
