"""A <select> written in one pass: the filter forms' choice lists (tasks, units, sections).

Django renders a select through a template per option and another per option's attributes: some
hundred calls an option, which made the filter form a fifth of the target list's time (its task,
unit and section lists hold some eighty options). This widget writes what those templates write
(django/forms/widgets/select.html, select_option.html, attrs.html), from the same context, so its
options, their selection and escaping are Django's own.
"""

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


def attributes_html(attrs):
    """What attrs.html writes: ` name="value"` for each, a bare ` name` for True, nothing for False."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class Select(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{attributes_html(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            parts.extend(
                f'\n  <option value="{conditional_escape(option["value"])}"{attributes_html(option["attrs"])}>'
                f'{conditional_escape(option["label"])}</option>'
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


class FilterForm(forms.Form):
    """The form of a list's filters (a FilterSet's `Meta.form`): its selects written by `Select`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                field.widget = Select(attrs=field.widget.attrs, choices=field.widget.choices)
