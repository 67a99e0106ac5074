"""What the tours app exports in a person's "download my data" (alliance.registry.register_data_export):
the checkpoints of their tours with the shared notes, the agenda points they added, the action items
they own, and their own private notes (readable by them only, so theirs to take)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from alliance.models import Membership
from tours.models import (
    ActionItem,
    AgendaItem,
    Checkpoint,
    OneOnOne,
    OneOnOneActionItem,
    OneOnOnePrivateNote,
    PrivateNote,
    TalkingPoint,
)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def checkpoints_of(member: Membership) -> list[dict[str, Any]]:
    """Checkpoints of the tours they were the employee of (or the manager of, for their own notes)."""
    org = member.organization_id
    checkpoints = list(Checkpoint.objects.for_org(org)
                       .filter(Q(tour__employee=member) | Q(tour__manager=member))
                       .select_related("tour").order_by("scheduled_at", "id"))
    ids = [checkpoint.pk for checkpoint in checkpoints]
    private = dict(PrivateNote.objects.for_org(org).filter(checkpoint_id__in=ids, author=member)
                   .values_list("checkpoint_id", "body"))
    agenda: dict[int, list[str]] = {}
    for checkpoint_id, text in (AgendaItem.objects.for_org(org).filter(checkpoint_id__in=ids, added_by=member)
                                .order_by("created_at", "id").values_list("checkpoint_id", "text")):
        agenda.setdefault(checkpoint_id, []).append(text)
    actions: dict[int, list[dict]] = {}
    for item in (ActionItem.objects.for_org(org).filter(checkpoint_id__in=ids, owner=member)
                 .order_by("created_at", "id")):
        actions.setdefault(item.checkpoint_id, []).append(
            {"text": item.text, "due_on": _iso(item.due_on), "done": item.done})
    rows = []
    for checkpoint in checkpoints:
        is_employee = checkpoint.tour.employee_id == member.pk
        row = {"tour": checkpoint.tour.title, "scheduled_at": _iso(checkpoint.scheduled_at),
               "status": checkpoint.status, "your_private_note": private.get(checkpoint.pk, ""),
               "agenda_points_you_added": agenda.get(checkpoint.pk, []),
               "action_items_you_own": actions.get(checkpoint.pk, [])}
        if is_employee:  # the conversation about them: the shared record of it is theirs
            row |= {"progress": checkpoint.progress, "manager_notes": checkpoint.manager_notes,
                    "employee_notes": checkpoint.employee_notes,
                    "course_corrections": checkpoint.course_corrections}
        else:
            row |= {"manager_notes": checkpoint.manager_notes}
        rows.append(row)
    return rows


def one_on_ones_of(member: Membership) -> list[dict[str, Any]]:
    """The 1:1 meetings they took part in: the shared notes, the talking points they added, the action
    items they own and their own private notes (four queries)."""
    org = member.organization_id
    meetings = list(OneOnOne.objects.for_org(org)
                    .filter(Q(series__manager=member) | Q(series__report=member))
                    .exclude(status=OneOnOne.Status.SKIPPED)
                    .select_related("series__manager__user", "series__report__user")
                    .order_by("scheduled_at", "id"))
    ids = [meeting.pk for meeting in meetings]
    private = dict(OneOnOnePrivateNote.objects.for_org(org).filter(meeting_id__in=ids, author=member)
                   .values_list("meeting_id", "body"))
    points: dict[int, list[str]] = {}
    for meeting_id, text in (TalkingPoint.objects.for_org(org).filter(meeting_id__in=ids, added_by=member)
                             .order_by("created_at", "id").values_list("meeting_id", "text")):
        points.setdefault(meeting_id, []).append(text)
    actions: dict[int, list[dict]] = {}
    for meeting_id, text, done in (OneOnOneActionItem.objects.for_org(org).filter(meeting_id__in=ids, owner=member)
                                   .order_by("created_at", "id").values_list("meeting_id", "text", "done")):
        actions.setdefault(meeting_id, []).append({"text": text, "done": done})
    return [{"with": (meeting.series.report if meeting.series.manager_id == member.pk
                      else meeting.series.manager).user.full_name,
             "scheduled_at": _iso(meeting.scheduled_at), "status": meeting.status,
             "shared_notes": meeting.shared_notes, "your_private_note": private.get(meeting.pk, ""),
             "talking_points_you_added": points.get(meeting.pk, []),
             "action_items_you_own": actions.get(meeting.pk, [])} for meeting in meetings]
