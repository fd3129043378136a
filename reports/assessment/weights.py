"""The assessment's weights and rule parameters (reports.models.AssessmentRules), set by staff in one
place: the form that checks them (weights whole and non-negative, summing to 100) and the one save,
under an optimistic lock, that keeps each version with its user in the history."""

from django import forms
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reporting.services import EditConflict
from reporting.services.common import save_with_history
from reports.models import AssessmentRules

WEIGHT_TOTAL = 100

FIELDS = (
    *AssessmentRules.WEIGHT_FIELDS, "late_credit_percent", "return_points", "correction_points",
    "lead_task_weight", "behind_credit_percent", "supervision_points", "overdue_supervision_points",
)

NUMBER_ERRORS = {
    "required": gettext_lazy("请填写此项。"),
    "invalid": gettext_lazy("请输入数字。"),
    "min_value": gettext_lazy("不能小于 %(limit_value)s。"),
    "max_value": gettext_lazy("不能大于 %(limit_value)s。"),
    "max_digits": gettext_lazy("数值过大。"),
    "max_decimal_places": gettext_lazy("最多保留 %(max)s 位小数。"),
    "max_whole_digits": gettext_lazy("数值过大。"),
}


class RulesForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0,
                                 error_messages={"required": gettext_lazy("页面已过期，请刷新后重试。"),
                                                 "invalid": gettext_lazy("页面已过期，请刷新后重试。")})

    class Meta:
        model = AssessmentRules
        fields = FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in FIELDS:
            field = self.fields[name]
            field.error_messages.update(NUMBER_ERRORS)
            if isinstance(field, forms.IntegerField) and field.min_value is None:
                field.min_value = 0
            field.widget.attrs.setdefault("min", 0)
        if not self.is_bound:
            self.initial["version"] = 0 if self.instance._state.adding else self.instance.version

    def clean(self):
        cleaned = super().clean()
        weights = [cleaned.get(name) for name in AssessmentRules.WEIGHT_FIELDS]
        if all(weight is not None for weight in weights) and sum(weights) != WEIGHT_TOTAL:
            raise forms.ValidationError(
                _("五项权重之和须为 %(total)s 分（现为 %(sum)s 分）。") % {"total": WEIGHT_TOTAL, "sum": sum(weights)},
                code="weight_total",
            )
        return cleaned


def save_rules(form, user):
    """Save the form's rules as a new version; EditConflict if someone saved since the page was shown."""
    try:
        return _save(form, user)
    except IntegrityError:  # the first save of the rules, made by someone else a moment ago
        raise EditConflict(_("考核评比规则已被他人修改，请刷新页面后重试。")) from None


def _save(form, user):
    with transaction.atomic():
        current = AssessmentRules.objects.select_for_update().filter(pk=AssessmentRules.SINGLETON_PK).first()
        current_version = current.version if current is not None else 0
        if form.cleaned_data["version"] != current_version:
            raise EditConflict(_("考核评比规则已被他人修改，请刷新页面后重试。"))
        rules = current or AssessmentRules(pk=AssessmentRules.SINGLETON_PK, version=0)
        for name in FIELDS:
            setattr(rules, name, form.cleaned_data[name])
        rules.version += 1
        rules.updated_at = timezone.now()
        rules.updated_by = user
        save_with_history(rules, user, _("修改考核评比规则"))
        return rules
