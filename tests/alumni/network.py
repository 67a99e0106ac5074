"""Helpers of the alumni-network tests: alumni with directory cards, the level, delivery."""

from __future__ import annotations

from datetime import date

from alliance import tenancy
from alliance.models import Membership, Reminder
from alliance.reminders import reminder_deliver
from alumni import services
from alumni.models import AlumniProfile
from tests.alliance.factories import MembershipFactory


def set_level(admin, level: str, **policy) -> None:
    admin.organization.refresh_from_db()
    with tenancy.tenant_context(admin.organization_id):
        services.network_settings_save(by=admin, data={"level": level, **policy})


def make_alumnus(org, email: str, name: str, *, listed: bool = True, **card) -> Membership:
    """An alumnus of ``org`` with a directory card (its fields and visibilities as given)."""
    member = MembershipFactory(organization=org, status=Membership.Status.ALUMNUS, user__email=email,
                               user__full_name=name, team=card.pop("team", "Platform"))
    defaults = {"joined_on": date(2018, 3, 1), "left_on": date(2022, 6, 30), "teams": member.team}
    with tenancy.tenant_context(org.pk):
        AlumniProfile.objects.create(organization=org, member=member, listed=listed, **{**defaults, **card})
    return member


def deliver_all(org) -> list[Reminder]:
    """Deliver every pending ledger row of ``org``, as the worker would."""
    with tenancy.tenant_context(org.pk):
        pending = list(Reminder.objects.filter(status=Reminder.Status.PENDING).order_by("id"))
        for reminder in pending:
            reminder_deliver(organization_id=org.pk, reminder_id=reminder.pk)
        return list(Reminder.objects.filter(pk__in=[r.pk for r in pending]).order_by("id"))
