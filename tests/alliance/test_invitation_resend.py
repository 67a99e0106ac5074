"""Re-sending an invitation never silently blanks its title, team or manager."""

from __future__ import annotations

import pytest

from alliance import tenancy
from alliance.models import Invitation


@pytest.mark.django_db
def test_sending_again_keeps_title_team_and_manager(client_for, org, hr, manager):
    client = client_for(hr)
    first = {"email": "new@acme.test", "role": "employee", "title": "Engineer", "team": "Robots",
             "manager": manager.pk}
    assert client.post("/o/acme/invitations/", first).status_code == 302
    assert client.post("/o/acme/invitations/", {"email": "new@acme.test", "role": "employee"}).status_code == 302
    with tenancy.tenant_context(org.pk):
        latest = Invitation.objects.order_by("-created_at", "-id").first()
        assert Invitation.objects.filter(revoked_at__isnull=True).count() == 1
    assert (latest.title, latest.team, latest.manager_id) == ("Engineer", "Robots", manager.pk)
    # A new value given on purpose still wins.
    assert client.post("/o/acme/invitations/", {"email": "new@acme.test", "role": "employee",
                                                "team": "Arms"}).status_code == 302
    with tenancy.tenant_context(org.pk):
        latest = Invitation.objects.order_by("-created_at", "-id").first()
    assert (latest.title, latest.team, latest.manager_id) == ("Engineer", "Arms", manager.pk)
