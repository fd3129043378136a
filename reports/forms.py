from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from reporting.widgets import LabelledFileInput
from tasks.reporting import reporting_units
from units.access import is_staff
from units.models import Unit

MONTH_CHOICES = [(m, _("%(month)s月") % {"month": m}) for m in range(1, 13)]


class TemplateForm(forms.Form):
    """Which template to download: a month, and for bureau staff the unit."""

    month = forms.TypedChoiceField(label=_("月份"), choices=MONTH_CHOICES, coerce=int)
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.none(), to_field_name="code")

    def __init__(self, *args, user, plan, **kwargs):
        super().__init__(*args, **kwargs)
        if is_staff(user):
            self.fields["unit"].queryset = reporting_units(plan).order_by("position", "code")
        else:
            del self.fields["unit"]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("填好的模板（.xlsx）"), widget=LabelledFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.UPLOAD_XLSX_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("文件大小 %(size).1f MB，超过 %(limit)s MB 的上限。")
                % {"size": upload.size / 1048576, "limit": limit // 1048576}
            )
        return upload
