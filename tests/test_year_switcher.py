import re

"""Years side by side: the header's year switcher (?plan=<code>) and the overview's year-on-year table."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags

from targets import plan_authoring
from targets.models import Target
from tests import dashboard_seed
from tests.personas import PersonasTestCase

OVERVIEW = reverse("overview")
TARGETS = reverse("targets:list")


class TwoYearsTestCase(PersonasTestCase):
    """2023 reported for the whole year (T08 ends at 13,100 of 13,000); 2024 copied from it with T08
    raised to 14,000, published, and reported to March (T08 at 10,400); a 2025 draft beside them."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        dashboard_seed.seed_months(cls.plan, range(1, 13), staff=cls.staff)
        cls.plan_2024 = plan_authoring.copy_plan(cls.plan, year=2024, code="2024", title="2024年工作要点", user=cls.staff)
        t08 = Target.objects.get(plan=cls.plan_2024, code="T08")
        t08.value = Decimal("14000")
        plan_authoring.save_target(t08, cls.staff)
        plan_authoring.publish_plan(cls.plan_2024, cls.staff)
        dashboard_seed.seed_months(cls.plan_2024, [1, 2, 3], staff=cls.staff)
        cls.draft_2025 = plan_authoring.copy_plan(cls.plan_2024, year=2025, code="2025", title="2025年草稿", user=cls.staff)


class YearSwitcherTest(TwoYearsTestCase):
    def test_it_offers_the_published_years_with_the_current_one_chosen(self):
        self.client.force_login(self.leader)
        response = self.client.get(OVERVIEW, {"month": 3})
        self.assertContains(response, '<option value="2024" selected>2024年</option>', html=False)
        self.assertContains(response, '<option value="2023">2023年</option>', html=False)
        self.assertNotContains(response, 'value="2025"')
        self.assertContains(response, "2024年工作要点")
        self.assertContains(response, '<input type="hidden" name="plan" value="2024">', count=0)

    def test_it_shows_2023_figures_when_2023_is_picked(self):
        self.client.force_login(self.jxj_liaison)
        picked = self.client.get(TARGETS, {"plan": "2023", "month": 12})
        self.assertContains(picked, "13,100家（12月）")
        self.assertContains(picked, '<option value="2023" selected>2023年</option>', html=False)
        self.assertContains(picked, '<input type="hidden" name="plan" value="2023">')  # the month picker keeps it
        current = self.client.get(TARGETS, {"month": 3})
        self.assertContains(current, "10,400家（3月）")
        self.assertNotContains(current, "13,100家")

    def test_it_opens_an_earlier_years_target_from_its_list(self):
        self.client.force_login(self.leader)
        t08_2023 = Target.objects.get(plan=self.plan, code="T08")
        response = self.client.get(reverse("targets:detail", args=[t08_2023.pk]), {"month": 12})
        self.assertContains(response, "13,100")
        self.assertEqual(response.context["plan"], self.plan)

    def test_it_keeps_the_year_in_every_link_to_another_page(self):
        self.client.force_login(self.leader)
        earlier = self.client.get(OVERVIEW, {"plan": "2023", "month": 12})
        # 市经信局 (task 7, behind all year) and its unit page: in 2023, at December.
        self.assertContains(earlier, f'href="{reverse("tasks:detail", args=[7])}?month=12&amp;plan=2023"')
        self.assertContains(earlier, f'href="{reverse("units:detail", args=["jxj"])}?month=12&amp;plan=2023"')
        tasks = self.client.get(reverse("tasks:list"), {"plan": "2023", "month": 12})
        self.assertContains(tasks, f'href="{reverse("tasks:detail", args=[9])}?month=12&amp;plan=2023"')
        task = self.client.get(reverse("tasks:detail", args=[9]), {"plan": "2023", "month": 12})
        self.assertContains(task, f'href="{reverse("units:detail", args=["kjj"])}?month=12&amp;plan=2023"')
        t08_2023 = Target.objects.get(plan=self.plan, code="T08")
        self.assertContains(task, f'href="{reverse("targets:detail", args=[t08_2023.pk])}?month=12&amp;plan=2023"')
        units = self.client.get(reverse("units:list"), {"plan": "2023", "month": 12})
        self.assertContains(units, f'{reverse("units:detail", args=["kjj"])}?month=12&amp;plan=2023')
        # The current year's links stay as they were.
        current = self.client.get(OVERVIEW, {"month": 3})
        self.assertContains(current, f'href="{reverse("tasks:detail", args=[7])}?month=3"')

    def test_it_hides_a_draft_and_an_unknown_year(self):
        self.client.force_login(self.staff)
        self.assertEqual(self.client.get(OVERVIEW, {"plan": "2025"}).status_code, 404)
        self.assertEqual(self.client.get(TARGETS, {"plan": "1999"}).status_code, 404)


class YearOnYearTest(TwoYearsTestCase):
    def year_on_year_rows(self, response):
        """{code: [the cells' text]} of the year-on-year table's rows on the page."""
        html = response.content.decode()
        table = html[html.index("历年对比"):]
        table = table[:table.index("</table>")]
        rows = {}
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody", 1)[1], re.S):
            cells = [strip_tags(cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            rows[cells[0]] = cells[1:]
        return rows

    def test_it_compares_a_shared_target_across_the_years(self):
        self.client.force_login(self.leader)
        response = self.client.get(OVERVIEW, {"month": 3})
        # 2023: 13,100 ÷ 13,000 = 100.77% at December; 2024: 10,400 ÷ 14,000 = 74.29% at March.
        t08 = self.year_on_year_rows(response)["T08"]
        self.assertEqual(t08[1:], ["13,100家（12月）", "100.8%", "10,400家（3月）", "74.3%"])
        self.assertContains(response, "2023年（截至12月） 最新值")
        self.assertContains(response, "2024年（截至3月） 最新值")
        self.assertEqual(len(response.context["year_on_year"].data), Target.objects.filter(plan=self.plan_2024).count())

    def test_it_shows_ten_targets_a_page(self):
        """The table's pages follow under it: ten targets each, in plan order, the month kept."""
        dashboard_seed.add_targets(self.plan_2024, 12)
        dashboard_seed.add_targets(self.plan, 12)  # X00–X11 shared too
        shared = Target.objects.filter(plan=self.plan_2024).count()
        self.client.force_login(self.leader)
        first = self.client.get(OVERVIEW, {"month": 3})
        self.assertEqual(len(self.year_on_year_rows(first)), 10)
        self.assertContains(first, "yoy-page=2")
        last = (shared + 9) // 10
        pages = [self.year_on_year_rows(self.client.get(OVERVIEW, {"month": 3, "yoy-page": n})) for n in range(1, last + 1)]
        self.assertEqual([len(page) for page in pages[:-1]], [10] * (last - 1))
        codes = [code for page in pages for code in page]
        self.assertEqual(len(codes), shared)
        self.assertEqual(len(set(codes)), shared)  # each target once
        self.assertIn("X11", codes)

    def test_it_shows_no_comparison_for_the_earliest_year(self):
        self.client.force_login(self.leader)
        response = self.client.get(OVERVIEW, {"plan": "2023", "month": 12})
        self.assertIsNone(response.context["year_on_year"])
        self.assertNotContains(response, "历年对比")

    def test_it_reads_the_years_in_one_query(self):
        """One query more than the same overview without an earlier year (2023's), however many targets."""
        self.client.force_login(self.leader)
        self.client.get(OVERVIEW, {"plan": "2023", "month": 3})  # the session's first save out of the way
        with CaptureQueriesContext(connection) as alone:
            self.client.get(OVERVIEW, {"plan": "2023", "month": 3})
        with self.assertNumQueries(len(alone) + 1):
            self.client.get(OVERVIEW, {"month": 3})
        dashboard_seed.add_targets(self.plan_2024, 3)
        dashboard_seed.add_targets(self.plan, 3)  # X00–X02 now shared too
        with self.assertNumQueries(len(alone) + 1):
            response = self.client.get(OVERVIEW, {"month": 3})
        self.assertIn("X02", [row["code"] for row in response.context["year_on_year"].data])
