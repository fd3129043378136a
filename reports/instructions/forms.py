"""The forms of an instruction: writing one (its item preselected by the 批示 link), a unit's reply,
closing it. The reply and close forms carry the version the page showed (the optimistic lock)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from reports.instructions.items import ITEM_FIELDS, item_querysets
from tasks.calendar import local_today
from units.models import Membership, Unit
from units.text import validate_plain_text

TEXT_MAX = 2000
STALE = _("页面已过期，请刷新后重试。")


def _text_field(label, required_message, required=True):
    return forms.CharField(
        label=label, max_length=TEXT_MAX, required=required, validators=[validate_plain_text],
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": required_message,
                        "max_length": _("最多 %(limit_value)d 字（现为 %(show_value)d 字）。")},
    )


class ItemChoiceField(forms.ModelChoiceField):
    def __init__(self, label, queryset, hidden=False):
        super().__init__(queryset=queryset, required=False, label=label, empty_label=_("（不选）"),
                         widget=forms.HiddenInput if hidden else None,
                         error_messages={"invalid_choice": _("所选事项不存在或不属于本年度工作要点。")})


class TaskChoiceField(ItemChoiceField):
    def label_from_instance(self, obj):
        return _("任务%(number)s %(title)s") % {"number": obj.number, "title": obj.title}


class TargetChoiceField(ItemChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


class LeaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class InstructionForm(forms.Form):
    """A new instruction. `leader` is asked of staff only (a leader writes as themselves)."""

    leader = LeaderChoiceField(
        label=_("批示领导"), queryset=get_user_model().objects.none(), empty_label=_("请选择"),
        error_messages={"required": _("请选择批示领导。"), "invalid_choice": _("请选择批示领导。")},
    )
    task = TaskChoiceField(_("任务"), None)
    target = TargetChoiceField(_("指标"), None)
    matter = ItemChoiceField(_("协调事项"), None, hidden=True)
    notice = ItemChoiceField(_("督办通知"), None, hidden=True)
    text = _text_field(_("批示内容"), _("请填写批示内容。"))
    instructed_on = forms.DateField(
        # The ISO format <input type="date"> reads, whatever the language.
        label=_("批示日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("请填写批示日期。"), "invalid": _("请输入有效的日期，如 2023-06-30。")},
    )
    units = forms.ModelMultipleChoiceField(
        label=_("承办单位"), queryset=Unit.objects.exclude(kind=Unit.Kind.GROUP),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个承办单位。"), "invalid_choice": _("所选承办单位不存在。")},
    )

    def __init__(self, *args, plan, on_behalf, **kwargs):
        super().__init__(*args, **kwargs)
        for field, queryset in item_querysets(plan).items():
            self.fields[field].queryset = queryset
        if on_behalf:
            self.fields["leader"].queryset = get_user_model().objects.filter(
                is_active=True, membership__role=Membership.Role.LEADER).order_by("username")
        else:
            del self.fields["leader"]

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("请填写批示内容。"))
        return text

    def clean_instructed_on(self):
        day = self.cleaned_data["instructed_on"]
        if day > local_today():
            raise forms.ValidationError(_("批示日期不能晚于今天。"))
        return day

    def clean(self):
        data = super().clean()
        chosen = [field for field in ITEM_FIELDS if data.get(field)]
        if len(chosen) != 1 and not any(field in self.errors for field in ITEM_FIELDS):
            raise forms.ValidationError(_("请选择一项批示事项：任务、指标、协调事项或督办通知中的一项。"))
        if len(chosen) == 1:
            data["item_field"], data["item"] = chosen[0], data[chosen[0]]
        return data


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1,
                                 error_messages={"required": STALE, "invalid": STALE, "min_value": STALE})


class ReplyForm(VersionForm):
    reply = _text_field(_("办理情况"), _("请填写办理情况。"))

    def clean_reply(self):
        text = self.cleaned_data["reply"].strip()
        if not text:
            raise forms.ValidationError(_("请填写办理情况。"))
        return text


class CloseForm(VersionForm):
    note = _text_field(_("办结意见"), "", required=False)
