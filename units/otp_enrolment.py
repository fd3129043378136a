"""Who may enrol a second-factor device, and with what.

With REQUIRE_OTP_FOR_STAFF on, a staff account's first device is enrolled only with a one-time
enrolment code issued by a superuser (on the account page, or `manage.py otp_enrolment_code` for the
first superuser): a password alone — guessed, phished or read over a shoulder — must not be enough to
bind the attacker's phone for good. The code is random, shown once, kept only as a hash, valid for
OTP_ENROLMENT_CODE_HOURS, used once; a new code replaces an unused one. Issuing and using are audited.
Replacing a device one has already verified with needs no code; nor do accounts not required to use one.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from units.access import is_staff
from units.models import OtpEnrolmentCode

# No 0/O, 1/I/L: the code is read out over the phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


def _hash(code):
    normalised = "".join(code.split()).replace("-", "").upper()
    return hashlib.sha256(normalised.encode()).hexdigest()


def needs_enrolment_code(user):
    """Whether `user`'s enrolment must show a superuser's code: staff, OTP required, no device yet."""
    return (
        settings.REQUIRE_OTP_FOR_STAFF
        and is_staff(user)
        and not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    )


def issue_code(account, issued_by=None):
    """A new code for `account` (the previous unused ones stop working); returned once, as XXXXX-XXXXX."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    now = timezone.now()
    with transaction.atomic():
        OtpEnrolmentCode.objects.filter(user=account, used_at__isnull=True).update(expires_at=now)
        OtpEnrolmentCode.objects.create(
            user=account, code_hash=_hash(raw), issued_by=issued_by,
            expires_at=now + datetime.timedelta(hours=settings.OTP_ENROLMENT_CODE_HOURS),
        )
    return f"{raw[:5]}-{raw[5:]}"


def redeem_code(account, code):
    """Use `code` for `account` once: True if it was valid (unused, unexpired, this account's)."""
    now = timezone.now()
    return bool(
        OtpEnrolmentCode.objects.filter(
            user=account, code_hash=_hash(code or ""), used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
    )
