from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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
