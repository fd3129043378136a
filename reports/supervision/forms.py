"""The forms of a notice's steps: each carries the version the page showed (the optimistic lock)."""

from django import forms
from django.utils.translation import gettext_lazy as _

REPLY_MAX = 2000
NOTE_MAX = 1000


class StepForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1,
                                 error_messages={"required": _("页面已过期，请刷新后重试。"),
                                                 "invalid": _("页面已过期，请刷新后重试。")})


class ReplyForm(StepForm):
    reply = forms.CharField(
        label=_("办理情况"), max_length=REPLY_MAX, widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写办理情况。"),
                        "max_length": _("办理情况最多 %(limit_value)d 字（现为 %(show_value)d 字）。")},
    )
    promised_on = forms.DateField(
        label=_("承诺办结日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),  # the ISO format <input type="date"> reads
        error_messages={"required": _("请填写承诺办结日期。"), "invalid": _("请输入有效的日期，如 2023-06-30。")},
    )

    def __init__(self, *args, notice=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.notice = notice

    def clean_reply(self):
        text = self.cleaned_data["reply"].strip()
        if not text:
            raise forms.ValidationError(_("请填写办理情况。"))
        return text

    def clean_promised_on(self):
        day = self.cleaned_data["promised_on"]
        if self.notice is not None and day < self.notice.issued_on:
            raise forms.ValidationError(_("承诺办结日期不能早于通知印发日期。"))
        return day


class CloseForm(StepForm):
    note = forms.CharField(
        label=_("办结意见"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写办结意见。"),
                        "max_length": _("办结意见最多 %(limit_value)d 字（现为 %(show_value)d 字）。")},
    )
