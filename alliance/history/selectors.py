"""Reading the audit trail: the organization's log and one record's history, as the viewer may see them.

Every registered event table is read by one branch of a single ``UNION ALL`` statement, each branch walking
its ``(organization_id, pgh_created_at, id)`` index newest first up to the page's size; each event carries
its table's previous event of the same row (the ``(organization_id, pgh_obj_id, id)`` index), so a change
shows its old and new values. Then one query names the people the page mentions. Two queries per page,
whatever its size or the number of events.

HR and admins see every record's history; anyone else the history of their own records (their membership,
their tours, their expenses), never of a record registered ``hr_only`` (an exit's classification).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import connection, models
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import capfirst

from alliance.history.context import SOURCES
from alliance.models import BASELINE_LABEL, Membership
from alliance.registry import AuditedRecord, AuditSource, audit_sources, audited_records

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
TEXT_SHOWN_MAX = 300  # a long text (a mission) is cut in the log; the record's page has it whole
SEARCH_MAX = 100
ACTIONS = {"insert": "Created", "update": "Changed", "delete": "Deleted"}


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: the last entry's time, table and id (the log's order, newest first)."""
    at: datetime
    source: str
    id: int

    def encode(self) -> str:
        text = f"{self.at.isoformat()}|{self.source}|{self.id}"
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            at, source, identifier = raw.split("|")
            moment = datetime.fromisoformat(at)
            if moment.tzinfo is None or source not in {item.event_model for item in audit_sources()}:
                raise ValueError(raw)
            return cls(at=moment, source=source, id=int(identifier))
        except (ValueError, UnicodeDecodeError, binascii.Error) as error:
            raise InvalidCursor("This cursor is not one the log gave out.") from error


@dataclass(frozen=True)
class HistoryFilter:
    record_type: str = ""
    record_id: int | None = None
    actor: int | None = None  # a membership id
    who: str = ""  # part of the name or e-mail of who made the change
    q: str = ""  # part of the record's name
    since: date | datetime | None = None  # a day (the page's filter) or a moment (the API's)
    until: date | None = None


@dataclass(frozen=True)
class Value:
    """One side of a change, as the page writes it: ``kind`` says which template filter (day, moment)."""
    text: str
    kind: str = "text"  # text, date, datetime, empty
    value: Any = None


@dataclass(frozen=True)
class Change:
    label: str
    old: Value
    new: Value


@dataclass
class HistoryEntry:
    cursor: Cursor
    at: datetime
    action: str
    record_type: str
    record_type_label: str
    record_id: int | None
    record_label: str
    record_url: str
    actor_id: int | None
    actor: str
    source: str
    context: dict
    changes: list[Change] = field(default_factory=list)


@dataclass
class HistoryPage:
    entries: list[HistoryEntry]
    next_cursor: Cursor | None


# ---------------------------------------------------------------- rights


def sees_everything(viewer: Membership) -> bool:
    return viewer.is_hr


def visible_records(viewer: Membership) -> dict[str, AuditedRecord]:
    """The kinds of record whose history ``viewer`` may read (all of them for HR; their own otherwise)."""
    return {key: record for key, record in audited_records().items()
            if sees_everything(viewer) or (not record.hr_only and record.owner_column)}


def access_record(viewer: Membership, record_type: str, record_id: int) -> AuditedRecord:
    """The record's kind when ``viewer`` may read this record's history; 404 when it does not exist in the
    organization, or is not theirs to see (the same answer)."""
    record = visible_records(viewer).get(record_type)
    if record is None:
        raise Http404("No such record.")
    rows = apps.get_model(record.model).objects.filter(organization_id=viewer.organization_id, pk=record_id)
    if not sees_everything(viewer):
        rows = rows.filter(**{record.owner_column: viewer.pk})
    if not rows.exists():
        raise Http404("No such record.")
    return record


# ---------------------------------------------------------------- the query


def _branch(source: AuditSource, record: AuditedRecord, viewer: Membership, filters: HistoryFilter,
            after: Cursor | None, limit: int) -> tuple[str, list[Any]]:
    event_table = apps.get_model(source.event_model)._meta.db_table
    record_table = apps.get_model(record.model)._meta.db_table
    owner = f'r."{record.owner_column}"' if record.owner_column else "NULL::bigint"
    where = ["e.organization_id = %s", "e.pgh_label <> %s"]
    params: list[Any] = [viewer.organization_id, BASELINE_LABEL]
    if not sees_everything(viewer):
        where.append("rec.owner_id = %s")
        params.append(viewer.pk)
    if filters.record_id is not None:
        where.append(f'e."{source.record_column}" = %s')
        params.append(filters.record_id)
    if filters.actor is not None:
        where.append("e.pgh_context->>'member' = %s")
        params.append(str(filters.actor))
    if filters.who:
        where.append("e.pgh_context->>'member' IN (SELECT m.id::text FROM alliance_membership m "
                     "JOIN alliance_user u ON u.id = m.user_id WHERE m.organization_id = %s "
                     "AND (u.full_name ILIKE %s OR u.email ILIKE %s))")
        pattern = f"%{_like(filters.who)}%"
        params += [viewer.organization_id, pattern, pattern]
    if filters.q:
        where.append("rec.record_label ILIKE %s")
        params.append(f"%{_like(filters.q)}%")
    if filters.since is not None:
        where.append("e.pgh_created_at >= %s")
        params.append(_start_of(filters.since))
    if filters.until is not None:
        where.append("e.pgh_created_at < %s")
        params.append(_start_of(filters.until, days_after=1))
    if after is not None:
        where.append("e.pgh_created_at <= %s AND (e.pgh_created_at, %s::text, e.id) < (%s, %s, %s)")
        params += [after.at, source.event_model, after.at, after.source, after.id]
    # Table and column names come from the registered models, the label expression from the app's constants.
    sql = f"""
        (SELECT %s::text AS source, e.id AS id, e.pgh_created_at AS at, e.pgh_label AS label,
                e."{source.record_column}" AS record_id, rec.owner_id, rec.record_label,
                e.pgh_context::text AS context, to_jsonb(e)::text AS data,
                (SELECT to_jsonb(p)::text FROM "{event_table}" p
                  WHERE p.organization_id = e.organization_id AND p.pgh_obj_id = e.pgh_obj_id AND p.id < e.id
                  ORDER BY p.id DESC LIMIT 1) AS previous
           FROM "{event_table}" e
           LEFT JOIN LATERAL (SELECT {owner} AS owner_id, ({record.label_sql})::text AS record_label
                                FROM "{record_table}" r
                               WHERE r.organization_id = e.organization_id AND r.id = e."{source.record_column}"
                             ) rec ON true
          WHERE {" AND ".join(where)}
          ORDER BY e.pgh_created_at DESC, e.id DESC LIMIT %s)"""  # noqa: S608
    return sql, [source.event_model, *params, limit]


def _like(text: str) -> str:
    return text[:SEARCH_MAX].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _start_of(day: date | datetime, days_after: int = 0) -> datetime:
    if isinstance(day, datetime):
        return day
    moment = datetime.combine(day, time.min) + timedelta(days=days_after)
    return timezone.make_aware(moment, timezone.get_current_timezone())


def history_page(*, viewer: Membership, filters: HistoryFilter | None = None, after: Cursor | None = None,
                 limit: int = PAGE_SIZE) -> HistoryPage:
    """A page of the log, newest first, as ``viewer`` may see it (two queries)."""
    filters = filters or HistoryFilter()
    records = visible_records(viewer)
    if filters.record_type and filters.record_type not in records:
        return HistoryPage(entries=[], next_cursor=None)
    branches, params = [], []
    for source in audit_sources():
        record = records.get(source.record)
        if record is None or (filters.record_type and record.key != filters.record_type):
            continue
        sql, branch_params = _branch(source, record, viewer, filters, after, limit + 1)
        branches.append(sql)
        params += branch_params
    if not branches:
        return HistoryPage(entries=[], next_cursor=None)
    statement = ("SELECT * FROM (" + " UNION ALL ".join(branches) + ") AS log "  # noqa: S608 (module constants)
                 "ORDER BY at DESC, source DESC, id DESC LIMIT %s")
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, limit + 1])
        columns = [column.name for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    more = len(rows) > limit
    rows = rows[:limit]
    entries = _entries(viewer, rows, records)
    return HistoryPage(entries=entries, next_cursor=entries[-1].cursor if more and entries else None)


# ---------------------------------------------------------------- what a page shows


def _loads(text: str | None) -> dict | None:
    return json.loads(text, parse_float=Decimal) if text else None


def _is_member_reference(model_field: models.Field) -> bool:
    return model_field.is_relation and model_field.related_model is Membership


def _entries(viewer: Membership, rows: list[dict], records: dict[str, AuditedRecord]) -> list[HistoryEntry]:
    sources = {source.event_model: source for source in audit_sources()}
    for row in rows:
        row["data"], row["previous"], row["context"] = _loads(row["data"]), _loads(row["previous"]), \
            _loads(row["context"]) or {}
    member_ids: set[int] = set()
    for row in rows:
        if str(row["context"].get("member", "")).isdigit():
            member_ids.add(int(row["context"]["member"]))
        event_model = apps.get_model(row["source"])
        for model_field in event_model._meta.concrete_fields:
            if _is_member_reference(model_field):
                for snapshot in (row["data"], row["previous"]):
                    if snapshot and snapshot.get(model_field.column):
                        member_ids.add(int(snapshot[model_field.column]))
    people = _people(viewer.organization_id, member_ids)
    slug = viewer.organization.slug
    everything = sees_everything(viewer)
    entries = []
    for row in rows:
        source = sources[row["source"]]
        record = records[source.record]
        actor_id = row["context"].get("member")
        actor_id = int(actor_id) if str(actor_id or "").isdigit() else None
        if source.describe is not None:
            action, triples = source.describe(row["data"], row["previous"])
            changes = [Change(label, _text(old), _text(new)) for label, old, new in triples]
        else:
            action = ACTIONS.get(row["label"], capfirst(row["label"]))
            changes = _changes(apps.get_model(row["source"]), row["label"], row["data"], row["previous"], people)
        record_id = row["record_id"]
        entries.append(HistoryEntry(
            cursor=Cursor(at=row["at"], source=row["source"], id=row["id"]), at=row["at"], action=action,
            record_type=record.key, record_type_label=record.label, record_id=record_id,
            record_label=row["record_label"] or f"{record.label} #{record_id}",
            record_url=_record_url(record, slug, record_id)
            if row["record_label"] is not None and (everything or record.owner_url) else "",
            actor_id=actor_id, actor=_actor(row["context"], actor_id, people), source=_source(row["context"]),
            context=row["context"], changes=changes,
        ))
    return entries


def _people(organization_id: int, member_ids: set[int]) -> dict[int, str]:
    if not member_ids:
        return {}
    rows = (Membership.objects.filter(organization_id=organization_id, id__in=member_ids)
            .values_list("id", "user__full_name", "user__email"))
    return {member_id: full_name or email for member_id, full_name, email in rows}


def _actor(context: dict, actor_id: int | None, people: dict[int, str]) -> str:
    if actor_id is not None:
        return people.get(actor_id, f"Member #{actor_id}")
    return "System"


def _source(context: dict) -> str:
    source = SOURCES.get(context.get("source", ""), "")
    if context.get("api_token"):
        return f"{source} (token {context['api_token']}…)"
    if context.get("task"):
        return f"{source} ({context['task'].rsplit('.', 1)[-1]})"
    return source or "No context (a command or the database)"


def _record_url(record: AuditedRecord, slug: str, record_id: int | None) -> str:
    if not record.url_name:
        return ""
    try:
        if record.url_takes_id:
            return reverse(record.url_name, args=[slug, record_id]) if record_id is not None else ""
        return reverse(record.url_name, args=[slug])
    except NoReverseMatch:
        return ""


def _text(value: Any) -> Value:
    if value in (None, ""):
        return Value(text="", kind="empty")
    return Value(text=str(value)[:TEXT_SHOWN_MAX])


def _changes(event_model: type[models.Model], label: str, data: dict, previous: dict | None,
             people: dict[int, str]) -> list[Change]:
    """Field by field: each tracked field that differs from the previous snapshot (on creation, each one set;
    on deletion, none: the record was as the previous event says)."""
    if label == "delete":
        return []
    changes = []
    for model_field in event_model._meta.concrete_fields:
        if model_field.primary_key or model_field.name.startswith("pgh_") or model_field.name == "organization":
            continue
        new = data.get(model_field.column)
        old = previous.get(model_field.column) if previous else None
        if label == "update" and previous is not None and old == new:
            continue
        if label == "insert" and new in (None, ""):
            continue
        changes.append(Change(capfirst(model_field.verbose_name), _display(model_field, old, people),
                              _display(model_field, new, people)))
    return changes


def _display(model_field: models.Field, value: Any, people: dict[int, str]) -> Value:
    if value is None or value == "":
        return Value(text="", kind="empty")
    if _is_member_reference(model_field):
        return Value(text=people.get(int(value), f"Member #{value}"))
    if model_field.is_relation:
        return Value(text=f"#{value}")
    if model_field.choices:
        return Value(text=str(dict(model_field.flatchoices).get(value, value)))
    if isinstance(model_field, models.BooleanField):
        return Value(text="Yes" if value else "No")
    if isinstance(model_field, models.DateTimeField):
        moment = datetime.fromisoformat(value)
        return Value(text=moment.isoformat(), kind="datetime", value=moment)
    if isinstance(model_field, models.DateField):
        day = date.fromisoformat(value)
        return Value(text=day.isoformat(), kind="date", value=day)
    if isinstance(value, dict | list):
        return Value(text=json.dumps(value, default=str)[:TEXT_SHOWN_MAX])
    return Value(text=str(value)[:TEXT_SHOWN_MAX])
