"""Reads of checkpoints, their agenda points, action items and the caller's private notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from alliance.models import Membership
from alliance.rowpeople import with_people
from tours.models import (
    ActionItem,
    AgendaItem,
    Checkpoint,
    PrivateNote,
    Tour,
)
from tours.selectors.tours import _as_employee, _as_manager

# --- Checkpoints ---------------------------------------------------------------


def visible_checkpoints(member: Membership) -> QuerySet[Checkpoint]:
    checkpoints = Checkpoint.objects.for_org(member.organization_id)
    if member.is_hr:
        return checkpoints
    return checkpoints.filter(_as_employee("tour__", member) | _as_manager("tour__", member))


def with_checkpoint_details(checkpoints: QuerySet[Checkpoint], *, member: Membership) -> QuerySet[Checkpoint]:
    """Agenda, action items and the caller's own private note, in a fixed number of queries."""
    checkpoints = with_people(checkpoints.select_related("tour"), "tour__employee", "tour__manager")
    return checkpoints.prefetch_related(
        Prefetch("agenda_items", queryset=with_people(AgendaItem.objects.all(), "added_by")),
        Prefetch("action_items", queryset=with_people(ActionItem.objects.all(), "owner")),
        Prefetch(
            "private_notes",
            queryset=PrivateNote.objects.filter(author=member),
            to_attr="my_private_notes",
        ),
    )


def checkpoint_list(
    *,
    member: Membership,
    tour_id: int | None = None,
    status: str = "",
    scheduled_after=None,
    scheduled_before=None,
) -> QuerySet[Checkpoint]:
    checkpoints = with_checkpoint_details(visible_checkpoints(member), member=member)
    if tour_id:
        checkpoints = checkpoints.filter(tour_id=tour_id)
    if status:
        checkpoints = checkpoints.filter(status=status)
    if scheduled_after:
        checkpoints = checkpoints.filter(scheduled_at__gte=scheduled_after)
    if scheduled_before:
        checkpoints = checkpoints.filter(scheduled_at__lt=scheduled_before)
    return checkpoints


def get_checkpoint_for_member(member: Membership, checkpoint_id: int) -> Checkpoint:
    checkpoint = (
        with_checkpoint_details(visible_checkpoints(member), member=member)
        .select_related("tour__employee__manager", "tour__organization")
        .filter(pk=checkpoint_id).first()
    )
    if checkpoint is None:
        raise Http404("No such checkpoint.")
    return checkpoint


def my_private_note(checkpoint: Checkpoint) -> str:
    """The caller's private note, from ``with_checkpoint_details``' prefetch (author-only)."""
    notes = getattr(checkpoint, "my_private_notes", None)
    return notes[0].body if notes else ""


def tour_checkpoints(*, member: Membership, tour: Tour) -> list[Checkpoint]:
    return list(with_checkpoint_details(visible_checkpoints(member).filter(tour=tour), member=member))


def get_agenda_item_for_member(member: Membership, item_id: int) -> AgendaItem:
    item = (
        AgendaItem.objects.for_org(member.organization_id)
        .filter(pk=item_id, checkpoint__in=visible_checkpoints(member))
        .select_related("checkpoint__tour__employee").first()
    )
    if item is None:
        raise Http404("No such agenda item.")
    return item


def get_action_item_for_member(member: Membership, item_id: int) -> ActionItem:
    item = (
        ActionItem.objects.for_org(member.organization_id)
        .filter(pk=item_id, checkpoint__in=visible_checkpoints(member))
        .select_related("checkpoint__tour__employee").first()
    )
    if item is None:
        raise Http404("No such action item.")
    return item


def upcoming_checkpoints_for(member: Membership, *, limit: int = 5) -> list[Checkpoint]:
    """The person's next conversations, as employee or as manager."""
    return list(with_people(
        Checkpoint.objects.for_org(member.organization_id)
        .filter(_as_employee("tour__", member) | Q(tour__manager=member), status=Checkpoint.Status.SCHEDULED,
                scheduled_at__gte=timezone.now() - timedelta(hours=2))
        .select_related("tour")
        .order_by("scheduled_at", "id"), "tour__employee", "tour__manager")[:limit]
    )


def calendar_checkpoints_for(member: Membership) -> QuerySet[Checkpoint]:
    """What a person's calendar feed carries: their checkpoints of the last 90 days and to come."""
    return (
        Checkpoint.objects.for_org(member.organization_id)
        .filter(_as_employee("tour__", member) | Q(tour__manager=member),
                scheduled_at__gte=timezone.now() - timedelta(days=90))
        .select_related("tour__employee__user", "tour__manager__user", "tour__organization")
        .prefetch_related("agenda_items")
        .order_by("scheduled_at", "id")
    )


def open_action_items(*, organization_id: int, tour_ids, limit: int = 50) -> list[ActionItem]:
    """What is still to do from these tours' checkpoints, soonest due first.

    Only the tip of each carry-over chain: a carried copy is the same commitment.
    """
    return list(with_people(
        ActionItem.objects.for_org(organization_id)
        .filter(done=False, checkpoint__tour_id__in=list(tour_ids))
        .exclude(Exists(ActionItem.objects.filter(carried_from=OuterRef("pk"))))
        .select_related("checkpoint__tour")
        .order_by(F("due_on").asc(nulls_last=True), "created_at", "id"), "owner", "checkpoint__tour__employee")[:limit]
    )


@dataclass(frozen=True)
class CheckpointPageItems:
    """A list page's agenda points and action items (each in ``(created_at, id)`` order) and the
    caller's own private notes, for the page's checkpoints."""

    agenda: list[tuple]  # (id, checkpoint_id, text, added_by_id, discussed, carried_from_id, created_at, updated_at)
    actions: list[tuple]  # (id, checkpoint_id, text, owner_id, due_on, done, done_at, carried_from_id, created_at,
    #                        updated_at)
    notes: dict[int, str]  # checkpoint id -> body


# A page's agenda points, action items and the caller's private notes, as one result in one shape:
# the kind of row first, then each kind's columns where the others hold NULLs.
_CHECKPOINT_ITEMS_SQL = """
    SELECT 'a', id, checkpoint_id, text, added_by_id, discussed, NULL::date, NULL::timestamptz, carried_from_id,
           created_at, updated_at
    FROM tours_agendaitem WHERE organization_id = %(org)s AND checkpoint_id = ANY(%(ids)s)
    UNION ALL
    SELECT 'i', id, checkpoint_id, text, owner_id, done, due_on, done_at, carried_from_id, created_at, updated_at
    FROM tours_actionitem WHERE organization_id = %(org)s AND checkpoint_id = ANY(%(ids)s)
    UNION ALL
    SELECT 'n', NULL, checkpoint_id, body, NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM tours_privatenote WHERE organization_id = %(org)s AND checkpoint_id = ANY(%(ids)s) AND author_id = %(author)s
    ORDER BY 1, 10, 2
"""


def checkpoint_page_items(*, organization_id: int, author_id: int, checkpoint_ids: list[int]) -> CheckpointPageItems:
    """What ``with_checkpoint_details`` prefetches, for a list page that reads columns: one indexed query
    in plain SQL (three parts, one round trip), because the lists run it on every page and compiling three
    queries with the ORM cost more than running them. Agenda points and action items come each in
    ``(created_at, id)`` order."""
    if not checkpoint_ids:
        return CheckpointPageItems(agenda=[], actions=[], notes={})
    agenda, actions, notes = [], [], {}
    with connection.cursor() as cursor:
        cursor.execute(_CHECKPOINT_ITEMS_SQL, {"org": organization_id, "ids": checkpoint_ids, "author": author_id})
        for (kind, pk, checkpoint_id, text, person_id, flag, due_on, done_at, carried_from_id, created_at,
             updated_at) in cursor.fetchall():
            if kind == "a":
                agenda.append((pk, checkpoint_id, text, person_id, flag, carried_from_id, created_at, updated_at))
            elif kind == "i":
                actions.append((pk, checkpoint_id, text, person_id, due_on, flag, done_at, carried_from_id, created_at,
                                updated_at))
            else:
                notes[checkpoint_id] = text
    return CheckpointPageItems(agenda=agenda, actions=actions, notes=notes)
