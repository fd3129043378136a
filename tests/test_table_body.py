"""The rows every table renders through `{% table_body %}` (templates/tables/table.html) are
the rows django-tables2's own Bootstrap 5 template renders: the same cells, attributes,
escaping, localisation and empty text."""

import datetime
import re
from decimal import Decimal

import django_tables2 as tables
from django.test import RequestFactory, SimpleTestCase, override_settings
from django.utils import translation

from targets.tables import TargetTable


def _normalise(html):
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


class Sample(tables.Table):
    name = tables.Column("名称", linkify=lambda record: f"/x/{record['pk']}/")
    amount = tables.Column("数量", attrs={"td": {"class": "num"}})
    raw = tables.Column("原值", accessor="amount", localize=False)
    localised = tables.Column("本地化", accessor="amount", localize=True)
    flag = tables.Column("标记", accessor="name", attrs={"td": {"data-row": lambda record: record["pk"]}})
    day = tables.Column("日期")

    class Meta:
        empty_text = "没有 <数据>"
        row_attrs = {"data-pk": lambda record: record["pk"]}


ROWS = [
    {"pk": 1, "name": "<b>东湖</b> & 光谷", "amount": Decimal("13000.5"), "day": datetime.date(2023, 6, 30)},
    {"pk": 2, "name": "洪山区", "amount": 1450, "day": None},
]


@override_settings(USE_THOUSAND_SEPARATOR=True)
class TableBodyTests(SimpleTestCase):
    def render(self, table, template_name):
        request = RequestFactory().get("/", {"sort": "amount"})
        table.template_name = template_name
        tables.RequestConfig(request).configure(table)
        return _normalise(table.as_html(request))

    def assert_same_as_django_tables2(self, make_table):
        ours = self.render(make_table(), "tables/table.html")
        theirs = self.render(make_table(), "django_tables2/bootstrap5.html")
        self.assertEqual(ours, theirs)
        return ours

    def test_it_renders_what_django_tables2_renders(self):
        html = self.assert_same_as_django_tables2(lambda: Sample(ROWS))
        self.assertIn("&lt;b&gt;东湖&lt;/b&gt; &amp; 光谷", html)  # escaped
        self.assertIn('<td data-row="2">洪山区</td>', html)  # attributes that depend on the row
        self.assertIn('<tr data-pk="1" class="odd">', html)
        self.assertIn('<td class="num">1450</td>', html)
        self.assertIn("<td >2023年6月30日</td>", html)

    def test_it_renders_the_empty_text(self):
        html = self.assert_same_as_django_tables2(lambda: Sample([]))
        self.assertIn('<td colspan="6">没有 &lt;数据&gt;</td>', html)

    def test_it_renders_in_english_as_django_tables2_does(self):
        with translation.override("en"):
            html = self.assert_same_as_django_tables2(lambda: Sample(ROWS))
        self.assertIn('<td class="num">13,000.5</td>', html)  # localised as {{ cell }} is
        self.assertIn("<td >13000.5</td><td >13,000.5</td>", html)  # localize=False, then True

    def test_it_is_the_template_of_the_projects_tables(self):
        self.assertEqual(TargetTable([]).template_name, "tables/table.html")


class SortTests(SimpleTestCase):
    """A list's rows sort as django-tables2's own comparator sorts them (targets/tables2_speedups.py)."""

    ROWS = [
        {"name": name, "amount": amount, "rank": rank}
        for name, amount, rank in [
            ("甲", Decimal("3.5"), 2), ("乙", None, 1), ("丙", 7, 2), ("丁", Decimal("3.5"), 1),
            ("戊", "n/a", 3), ("己", 0, 2), ("庚", None, 3), ("辛", -1, 1),
        ]
    ]

    def sorted_names(self, key_function, order_by):
        from django_tables2.utils import OrderByTuple

        key = key_function(OrderByTuple(order_by))
        return [row["name"] for row in sorted(self.ROWS, key=key)]

    def test_it_sorts_as_django_tables2_does(self):
        from django_tables2.utils import OrderByTuple

        ours = OrderByTuple.key.fget
        self.assertTrue(getattr(ours, "resolves_once", False))
        for order_by in (["amount"], ["-amount"], ["rank", "-amount"], ["-rank", "name"], ["amount", "-name"]):
            with self.subTest(order_by=order_by):
                self.assertEqual(self.sorted_names(ours, order_by), self.sorted_names(ours.original, order_by))

    def test_it_puts_missing_values_last_in_descending_order(self):
        rows = [{"pk": i, "name": f"指标{i}", "amount": v, "day": None} for i, v in enumerate([5, None, 2, 9])]
        table = Sample(rows, order_by="-amount")
        self.assertEqual([r.record["pk"] for r in table.rows], [3, 0, 2, 1])
