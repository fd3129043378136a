from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.text import validate_plain_text

LEADER_EMAIL_INVALID = _("请输入有效的邮箱地址，如 zhangsan@wuhan.gov.cn。")


class Unit(models.Model):
    """An organisation the plan names: a city department, a district or zone, a group."""

    class Kind(models.TextChoices):
        CITY_DEPARTMENT = "city", _("市直部门")
        DISTRICT = "district", _("区（开发区）")
        ENTERPRISE = "enterprise", _("企业或机构")
        GROUP = "group", _("单位组")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    position = models.PositiveIntegerField(_("排序"), default=0)
    email = models.EmailField(_("单位邮箱"), blank=True)
    # The unit's leader in charge (分管领导): copied on every 督办单 to the unit (reports/supervision/messages.py).
    leader_name = models.CharField(_("分管领导"), max_length=50, blank=True, validators=[validate_plain_text])
    leader_email = models.EmailField(
        _("分管领导邮箱"), blank=True, help_text=_("督办单同时抄送此邮箱。"),
        error_messages={"invalid": LEADER_EMAIL_INVALID},
    )
    members = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="groups",
        verbose_name=_("成员单位"),
        help_text=_("仅单位组填写，如“各区人民政府”的各区及开发区。"),
    )

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")

    def __str__(self):
        return self.name

    @property
    def is_group(self):
        return self.kind == self.Kind.GROUP

    def clean(self):
        super().clean()
        self.leader_name = self.leader_name.strip()
        if self.leader_email and not self.leader_name:
            raise ValidationError({"leader_name": _("填写分管领导邮箱时，请一并填写分管领导姓名。")})


class Membership(models.Model):
    """A user's place in the system: a role, and for liaisons the unit they report for."""

    class Role(models.TextChoices):
        STAFF = "staff", _("科技局工作人员")
        LEADER = "leader", _("领导")
        LIAISON = "liaison", _("单位联络员")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership", verbose_name=_("用户")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships", verbose_name=_("单位")
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    must_change_password = models.BooleanField(_("首次登录须修改密码"), default=False)

    class Meta:
        ordering = ["unit__position", "user__username"]
        verbose_name = _("成员")
        verbose_name_plural = _("成员")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="liaison") | models.Q(unit__isnull=False),
                name="membership_liaison_has_unit",
            ),
        ]

    def __str__(self):
        return f"{self.user.get_username()} · {self.get_role_display()} · {self.unit or '—'}"


class AuditEventQuerySet(models.QuerySet):
    """Bulk update and delete are refused like the single-row ones; only the retention
    command removes events, and only those older than settings.AUDIT_RETENTION_DAYS."""

    def update(self, **kwargs):
        raise PermissionError("audit events are append-only")

    def delete(self):
        raise PermissionError("audit events are append-only")

    def purge_older_than(self, days):
        from datetime import timedelta

        from django.utils import timezone

        if days < settings.AUDIT_RETENTION_DAYS:
            raise ValueError(f"audit events are kept at least {settings.AUDIT_RETENTION_DAYS} days")
        old = self.filter(created__lt=timezone.now() - timedelta(days=days))
        return old._raw_delete(old.db)


class AuditEvent(models.Model):
    """The security audit log. Append-only: the app never updates or deletes a row."""

    class Action(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKOUT = "lockout", _("账户锁定")
        LOGOUT = "logout", _("退出")
        CREATE = "create", _("新建")
        UPDATE = "update", _("修改")
        SUBMIT = "submit", _("报送")
        APPROVE = "approve", _("审核通过")
        RETURN = "return", _("退回")
        REOPEN = "reopen", _("重新打开")
        RESTORE = "restore", _("恢复历史版本")
        DELETE = "delete", _("删除")
        EXPORT = "export", _("导出")
        UPLOAD = "upload", _("上传")
        ACCOUNT = "account", _("账户变更")
        BACKUP = "backup", _("数据备份")
        RESTORE_BACKUP = "restore_backup", _("从备份恢复")
        SEND = "send", _("手动发送邮件")

    created = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("用户")
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=60, blank=True)
    object_repr = models.CharField(_("对象"), max_length=300, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("安全审计日志")
        verbose_name_plural = _("安全审计日志")

    def __str__(self):
        return f"{self.created:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events are append-only")


class OtpEnrolmentCode(models.Model):
    """A one-time code a superuser issues so that a staff account may enrol its first second-factor
    device (units/otp_enrolment.py). Only a hash is kept; the code is shown once, to the superuser."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="otp_enrolment_codes", verbose_name=_("账户")
    )
    code_hash = models.CharField(_("绑定码摘要"), max_length=64)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("签发人"),
    )
    issued_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("动态验证码绑定码")
        verbose_name_plural = _("动态验证码绑定码")
