"""Forms of the plan authoring pages. They validate and display; saving goes through targets.plan_authoring."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from targets.models import Target
from targets.plan_authoring import REASON_MAX, clean_reason, reason_needed
from tasks.models import Plan, Section, Task
from units.models import Unit

REQUIRED = gettext_lazy("请填写此项。")
CHOOSE = gettext_lazy("请选择此项。")


def _require(form, names, message):
    for name in names:
        form.fields[name].error_messages["required"] = message


class ReasonMixin:
    """Adds 修改原因, required once the plan is published (its versions record it)."""

    def add_reason(self, plan):
        self.plan = plan
        self.fields["reason"] = forms.CharField(
            label=_("修改原因"), max_length=REASON_MAX, required=reason_needed(plan),
            help_text=_("已发布的工作要点修改结构须说明原因，记入修改记录。") if reason_needed(plan) else "",
            error_messages={"required": _("已发布的工作要点修改结构须填写修改原因。")},
        )

    def clean_reason(self):
        try:
            return clean_reason(self.plan, self.cleaned_data.get("reason"))
        except ValidationError as error:
            raise ValidationError(error.message_dict["reason"]) from None


class PlanHeaderFields(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["year", "code", "title", "document_number", "issuer"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _require(self, ["year", "code", "title"], REQUIRED)
        self.fields["code"].error_messages["invalid"] = _("代码只能包含字母、数字、连字符和下划线。")
        self.fields["year"].error_messages["invalid"] = _("年度须为整数。")

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise ValidationError(_("年度须在 2000 至 2100 之间。"))
        return year

    def clean_code(self):
        code = self.cleaned_data["code"]
        if Plan.objects.filter(code=code).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("代码“%(code)s”已被其他工作要点使用。") % {"code": code})
        return code


class PlanCopyForm(PlanHeaderFields):
    """A new draft plan: its header, and the published plan it copies."""

    source = forms.ModelChoiceField(
        label=gettext_lazy("复制自"), queryset=Plan.objects.published(), empty_label=None,
        error_messages={"required": CHOOSE, "invalid_choice": gettext_lazy("请选择一个已发布的工作要点。")},
    )

    field_order = ["source", "year", "code", "title", "document_number", "issuer"]


class PlanHeaderForm(ReasonMixin, PlanHeaderFields):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_reason(self.instance)


def _units():
    return Unit.objects.order_by("position", "code")


class TaskForm(ReasonMixin, forms.ModelForm):
    """A task with its lead units (at least one) and responsible units, none named twice."""

    lead_units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("牵头单位"), queryset=Unit.objects.none(),
        error_messages={"required": gettext_lazy("每项任务至少须有一个牵头单位。")},
    )
    responsible_units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("责任单位"), queryset=Unit.objects.none(), required=False,
    )

    class Meta:
        model = Task
        fields = ["number", "section", "title", "text"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plan = self.instance.plan
        self.add_reason(plan)
        self.fields["section"].queryset = Section.objects.filter(plan=plan, kind=Section.Kind.TASK_AREA)
        self.fields["lead_units"].queryset = self.fields["responsible_units"].queryset = _units()
        if self.instance.pk and not self.is_bound:
            self.initial["lead_units"] = [u.pk for u in self.instance.lead_units()]
            self.initial["responsible_units"] = [u.pk for u in self.instance.responsible_units()]
        _require(self, ["number", "title", "text"], REQUIRED)
        _require(self, ["section"], CHOOSE)

    def clean_number(self):
        number = self.cleaned_data["number"]
        if number < 1:
            raise ValidationError(_("序号须为正整数。"))
        others = Task.objects.filter(plan=self.instance.plan, number=number).exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(_("本工作要点已有序号为 %(number)s 的任务。") % {"number": number})
        return number

    def clean(self):
        cleaned = super().clean()
        both = set(cleaned.get("lead_units") or ()) & set(cleaned.get("responsible_units") or ())
        if both:
            names = "、".join(unit.name for unit in sorted(both, key=lambda u: u.position))
            self.add_error("responsible_units", _("%(names)s 已是牵头单位，不能同时列为责任单位。") % {"names": names})
        return cleaned


class TargetForm(ReasonMixin, forms.ModelForm):
    """A target's name, value (positive), unit of measure, kind, comparison and reporting frequency."""

    class Meta:
        model = Target
        fields = ["name", "value", "unit_of_measure", "comparison", "comparison_wording", "kind", "frequency"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_reason(self.instance.plan)
        _require(self, ["name", "value", "unit_of_measure", "comparison_wording"], REQUIRED)
        self.fields["kind"].error_messages["required"] = _("请选择指标类型。")
        self.fields["comparison"].error_messages["required"] = _("请选择比较方式。")
        _require(self, ["frequency"], CHOOSE)
        self.fields["value"].error_messages["invalid"] = _("目标值须为数字。")

    def clean_value(self):
        value = self.cleaned_data["value"]
        if value is None or value <= Decimal(0):
            raise ValidationError(_("目标值须大于零。"))
        return value

    def clean_name(self):
        name = self.cleaned_data["name"]
        others = Target.objects.filter(plan=self.instance.plan, name=name).exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(_("本工作要点已有名为“%(name)s”的指标。") % {"name": name})
        return name
