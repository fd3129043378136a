from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken
from units.text import validate_plain_text


class TokenForm(forms.Form):
    name = forms.CharField(label=_("客户端名称"), max_length=100, validators=[validate_plain_text],
                           help_text=_("如“指挥中心大屏”“绩效考核系统”。"))
    # Not given (an older form, a script): a client token, as before kiosk links existed.
    kind = forms.TypedChoiceField(label=_("类型"), choices=ApiToken.Kind.choices, initial=ApiToken.Kind.CLIENT,
                                  required=False, empty_value=ApiToken.Kind.CLIENT, widget=forms.RadioSelect,
                                  help_text=_("接口客户端可读全部接口；大屏链接只能打开调度大屏（/screen/）。"))
    days = forms.IntegerField(label=_("有效天数"), min_value=1, max_value=366, initial=90)
