"""Staff adopt the monthly profile learned from earlier years (targets/learned_profile.py) as a
target's expected path, or return it to even pace, with a reason.

The profile is a rule setting: the target's stored standings (expected share, status, forecast)
are refreshed in the same transaction. Every change is kept in the target's history (who, when,
the old and new profile and its source, the reason as the change reason). The forms carry the
profile they were opened with and the learned one shown, so two staff cannot overwrite each
other and nobody adopts a shape other than the one on the screen.
"""

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from targets.learned_profile import profile_text
from targets.models import Target
from targets.standing_store import refresh_targets
from units.text import validate_plain_text

REASON_MAX = 100  # django-simple-history's history_change_reason column


class ProfileChangeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("理由"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_plain_text],
        error_messages={
            "required": gettext_lazy("请说明调整月度曲线的理由。"),
            "max_length": gettext_lazy("理由不能超过 %(limit_value)d 个字。"),
        },
    )
    current = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, target, **kwargs):
        self.target = target
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("current", profile_text(target.monthly_profile))
        super().__init__(*args, **kwargs)


class AdoptProfileForm(ProfileChangeForm):
    learned = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, target, profile, **kwargs):
        """`profile`: the LearnedProfile the page shows now, or None."""
        self.profile = profile
        kwargs.setdefault("initial", {})["learned"] = profile_text(profile.percentages) if profile else ""
        super().__init__(*args, target=target, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if self.profile is None:
            raise forms.ValidationError(_("该指标没有可用于学习月度曲线的往年月度数据。"))
        if cleaned.get("learned") != profile_text(self.profile.percentages):
            raise forms.ValidationError(_("往年数据已有变化，请刷新页面查看新的月度曲线后再采用。"))
        return cleaned


class RevertProfileForm(ProfileChangeForm):
    def clean(self):
        cleaned = super().clean()
        if not self.target.monthly_profile:
            raise forms.ValidationError(_("该指标的预期进度已按时间均匀推进。"))
        return cleaned


def _save_profile(target_id, form, profile, source, years):
    with transaction.atomic():
        target = Target.objects.select_for_update().get(pk=target_id)
        if profile_text(target.monthly_profile) != form.cleaned_data["current"]:
            form.add_error(None, _("月度曲线已被他人修改，请刷新页面后再操作。"))
            return False
        target.monthly_profile = profile
        target.monthly_profile_source = source
        target.monthly_profile_years = years
        target.clean()  # the rule's own check of a profile (12 cumulative percentages, December 100)
        target._change_reason = form.cleaned_data["reason"]  # simple_history's history_change_reason
        target.save(update_fields=["monthly_profile", "monthly_profile_source", "monthly_profile_years"])
        refresh_targets([target])  # its expected path, status and forecast follow the profile
    return True


def adopt_profile(target_id, form):
    """Adopt the form's learned profile; False (with an error on the form) when the profile was
    changed by someone else since the form was opened."""
    learned = form.profile
    return _save_profile(target_id, form, learned.as_stored(), learned.source_text, list(learned.years))


def revert_to_even_pace(target_id, form):
    """Clear the target's profile: its expected path advances evenly again."""
    return _save_profile(target_id, form, None, "", [])
