"""Checkpoint conversations: the cadence series, scheduling, notes, agenda, outcomes, carry-over."""


from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from alliance.errors import ApplicationError, NotAllowed
from alliance.merging import merge_text
from alliance.models import Membership
from alliance.registry import pending_departures
from alliance.services import check_text_bounds, full_clean_or_raise
from alliance.templatetags.alliance_tags import day as format_day
from alliance.webhooks.events import webhook_event_emit
from tours import limits, rights
from tours.models import (
    DEFAULT_CHECKPOINT_MINUTES,
    LATEST_DATE,
    MAX_CHECKPOINT_MINUTES,
    MIN_CHECKPOINT_MINUTES,
    ActionItem,
    AgendaItem,
    Checkpoint,
    OneOnOnePrivateNote,
    PrivateNote,
    Tour,
)
from tours.notifications import notify_checkpoint_changed, notify_checkpoint_outcome
from tours.selectors import add_months
from tours.services._common import (
    CHECKPOINT_LOCAL_TIME,
    DATE_RANGE,
    FOUNDATIONAL_PLANNING_HORIZON_MONTHS,
    MAX_TOUR_YEARS,
    SCHEDULE_GRACE,
    WRAP_UP_AFTER_END,
    _dates_out_of_range,
)

# --- Checkpoints ----------------------------------------------------------------


def _manager_zone(tour: Tour) -> zoneinfo.ZoneInfo:
    for name in (tour.manager.user.time_zone, tour.organization.time_zone, "UTC"):
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
    return zoneinfo.ZoneInfo("UTC")


def series_dates(tour: Tour) -> list[date]:
    """Checkpoint dates on the tour's cadence, after its start and before its end.

    Never more than ``MAX_TOUR_YEARS`` ahead (an open-ended tour is planned two years out).
    """
    planned_from = max(tour.start_date, timezone.localdate())
    horizon = min(
        tour.end_date or add_months(planned_from, FOUNDATIONAL_PLANNING_HORIZON_MONTHS),
        add_months(planned_from, MAX_TOUR_YEARS * 12),
    )
    dates, step = [], 1
    while True:
        day = add_months(tour.start_date, tour.cadence_months * step)
        if day >= horizon:
            return dates
        dates.append(day)
        step += 1


def _organization_zone(tour: Tour) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(tour.organization.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def on_a_working_day(when: datetime, *, tour: Tour) -> datetime:
    """Move a planned time off a Saturday or Sunday in the organization's time zone, to the
    nearest working day: a Saturday to the Friday before, a Sunday to the Monday after."""
    weekday = when.astimezone(_organization_zone(tour)).weekday()
    if weekday == 5:
        return when - timedelta(days=1)
    if weekday == 6:
        return when + timedelta(days=1)
    return when


@transaction.atomic
def checkpoints_plan_series(*, tour: Tour, replan: bool = False) -> list[Checkpoint]:
    """Propose (unconfirmed) checkpoints on the cadence for the dates still to come.

    A date already covered by a checkpoint within half a cadence is skipped, so the
    manager's own scheduling is respected. ``replan`` first drops the proposals nobody
    has touched (unconfirmed, no agenda) because the dates or the cadence changed.
    """
    existing = Checkpoint.objects.for_org(tour.organization_id).filter(tour=tour)
    now = timezone.now()
    if replan:
        existing.filter(status=Checkpoint.Status.SCHEDULED, confirmed=False, scheduled_at__gt=now).exclude(
            Exists(AgendaItem.objects.filter(checkpoint=OuterRef("pk")))
        ).delete()
    zone = _manager_zone(tour)
    taken = [
        when.astimezone(zone).date()
        for when in existing.exclude(status=Checkpoint.Status.CANCELLED).values_list("scheduled_at", flat=True)
    ]
    margin = timedelta(days=max(7, tour.cadence_months * 30 // 2))
    created = []
    for day in series_dates(tour):
        when = on_a_working_day(datetime.combine(day, CHECKPOINT_LOCAL_TIME, tzinfo=zone), tour=tour)
        day = when.astimezone(zone).date()
        if when <= now or any(abs(day - other) < margin for other in taken):
            continue
        created.append(Checkpoint(organization_id=tour.organization_id, tour=tour, scheduled_at=when))
    Checkpoint.objects.bulk_create(created)
    if created:
        _carry_over(tour)
    return created


def _check_when(scheduled_at: datetime | None, duration_minutes: int, *, tour: Tour) -> None:
    if scheduled_at is None or timezone.is_naive(scheduled_at):
        raise ApplicationError("Pick a date and time.", field_errors={"scheduled_at": ["Pick a date and time."]})
    out_of_range = _dates_out_of_range(scheduled_at=scheduled_at.date())
    if out_of_range:
        raise ApplicationError(f"Schedule checkpoints {DATE_RANGE}.", field_errors=out_of_range)
    if scheduled_at < timezone.now() - SCHEDULE_GRACE:
        raise ApplicationError("Pick a time in the future, or tick “It already took place” to record it.",
                               field_errors={"scheduled_at": ["This time has passed."]})
    if tour.end_date is not None and scheduled_at.date() > tour.end_date + WRAP_UP_AFTER_END:
        raise ApplicationError(
            f"The tour ends on {tour.end_date.isoformat()}; schedule its conversations before then.",
            field_errors={"scheduled_at": ["After the end of the tour."]},
        )
    last_day = pending_departures(tour.organization_id, [tour.employee_id]).get(tour.employee_id)
    if last_day is not None and scheduled_at.astimezone(_organization_zone(tour)).date() > last_day:
        raise ApplicationError(
            f"{tour.employee.user.full_name} is leaving: their last working day is "
            f"{format_day(last_day)}. Schedule the conversation before then.",
            field_errors={"scheduled_at": ["After their last working day."]},
        )
    if not MIN_CHECKPOINT_MINUTES <= int(duration_minutes or 0) <= MAX_CHECKPOINT_MINUTES:
        message = f"Between {MIN_CHECKPOINT_MINUTES} and {MAX_CHECKPOINT_MINUTES} minutes."
        raise ApplicationError(f"A checkpoint lasts {message[0].lower()}{message[1:]}",
                               field_errors={"duration_minutes": [message]})


@transaction.atomic
def checkpoint_schedule(
    *, tour: Tour, by: Membership, scheduled_at: datetime, duration_minutes: int = DEFAULT_CHECKPOINT_MINUTES,
    location: str = "",
) -> Checkpoint:
    """The manager adds a conversation to the tour (confirmed: it goes into calendars as is)."""
    rights.require_manager_side(tour, by)
    if not tour.is_open:
        raise ApplicationError(f"This tour is {tour.get_status_display().lower()}; no more checkpoints.")
    _check_when(scheduled_at, duration_minutes, tour=tour)
    checkpoint = Checkpoint(
        organization_id=tour.organization_id, tour=tour, scheduled_at=scheduled_at,
        duration_minutes=duration_minutes, location=(location or "").strip(), confirmed=True,
    )
    full_clean_or_raise(checkpoint, exclude=["organization", "tour"])
    checkpoint.save()
    _carry_over(tour)
    notify_checkpoint_changed(checkpoint, by=by)
    webhook_event_emit("checkpoint.scheduled", checkpoint)
    return checkpoint


def _require_scheduled(checkpoint: Checkpoint, verb: str) -> None:
    if checkpoint.status != Checkpoint.Status.SCHEDULED:
        raise ApplicationError(
            f"This checkpoint is {checkpoint.get_status_display().lower()}; only a scheduled one can be {verb}."
        )


def _lock_checkpoint(checkpoint: Checkpoint) -> Checkpoint:
    locked = Checkpoint.objects.for_org(checkpoint.organization_id).select_for_update().get(pk=checkpoint.pk)
    checkpoint.status, checkpoint.sequence = locked.status, locked.sequence
    return checkpoint


@transaction.atomic
def checkpoint_reschedule(
    *, checkpoint: Checkpoint, by: Membership, scheduled_at: datetime, duration_minutes: int | None = None,
    location: str | None = None,
) -> Checkpoint:
    """Move a checkpoint: same calendar event (UID), next SEQUENCE."""
    rights.require_manager_side(checkpoint.tour, by)
    _lock_checkpoint(checkpoint)
    _require_scheduled(checkpoint, "moved")
    duration = checkpoint.duration_minutes if duration_minutes is None else duration_minutes
    _check_when(scheduled_at, duration, tour=checkpoint.tour)
    checkpoint.scheduled_at, checkpoint.duration_minutes = scheduled_at, duration
    if location is not None:
        checkpoint.location = location.strip()
    checkpoint.confirmed = True
    checkpoint.sequence += 1
    full_clean_or_raise(checkpoint, exclude=["organization", "tour"])
    checkpoint.save(update_fields=["scheduled_at", "duration_minutes", "location", "confirmed", "sequence",
                                   "updated_at"])
    notify_checkpoint_changed(checkpoint, by=by)
    webhook_event_emit("checkpoint.moved", checkpoint)
    return checkpoint


@transaction.atomic
def checkpoint_confirm(*, checkpoint: Checkpoint, by: Membership) -> Checkpoint:
    rights.require_manager_side(checkpoint.tour, by)
    _lock_checkpoint(checkpoint)
    _require_scheduled(checkpoint, "confirmed")
    if not checkpoint.confirmed:
        checkpoint.confirmed = True
        checkpoint.sequence += 1
        checkpoint.save(update_fields=["confirmed", "sequence", "updated_at"])
        notify_checkpoint_changed(checkpoint, by=by)
    return checkpoint


def _cancel_checkpoint(checkpoint: Checkpoint, *, by: Membership | None) -> None:
    """Cancel it, and send the calendar cancellation to whoever had it in their calendar."""
    was_in_calendars = checkpoint.confirmed and checkpoint.tour.status != Tour.Status.DRAFT
    checkpoint.status = Checkpoint.Status.CANCELLED
    checkpoint.cancelled_at = timezone.now()
    checkpoint.sequence += 1
    checkpoint.save(update_fields=["status", "cancelled_at", "sequence", "updated_at"])
    if was_in_calendars:
        notify_checkpoint_changed(checkpoint, by=by)


@transaction.atomic
def checkpoints_event_changed(*, tour: Tour, by: Membership | None) -> int:
    """The tour's title (part of every invite) changed: future events get a new SEQUENCE and an update."""
    future = list(Checkpoint.objects.for_org(tour.organization_id).select_for_update().filter(
        tour=tour, status=Checkpoint.Status.SCHEDULED, scheduled_at__gt=timezone.now()))
    for checkpoint in future:
        checkpoint.tour = tour
        checkpoint.sequence += 1
        checkpoint.save(update_fields=["sequence", "updated_at"])
        if checkpoint.confirmed and tour.status == Tour.Status.ACTIVE:
            notify_checkpoint_changed(checkpoint, by=by)
    return len(future)


@transaction.atomic
def checkpoint_cancel(*, checkpoint: Checkpoint, by: Membership) -> Checkpoint:
    """Cancel: the calendar event is cancelled (same UID), open points move to the next one."""
    rights.require_manager_side(checkpoint.tour, by)
    _lock_checkpoint(checkpoint)
    _require_scheduled(checkpoint, "cancelled")
    _cancel_checkpoint(checkpoint, by=by)
    _carry_over(checkpoint.tour)
    return checkpoint


@transaction.atomic
def checkpoint_mark_missed(*, checkpoint: Checkpoint, by: Membership) -> Checkpoint:
    rights.require_manager_side(checkpoint.tour, by)
    _lock_checkpoint(checkpoint)
    _require_scheduled(checkpoint, "marked as missed")
    if checkpoint.scheduled_at > timezone.now():
        raise ApplicationError("A checkpoint can be missed only after its time has come.")
    checkpoint.status = Checkpoint.Status.MISSED
    checkpoint.save(update_fields=["status", "updated_at"])
    _carry_over(checkpoint.tour)
    return checkpoint


@transaction.atomic
def checkpoint_record_outcome(
    *,
    checkpoint: Checkpoint,
    by: Membership,
    progress: str,
    manager_notes: str = "",
    course_corrections: str = "",
    discussed_item_ids: Iterable[int] = (),
    new_action_items: Sequence[dict[str, Any]] = (),
    notes_based_on: str | None = None,
    corrections_based_on: str | None = None,
) -> Checkpoint:
    """After the conversation: progress, notes, course corrections, action items.

    Agenda points not ticked as discussed and open action items carry over to the
    tour's next checkpoint. ``notes_based_on`` / ``corrections_based_on`` (the ``text_version`` of the
    texts the form showed) merge them with what someone else saved meanwhile instead of overwriting it.
    """
    tour = checkpoint.tour
    rights.require_manager_side(tour, by)
    _lock_checkpoint(checkpoint)
    _require_scheduled(checkpoint, "recorded")
    if not checkpoint_has_started(checkpoint):
        raise ApplicationError(
            "This conversation has not started yet; record its outcome once you have met.",
            field_errors={"progress": ["The conversation has not started yet."]},
        )
    if progress not in Checkpoint.Progress.values:
        raise ApplicationError("Say how the tour is going.", field_errors={"progress": ["Choose the progress."]})
    if len(new_action_items) > limits.ACTION_ITEMS_MAX:
        raise ApplicationError(f"Record at most {limits.ACTION_ITEMS_MAX} action items at once.",
                               field_errors={"action_items": [f"At most {limits.ACTION_ITEMS_MAX}."]})
    discussed_item_ids = list(discussed_item_ids)
    if len(discussed_item_ids) > limits.DISCUSSED_ITEMS_MAX:
        raise ApplicationError("More agenda points than an agenda holds.",
                               field_errors={"discussed_agenda_items": [f"At most {limits.DISCUSSED_ITEMS_MAX}."]})
    participants = {tour.employee_id: tour.employee, tour.manager_id: tour.manager}
    items = []
    for index, raw in enumerate(new_action_items):
        text = (raw.get("text") or "").strip()
        owner_id = raw.get("owner")
        if not text:
            continue
        if len(text) > limits.ITEM_TEXT_MAX:
            raise ApplicationError(f"An action item has at most {limits.ITEM_TEXT_MAX} characters.",
                                   field_errors={"action_items": [f"Item {index + 1} is too long."]})
        try:
            owner_id = None if owner_id in (None, "") else int(owner_id)
        except (TypeError, ValueError):
            owner_id = -1
        if owner_id is not None and owner_id not in participants:
            raise ApplicationError(
                "An action item's owner is the employee or the manager.",
                field_errors={"action_items": [f"Item {index + 1}: choose the employee or the manager."]},
            )
        due_on = raw.get("due_on") or None
        if due_on is not None and not (checkpoint.scheduled_at.date() <= due_on <= LATEST_DATE):
            raise ApplicationError(
                "An action item is due after the checkpoint that agreed it.",
                field_errors={"action_items": [f"Item {index + 1}: choose a due date after the checkpoint."]},
            )
        items.append(ActionItem(organization_id=tour.organization_id, checkpoint=checkpoint, text=text,
                                owner_id=owner_id, due_on=due_on))
    merged = _merge_shared(checkpoint, by, {"manager_notes": (manager_notes or "", notes_based_on),
                                            "course_corrections": (course_corrections or "", corrections_based_on)})
    checkpoint.progress = progress
    checkpoint.manager_notes = merged["manager_notes"]
    checkpoint.course_corrections = merged["course_corrections"]
    checkpoint.status = Checkpoint.Status.COMPLETED
    checkpoint.completed_at = timezone.now()
    full_clean_or_raise(checkpoint, exclude=["organization", "tour"])
    checkpoint.save(update_fields=["progress", "manager_notes", "course_corrections", "status", "completed_at",
                                   "updated_at"])
    discussed = {int(pk) for pk in discussed_item_ids}
    AgendaItem.objects.for_org(tour.organization_id).filter(checkpoint=checkpoint, pk__in=discussed).update(
        discussed=True, updated_at=timezone.now()
    )
    ActionItem.objects.bulk_create(items)
    _carry_over(tour)
    tour.save(update_fields=["updated_at"])
    notify_checkpoint_outcome(checkpoint, by=by, action_items=items)
    webhook_event_emit("checkpoint.held", checkpoint)
    return checkpoint


@transaction.atomic
def checkpoint_update_notes(
    *, checkpoint: Checkpoint, by: Membership, manager_notes: str | None = None,
    employee_notes: str | None = None, course_corrections: str | None = None, based_on: str | None = None,
    corrections_based_on: str | None = None,
) -> Checkpoint:
    """Each side writes its own shared notes; neither can overwrite the other's. ``based_on`` (the
    ``text_version`` of the notes the writer started from; ``corrections_based_on`` for the course
    corrections) merges the text with what someone else of that side saved meanwhile
    (``alliance.merging``), instead of overwriting it."""
    tour = checkpoint.tour
    if checkpoint.status == Checkpoint.Status.CANCELLED:
        raise ApplicationError("This checkpoint was cancelled.")
    merged = _merge_shared(checkpoint, by, {"employee_notes": (employee_notes, based_on),
                                            "manager_notes": (manager_notes, based_on),
                                            "course_corrections": (course_corrections, corrections_based_on)})
    employee_notes, manager_notes = merged["employee_notes"], merged["manager_notes"]
    course_corrections = merged["course_corrections"]
    check_text_bounds(Checkpoint, manager_notes=manager_notes, employee_notes=employee_notes,
                      course_corrections=course_corrections)
    fields = []
    if employee_notes is not None:
        rights.require_employee(tour, by)
        checkpoint.employee_notes = employee_notes
        fields.append("employee_notes")
    if manager_notes is not None or course_corrections is not None:
        rights.require_manager_side(tour, by)
        if manager_notes is not None:
            checkpoint.manager_notes = manager_notes
            fields.append("manager_notes")
        if course_corrections is not None:
            checkpoint.course_corrections = course_corrections
            fields.append("course_corrections")
    if fields:
        checkpoint.save(update_fields=[*fields, "updated_at"])
    return checkpoint


def _merge_shared(checkpoint: Checkpoint, by: Membership,
                  texts: dict[str, tuple[str | None, str | None]]) -> dict[str, str | None]:
    """Each ``field: (saved, based_on)`` merged with the text stored now (under a lock on the checkpoint)
    when the writer named the version they started from; a text not being saved stays None."""
    pending = [field for field, (saved, based_on) in texts.items() if saved is not None and based_on is not None]
    stored = {}
    if pending:
        stored = Checkpoint.objects.for_org(checkpoint.organization_id).select_for_update().filter(
            pk=checkpoint.pk).values(*pending).first() or {}
    author = by.user.full_name or by.user.email
    return {field: merge_text(stored=stored.get(field) or "", saved=saved, based_on=based_on, author=author)
            if field in pending else saved for field, (saved, based_on) in texts.items()}


@transaction.atomic
def private_note_save(*, checkpoint: Checkpoint, by: Membership, body: str) -> PrivateNote:
    """The caller's own note on a checkpoint; nobody else can ever read it."""
    rights.require_participant(checkpoint.tour, by)
    check_text_bounds(PrivateNote, body=body)
    note, _created = PrivateNote.objects.update_or_create(
        organization_id=checkpoint.organization_id, checkpoint=checkpoint, author=by,
        defaults={"body": body or ""},
    )
    _touch(checkpoint.organization_id, checkpoint.pk)
    return note


@transaction.atomic
def agenda_item_add(*, checkpoint: Checkpoint, by: Membership, text: str) -> AgendaItem:
    rights.require_participant(checkpoint.tour, by)
    _require_scheduled(checkpoint, "prepared")
    text = (text or "").strip()
    if not text:
        raise ApplicationError("Write the talking point.", field_errors={"text": ["Write the talking point."]})
    if len(text) > limits.ITEM_TEXT_MAX:
        raise ApplicationError(f"Keep a talking point under {limits.ITEM_TEXT_MAX} characters.",
                               field_errors={"text": [f"At most {limits.ITEM_TEXT_MAX} characters."]})
    if AgendaItem.objects.for_org(checkpoint.organization_id).filter(checkpoint=checkpoint).count() \
            >= limits.AGENDA_ITEMS_MAX:
        raise ApplicationError(f"An agenda holds at most {limits.AGENDA_ITEMS_MAX} talking points.",
                               field_errors={"text": ["The agenda is full."]})
    item = AgendaItem.objects.create(
        organization_id=checkpoint.organization_id, checkpoint=checkpoint, text=text, added_by=by
    )
    _touch(checkpoint.organization_id, checkpoint.pk)
    return item


def _touch(organization_id: int, checkpoint_id: int) -> None:
    """A checkpoint's agenda, action items or notes changed: sync clients see it as updated."""
    Checkpoint.objects.for_org(organization_id).filter(pk=checkpoint_id).update(updated_at=timezone.now())


@transaction.atomic
def agenda_item_edit(*, item: AgendaItem, by: Membership, text: str, based_on: str | None = None) -> AgendaItem:
    """Its author rewords a talking point, until the conversation starts. ``based_on`` (the ``text_version``
    of the wording the form showed) merges with a rewording saved meanwhile instead of overwriting it."""
    rights.require_participant(item.checkpoint.tour, by)
    if item.added_by_id != by.pk:
        raise NotAllowed("You can change only the talking points you added.")
    if item.checkpoint.status != Checkpoint.Status.SCHEDULED or item.checkpoint.has_started:
        raise ApplicationError("The conversation has started; its agenda is kept as it was.")
    text = (text or "").strip()
    if not text:
        raise ApplicationError("Write the talking point.", field_errors={"text": ["Write the talking point."]})
    if based_on is not None:
        stored = AgendaItem.objects.for_org(item.organization_id).select_for_update().filter(pk=item.pk).values_list(
            "text", flat=True).first() or ""
        text = merge_text(stored=stored, saved=text, based_on=based_on, author=by.user.full_name or by.user.email)
        item.text = stored
    if len(text) > limits.ITEM_TEXT_MAX:
        raise ApplicationError(f"Keep a talking point under {limits.ITEM_TEXT_MAX} characters.",
                               field_errors={"text": [f"At most {limits.ITEM_TEXT_MAX} characters."]})
    if text != item.text:
        item.text = text
        item.save(update_fields=["text", "updated_at"])
        _touch(item.organization_id, item.checkpoint_id)
    return item


@transaction.atomic
def agenda_item_set_discussed(*, item: AgendaItem, by: Membership, discussed: bool) -> AgendaItem:
    rights.require_participant(item.checkpoint.tour, by)
    if item.discussed != discussed:
        item.discussed = discussed
        item.save(update_fields=["discussed", "updated_at"])
        _touch(item.organization_id, item.checkpoint_id)
    return item


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, by: Membership) -> None:
    rights.require_participant(item.checkpoint.tour, by)
    if item.added_by_id != by.pk:
        raise NotAllowed("You can remove only the talking points you added.")
    if item.checkpoint.status != Checkpoint.Status.SCHEDULED:
        raise ApplicationError("The conversation took place; its agenda is kept as it was.")
    item.delete()
    _touch(item.organization_id, item.checkpoint_id)


@transaction.atomic
def action_item_set_done(*, item: ActionItem, by: Membership, done: bool) -> ActionItem:
    """Tick an action item; its carried-over copies (the same commitment) follow."""
    rights.require_participant(item.checkpoint.tour, by)
    items = ActionItem.objects.for_org(item.organization_id)
    chain, cursor = {item.pk}, item
    while cursor.carried_from_id and cursor.carried_from_id not in chain:
        chain.add(cursor.carried_from_id)
        cursor = items.get(pk=cursor.carried_from_id)
    frontier = set(chain)
    while frontier:
        frontier = set(items.filter(carried_from__in=frontier).values_list("pk", flat=True)) - chain
        chain |= frontier
    now = timezone.now()
    changed = items.filter(pk__in=chain).exclude(done=done)
    checkpoint_ids = set(changed.values_list("checkpoint_id", flat=True))
    changed.update(done=done, done_at=now if done else None, updated_at=now)
    Checkpoint.objects.for_org(item.organization_id).filter(pk__in=checkpoint_ids).update(updated_at=now)
    item.refresh_from_db()
    return item


def checkpoint_has_started(checkpoint: Checkpoint) -> bool:
    return checkpoint.has_started


def _carry_over(tour: Tour) -> int:
    """Move what is still open on closed checkpoints into the next scheduled one after each.

    Open points go forward in time only: to the first scheduled checkpoint later than
    the one they were raised in, never to an earlier one. Copies (linked by
    ``carried_from``) keep each checkpoint's record as it was. Only the tip of a chain is
    carried, so running this again never duplicates anything.
    """
    org_id = tour.organization_id
    upcoming = list(
        Checkpoint.objects.for_org(org_id)
        .filter(tour=tour, status=Checkpoint.Status.SCHEDULED).order_by("scheduled_at", "id")
        .values_list("pk", "scheduled_at")
    )
    if not upcoming:
        return 0

    def target_after(moment) -> int | None:
        return next((pk for pk, when in upcoming if when > moment), None)

    closed = Checkpoint.objects.for_org(org_id).filter(tour=tour, status__in=Checkpoint.CLOSED_STATUSES)
    agenda = list(
        AgendaItem.objects.for_org(org_id).filter(checkpoint__in=closed, discussed=False)
        .exclude(Exists(AgendaItem.objects.filter(carried_from=OuterRef("pk"))))
        .select_related("checkpoint").order_by("created_at", "id")
    )
    actions = list(
        ActionItem.objects.for_org(org_id).filter(checkpoint__in=closed, done=False)
        .exclude(Exists(ActionItem.objects.filter(carried_from=OuterRef("pk"))))
        .select_related("checkpoint").order_by("created_at", "id")
    )
    new_agenda = [
        AgendaItem(organization_id=org_id, checkpoint_id=target, text=item.text, added_by_id=item.added_by_id,
                   carried_from=item)
        for item in agenda if (target := target_after(item.checkpoint.scheduled_at)) is not None
    ]
    new_actions = [
        ActionItem(organization_id=org_id, checkpoint_id=target, text=item.text, owner_id=item.owner_id,
                   due_on=item.due_on, carried_from=item)
        for item in actions if (target := target_after(item.checkpoint.scheduled_at)) is not None
    ]
    AgendaItem.objects.bulk_create(new_agenda)
    ActionItem.objects.bulk_create(new_actions)
    return len(new_agenda) + len(new_actions)


@transaction.atomic
def private_notes_erase(*, member: Membership) -> int:
    """A person erased from the organization: their private checkpoint and 1:1 notes (theirs alone) go."""
    deleted, _ = PrivateNote.objects.for_org(member.organization_id).filter(author=member).delete()
    erased, _ = OneOnOnePrivateNote.objects.for_org(member.organization_id).filter(author=member).delete()
    return deleted + erased
