"""Form widgets whose text is ours, not the browser's: a file field as a labelled button 选择文件 with the
chosen file's name beside it (static/js/file_input.js fills the name in), not the native "Choose File"."""

from django import forms


class LabelledFileInput(forms.FileInput):
    template_name = "widgets/file_input.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        classes = context["widget"]["attrs"].get("class", "")
        context["widget"]["attrs"]["class"] = f"{classes} file-input visually-hidden".strip()
        return context
