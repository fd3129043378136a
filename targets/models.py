from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from targets.forecast_figures import Forecast, points_wording
from targets.numbers import format_number
from tasks.models import MONTH_VALIDATORS, MonthlyReport, Plan, Section, Task
from units.access import ScopedQuerySet, editable_unit_ids, is_staff
from units.models import Unit

# Months between two due periods of each reporting frequency.
DUE_MONTH_STEP = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}
# Wordings the plan puts after the number (11.5%以上, 100名左右); the others come before it.
SUFFIX_WORDINGS = {"以上", "左右", "以内", "以下"}


class TargetQuerySet(ScopedQuerySet):
    def editable_by(self, user):
        if is_staff(user):
            return self
        return self.filter(reporting_unit_id__in=editable_unit_ids(user))


class Target(models.Model):
    """A quantitative target (指标) of the plan, from the goals of part 一 or the text of a task."""

    class Kind(models.TextChoices):
        STOCK = "stock", _("年末存量")
        CUMULATIVE = "cumulative", _("年度累计")
        RATE = "rate", _("增速或占比")
        # A fixed number of projects the plan names (推进建设4个设施, 十大专项): the count cannot
        # pass the plan's number, so neither a reported value nor a forecast may exceed it.
        MILESTONE = "milestone", _("限定数量的项目")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("每月")
        QUARTERLY = "quarterly", _("每季度")
        HALF_YEARLY = "half_yearly", _("每半年")
        YEARLY = "yearly", _("每年")

    class Comparison(models.TextChoices):
        AT_LEAST = "at_least", _("不低于")
        ABOUT = "about", _("左右")
        REACH = "reach", _("达到")

    class ShareRule(models.TextChoices):
        """How a city target's figure follows from its district shares' (targets/breakdown.py)."""

        SUM = "sum", _("求和")
        MEAN = "mean", _("平均")
        # The city figure is reported by the city target's own unit; the shares are shown beside it.
        NONE = "none", _("不汇总")

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
    baseline_reason = models.TextField(_("年初基数依据"), blank=True, help_text=_("数据来源或设定理由。"))
    baseline_is_demo = models.BooleanField(_("年初基数为演示数据"), default=False)
    frequency = models.CharField(_("报送频次"), max_length=20, choices=Frequency.choices, default=Frequency.MONTHLY)
    frequency_reason = models.CharField(_("频次说明"), max_length=200, blank=True)
    monthly_profile = models.JSONField(
        _("月度进度曲线"), null=True, blank=True,
        help_text=_("12 个累计百分比（0–100，逐月不减，12 月为 100）；空白时按时间均匀推进。"),
    )
    # Where the profile came from when staff adopted one learned from earlier years
    # (targets/learned_profile.py): the words (依据2021–2022年月度数据) and the years.
    monthly_profile_source = models.CharField(_("月度进度曲线来源"), max_length=200, blank=True)
    monthly_profile_years = models.JSONField(_("月度进度曲线所据年份"), default=list, blank=True)
    # The same target in the previous year's plan when staff chose it (its code changed); empty:
    # matched by code (targets/earlier_years.py).
    counterpart_in_previous_plan = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("上年对应指标"),
    )
    # A district's share of a city target (its own figure, reported by the district); the city
    # figure follows from the shares by the city target's `share_rule` (targets/breakdown.py).
    breakdown_of = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="shares",
        verbose_name=_("所属全市指标"),
    )
    share_rule = models.CharField(
        _("分区汇总方式"), max_length=10, choices=ShareRule.choices, default=ShareRule.SUM,
        help_text=_("已分解到各区时，全市数值如何由各区数值得出。"),
    )

    # Every change of a year-start figure, a monthly profile (or any other field) is kept, with who made it.
    history = HistoricalRecords()

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "position", "code"]
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="target_unique_code_per_plan"),
            models.UniqueConstraint(fields=["plan", "name"], name="target_unique_name_per_plan"),
            models.UniqueConstraint(
                fields=["breakdown_of", "reporting_unit"], condition=models.Q(breakdown_of__isnull=False),
                name="target_one_share_per_unit",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.wording}）"

    @property
    def display_value(self):
        return format(self.value.normalize(), "f")

    @property
    def is_percent(self):
        return self.kind == self.Kind.RATE

    @property
    def due_months(self):
        """The months whose report carries this target's figure (quarterly: 3, 6, 9, 12)."""
        step = DUE_MONTH_STEP[self.frequency]
        return tuple(range(step, 13, step))

    @classmethod
    def frequencies_due_in(cls, month):
        """The frequencies whose targets are due in `month` (December: all of them)."""
        return [frequency for frequency, step in DUE_MONTH_STEP.items() if month % step == 0]

    def is_due_in(self, month):
        return month % DUE_MONTH_STEP[self.frequency] == 0

    def latest_due_month(self, month):
        """The latest month up to `month` in which the target is due; None before its first."""
        step = DUE_MONTH_STEP[self.frequency]
        return (month // step) * step or None

    @property
    def wording(self):
        """The target as the plan states it: 突破13,000家, 11.5%以上, 100名左右, 扩容至400P, 10个."""
        number = f"{format_number(self.value)}{self.unit_of_measure}"
        word = self.comparison_wording.strip()
        if word in ("", "—", "-"):
            return number
        if word in SUFFIX_WORDINGS:
            return f"{number}{word}"
        return f"{word}{number}"

    @property
    def is_share(self):
        return self.breakdown_of_id is not None

    def clean(self):
        self._clean_breakdown()
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

    def _clean_breakdown(self):
        """A share belongs to its city target's plan, is not itself broken down, and has no share of its own."""
        if self.breakdown_of_id is None:
            return
        city = self.breakdown_of
        if self.pk is not None and city.pk == self.pk:
            raise ValidationError({"breakdown_of": _("指标不能作为自身的分区指标。")})
        if city.plan_id != self.plan_id:
            raise ValidationError({"breakdown_of": _("分区指标须与全市指标属于同一工作要点。")})
        if city.breakdown_of_id is not None:
            raise ValidationError({"breakdown_of": _("分区指标不能再分解。")})
        if self.pk is not None and Target.objects.filter(breakdown_of_id=self.pk).exists():
            raise ValidationError({"breakdown_of": _("已分解到各区的指标不能作为分区指标。")})


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
    # Why the figure looked wrong when it was saved (targets/data_quality.py), confirmed by its note;
    # derived from the value, so not part of its history.
    suspect = models.JSONField(_("存疑原因"), default=list, blank=True)
    history = HistoricalRecords(excluded_fields=["suspect"])

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
        ]

    def __str__(self):
        return _("%(name)s %(month)s月 %(value)s") % {"name": self.target.name, "month": self.month, "value": self.value}


class Status(models.TextChoices):
    DONE = "done", _("已完成")
    ON_TRACK = "on_track", _("正常")
    BEHIND = "behind", _("滞后")
    SERIOUSLY_BEHIND = "seriously_behind", _("严重滞后")
    NOT_REPORTED = "not_reported", _("未报送")
    NOT_DUE = "not_due", _("未到报送期")


class StandingFigures:
    """What a standing shows beyond its stored columns; shared by the computed `progress.Standing`
    and the stored `TargetStanding`, so that every page, export and email words it alike."""

    @property
    def status_label(self):
        return Status(self.status).label

    @property
    def judged_month(self):
        return self.value_month or self.due_month or self.month

    @property
    def is_stale(self):
        """The value shown belongs to an earlier month than the one viewed."""
        return self.value_month is not None and self.value_month < self.month

    @property
    def summary(self):
        """One line for emails and bulletins: 完成率 and 时间进度, or a rate's gap in points, with the data's month."""
        if self.value is None:
            return str(self.status_label)
        if self.points is not None:
            text = _("%(value)s%%，%(gap)s") % {"value": format_number(self.value), "gap": points_wording(self.points)}
        else:
            text = _("完成率 %(completion)s%%，时间进度 %(progress)s%%") % {
                "completion": self.completion, "progress": self.expected_share,
            }
        return text + _("（%(month)s月数据）") % {"month": self.value_month}


    @property
    def missing_label(self):
        """本月未报送 (monthly) / 本期未报送 (quarterly and longer), or ''."""
        if not self.missing_due_period or self.value is None:
            return ""
        if self.target.frequency == Target.Frequency.MONTHLY:
            return _("本月未报送")
        return _("本期未报送")




class TargetStandingQuerySet(models.QuerySet):
    def at(self, plan, month):
        return self.filter(plan=plan, month=month)


class TargetStanding(StandingFigures, models.Model):
    """A target's standing viewed at a plan month, computed by the rules when its data changes.

    Written only by targets/standing_store.py, in the transaction that changes the approved data
    (approve, reopen, a year-start figure, a rule setting); read by every page with plain queries.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="standings")
    month = models.PositiveSmallIntegerField(validators=MONTH_VALIDATORS)
    value = models.DecimalField(max_digits=16, decimal_places=4, null=True)
    value_month = models.PositiveSmallIntegerField(null=True)
    due_month = models.PositiveSmallIntegerField(null=True)
    missing_due_period = models.BooleanField(default=False)
    # {"3": "12049.0000", …}: the approved figure of each month up to `month` (charts, the workbook).
    monthly_values_json = models.JSONField(default=dict)
    completion = models.DecimalField(max_digits=12, decimal_places=1, null=True)
    points = models.DecimalField(max_digits=12, decimal_places=1, null=True)
    expected_share = models.DecimalField(max_digits=6, decimal_places=1)
    time_progress = models.DecimalField(max_digits=6, decimal_places=1)
    status = models.CharField(max_length=20)
    status_rank = models.PositiveSmallIntegerField()
    judged_by_trend = models.BooleanField(default=False)
    forecast_value = models.DecimalField(max_digits=16, decimal_places=4, null=True)
    forecast_low = models.DecimalField(max_digits=16, decimal_places=4, null=True)
    forecast_high = models.DecimalField(max_digits=16, decimal_places=4, null=True)
    forecast_method = models.CharField(max_length=20, blank=True)
    forecast_months_used = models.PositiveSmallIntegerField(null=True)
    forecast_months_left = models.PositiveSmallIntegerField(null=True)
    forecast_likely_missed = models.BooleanField(null=True)
    forecast_completion = models.DecimalField(max_digits=12, decimal_places=1, null=True)
    forecast_points = models.DecimalField(max_digits=12, decimal_places=1, null=True)
    pace_needed = models.DecimalField(max_digits=16, decimal_places=2, null=True)
    last_update = models.DateTimeField(null=True)

    objects = TargetStandingQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["target", "month"], name="standing_unique_target_month")]
        indexes = [
            models.Index(fields=["plan", "month", "status_rank"], name="standing_plan_month_status"),
            models.Index(fields=["plan", "month", "completion"], name="standing_plan_month_completion"),
        ]

    @property
    def monthly_values(self):
        return {int(m): Decimal(v) for m, v in sorted(self.monthly_values_json.items(), key=lambda i: int(i[0]))}

    @property
    def forecast(self):
        """The Forecast this standing was computed with, or None."""
        if self.forecast_value is None:
            return None
        return Forecast(
            value=self.forecast_value, low=self.forecast_low, high=self.forecast_high, method=self.forecast_method,
            months_used=self.forecast_months_used, likely_missed=self.forecast_likely_missed,
            completion=self.forecast_completion, points=self.forecast_points, pace_needed=self.pace_needed,
            months_left=self.forecast_months_left,
        )


class TaskStanding(models.Model):
    """A task's status viewed at a plan month, with its flags (see targets/task_status.py)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="standings")
    month = models.PositiveSmallIntegerField(validators=MONTH_VALIDATORS)
    status = models.CharField(max_length=20)
    status_rank = models.PositiveSmallIntegerField()
    flags = models.JSONField(default=list)
    behind_responsible = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "month"], name="task_standing_unique_task_month")]
        indexes = [models.Index(fields=["plan", "month", "status_rank"], name="task_standing_plan_month")]

    @property
    def status_label(self):
        return Status(self.status).label
