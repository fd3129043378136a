"""Bureau staff edit the reminder schedule in the Django admin, and nothing else there."""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from tests.personas import PersonasTestCase
from units.models import Unit


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


class UnitLeaderContactAdminTests(PersonasTestCase):
    """Bureau staff set a unit's leader contact (分管领导) in the unit admin; every other field is the plan's."""

    url = "/admin/units/unit/{}/change/"

    def form_data(self, **changes):
        return {"leader_name": "王副局长", "leader_email": "wang.fj@jxj.example.gov.cn", **changes}

    def test_it_lets_bureau_staff_set_a_units_leader_contact(self):
        self.client.force_login(self.staff)
        response = self.client.post(self.url.format(self.jxj.pk), self.form_data(name="改名", code="x"))
        self.assertRedirects(response, "/admin/units/unit/", fetch_redirect_response=False)
        unit = Unit.objects.get(pk=self.jxj.pk)
        self.assertEqual((unit.leader_name, unit.leader_email), ("王副局长", "wang.fj@jxj.example.gov.cn"))
        self.assertEqual((unit.code, unit.name), ("jxj", "市经信局"))  # read-only for staff
        self.assertContains(self.client.get("/units/jxj/"), "王副局长")

    def test_a_bad_email_is_a_chinese_field_error_and_nothing_is_saved(self):
        self.client.force_login(self.staff)
        response = self.client.post(self.url.format(self.jxj.pk), self.form_data(leader_email="wang@"))
        self.assertContains(response, "请输入有效的邮箱地址，如 zhangsan@wuhan.gov.cn。")
        response = self.client.post(self.url.format(self.jxj.pk), self.form_data(leader_name=" "))
        self.assertContains(response, "填写分管领导邮箱时，请一并填写分管领导姓名。")
        response = self.client.post(self.url.format(self.jxj.pk), self.form_data(leader_name="王\u202e副局长"))
        self.assertContains(response, "不能包含控制字符")
        unit = Unit.objects.get(pk=self.jxj.pk)
        self.assertEqual((unit.leader_name, unit.leader_email), ("", ""))

    def test_both_fields_may_be_left_empty(self):
        Unit.objects.filter(pk=self.jxj.pk).update(leader_name="王副局长", leader_email="wang@example.gov.cn")
        self.client.force_login(self.staff)
        self.client.post(self.url.format(self.jxj.pk), self.form_data(leader_name="", leader_email=""))
        unit = Unit.objects.get(pk=self.jxj.pk)
        self.assertEqual((unit.leader_name, unit.leader_email), ("", ""))

    def test_bureau_staff_may_neither_add_nor_delete_units(self):
        self.client.force_login(self.staff)
        self.assertEqual(self.client.get("/admin/units/unit/add/").status_code, 403)
        self.assertEqual(self.client.post(f"/admin/units/unit/{self.jxj.pk}/delete/", {"post": "yes"}).status_code, 403)
        self.assertTrue(Unit.objects.filter(pk=self.jxj.pk).exists())

    def test_liaisons_and_leaders_cannot_reach_it(self):
        for user in (self.jxj_liaison, self.leader):
            self.client.force_login(user)
            response = self.client.post(self.url.format(self.jxj.pk), self.form_data())
            self.assertEqual(response.status_code, 302)
        self.assertEqual(Unit.objects.get(pk=self.jxj.pk).leader_name, "")

    def test_a_superuser_still_edits_every_field_of_a_unit(self):
        admin_user = get_user_model().objects.create_superuser("root", "root@example.gov.cn", "Demo-Passw0rd!")
        self.client.force_login(admin_user)
        page = self.client.get(self.url.format(self.jxj.pk))
        for name in ("code", "name", "kind", "position", "email", "members", "leader_name", "leader_email"):
            self.assertContains(page, f'name="{name}"')
