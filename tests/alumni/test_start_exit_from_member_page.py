"""People a people import did not name are listed on the import's page; their exit is a separate, explicit
action: their member page offers "Start their exit", which opens the exit form with them chosen."""

from __future__ import annotations

import pytest

from tests.alliance.factories import MembershipFactory
from tests.alliance.test_people_import import csv_file, person, preview

pytestmark = pytest.mark.django_db


def test_someone_missing_from_the_file_has_their_exit_started_from_their_page(
        org, admin, hr, employee, outsider, client_for):
    people_import = preview(hr, csv_file([person("new@acme.test", "Nia New")]))
    assert employee.user.email in {entry["email"] for entry in people_import.missing}
    client = client_for(hr)
    page = client.get(f"/o/acme/members/import/{people_import.pk}/").content.decode()
    assert f"/o/acme/members/{employee.pk}/" in page and "Start their exit" in page
    member_page = client.get(f"/o/acme/members/{employee.pk}/").content.decode()
    assert f'href="/o/acme/exits/new/{employee.pk}/"' in member_page
    form = client.get(f"/o/acme/exits/new/{employee.pk}/")
    assert form.status_code == 200
    chosen = form.content.decode()
    assert f'name="member" value="{employee.pk}" data-combobox-value' in chosen and employee.user.full_name in chosen
    # Not offered to someone who cannot run exits, nor about oneself; another organization's member is a 404.
    assert "exits/new/" not in client_for(employee).get("/o/acme/profile/").content.decode()
    assert f"/o/acme/exits/new/{hr.pk}/" not in client.get(f"/o/acme/members/{hr.pk}/").content.decode()
    stranger = MembershipFactory(organization=outsider.organization)
    assert client.get(f"/o/acme/exits/new/{stranger.pk}/").status_code == 404
