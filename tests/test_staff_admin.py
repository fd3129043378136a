"""Bureau staff edit the reminder schedule in the Django admin, and nothing else there."""

from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from tests.personas import PersonasTestCase


class StaffAdminTests(PersonasTestCase):
    def setUp(self):
        schedule = CrontabSchedule.objects.create(minute="0", hour="9", day_of_week="mon", timezone="Asia/Shanghai")
        self.task = PeriodicTask.objects.create(
            name="weekly-bulletin-monday-0900", task="reports.tasks.send_weekly_bulletin", crontab=schedule
        )

    def test_it_lets_bureau_staff_change_the_schedule(self):
        self.client.force_login(self.staff)
        url = f"/admin/django_celery_beat/periodictask/{self.task.pk}/change/"
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(self.client.get("/admin/django_celery_beat/periodictask/").status_code, 200)

    def test_it_keeps_bureau_staff_out_of_other_admin_pages(self):
        self.client.force_login(self.staff)
        self.assertEqual(self.client.get("/admin/auth/user/").status_code, 403)
        self.assertEqual(self.client.get("/admin/targets/targetvalue/").status_code, 403)

    def test_it_keeps_leaders_and_liaisons_out_of_the_admin(self):
        for user in (self.leader, self.jxj_liaison):
            self.client.force_login(user)
            response = self.client.get("/admin/django_celery_beat/periodictask/")
            self.assertRedirects(response, "/admin/login/?next=/admin/django_celery_beat/periodictask/",
                                 fetch_redirect_response=False)

    def test_it_gives_the_demo_staff_account_the_schedule(self):
        call_command("seed_demo", stdout=open("/dev/null", "w"))
        from django.contrib.auth import get_user_model

        staff = get_user_model().objects.get(username="kjj_staff")
        self.assertTrue(staff.is_staff)
        self.assertTrue(staff.has_perm("django_celery_beat.change_periodictask"))
        self.assertFalse(staff.has_perm("targets.change_targetvalue"))
