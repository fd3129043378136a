"""Named personas shared by the tests, on the real 2023 plan (fixtures/plan_2023.json).

- jxj_liaison: liaison of 市经信局 (a lead unit of task 7, responsible in tasks 5, 6, 9, 10 …)
- hongshan_liaison: liaison of 洪山区人民政府, a member of the group 各区人民政府
- staff: bureau staff of 市科技局
- leader: a city leader, reads everything
- outsider: signed in, no membership
"""

from django.contrib.auth import get_user_model
from django.test import TestCase

from targets.standing_store import refresh_plan
from tasks.models import Plan
from units.accounts import create_account
from units.models import Membership, Unit

PASSWORD = "Demo-Passw0rd!"


class PersonasTestCase(TestCase):
    fixtures = ["plan_2023"]

    @classmethod
    def setUpTestData(cls):
        cls.plan = Plan.objects.get(code="2023")
        refresh_plan(cls.plan)  # the fixture is loaded as load_plan loads it: standings computed
        cls.jxj = Unit.objects.get(code="jxj")
        cls.hongshan = Unit.objects.get(code="hongshan")
        cls.kjj = Unit.objects.get(code="kjj")
        cls.districts = Unit.objects.get(code="gqrmzf")
        cls.jxj_liaison = create_account(
            "jxj_liaison", Membership.Role.LIAISON, cls.jxj, PASSWORD, email="jxj@example.gov.cn"
        )
        cls.hongshan_liaison = create_account(
            "hongshan_liaison", Membership.Role.LIAISON, cls.hongshan, PASSWORD, email="hongshan@example.gov.cn"
        )
        cls.staff = create_account("staff", Membership.Role.STAFF, cls.kjj, PASSWORD, email="staff@example.gov.cn")
        cls.leader = create_account("leader", Membership.Role.LEADER, None, PASSWORD, email="leader@example.gov.cn")
        cls.outsider = get_user_model().objects.create_user("outsider", password=PASSWORD)
