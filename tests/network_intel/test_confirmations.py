"""Deleting a note asks nothing but can be undone for a minute (tests/network_intel/test_undo.py); anyone but the
author is refused."""

from __future__ import annotations

import pytest

from alliance import tenancy
from network_intel.models import IntelNote
from tests.network_intel.factories import note
from tests.network_intel.test_views import url


@pytest.mark.django_db
def test_deleting_a_note_offers_undo_instead_of_asking(client_for, org, employee, stranger, outsider):
    shared = note(employee, title="For all")
    client = client_for(employee)
    assert "data-confirm" not in client.get(url("note_detail", org, shared.pk)).content.decode()
    assert client_for(stranger).post(url("note_delete", org, shared.pk)).status_code == 403
    assert client_for(outsider).post(url("note_delete", org, shared.pk)).status_code == 404
    with tenancy.tenant_context(org.pk):
        assert IntelNote.objects.filter(pk=shared.pk).exists()
    done = client.post(url("note_delete", org, shared.pk), follow=True)
    page = done.content.decode()
    assert "The note “For all” is deleted." in page
    assert f'action="{url("note_restore", org, shared.pk)}"' in page and ">Undo</button>" in page
    with tenancy.tenant_context(org.pk):
        assert not IntelNote.objects.filter(pk=shared.pk).exists()
