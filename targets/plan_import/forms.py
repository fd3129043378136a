from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class PlanImportForm(forms.Form):
    file = forms.FileField(
        label=_("填好的导入模板（.xlsx）"), widget=forms.FileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": _("请选择要上传的文件。")},
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
