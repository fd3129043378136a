from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from targets.models import Target
from tasks.models import MONTH_VALIDATORS, Plan, ProgressReport, Task
from units.access import ScopedQuerySet
from units.models import Unit


class ReminderMessage(models.Model):
    """One email of a periodic kind to one recipient for one period. Sent at most once."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("每周通报")
        MONTHLY_NOTICE = "monthly-notice", _("月度报送通知")
        MONTHLY_REMINDER = "monthly-reminder", _("报送提醒")
        MONTHLY_OVERDUE = "monthly-overdue", _("逾期催报")
        MONTHLY_SUMMARY = "monthly-summary", _("月度进展汇总")
        QUARTERLY = "quarterly", _("季度调度报告")
        RETURNED = "returned", _("退回通知")
        URGING_NOTICE = "urging-notice", _("督办通知")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    period = models.CharField(_("期间"), max_length=20, help_text=_("如 2023-W20、2023-05、2023Q2"))
    recipient = models.EmailField(_("收件人"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("用户")
    )
    unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("单位"))
    subject = models.CharField(_("主题"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    error = models.TextField(_("错误"), blank=True)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # When the last attempt claimed the message: a "sending" row older than a few minutes
    # belongs to a worker that died mid-send and may be re-sent by hand.
    last_attempt_at = models.DateTimeField(_("最近尝试时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("提醒邮件")
        verbose_name_plural = _("提醒邮件")
        constraints = [
            models.UniqueConstraint(fields=["kind", "period", "recipient"], name="reminder_once_per_recipient"),
        ]
        indexes = [models.Index(fields=["kind", "period"], name="reminder_kind_period")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period} → {self.recipient}"

    @property
    def is_addressed_to_unit(self):
        """Notices, reminders and overdue notices go to a unit's liaison; the rest to people."""
        return self.unit_id is not None


class UrgingNoticeQuerySet(ScopedQuerySet):
    unit_field = "unit"

    def open(self):
        return self.filter(status__in=UrgingNotice.OPEN_STATUSES)


class UrgingNotice(models.Model):
    """A numbered urging notice (督办通知) of the plan to one unit: a 催办单 when its month's report is
    overdue, a 督办单 when it stays overdue or a target it reports stays 严重滞后 (reports/supervision/).

    Exactly one per (kind, unit, month) or (kind, unit, target); its number is per plan and kind
    (催办〔2023〕第3号). Every change is a history row; `version` refuses a stale edit."""

    class Kind(models.TextChoices):
        URGE = "urge", _("催办单")
        SUPERVISE = "supervise", _("督办单")

    class Cause(models.TextChoices):
        OVERDUE = "overdue", _("逾期未报送")
        SERIOUSLY_BEHIND = "seriously-behind", _("连续两个月严重滞后")

    class Status(models.TextChoices):
        PENDING = "pending", _("待签收")
        SIGNED = "signed", _("已签收")
        REPLIED = "replied", _("已回复")
        CLOSED = "closed", _("已办结")
        ESCALATED = "escalated", _("已升级")

    OPEN_STATUSES = (Status.PENDING, Status.SIGNED, Status.REPLIED)
    NUMBER_PREFIX = {Kind.URGE: "催办", Kind.SUPERVISE: "督办"}

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+", verbose_name=_("工作要点"))
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    serial = models.PositiveIntegerField(_("序号"))
    cause = models.CharField(_("事由"), max_length=20, choices=Cause.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("单位"))
    month = models.PositiveSmallIntegerField(_("月份"), null=True, blank=True, validators=MONTH_VALIDATORS)
    target = models.ForeignKey(
        Target, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("指标")
    )
    escalated_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="escalated_to",
        verbose_name=_("由此催办单升级"),
    )
    request = models.TextField(_("要求"))
    issued_on = models.DateField(_("印发日期"))
    deadline = models.DateField(_("办理期限"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("签收人"),
    )
    reply = models.TextField(_("办理情况"), blank=True)
    promised_on = models.DateField(_("承诺办结日期"), null=True, blank=True)
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("回复人"),
    )
    closing_note = models.TextField(_("办结意见"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("办结人"),
    )
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    history = HistoricalRecords()

    objects = UrgingNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("督办通知")
        verbose_name_plural = _("督办通知")
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "serial"], name="notice_number_per_plan_kind"),
            models.UniqueConstraint(
                fields=["plan", "kind", "unit", "month"], condition=models.Q(target__isnull=True),
                name="notice_once_per_unit_month",
            ),
            models.UniqueConstraint(
                fields=["kind", "unit", "target"], condition=models.Q(target__isnull=False),
                name="notice_once_per_unit_target",
            ),
            models.CheckConstraint(
                condition=models.Q(month__isnull=False) | models.Q(target__isnull=False),
                name="notice_about_month_or_target",
            ),
        ]
        indexes = [models.Index(fields=["unit", "status"], name="notice_unit_status")]

    def __str__(self):
        return self.number

    @property
    def number(self):
        """催办〔2023〕第3号: the kind's prefix, the plan's year, the serial."""
        return f"{self.NUMBER_PREFIX[self.kind]}〔{self.plan.year}〕第{self.serial}号"

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def subject(self):
        """What the notice is about, as its title and email say it."""
        if self.target_id:
            return _("%(unit)s报送的指标“%(target)s”%(cause)s") % {
                "unit": self.unit.name, "target": self.target.name, "cause": self.get_cause_display()}
        return _("%(unit)s%(year)s年%(month)s月工作进展%(cause)s") % {
            "unit": self.unit.name, "year": self.plan.year, "month": self.month, "cause": self.get_cause_display()}


class AssessmentRules(models.Model):
    """The weights and rule parameters of the units' assessment (考核评比, reports/assessment/): one row,
    set by staff on /reports/assessment/rules/. Until staff save it the defaults below apply.

    The five weights are the full points of each component and sum to 100 (checked by the form)."""

    SINGLETON_PK = 1

    timeliness_weight = models.PositiveSmallIntegerField(_("报送及时性（分）"), default=30)
    completeness_weight = models.PositiveSmallIntegerField(_("报送完整性（分）"), default=20)
    quality_weight = models.PositiveSmallIntegerField(_("报送质量（分）"), default=20)
    progress_weight = models.PositiveSmallIntegerField(_("工作进展（分）"), default=20)
    notices_weight = models.PositiveSmallIntegerField(_("督办落实（分）"), default=10)
    late_credit_percent = models.PositiveSmallIntegerField(
        _("逾期报送得分比例（%）"), default=50, validators=[MaxValueValidator(100)],
        help_text=_("逾期报送的月份得该月及时性分值的这一比例；未报送的月份不得分。"),
    )
    behind_credit_percent = models.PositiveSmallIntegerField(
        _("滞后得分比例（%）"), default=50, validators=[MaxValueValidator(100)],
        help_text=_("滞后的指标或任务得其分值的这一比例；严重滞后、未报送不得分，已完成、正常得满分。"),
    )
    lead_task_weight = models.PositiveSmallIntegerField(
        _("牵头任务权重（倍）"), default=2, validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("牵头任务在工作进展中的分量，为责任任务和所报指标（各计 1）的倍数。"),
    )
    return_points = models.DecimalField(
        _("每次退回扣分"), max_digits=4, decimal_places=1, default=Decimal("5"), validators=[MinValueValidator(0)],
    )
    correction_points = models.DecimalField(
        _("每项审核更正扣分"), max_digits=4, decimal_places=1, default=Decimal("2"),
        validators=[MinValueValidator(0)], help_text=_("报送后经市科技局人员更正的指标数值，每项扣分。"),
    )
    supervision_points = models.DecimalField(
        _("每件督办单扣分"), max_digits=4, decimal_places=1, default=Decimal("5"), validators=[MinValueValidator(0)],
    )
    overdue_supervision_points = models.DecimalField(
        _("督办单未按期办结扣分"), max_digits=4, decimal_places=1, default=Decimal("5"),
        validators=[MinValueValidator(0)],
    )
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("修改人"),
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    history = HistoricalRecords()

    WEIGHT_FIELDS = ("timeliness_weight", "completeness_weight", "quality_weight", "progress_weight", "notices_weight")

    class Meta:
        verbose_name = _("考核评比规则")
        verbose_name_plural = _("考核评比规则")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="assessment_rules_single_row")]

    def __str__(self):
        return str(_("考核评比规则"))

    @classmethod
    def current(cls):
        """The saved rules, or the defaults (unsaved: reading a page never writes)."""
        return cls.objects.filter(pk=cls.SINGLETON_PK).first() or cls(pk=cls.SINGLETON_PK)

    @property
    def weight_total(self):
        return sum(getattr(self, name) or 0 for name in self.WEIGHT_FIELDS)


class LeaderInstructionQuerySet(ScopedQuerySet):
    """A liaison sees the instructions assigned to its unit (one assignment per unit: no duplicates)."""

    unit_field = "assignments__unit"

    def open(self):
        return self.exclude(status=LeaderInstruction.Status.DONE)


class LeaderInstruction(models.Model):
    """A leader's instruction (领导批示) on one item of the plan — a task, a target, a coordination
    matter (a ProgressReport flagged 需市级协调) or an urging notice — assigned to units, each of
    which replies (办理情况); 待办 until the first reply, then 办理中 until staff or the leader close
    it (reports/instructions/). Every step is a history row; `version` refuses a stale close."""

    class Status(models.TextChoices):
        TODO = "todo", _("待办")
        IN_PROGRESS = "in-progress", _("办理中")
        DONE = "done", _("已办结")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+", verbose_name=_("工作要点"))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("批示领导")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("录入人"),
    )
    task = models.ForeignKey(Task, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("任务"))
    target = models.ForeignKey(Target, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("指标"))
    matter = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("协调事项"))
    notice = models.ForeignKey(UrgingNotice, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("督办通知"))
    text = models.TextField(_("批示内容"))
    instructed_on = models.DateField(_("批示日期"))
    units = models.ManyToManyField(Unit, through="InstructionAssignment", related_name="+", verbose_name=_("承办单位"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.TODO)
    closing_note = models.TextField(_("办结意见"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("办结人"),
    )
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    history = HistoricalRecords()

    objects = LeaderInstructionQuerySet.as_manager()

    ITEM_FIELDS = ("task", "target", "matter", "notice")

    class Meta:
        ordering = ["-instructed_on", "-id"]
        verbose_name = _("领导批示")
        verbose_name_plural = _("领导批示")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(task__isnull=False, target__isnull=True, matter__isnull=True, notice__isnull=True)
                    | models.Q(task__isnull=True, target__isnull=False, matter__isnull=True, notice__isnull=True)
                    | models.Q(task__isnull=True, target__isnull=True, matter__isnull=False, notice__isnull=True)
                    | models.Q(task__isnull=True, target__isnull=True, matter__isnull=True, notice__isnull=False)
                ),
                name="instruction_on_one_item",
            ),
        ]
        indexes = [models.Index(fields=["plan", "status"], name="instruction_plan_status")]

    def __str__(self):
        return _("%(leader)s批示（%(day)s）") % {"leader": self.leader_name, "day": self.instructed_on}

    @property
    def is_open(self):
        return self.status != self.Status.DONE

    @property
    def leader_name(self):
        return self.leader.get_full_name() or self.leader.get_username()

    @property
    def item_label(self):
        """What the instruction is on, as the pages and the workbook name it (the item's row must be
        loaded: select_related("task", "target", "matter__report__unit", "matter__task", "notice__plan"))."""
        if self.task_id:
            return _("任务%(number)s %(title)s") % {"number": self.task.number, "title": self.task.title}
        if self.target_id:
            return _("指标 %(code)s %(name)s") % {"code": self.target.code, "name": self.target.name}
        if self.matter_id:
            report = self.matter.report
            return _("协调事项：%(unit)s%(month)s月 任务%(number)s“%(matter)s”") % {
                "unit": report.unit.name, "month": report.month, "number": self.matter.task.number,
                "matter": self.matter.coordination_matter}
        return _("督办通知 %(number)s") % {"number": self.notice.number}


class InstructionAssignment(models.Model):
    """A unit an instruction is assigned to (承办单位) and its latest reply (办理情况); each reply is
    a history row. `version` refuses a stale or repeated reply of this unit only."""

    instruction = models.ForeignKey(LeaderInstruction, on_delete=models.CASCADE, related_name="assignments",
                                    verbose_name=_("领导批示"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("承办单位"))
    reply = models.TextField(_("办理情况"), blank=True)
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("回复人"),
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["instruction", "unit__position", "unit__code"]
        verbose_name = _("批示承办单位")
        verbose_name_plural = _("批示承办单位")
        constraints = [models.UniqueConstraint(fields=["instruction", "unit"], name="instruction_assigned_once")]

    def __str__(self):
        return f"{self.instruction} · {self.unit}"
