from django import forms
from django.utils.translation import gettext_lazy as _

from units.text import validate_plain_text


class TokenForm(forms.Form):
    name = forms.CharField(label=_("客户端名称"), max_length=100, validators=[validate_plain_text],
                           help_text=_("如“指挥中心大屏”“绩效考核系统”。"))
    days = forms.IntegerField(label=_("有效天数"), min_value=1, max_value=366, initial=90)
