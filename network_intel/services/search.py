"""The search index: each note's stored search vector, and the organization's search language that builds it."""

from __future__ import annotations

from django.db import connection, transaction

from alliance.errors import NotAllowed
from alliance.models import Membership
from alliance.services import model_update
from network_intel import rights
from network_intel.models.notes import IntelSettings
from network_intel.selectors.notes import search_language

# --- Search index ---------------------------------------------------------------------------------

# Title weighs most (A), then the note's tags and companies (B), then the body (C), plus
# the marks of the note's organization and companies that searches use (migration 0005):
# ``intel_note_vector``, the one definition of a note's stored vector.
REINDEX_SQL = """
    UPDATE network_intel_intelnote n SET search_vector = intel_note_vector(
        %(config)s::regconfig, n.organization_id,
        ARRAY(SELECT l.company_id FROM network_intel_intelnotecompany l
              WHERE l.organization_id = n.organization_id AND l.note_id = n.id),
        n.title,
        (SELECT string_agg(t.name, ' ') FROM network_intel_intelnotetag l
         JOIN network_intel_tag t ON t.id = l.tag_id AND t.organization_id = l.organization_id
         WHERE l.organization_id = n.organization_id AND l.note_id = n.id),
        (SELECT string_agg(c.name, ' ') FROM network_intel_intelnotecompany l
         JOIN network_intel_company c ON c.id = l.company_id AND c.organization_id = l.organization_id
         WHERE l.organization_id = n.organization_id AND l.note_id = n.id),
        n.body)
    WHERE n.organization_id = %(org)s AND (%(all)s OR n.id = ANY(%(ids)s))
"""


def notes_reindex(*, organization_id: int, note_ids: list[int] | None = None) -> None:
    """Recompute the stored search vectors of some (or all) notes of an organization: one statement."""
    with connection.cursor() as cursor:
        cursor.execute(REINDEX_SQL, {"config": search_language(organization_id), "org": organization_id,
                                     "all": note_ids is None, "ids": list(note_ids or [])})


@transaction.atomic
def intel_settings_update(*, by: Membership, search_language: str) -> IntelSettings:
    if not rights.can_curate(by):
        raise NotAllowed("Only HR or an administrator can change how search works.")
    current, _ = IntelSettings.objects.get_or_create(organization_id=by.organization_id)
    if model_update(current, data={"search_language": search_language}, fields=["search_language"]):
        notes_reindex(organization_id=by.organization_id)
    return current
