"""Staff choose which target of the previous year's plan is this one (when its code changed), or
clear the choice so that it is matched by code again (targets/earlier_years.py).

The choice changes no figure of this year (no standing depends on it), only what the page draws
beside it and what a profile would be learned from. Every change is kept in the target's history,
with who made it; the form carries the choice it was opened with, so two staff cannot overwrite
each other.
"""

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from targets.models import Target

BY_CODE = ""


class CounterpartForm(forms.Form):
    counterpart = forms.ChoiceField(label=gettext_lazy("上年对应指标"), required=False)
    shown = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, target, years, **kwargs):
        """`years`: the target's EarlierYears (its previous plan's targets are the choices)."""
        self.target = target
        self.previous_targets = {str(t.pk): t for t in years.previous_targets}
        current = str(target.counterpart_in_previous_plan_id or BY_CODE)
        kwargs.setdefault("initial", {"counterpart": current, "shown": current})
        super().__init__(*args, **kwargs)
        by_code = _("按编号匹配（%(code)s）") % {"code": target.code}
        self.fields["counterpart"].choices = [(BY_CODE, by_code)] + [
            (pk, f"{t.code} {t.name}") for pk, t in self.previous_targets.items()
        ]
        self.fields["counterpart"].error_messages["invalid_choice"] = _("请选择上一年度工作要点中的指标。")

    def chosen(self):
        """The previous plan's target chosen, or None for matching by code."""
        return self.previous_targets.get(self.cleaned_data["counterpart"])


def set_counterpart(target_id, form):
    """Save the form's choice under a row lock; False (with an error on the form) when someone
    changed it since the form was opened."""
    chosen = form.chosen()
    with transaction.atomic():
        target = Target.objects.select_for_update().get(pk=target_id)
        if str(target.counterpart_in_previous_plan_id or BY_CODE) != form.cleaned_data["shown"]:
            form.add_error("counterpart", _("上年对应指标已被他人修改，请刷新页面后再修改。"))
            return False
        target.counterpart_in_previous_plan = chosen
        if chosen is None:
            target._change_reason = _("上年对应指标改为按编号匹配")
        else:
            target._change_reason = (_("上年对应指标：%(code)s %(name)s") % {"code": chosen.code, "name": chosen.name})[:100]
        target.save(update_fields=["counterpart_in_previous_plan"])
    return True
