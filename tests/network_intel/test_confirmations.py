"""Deleting a note asks first; the author confirms, anyone else is refused before being asked."""

from __future__ import annotations

import pytest

from alliance import tenancy
from network_intel.models import IntelNote
from tests.network_intel.factories import note
from tests.network_intel.test_views import url


@pytest.mark.django_db
def test_deleting_a_note_asks_first(client_for, org, employee, stranger, outsider):
    shared = note(employee, title="For all")
    client = client_for(employee)
    assert 'data-confirm="Delete this note?' in client.get(url("note_detail", org, shared.pk)).content.decode()
    asked = client.post(url("note_delete", org, shared.pk))
    assert asked.status_code == 200 and "Delete the note “For all”?" in asked.content.decode()
    with tenancy.tenant_context(org.pk):
        assert IntelNote.objects.filter(pk=shared.pk).exists()
    assert client_for(stranger).post(url("note_delete", org, shared.pk), {"confirmed": "1"}).status_code == 403
    assert client_for(outsider).post(url("note_delete", org, shared.pk)).status_code == 404
    assert client.post(url("note_delete", org, shared.pk), {"confirmed": "1"}).status_code == 302
    with tenancy.tenant_context(org.pk):
        assert not IntelNote.objects.filter(pk=shared.pk).exists()
