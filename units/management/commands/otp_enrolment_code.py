"""`manage.py otp_enrolment_code USERNAME`: a one-time code to enrol the account's first OTP device.

For whoever runs the server: the first superuser, with OTP required, cannot reach the account page
before enrolling a device, so the code comes from here. The issue is in the audit log."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from units.models import AuditEvent
from units.otp_enrolment import issue_code


class Command(BaseCommand):
    help = "Issue a one-time code with which the account enrols its first second-factor device."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        try:
            account = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"没有用户名为 {username} 的账户。") from None
        code = issue_code(account)
        AuditEvent.objects.create(action=AuditEvent.Action.ACCOUNT, username="manage.py",
                                  object_type=account._meta.label, object_id=str(account.pk),
                                  object_repr=str(account)[:300], changes={"otp": "enrolment_code"})
        self.stdout.write(f"{account.username} 的绑定码：{code}（只显示这一次）")
