"""The data a fault scenario starts from, written into a private stack's database.

Run in the stack's environment (``python -m tests.faults.seed <slug> <employees>``): one organization with an
admin, HR, a manager and ``employees`` reports, each on an active tour with a checkpoint tomorrow (so each
checkpoint owes its manager and its employee a reminder), a networking fund, and an API token for the
first employee. Prints what the scenario needs as JSON.
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from decimal import Decimal


def main(slug: str, employees: int) -> dict:
    import django

    django.setup()
    from django.utils import timezone

    from alliance.models import Membership
    from tests.alliance.factories import MembershipFactory, OrganizationFactory, make_api_token
    from tests.network_intel.fund_factories import joined_long_ago, policy
    from tests.tours.test_tasks import make_checkpoint, make_tour

    org = OrganizationFactory(slug=slug, name=slug.title())
    admin = MembershipFactory(organization=org, role=Membership.Role.ADMIN, user__email=f"admin@{slug}.test")
    hr = MembershipFactory(organization=org, role=Membership.Role.HR, user__email=f"hr@{slug}.test")
    manager = MembershipFactory(organization=org, role=Membership.Role.MANAGER, user__email=f"boss@{slug}.test")
    reports = [MembershipFactory(organization=org, manager=manager, user__email=f"emp{n}@{slug}.test")
               for n in range(employees)]
    joined_long_ago(admin, hr, manager, *reports)
    policy(hr, amount=Decimal("1000000.00"))  # no submission of the scenario meets the hard cap
    tomorrow = timezone.now() + timedelta(hours=20)
    for report in reports:
        make_checkpoint(make_tour(org, manager, report), tomorrow)
    return {"organization_id": org.pk, "token": make_api_token(reports[0], name="faults")}


if __name__ == "__main__":
    sys.stdout.write(json.dumps(main(sys.argv[1], int(sys.argv[2]))) + "\n")
