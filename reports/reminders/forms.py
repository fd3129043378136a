"""The form of the reminder pages: a kind and a period, for a preview or a "send now"."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import ReminderMessage
from reports.reminders import delivery as reminders


class ReminderPeriodForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类别"), choices=[(str(k), k.label) for k in reminders.PERIODIC_KINDS]
    )
    period = forms.CharField(
        label=_("期间"), max_length=20, required=False,
        help_text=_("每周通报如 2023-W20，月度类如 2023-05（所报送的月份），季度如 2023Q2；留空为按计划今天应发的期间。"),
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["period"].widget.attrs["placeholder"] = "2023-05"

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if not kind:
            return cleaned
        kind = ReminderMessage.Kind(kind)
        try:
            if cleaned.get("period"):
                period = reminders.parse_period(kind, cleaned["period"])
            else:
                period = reminders.default_period(kind, self.today)
            plan = reminders.plan_for(kind, period)
        except reminders.PeriodError as error:
            raise forms.ValidationError({"period": str(error)}) from None
        except reminders.NoPlanError as error:
            raise forms.ValidationError({"period": str(error)}) from None
        cleaned.update(kind=kind, period_obj=period, plan=plan)
        return cleaned
