"""Forms of the plan authoring pages. They validate and display; saving goes through targets.plan_authoring."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from targets.models import Target
from targets.plan_authoring import REASON_MAX, clean_reason, reason_needed
from tasks.models import Plan, Section, Task, TaskAssignment
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


ROLE_CHOICES = [("", "—"), *TaskAssignment.Role.choices]
POSITION_ERROR = gettext_lazy("排序须为 1 至 99 的整数。")


def role_field(unit):
    return f"role_{unit.pk}"


def position_field(unit):
    return f"position_{unit.pk}"


class TaskForm(ReasonMixin, forms.ModelForm):
    """A task with its units: for each unit its role (牵头单位, 责任单位 or none) and its place among
    the units of that role (排序, 1 first; blank: after the numbered ones, in the table's order).
    At least one lead unit; one role per unit; no place twice within a role. `clean` leaves the
    ordered units in cleaned_data["lead_units"] and ["responsible_units"]."""

    TASK_FIELDS = ["number", "section", "title", "text", "reason"]

    class Meta:
        model = Task
        fields = ["number", "section", "title", "text"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plan = self.instance.plan
        self.add_reason(plan)
        self.fields["section"].queryset = Section.objects.filter(plan=plan, kind=Section.Kind.TASK_AREA)
        _require(self, ["number", "title", "text"], REQUIRED)
        _require(self, ["section"], CHOOSE)
        assigned = sorted(self.instance.assignments.all(), key=lambda a: (a.role, a.position)) if self.instance.pk else []
        current = {a.unit_id: a for a in assigned}
        rank = {a.unit_id: index for index, a in enumerate(assigned)}
        # The task's units first, leads then responsible in their order, then every other unit.
        self.units = sorted(_units(), key=lambda unit: rank.get(unit.pk, len(rank)))
        for unit in self.units:
            assignment = current.get(unit.pk)
            self.fields[role_field(unit)] = forms.ChoiceField(
                label=unit.name, choices=ROLE_CHOICES, required=False, initial=assignment.role if assignment else "",
            )
            self.fields[position_field(unit)] = forms.IntegerField(
                label=_("%(unit)s的排序") % {"unit": unit.name}, required=False, min_value=1, max_value=99,
                initial=assignment.position if assignment else None,
                error_messages={"invalid": POSITION_ERROR, "min_value": POSITION_ERROR, "max_value": POSITION_ERROR},
                widget=forms.NumberInput(attrs={"class": "narrow"}),
            )

    def task_fields(self):
        return [self[name] for name in self.TASK_FIELDS]

    def unit_rows(self):
        """(unit, role field, position field) of every unit, in the table's order."""
        return [(unit, self[role_field(unit)], self[position_field(unit)]) for unit in self.units]

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
        chosen = {role: [] for role in TaskAssignment.Role.values}
        for index, unit in enumerate(self.units):
            role = cleaned.get(role_field(unit))
            if role:
                chosen[role].append((cleaned.get(position_field(unit)), index, unit))
        for role, rows in chosen.items():
            taken = {}
            for position, _index, unit in rows:
                if position is not None:
                    taken.setdefault(position, []).append(unit)
            for position, units in taken.items():
                if len(units) > 1:
                    for unit in units:
                        self.add_error(position_field(unit), _("%(role)s中排序 %(position)s 重复。") % {
                            "role": TaskAssignment.Role(role).label, "position": position})
            rows.sort(key=lambda row: (row[0] is None, row[0] or 0, row[1]))
            cleaned[f"{role}_units"] = [unit for _position, _index, unit in rows]
        if not chosen[TaskAssignment.Role.LEAD]:
            self.add_error(None, _("每项任务至少须有一个牵头单位。"))
        return cleaned


class TargetForm(ReasonMixin, forms.ModelForm):
    """A target's name, value (positive), unit of measure, kind, comparison, reporting frequency, its
    goal group and the tasks it belongs to (a district share belongs to none: its city target does)."""

    class Meta:
        model = Target
        fields = ["name", "value", "unit_of_measure", "comparison", "comparison_wording", "kind", "frequency",
                  "goal_section", "tasks"]
        widgets = {"tasks": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plan = self.instance.plan
        self.add_reason(plan)
        _require(self, ["name", "value", "unit_of_measure", "comparison_wording"], REQUIRED)
        self.fields["kind"].error_messages["required"] = _("请选择指标类型。")
        self.fields["comparison"].error_messages["required"] = _("请选择比较方式。")
        _require(self, ["frequency"], CHOOSE)
        self.fields["value"].error_messages["invalid"] = _("目标值须为数字。")
        self.fields["goal_section"].queryset = Section.objects.filter(plan=plan, kind=Section.Kind.GOAL_GROUP)
        if self.instance.is_share:
            del self.fields["tasks"]
        else:
            self.fields["tasks"].queryset = Task.objects.filter(plan=plan).order_by("number")

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


TARGET_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
RESERVED_CODES = {"new"}  # /plans/<plan>/targets/new/ is the page that adds a target


class TargetAddForm(TargetForm):
    """A new target: its code (unique in the plan), reporting unit and source text besides what is edited."""

    class Meta(TargetForm.Meta):
        fields = ["code", *TargetForm.Meta.fields, "reporting_unit", "source_text"]

    field_order = ["code", "name", "value", "unit_of_measure", "comparison", "comparison_wording", "kind",
                   "frequency", "reporting_unit", "goal_section", "tasks", "source_text"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _require(self, ["code", "source_text"], REQUIRED)
        _require(self, ["reporting_unit"], CHOOSE)
        self.fields["reporting_unit"].queryset = _units().exclude(kind=Unit.Kind.GROUP)

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not TARGET_CODE.match(code) or code.lower() in RESERVED_CODES:
            raise ValidationError(_("编号只能包含字母、数字、点、连字符和下划线，如 T44。"))
        if Target.objects.filter(plan=self.instance.plan, code=code).exists():
            raise ValidationError(_("本工作要点已有编号为 %(code)s 的指标。") % {"code": code})
        return code


class SectionForm(ReasonMixin, forms.ModelForm):
    """A section: its kind (chosen when it is added, fixed after), number (unique per kind), numeral and title."""

    class Meta:
        model = Section
        fields = ["kind", "number", "numeral", "title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = self.instance.plan
        self.add_reason(self.plan)
        if self.instance.pk:
            del self.fields["kind"]  # its tasks or goal targets depend on it
        else:
            _require(self, ["kind"], CHOOSE)
        _require(self, ["number", "numeral", "title"], REQUIRED)
        for key in ("invalid", "min_value"):
            self.fields["number"].error_messages[key] = _("序号须为正整数。")

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind", self.instance.kind)
        number = cleaned.get("number")
        if number is not None and number < 1:
            self.add_error("number", _("序号须为正整数。"))
        elif number is not None and kind:
            others = Section.objects.filter(plan=self.plan, kind=kind, number=number).exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error("number", _("本工作要点已有序号为 %(number)s 的%(kind)s。") % {
                    "number": number, "kind": Section.Kind(kind).label})
        return cleaned


class DeleteForm(ReasonMixin, forms.Form):
    """Confirming a deletion: only a reason, required once the plan is published."""

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_reason(plan)
