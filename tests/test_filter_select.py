"""The filter forms' selects (wuhan_plan.widgets.Select) write what Django's own Select writes: the
same options, the chosen one selected, every label and value escaped."""

from django import forms
from django.test import SimpleTestCase

from wuhan_plan.widgets import FilterForm, Select

CHOICES = [("", "全部单位"), ("7", "市科技局"), ("9", '<b>区"一"</b>&'), ("Group", [("11", "东湖高新区")])]


class FilterSelectTest(SimpleTestCase):
    def rendered(self, widget_class, value, attrs=None):
        return widget_class(choices=CHOICES, attrs=attrs).render("unit", value, attrs={"id": "id_unit"})

    def test_it_writes_what_djangos_select_writes(self):
        for value in ("", "7", "11", None, "missing"):
            with self.subTest(value=value):
                self.assertHTMLEqual(self.rendered(Select, value), self.rendered(forms.Select, value))
        self.assertHTMLEqual(
            self.rendered(Select, "9", attrs={"class": "auto-submit", "disabled": True, "hidden": False}),
            self.rendered(forms.Select, "9", attrs={"class": "auto-submit", "disabled": True, "hidden": False}),
        )

    def test_it_selects_the_chosen_option_and_escapes_labels(self):
        html = self.rendered(Select, "9")
        self.assertIn('<option value="9" selected>&lt;b&gt;区&quot;一&quot;&lt;/b&gt;&amp;</option>', html)
        self.assertIn('<option value="7">市科技局</option>', html)
        self.assertIn('<optgroup label="Group">', html)
        self.assertNotIn("<b>", html)

    def test_a_filter_form_uses_it_for_its_selects_only(self):
        class Form(FilterForm):
            unit = forms.ChoiceField(choices=CHOICES, required=False)
            q = forms.CharField(required=False)

        form = Form({"unit": "7"})
        self.assertIsInstance(form.fields["unit"].widget, Select)
        self.assertIsInstance(form.fields["q"].widget, forms.TextInput)
        self.assertIn('<option value="7" selected>市科技局</option>', str(form["unit"]))
