"""units/access.py as a user meets it: who is let in (200), refused (403) or told a thing does not exist (404).

Fast examples for the mutation run (tests/mutation/run.py); the full matrix is tests/test_access_sweep.py.
"""

from django.contrib.auth import get_user_model
from django.urls import reverse

from tasks.models import MonthlyReport, Task
from tests.personas import PASSWORD, PersonasTestCase
from units.accounts import create_account
from units.models import Membership


class AccessRulesTests(PersonasTestCase):
    def get(self, user, url):
        self.client.force_login(user)
        return self.client.get(url).status_code

    def test_a_superuser_without_a_unit_is_bureau_staff(self):
        boss = get_user_model().objects.create_superuser("boss", password=PASSWORD)
        self.assertEqual(self.get(boss, reverse("reporting:review")), 200)

    def test_the_review_queue_is_staff_only(self):
        self.assertEqual(self.get(self.staff, reverse("reporting:review")), 200)
        for user in (self.leader, self.jxj_liaison, self.outsider):
            with self.subTest(user=user.username):
                self.assertEqual(self.get(user, reverse("reporting:review")), 403)

    def test_a_signed_in_user_without_a_role_sees_no_month_to_open(self):
        self.assertEqual(self.get(self.outsider, reverse("reporting:open_month", args=[5])), 403)

    def test_a_liaison_opens_its_own_month_and_never_another_units(self):
        self.assertEqual(self.get(self.jxj_liaison, reverse("reporting:open_month", args=[5])), 200)
        # ?unit= is for readers of every unit: a liaison's own unit is opened whatever it names.
        self.assertEqual(self.get(self.jxj_liaison, reverse("reporting:open_month", args=[5]) + "?unit=hongshan"), 200)
        self.assertFalse(MonthlyReport.objects.filter(unit=self.hongshan).exists())

    def test_a_leader_reads_but_has_no_empty_month_opened_for_it(self):
        # A leader reads every unit (the unit is found) but edits none: nothing to show before it reports.
        self.assertEqual(self.get(self.leader, reverse("reporting:open_month", args=[5]) + "?unit=jxj"), 404)
        self.assertEqual(self.get(self.staff, reverse("reporting:open_month", args=[5]) + "?unit=jxj"), 200)

    def test_a_leader_named_in_a_unit_still_edits_nothing_of_it(self):
        member = create_account("jxj_leader", Membership.Role.LEADER, self.jxj, PASSWORD, email="l@example.gov.cn")
        self.assertEqual(self.get(member, reverse("reporting:open_month", args=[5]) + "?unit=jxj"), 404)
        self.assertEqual(set(Task.objects.editable_by(member)), set())

    def test_another_units_report_does_not_exist_for_a_liaison(self):
        report = MonthlyReport.objects.create(plan=self.plan, unit=self.hongshan, month=5)
        url = reverse("reporting:report", args=[report.pk])
        self.assertEqual(self.get(self.jxj_liaison, url), 404)
        self.assertEqual(self.get(self.hongshan_liaison, url), 200)
        self.assertEqual(self.get(self.leader, url), 200)
        self.assertEqual(self.get(self.staff, url), 200)

    def test_a_district_liaison_edits_the_tasks_of_its_group(self):
        # 洪山区 is named for no task itself; 各区人民政府, the group it belongs to, is.
        group_tasks = set(Task.objects.filter(assignments__unit=self.districts).values_list("pk", flat=True))
        self.assertTrue(group_tasks)
        editable = set(Task.objects.editable_by(self.hongshan_liaison).values_list("pk", flat=True))
        self.assertEqual(editable, group_tasks | set(
            Task.objects.filter(assignments__unit=self.hongshan).values_list("pk", flat=True)))
        self.assertEqual(set(Task.objects.editable_by(self.leader)), set())
        self.assertEqual(Task.objects.editable_by(self.staff).count(), Task.objects.count())

    def test_the_report_list_of_a_liaison_is_its_own_units(self):
        MonthlyReport.objects.create(plan=self.plan, unit=self.jxj, month=5)
        self.assertEqual(MonthlyReport.objects.for_user(self.hongshan_liaison).count(), 0)
        self.assertEqual(MonthlyReport.objects.for_user(self.jxj_liaison).count(), 1)
        self.assertEqual(MonthlyReport.objects.for_user(self.leader).count(), 1)
        self.assertEqual(MonthlyReport.objects.for_user(self.outsider).count(), 0)

    def test_staff_cannot_reset_a_liaison_who_may_use_the_django_admin(self):
        admin_liaison = create_account("jxj_admin", Membership.Role.LIAISON, self.jxj, PASSWORD,
                                       email="a@example.gov.cn")
        admin_liaison.is_staff = True
        admin_liaison.save(update_fields=["is_staff"])
        password = admin_liaison.password
        self.client.force_login(self.staff)
        response = self.client.post(reverse("account_reset_password", args=[admin_liaison.pk]))
        self.assertEqual(response.status_code, 403)
        admin_liaison.refresh_from_db()
        self.assertEqual(admin_liaison.password, password)
