"""Forms of the monthly reporting pages. They validate and display; saving goes through reporting.services."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reporting import services
from reporting.evidence import ACCEPT, check_upload
from reporting.widgets import LabelledFileInput
from targets.numbers import format_number
from targets.validation import clean_target_value
from tasks.models import ProgressReport
from units.text import validate_plain_text


class _Rollback(Exception):
    pass


def _initial_number(value):
    return "" if value is None else format(value.normalize(), "f")


class ReportValuesForm(forms.Form):
    """One form for all the targets a unit reports in a month: value, note, source and the
    version the user saw (hidden), per row. A blank row without a saved value is skipped."""

    conflict = False

    def __init__(self, *args, report, targets, existing, previous=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        self.targets = list(targets)
        self.existing = existing  # {target_id: TargetValue}
        self.previous = previous or {}  # {target_id: TargetValue of last month}
        for target in self.targets:
            value = existing.get(target.pk)
            prefix = f"t{target.pk}"
            self.fields[f"{prefix}_value"] = forms.CharField(
                label=target.name, required=False, max_length=40, validators=[validate_plain_text],
                initial=_initial_number(value.value) if value else "",
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 12}),
            )
            self.fields[f"{prefix}_note"] = forms.CharField(
                label=gettext_lazy("说明"), required=False, max_length=services.NOTE_MAX,
                validators=[validate_plain_text],
                initial=value.note if value else "", widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"{prefix}_source"] = forms.CharField(
                label=gettext_lazy("数据来源"), required=False, max_length=services.SOURCE_MAX,
                validators=[validate_plain_text],
                initial=value.source if value else "",
            )
            self.fields[f"{prefix}_version"] = forms.IntegerField(
                required=True, min_value=0, initial=value.version if value else 0, widget=forms.HiddenInput
            )

    def rows(self):
        for target in self.targets:
            prefix = f"t{target.pk}"
            previous = self.previous.get(target.pk)
            yield {
                "target": target,
                "value": self[f"{prefix}_value"],
                "note": self[f"{prefix}_note"],
                "source": self[f"{prefix}_source"],
                "version": self[f"{prefix}_version"],
                "saved": self.existing.get(target.pk),
                "previous": previous,
                "previous_display": format_number(previous.value) if previous else "",
            }

    def clean(self):
        cleaned = super().clean()
        self.entries = []
        for target in self.targets:
            prefix = f"t{target.pk}"
            if any(f"{prefix}_{field}" in self.errors for field in ("value", "note", "source", "version")):
                continue
            raw = cleaned.get(f"{prefix}_value", "")
            note = cleaned.get(f"{prefix}_note", "")
            source = cleaned.get(f"{prefix}_source", "")
            saved = self.existing.get(target.pk)
            if not raw.strip():
                if saved is not None:
                    self.add_error(f"{prefix}_value", _("已填报的数值不能清空，请填写数值。"))
                elif note.strip() or source.strip():
                    self.add_error(f"{prefix}_value", _("填写了说明或数据来源，请同时填写数值。"))
                continue
            try:
                value = clean_target_value(target, raw)
            except ValidationError as error:
                self.add_error(f"{prefix}_value", error)
                continue
            self.entries.append((target, value, note, source, cleaned[f"{prefix}_version"]))
        return cleaned

    def save(self, user):
        """Save every row in one transaction; on a conflict or a locked report nothing is saved.

        Returns the number of rows changed, or None with the errors added to the form."""
        changed = 0
        try:
            with transaction.atomic():
                for target, value, note, source, version in self.entries:
                    before = self.existing.get(target.pk)
                    try:
                        saved = services.save_target_value(
                            self.report, target, value=value, note=note, source=source, user=user,
                            expected_version=version,
                        )
                    except services.EditConflict as error:
                        self.conflict = True
                        self.add_error(
                            f"t{target.pk}_value",
                            _("%(error)s 他人已在您打开页面后保存了该指标，您的修改未保存。") % {"error": error},
                        )
                        raise _Rollback from None
                    except ValidationError as error:
                        for field, messages in error.message_dict.items():
                            name = f"t{target.pk}_{field}"  # the note's own error (a suspect figure) on the note
                            for message in messages:
                                self.add_error(name if name in self.fields else f"t{target.pk}_value", message)
                        raise _Rollback from None
                    if before is None or saved.version != before.version:
                        changed += 1
        except _Rollback:
            return None
        except services.NotEditable as error:
            self.add_error(None, str(error))
            return None
        return changed


class ProgressForm(forms.Form):
    work_done = forms.CharField(
        label=gettext_lazy("工作进展"), required=False, max_length=services.TEXT_MAX,
        validators=[validate_plain_text],
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    problems = forms.CharField(
        label=gettext_lazy("存在问题"), required=False, max_length=services.TEXT_MAX,
        validators=[validate_plain_text],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("自评进度滞后，或本任务的指标落后于时间进度时必填。"),
    )
    next_steps = forms.CharField(
        label=gettext_lazy("下步计划"), required=False, max_length=services.TEXT_MAX,
        validators=[validate_plain_text],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    self_status = forms.ChoiceField(
        label=gettext_lazy("自评状态"), required=False,
        choices=[("", gettext_lazy("请选择")), *ProgressReport.SelfStatus.choices],
    )
    needs_coordination = forms.BooleanField(label=gettext_lazy("需市级协调"), required=False)
    coordination_matter = forms.CharField(
        label=gettext_lazy("协调事项"), required=False, max_length=services.MATTER_MAX,
        validators=[validate_plain_text],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    conflict = False

    def __init__(self, *args, report, task, instance=None, **kwargs):
        self.report = report
        self.task = task
        self.instance = instance
        if instance is not None:
            initial = {field: getattr(instance, field) for field in services.PROGRESS_FIELDS}
            initial["version"] = instance.version
        else:
            initial = {"version": 0}
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            cleaned.update(services.clean_progress(self.report, self.task, cleaned))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field, message)
        return cleaned

    def save(self, user):
        data = {field: self.cleaned_data[field] for field in services.PROGRESS_FIELDS}
        try:
            return services.save_progress(
                self.report, self.task, **data, user=user, expected_version=self.cleaned_data["version"],
            )
        except services.EditConflict as error:
            self.conflict = True
            self.add_error(
                None, _("%(error)s 他人已在您打开页面后保存了该任务进展，您的修改未保存。") % {"error": error}
            )
        except services.NotEditable as error:
            self.add_error(None, str(error))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return None


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("佐证材料"),
        widget=LabelledFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF、图片（PNG、JPEG、GIF）或 Office 文档，每个不超过 %(size)s。") % {
            "size": filesizeformat(settings.EVIDENCE_MAX_BYTES)
        }

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        check_upload(uploaded)
        return uploaded


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_plain_text],
        error_messages={"required": gettext_lazy("请填写原因。")},
    )
