"""API tokens of machine clients (绩效考核, 督查室) and kiosk links of the command-room screen:
named, read-only, with an expiry, revocable. Only a SHA-256 digest of the key is kept; the key is
shown once, to the member of staff who creates it (api/pages.py).

A client token reads every endpoint; a kiosk token reads only what /screen/ shows (api/access.py)."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_PREFIX = "wp_"


def digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class ApiToken(models.Model):
    class Kind(models.TextChoices):
        CLIENT = "client", _("接口客户端")
        KIOSK = "kiosk", _("大屏链接")

    name = models.CharField(_("客户端名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.CLIENT)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_start = models.CharField(_("密钥开头"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("创建人")
    )
    expires_at = models.DateTimeField(_("有效期至"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("吊销人"),
    )
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self):
        return f"{self.name}（{self.key_start}…）"

    @classmethod
    def issue(cls, name, expires_at, created_by, kind=Kind.CLIENT):
        """A new token and its key, which is not stored and cannot be shown again."""
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            name=name, kind=kind, key_hash=digest(key), key_start=key[:8], expires_at=expires_at,
            created_by=created_by,
        )
        return token, key

    @property
    def is_kiosk(self):
        return self.kind == self.Kind.KIOSK

    @classmethod
    def usable_by_key(cls, key, now=None):
        """The token whose key this is, if it is neither expired nor revoked; else None."""
        token = cls.objects.filter(key_hash=digest(key)).first()
        return token if token is not None and token.is_usable(now) else None

    def is_usable(self, now=None):
        return self.revoked_at is None and self.expires_at > (now or timezone.now())
