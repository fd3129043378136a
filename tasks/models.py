from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from units.access import ScopedQuerySet, editable_unit_ids, is_staff
from units.models import Unit

MONTH_VALIDATORS = [MinValueValidator(1), MaxValueValidator(12)]


class PlanQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=Plan.State.PUBLISHED)


class Plan(models.Model):
    """One year's work plan, e.g. 武政办〔2023〕4号. Plans of several years live side by side.

    A plan copied in the app starts as a draft: staff edit it, then publish it. Only a published plan
    takes reports or is shown by the dashboard; the plans loaded from fixtures are published (the default).
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=200)
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    issuer = models.CharField(_("印发机关"), max_length=100, blank=True)
    issued_on = models.DateField(_("印发日期"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.PUBLISHED)
    history = HistoricalRecords()

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("工作要点")
        verbose_name_plural = _("工作要点")

    def __str__(self):
        return self.title

    @property
    def is_published(self):
        return self.state == self.State.PUBLISHED

    @classmethod
    def current(cls):
        """The plan the dashboard shows by default: the newest published one (never a draft)."""
        return cls.objects.published().order_by("-year", "code").first()


class Section(models.Model):
    """A goal group of part 一 or a task area (一)…(九) of part 二."""

    class Kind(models.TextChoices):
        GOAL_GROUP = "goal", _("目标组")
        TASK_AREA = "task", _("任务板块")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections", verbose_name=_("工作要点"))
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("序号"))
    numeral = models.CharField(_("编号"), max_length=10, help_text=_("如“（一）”"))
    title = models.CharField(_("标题"), max_length=100)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "kind", "number"]  # goal groups ("goal") before task areas ("task")
        verbose_name = _("板块")
        verbose_name_plural = _("板块")
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "number"], name="section_unique_number_per_plan"),
        ]

    def __str__(self):
        return f"{self.numeral}{self.title}"


class TaskQuerySet(ScopedQuerySet):
    def editable_by(self, user):
        if is_staff(user):
            return self
        return self.filter(assignments__unit_id__in=editable_unit_ids(user)).distinct()


class Task(models.Model):
    """One of the plan's numbered work tasks (the plan's 22 tasks, not Celery)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("工作要点"))
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("板块"))
    number = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("标题"), max_length=100)
    text = models.TextField(_("原文"))
    units = models.ManyToManyField(Unit, through="TaskAssignment", related_name="tasks", verbose_name=_("单位"))
    history = HistoricalRecords()

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("重点任务")
        verbose_name_plural = _("重点任务")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="task_unique_number_per_plan")]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def lead_units(self):
        return [a.unit for a in self.assignments.all() if a.role == TaskAssignment.Role.LEAD]

    def responsible_units(self):
        return [a.unit for a in self.assignments.all() if a.role == TaskAssignment.Role.RESPONSIBLE]


class TaskAssignment(models.Model):
    """A unit named for a task, as lead (牵头单位) or responsible (责任单位), in the plan's order."""

    class Role(models.TextChoices):
        LEAD = "lead", _("牵头单位")
        RESPONSIBLE = "responsible", _("责任单位")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("任务"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("单位"))
    role = models.CharField(_("职责"), max_length=20, choices=Role.choices)
    position = models.PositiveSmallIntegerField(_("排序"))
    history = HistoricalRecords()  # a unit named or removed, with who did it and why

    class Meta:
        ordering = ["task", "role", "position"]  # "lead" sorts before "responsible"
        verbose_name = _("任务分工")
        verbose_name_plural = _("任务分工")
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="assignment_unique_unit_per_task")]

    def __str__(self):
        return f"{self.task.number} {self.get_role_display()} {self.unit}"


class ReportingMonthClosure(models.Model):
    """A reporting month bureau staff have closed: nothing more may be entered for it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="closed_months", verbose_name=_("工作要点"))
    month = models.PositiveSmallIntegerField(_("月份"), validators=MONTH_VALIDATORS)
    closed_at = models.DateTimeField(_("关闭时间"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, verbose_name=_("关闭人")
    )
    history = HistoricalRecords()  # who closed and who opened a month: its creation and deletion

    class Meta:
        ordering = ["plan", "month"]
        verbose_name = _("已关闭的报送月份")
        verbose_name_plural = _("已关闭的报送月份")
        constraints = [models.UniqueConstraint(fields=["plan", "month"], name="closure_unique_month_per_plan")]


class MonthlyReportQuerySet(ScopedQuerySet):
    unit_field = "unit"


class MonthlyReport(models.Model):
    """A unit's report for one month: its target values and task progress, submitted and reviewed as one."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已报送待审核")
        RETURNED = "returned", _("已退回")
        APPROVED = "approved", _("已审核")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reports", verbose_name=_("工作要点"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reports", verbose_name=_("单位"))
    month = models.PositiveSmallIntegerField(_("月份"), validators=MONTH_VALIDATORS)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("报送人"),
    )
    is_late = models.BooleanField(_("逾期报送"), default=False)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("审核人"),
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    reopen_reason = models.TextField(_("重新打开原因"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    history = HistoricalRecords()

    objects = MonthlyReportQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "month", "unit__position"]
        verbose_name = _("月度报送")
        verbose_name_plural = _("月度报送")
        constraints = [
            models.UniqueConstraint(fields=["plan", "unit", "month"], name="report_unique_unit_month"),
        ]
        indexes = [models.Index(fields=["plan", "month", "status"], name="report_plan_month_status")]

    def __str__(self):
        return _("%(unit)s %(year)s年%(month)s月") % {"unit": self.unit, "year": self.plan.year, "month": self.month}

    @property
    def is_locked(self):
        return self.status in (self.Status.SUBMITTED, self.Status.APPROVED)


class ProgressReportQuerySet(ScopedQuerySet):
    unit_field = "report__unit"


class ProgressReport(models.Model):
    """A unit's monthly progress (月度进展) on one task."""

    class SelfStatus(models.TextChoices):
        ON_TRACK = "on_track", _("正常推进")
        BEHIND = "behind", _("进度滞后")
        DONE = "done", _("已完成")
        NOT_STARTED = "not_started", _("未启动")

    report = models.ForeignKey(
        MonthlyReport, on_delete=models.CASCADE, related_name="progress", verbose_name=_("月度报送")
    )
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="progress", verbose_name=_("任务"))
    work_done = models.TextField(_("工作进展"), max_length=5000, blank=True)
    problems = models.TextField(_("存在问题"), max_length=5000, blank=True)
    next_steps = models.TextField(_("下步计划"), max_length=5000, blank=True)
    self_status = models.CharField(_("自评状态"), max_length=20, choices=SelfStatus.choices, blank=True)
    needs_coordination = models.BooleanField(_("需市级协调"), default=False)
    coordination_matter = models.TextField(_("协调事项"), max_length=2000, blank=True)
    coordination_closed = models.BooleanField(_("协调事项已办结"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("填报人"),
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    history = HistoricalRecords()

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        ordering = ["report", "task__number"]
        verbose_name = _("月度进展")
        verbose_name_plural = _("月度进展")
        constraints = [models.UniqueConstraint(fields=["report", "task"], name="progress_unique_task_per_report")]
        indexes = [
            models.Index(fields=["needs_coordination", "coordination_closed"], name="progress_coordination"),
        ]

    def __str__(self):
        return f"{self.report} · {self.task}"


class EvidenceFileQuerySet(ScopedQuerySet):
    unit_field = "progress__report__unit"


class EvidenceFile(models.Model):
    """A supporting document attached to a progress report, stored under a random name."""

    progress = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("月度进展")
    )
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("上传人")
    )

    objects = EvidenceFileQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self):
        return self.original_name
