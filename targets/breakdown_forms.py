"""Forms of the breakdown page: choosing districts, and the shares' target values. They validate and
display; saving goes through targets/breakdown_authoring.py."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from targets.breakdown_authoring import share_code
from targets.models import Target
from units.models import Unit

VALUE_MAX = Decimal("999999999999")  # Target.value: 16 digits, 4 of them decimals


def districts():
    return Unit.objects.filter(kind=Unit.Kind.DISTRICT).order_by("position", "code")


def _rule_field(city):
    initial = city.share_rule
    if not city.shares.exists() and city.kind == Target.Kind.RATE:
        initial = Target.ShareRule.MEAN  # a rate is averaged, not added up
    return forms.ChoiceField(
        label=gettext_lazy("全市数值"), choices=Target.ShareRule.choices, initial=initial, widget=forms.RadioSelect,
        help_text=gettext_lazy("求和：各区数值相加；平均：各区数值的平均（增速、占比）；不汇总：全市数值由原报送单位报送。"),
        error_messages={"required": gettext_lazy("请选择全市数值的汇总方式。"),
                        "invalid_choice": gettext_lazy("请选择全市数值的汇总方式。")},
    )


class BreakdownCreateForm(forms.Form):
    """The districts to add: picked one by one, or every member of a group such as 各区人民政府."""

    districts = forms.ModelMultipleChoiceField(
        label=gettext_lazy("区"), queryset=Unit.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": gettext_lazy("所选的区不存在。"),
                        "invalid_pk_value": gettext_lazy("所选的区不存在。")},
    )
    group = forms.ModelChoiceField(
        label=gettext_lazy("或：单位组的全部成员"), queryset=Unit.objects.none(), required=False,
        empty_label="—", error_messages={"invalid_choice": gettext_lazy("所选的单位组不存在。")},
    )

    def __init__(self, *args, city, shares, **kwargs):
        super().__init__(*args, **kwargs)
        self.city = city
        self.shared_unit_ids = {share.reporting_unit_id for share in shares}
        self.all_districts = list(districts())
        self.fields["share_rule"] = _rule_field(city)
        self.fields["districts"].queryset = districts().exclude(pk__in=self.shared_unit_ids)
        self.fields["group"].queryset = Unit.objects.filter(kind=Unit.Kind.GROUP).order_by("position", "code")
        self.order_fields(["share_rule", "districts", "group"])

    def clean(self):
        cleaned = super().clean()
        chosen = {unit.pk: unit for unit in cleaned.get("districts") or ()}
        group = cleaned.get("group")
        if group is not None:
            for unit in group.members.exclude(kind=Unit.Kind.GROUP):
                chosen.setdefault(unit.pk, unit)
        if self.errors:
            return cleaned
        if not chosen:
            self.add_error("districts", _("请选择至少一个区，或选择一个单位组的全部成员。"))
            return cleaned
        new = [unit for pk, unit in chosen.items() if pk not in self.shared_unit_ids]
        if not new:
            self.add_error("districts", _("所选单位均已有分区指标。"))
            return cleaned
        cleaned["units"] = sorted(new, key=lambda unit: (unit.position, unit.code))
        cleaned["codes"] = self._codes(cleaned["units"])
        return cleaned

    def _codes(self, units):
        """T08.07 for the seventh district (in the districts' order), whatever order they are added in;
        a unit outside the districts (a group member of another kind) numbered after them."""
        order = {unit.pk: index for index, unit in enumerate(self.all_districts, start=1)}
        extra = len(order)
        codes = {}
        for unit in units:
            if unit.pk not in order:
                extra += 1
                order[unit.pk] = extra
            codes[unit.pk] = share_code(self.city, order[unit.pk])
        return codes


class ShareValuesForm(forms.Form):
    """Each share's target value (positive), named by its district in every error."""

    def __init__(self, *args, city, shares, **kwargs):
        super().__init__(*args, **kwargs)
        self.city = city
        self.shares = shares
        self.fields["share_rule"] = _rule_field(city)
        for share in shares:
            self.fields[self.field_name(share)] = forms.CharField(
                label=share.reporting_unit.name, initial=share.display_value, required=False,
            )

    @staticmethod
    def field_name(share):
        return f"value_{share.pk}"

    def rows(self):
        """(share, its bound value field) in the shares' order, for the template."""
        return [(share, self[self.field_name(share)]) for share in self.shares]

    def clean(self):
        cleaned = super().clean()
        values = {}
        for share in self.shares:
            name = self.field_name(share)
            text = (cleaned.get(name) or "").strip().replace(",", "")
            unit = share.reporting_unit.name
            if not text:
                self.add_error(name, _("%(unit)s：请填写目标值。") % {"unit": unit})
                continue
            try:
                value = Decimal(text)
            except InvalidOperation:
                self.add_error(name, _("%(unit)s：目标值须为数字。") % {"unit": unit})
                continue
            if not value.is_finite() or value <= 0:
                self.add_error(name, _("%(unit)s：目标值须大于 0。") % {"unit": unit})
            elif value > VALUE_MAX or value != value.quantize(Decimal("0.0001")):
                self.add_error(name, _("%(unit)s：目标值最多 12 位整数、4 位小数。") % {"unit": unit})
            else:
                values[share.pk] = value
        if not self.errors:
            cleaned["values"] = values
        return cleaned

