"""Forms of the account pages: account administration, the second factor, the audit filter."""

import re
import unicodedata

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from units.access import roles_user_may_create
from units.models import AuditEvent, Membership, Unit

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{3,40}$")
# A person's name: letters of any script (Chinese, pinyin …), the middle dot of 少数民族 names, spaces.
# No markup, no emoji, and nothing a spreadsheet would read as a formula (=, +, -, @ first).
FULL_NAME_RE = re.compile(r"^[^\W\d_][^\W_]*(?:[ ·・.][^\W\d_]+)*$")


def has_invisible_characters(text):
    """Control and format characters (zero-width space, joiners, direction marks …)."""
    return any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text if ch not in "\r\n\t")


class PlainTextField(forms.CharField):
    """Text shown to others: NFKC-normalised (full-width letters and digits become ASCII)
    and free of invisible characters, which could make two names look the same."""

    def to_python(self, value):
        value = super().to_python(value)
        return unicodedata.normalize("NFKC", value) if value else value

    def validate(self, value):
        super().validate(value)
        if value and has_invisible_characters(value):
            raise forms.ValidationError(_("不能包含不可见字符（如零宽字符、控制字符）。"), code="invisible")


class LoginForm(AuthenticationForm):
    """Django's login form with its length limits enforced: AuthenticationForm sets the user
    name's max_length after the field is built, so no validator checks it, and an over-long
    name reaches authenticate() and django-axes' 255-character column (a 500 on PostgreSQL)."""

    PASSWORD_MAX_LENGTH = 1024

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length or 150))
        password = self.fields["password"]
        password.max_length = self.PASSWORD_MAX_LENGTH
        password.validators.append(MaxLengthValidator(self.PASSWORD_MAX_LENGTH))


class AccountCreateForm(forms.Form):
    username = PlainTextField(
        label=_("用户名"), max_length=40,
        help_text=_("3–40 位英文字母、数字或 _ . @ -，如 jxj_zhang。"),
    )
    full_name = PlainTextField(label=_("姓名"), max_length=30)
    email = forms.EmailField(label=_("邮箱"), required=False, max_length=254)
    phone = PlainTextField(label=_("联系电话"), required=False, max_length=40)
    role = forms.ChoiceField(label=_("角色"), choices=Membership.Role.choices, initial=Membership.Role.LIAISON)
    unit = forms.ModelChoiceField(
        label=_("单位"), required=False, queryset=Unit.objects.exclude(kind=Unit.Kind.GROUP),
        help_text=_("单位联络员必须选择所属单位。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Bureau staff create liaisons and leaders; a staff account only a superuser creates
        # (units.access.can_manage_account: staff never manage their peers).
        allowed = roles_user_may_create(user)
        role = self.fields["role"]
        role.choices = [(value, label) for value, label in Membership.Role.choices if value in allowed]
        if Membership.Role.STAFF not in allowed:
            role.error_messages = {
                **role.error_messages,
                "invalid_choice": _("只能新建单位联络员或领导账户；科技局工作人员账户由系统管理员新建。"),
            }

    def clean_username(self):
        username = self.cleaned_data["username"]
        if not USERNAME_RE.match(username):
            raise forms.ValidationError(_("用户名只能使用 3–40 位英文字母、数字或 _ . @ -。"), code="invalid")
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("该用户名已被使用。"), code="duplicate")
        return username

    def clean_full_name(self):
        full_name = self.cleaned_data["full_name"].strip()
        if not FULL_NAME_RE.match(full_name):
            raise forms.ValidationError(_("姓名只能包含文字，可用间隔号“·”或空格分隔。"), code="invalid")
        return full_name

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        if phone and not re.fullmatch(r"[0-9+\-() ]{5,40}", phone):
            raise forms.ValidationError(_("联系电话只能包含数字、空格和 + - ( )。"), code="invalid")
        return phone

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == Membership.Role.LIAISON and not cleaned.get("unit"):
            self.add_error("unit", _("单位联络员必须选择所属单位。"))
        return cleaned


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("动态验证码"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("身份验证器应用上显示的 6 位数字。"),
    )

    def clean_token(self):
        token = unicodedata.normalize("NFKC", self.cleaned_data["token"]).replace(" ", "")
        if not re.fullmatch(r"[0-9]{6}", token):
            raise forms.ValidationError(_("请输入 6 位数字验证码。"), code="invalid")
        return token


class OtpEnrolForm(TokenForm):
    """The first token of a new device and, where units/otp_enrolment.py requires it, a superuser's code."""

    enrolment_code = forms.CharField(
        label=_("绑定码"), max_length=40, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        help_text=_("由系统管理员签发的一次性绑定码，形如 ABCDE-FGHJK。"),
    )

    def __init__(self, *args, code_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.code_required = code_required
        if not code_required:
            del self.fields["enrolment_code"]

    def clean_enrolment_code(self):
        code = unicodedata.normalize("NFKC", self.cleaned_data.get("enrolment_code") or "").strip()
        if self.code_required and not code:
            raise forms.ValidationError(_("首次启用动态验证码须输入系统管理员签发的绑定码。"), code="required")
        return code


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("操作"), required=False, choices=[("", _("全部"))] + AuditEvent.Action.choices)
    user = forms.CharField(label=_("用户名"), required=False, max_length=150)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label=_("搜索"), required=False, max_length=200, help_text=_("对象、IP 地址或对象类型"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return cleaned
