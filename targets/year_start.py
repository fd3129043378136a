"""A stock's year-start figure (年初基数): set by bureau staff on the target's page, with a reason.

The plan gives no year-start figures, so none is invented: until staff set one, a stock is
judged from its trend only (targets/progress.py). Every change is kept in the target's history
(who, when, the old and new figure, the reason) and in the audit log; two staff editing at once
cannot overwrite each other — the form carries the figure it was opened with.
"""

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from targets.models import Target
from targets.standing_store import refresh_targets
from targets.validation import clean_target_value
from units.text import validate_plain_text


class YearStartForm(forms.Form):
    baseline = forms.CharField(
        label=gettext_lazy("年初基数"), max_length=40, error_messages={"required": gettext_lazy("请填写年初基数。")}
    )
    reason = forms.CharField(
        label=gettext_lazy("依据"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_plain_text],
        error_messages={"required": gettext_lazy("请说明年初基数的来源或依据。")},
        help_text=gettext_lazy("如：2022年末统计数（市统计局年报）。"),
    )
    shown = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, target, **kwargs):
        self.target = target
        kwargs.setdefault("initial", {"shown": _figure(target.baseline), "baseline": _figure(target.baseline)})
        super().__init__(*args, **kwargs)

    def clean_baseline(self):
        return clean_target_value(self.target, self.cleaned_data["baseline"])


def _figure(value):
    return "" if value is None else format(value.normalize(), "f")


def set_year_start(target_id, form, request):
    """Save the form's figure under a row lock; False (with an error on the form) when someone
    changed the figure since the form was opened, or the target is not a stock."""
    with transaction.atomic():
        target = Target.objects.select_for_update().get(pk=target_id)
        if target.kind != Target.Kind.STOCK:
            form.add_error(None, _("只有年末存量类指标需要设置年初基数。"))
            return False
        if _figure(target.baseline) != form.cleaned_data["shown"]:
            form.add_error(
                "baseline",
                _("年初基数已被他人改为 %(now)s，请刷新页面后再修改。") % {"now": _figure(target.baseline) or _("（空）")},
            )
            return False
        target.baseline = form.cleaned_data["baseline"]
        target.baseline_reason = form.cleaned_data["reason"]
        target.baseline_is_demo = False
        target._change_reason = form.cleaned_data["reason"]  # simple_history's history_change_reason
        target.save(update_fields=["baseline", "baseline_reason", "baseline_is_demo"])
        refresh_targets([target])  # the figures judged from it change with it
    return True


def year_start_history(target):
    """[(when, who, figure, reason)] of the target's year-start figure, newest first, one query."""
    rows = target.history.select_related("history_user").order_by("-history_date", "-history_id")
    changes, previous = [], object()
    for row in reversed(list(rows.only("history_date", "history_user", "baseline", "baseline_reason", "history_change_reason"))):
        if row.baseline != previous:
            changes.append((row.history_date, row.history_user, row.baseline, row.baseline_reason or row.history_change_reason or ""))
            previous = row.baseline
    while changes and changes[0][2] is None:  # the target as loaded, before any figure was set
        changes.pop(0)
    return list(reversed(changes))
