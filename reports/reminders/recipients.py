"""Who gets each reminder: `recipients_for(kind, period)` as the data stand now (content.py says what
each email says; delivery.py records and sends them)."""


from dataclasses import dataclass

from django.utils.translation import gettext as _

from reports.models import ReminderMessage
from reports.reminders.calendar import plan_for
from tasks.models import MonthlyReport
from tasks.reporting import (
    reporting_units,
)
from units.models import Membership, Unit

Kind = ReminderMessage.Kind

NOT_SUBMITTED = (None, MonthlyReport.Status.DRAFT, MonthlyReport.Status.RETURNED)


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    user: object = None
    unit: Unit | None = None


def greeting_name(recipient, unit_names=None):
    """How an email greets its recipient: the person's name and unit, 张科员（市科技局）.

    The name is the account's full name, or its username only when no name is set; the unit is
    the one the message is addressed for (a liaison's), else the person's own unit from
    `unit_names` ({user pk: unit name}, see unit_names_of); a leader without a unit is greeted by
    name alone, a unit mailbox by the unit's name; an address left with neither (its account deleted
    since the message was recorded) by 您好.
    """
    user = recipient.user
    if user is None:
        return (recipient.unit.name if recipient.unit else recipient.name) or _("您好")
    name = user.get_full_name() or user.get_username()
    unit_name = recipient.unit.name if recipient.unit else (unit_names or {}).get(user.pk, "")
    return f"{name}（{unit_name}）" if unit_name else name


def unit_names_of(user_ids):
    """{user pk: the name of the unit of the user's membership}, one query, for greeting_name."""
    return dict(
        Membership.objects.filter(user_id__in=user_ids, unit__isnull=False).values_list("user_id", "unit__name")
    )


def _people(roles):
    memberships = (
        Membership.objects.filter(role__in=roles, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("role", "user__username")
    )
    return [Recipient(m.user.email, m.user.get_full_name() or m.user.username, user=m.user) for m in memberships]


def leaders():
    return _people([Membership.Role.LEADER])


def bureau_staff():
    return _people([Membership.Role.STAFF])


def leaders_and_staff():
    return _people([Membership.Role.LEADER, Membership.Role.STAFF])


def liaisons_of(units):
    """One Recipient per liaison of each unit, in the units' order; the unit mailbox as fallback."""
    units = list(units)
    by_unit = {unit.pk: [] for unit in units}
    memberships = (
        Membership.objects.filter(role=Membership.Role.LIAISON, unit__in=units, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__username")
    )
    for membership in memberships:
        user = membership.user
        by_unit[membership.unit_id].append(Recipient(user.email, user.get_full_name() or user.username, user=user))
    recipients = []
    for unit in units:
        people = by_unit[unit.pk] or ([Recipient(unit.email, unit.name)] if unit.email else [])
        recipients.extend(Recipient(p.email, p.name, user=p.user, unit=unit) for p in people)
    return recipients


def units_without_address(units):
    """Units that would get nothing: no liaison with an email and no unit mailbox."""
    addressed = {r.unit.pk for r in liaisons_of(units)}
    return [unit for unit in units if unit.pk not in addressed]


def reports_by_unit(plan, month):
    return {r.unit_id: r for r in MonthlyReport.objects.filter(plan=plan, month=month)}


def units_not_submitted(plan, month):
    """Reporting units whose report for `month` is missing, a draft, or returned: in plan order."""
    reports = reports_by_unit(plan, month)
    outstanding = []
    for unit in reporting_units(plan).order_by("position", "code"):
        report = reports.get(unit.pk)
        if (report.status if report else None) in NOT_SUBMITTED:
            outstanding.append(unit)
    return outstanding


def recipients_for(kind, period, plan=None):
    """Everyone who gets `kind` for `period`, as the data stands now."""
    plan = plan or plan_for(kind, period)
    if kind in (Kind.WEEKLY, Kind.QUARTERLY):
        return leaders_and_staff()
    if kind == Kind.MONTHLY_SUMMARY:
        return leaders()
    if kind == Kind.MONTHLY_NOTICE:
        return liaisons_of(reporting_units(plan).order_by("position", "code"))
    outstanding = units_not_submitted(plan, period.month)
    recipients = liaisons_of(outstanding)
    if kind == Kind.MONTHLY_OVERDUE and outstanding:
        recipients += bureau_staff()  # the copy with the list
    return recipients
