"""Reads of intel notes (one row per reader and note, written when the note's page opens) and the health
page's most-read notes, against a hand count: only notes the viewer may see are listed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance import health, tenancy
from network_intel.models import IntelNote, NoteRead
from network_intel.services import note_read_record
from tests.alliance import health_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org, admin, hr, manager):
    return health_world.build(org, admin, hr, manager)


def _note(world, author, title, visibility):
    with tenancy.tenant_context(author.organization_id):
        return IntelNote.objects.create(organization_id=author.organization_id, author=author, title=title,
                                        body="Body.", visibility=visibility)


def _read(member, note, **kwargs) -> bool:
    with tenancy.tenant_context(member.organization_id):
        return note_read_record(by=member, note=note, **kwargs)


def _most_read(viewer, **filters) -> list[list]:
    with tenancy.tenant_context(viewer.organization_id):
        scope = health.health_scope(viewer=viewer, **filters)
        return health.health_figures_for(scope, only="most_read_notes")[0].rows


def _reads(org) -> list[tuple]:
    with tenancy.tenant_context(org.pk):
        return sorted(NoteRead.objects.for_org(org.pk).values_list("note__title", "reader_id"))


def test_one_row_per_reader_and_note_written_when_the_page_opens(world, org, client_for):
    note = _note(world, world.e1, "Globex reorg", IntelNote.Visibility.ORGANIZATION)
    path = f"/o/acme/intel/notes/{note.pk}/"
    assert client_for(world.e2).get(path).status_code == 200
    assert client_for(world.e2).get(path).status_code == 200
    assert client_for(world.e1).get(path).status_code == 200  # the author's own reading is not counted
    assert _reads(org) == [("Globex reorg", world.e2.pk)]


def test_a_read_is_refreshed_at_most_once_an_hour(world, org):
    note = _note(world, world.e1, "Globex reorg", IntelNote.Visibility.ORGANIZATION)
    now = timezone.now()
    assert _read(world.e2, note, now=now) is True
    assert _read(world.e2, note, now=now + timedelta(minutes=30)) is False
    assert _read(world.e2, note, now=now + timedelta(hours=2)) is True
    with tenancy.tenant_context(org.pk):
        row = NoteRead.objects.for_org(org.pk).get()
    assert row.read_at == now + timedelta(hours=2)


def test_no_read_of_a_note_the_reader_may_not_see(world, org):
    private = _note(world, world.e1, "Only me", IntelNote.Visibility.PRIVATE)
    assert _read(world.e2, private) is False
    assert _read(world.e1, private) is False  # the author
    assert _reads(org) == []


def test_the_most_read_notes_match_the_hand_count_and_respect_visibility(world, org, hr):
    now = timezone.now()
    shared = _note(world, world.e1, "Shared with all", IntelNote.Visibility.ORGANIZATION)
    data_team = _note(world, world.e4, "Data team only", IntelNote.Visibility.TEAM)
    old = _note(world, world.e4, "Read long ago", IntelNote.Visibility.ORGANIZATION)
    # "Shared with all": e2, e3 and HR read it (e2 twice), its author too: 3 readers.
    for reader in (world.e2, world.e2, world.e3, hr, world.e1):
        _read(reader, shared)
    # "Data team only": e3 (a teammate) and M2 (e4's manager): 2 readers.
    assert _read(world.e3, data_team) and _read(world.manager2, data_team)
    assert not _read(hr, data_team)  # HR is neither on the team nor above e4
    # "Read long ago": once, 100 days ago, before the 90 days of the period.
    _read(world.e2, old, now=now - timedelta(days=100))
    assert _most_read(hr) == [["Shared with all", world.e1.user.full_name, 3]]
    # The manager above both authors sees the team note as well.
    assert _most_read(world.manager, own_team=True) == [["Shared with all", world.e1.user.full_name, 3],
                                                        ["Data team only", world.e4.user.full_name, 2]]
    # Narrowed to M2's subtree (e4, e6): only e4's notes, and HR still does not see the team note.
    assert _most_read(hr, manager=world.manager2.pk) == []
    assert _most_read(world.manager2, own_team=True) == [["Data team only", world.e4.user.full_name, 2]]
    # A year's period reaches the old read.
    assert ["Read long ago", world.e4.user.full_name, 1] in _most_read(hr, period="365")


def test_the_figure_links_each_note(world, hr, client_for):
    note = _note(world, world.e1, "Shared with all", IntelNote.Visibility.ORGANIZATION)
    _read(world.e2, note)
    page = client_for(hr).get("/o/acme/alliance/")
    assert page.status_code == 200
    assert f'href="/o/acme/intel/notes/{note.pk}/"' in page.content.decode()
