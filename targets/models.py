from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tasks.models import MONTH_VALIDATORS, MonthlyReport, Plan, Section, Task
from units.access import ScopedQuerySet
from units.models import Unit


class TargetQuerySet(ScopedQuerySet):
    def editable_by(self, user):
        from units.access import editable_unit_ids, is_staff

        if is_staff(user):
            return self
        return self.filter(reporting_unit_id__in=editable_unit_ids(user))


class Target(models.Model):
    """A quantitative target (指标) of the plan, from the goals of part 一 or the text of a task."""

    class Kind(models.TextChoices):
        STOCK = "stock", _("年末存量")
        CUMULATIVE = "cumulative", _("年度累计")
        RATE = "rate", _("增速或占比")
        MILESTONE = "milestone", _("节点计数")

    class Comparison(models.TextChoices):
        AT_LEAST = "at_least", _("不低于")
        ABOUT = "about", _("左右")
        REACH = "reach", _("达到")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets", verbose_name=_("工作要点"))
    code = models.CharField(_("编号"), max_length=20, help_text=_("如 T01"))
    name = models.CharField(_("名称"), max_length=120)
    value = models.DecimalField(
        _("目标值"), max_digits=16, decimal_places=4, validators=[MinValueValidator(Decimal("0.0001"))]
    )
    unit_of_measure = models.CharField(_("计量单位"), max_length=20)
    comparison = models.CharField(_("比较方式"), max_length=20, choices=Comparison.choices)
    comparison_wording = models.CharField(_("原文表述"), max_length=20, help_text=_("如“突破”“以上”“左右”"))
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    goal_section = models.ForeignKey(
        Section, on_delete=models.PROTECT, null=True, blank=True, related_name="goal_targets",
        limit_choices_to={"kind": Section.Kind.GOAL_GROUP}, verbose_name=_("目标组"),
    )
    tasks = models.ManyToManyField(Task, blank=True, related_name="targets", verbose_name=_("所属任务"))
    reporting_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="reported_targets", verbose_name=_("报送单位")
    )
    source_text = models.TextField(_("原文"))
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    baseline = models.DecimalField(
        _("年初基数"), max_digits=16, decimal_places=4, null=True, blank=True,
        help_text=_("存量指标上年末的数值；空白时预期进度从零起算。"),
    )
    monthly_profile = models.JSONField(
        _("月度进度曲线"), null=True, blank=True,
        help_text=_("12 个累计百分比（0–100，逐月不减，12 月为 100）；空白时按时间均匀推进。"),
    )

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "position", "code"]
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="target_unique_code_per_plan"),
            models.UniqueConstraint(fields=["plan", "name"], name="target_unique_name_per_plan"),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_comparison_display()} {self.display_value}{self.unit_of_measure}）"

    @property
    def display_value(self):
        return format(self.value.normalize(), "f")

    @property
    def is_percent(self):
        return self.kind == self.Kind.RATE

    def clean(self):
        profile = self.monthly_profile
        if profile in (None, ""):
            return
        message = _("月度进度曲线须为 12 个 0–100 之间、逐月不减、以 100 结尾的数字。")
        if not isinstance(profile, list) or len(profile) != 12:
            raise ValidationError({"monthly_profile": message})
        try:
            numbers = [Decimal(str(p)) for p in profile]
        except Exception:
            raise ValidationError({"monthly_profile": message}) from None
        if any(n < 0 or n > 100 for n in numbers) or numbers != sorted(numbers) or numbers[-1] != 100:
            raise ValidationError({"monthly_profile": message})


class TargetValueQuerySet(ScopedQuerySet):
    unit_field = "unit"

    def approved(self):
        return self.filter(report__status=MonthlyReport.Status.APPROVED)


class TargetValue(models.Model):
    """A unit's figure for a target as of the end of a month, in the target's own terms.

    Year-end stock: the current total; cumulative flow: 1–N月累计; rate or share: the
    year-to-date percent. It belongs to the unit's monthly report and counts once approved.
    """

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="values", verbose_name=_("指标"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="target_values", verbose_name=_("报送单位"))
    report = models.ForeignKey(
        MonthlyReport, on_delete=models.CASCADE, related_name="values", verbose_name=_("月度报送")
    )
    month = models.PositiveSmallIntegerField(_("月份"), validators=MONTH_VALIDATORS)
    value = models.DecimalField(_("数值"), max_digits=16, decimal_places=4)
    note = models.TextField(_("说明"), max_length=2000, blank=True)
    source = models.CharField(_("数据来源"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("填报人"),
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    history = HistoricalRecords()

    objects = TargetValueQuerySet.as_manager()

    class Meta:
        ordering = ["target", "month", "unit"]
        verbose_name = _("月度指标值")
        verbose_name_plural = _("月度指标值")
        constraints = [
            models.UniqueConstraint(fields=["target", "unit", "month"], name="value_unique_target_unit_month"),
        ]
        indexes = [
            models.Index(fields=["target", "month"], name="value_target_month"),
            # The dashboards' data version reads the latest change per report (targets/cache.py).
            models.Index(fields=["report", "updated_at"], name="value_report_updated"),
        ]

    def __str__(self):
        return _("%(name)s %(month)s月 %(value)s") % {"name": self.target.name, "month": self.month, "value": self.value}
