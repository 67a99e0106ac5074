"""The audit trail: the records whose changes it shows, and the event tables behind each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


# ---------------------------------------------------------------- the audit trail


@dataclass(frozen=True)
class AuditSource:
    """An event table (``alliance.models.audit_history``) shown in the history of a kind of record."""
    event_model: str  # "app_label.ModelName"
    record: str  # the AuditedRecord key the events belong to
    record_column: str = "pgh_obj_id"  # the event column that holds the record's id
    # describe(event data, previous data or None) -> (what happened, [(field label, from, to)]) for tables whose
    # rows tell a story of their own (a tour's revisions); None: field by field, from the event model.
    describe: Callable[[dict, dict | None], tuple[str, list[tuple[str, str, str]]]] | None = None


@dataclass(frozen=True)
class AuditedRecord:
    """A kind of record people may dispute, whose changes the audit trail shows."""
    key: str  # its name in addresses and the API (record_type)
    label: str
    model: str  # "app_label.ModelName" of the record (the core reads it by name)
    # How the log names a record: a SQL expression over its row ``r`` (apps' constants, never input).
    label_sql: str
    owner_column: str | None = None  # the column of ``r`` naming the membership whose record it is
    hr_only: bool = False  # only HR and admins see its history, never its owner
    url_name: str = ""  # its page, reversed with the organization's slug (and its id when url_takes_id)
    url_takes_id: bool = True
    owner_url: bool = True  # the page is the owner's too (a member's own page is HR's member page: False)
    order: int = 100


_AUDITED: dict[str, AuditedRecord] = {}
_AUDIT_SOURCES: dict[str, AuditSource] = {}


def register_audited_model(key: str, *, label: str, model: str, event_model: str, label_sql: str,
                           owner_column: str | None = None, hr_only: bool = False, url_name: str = "",
                           url_takes_id: bool = True, owner_url: bool = True, order: int = 100) -> None:
    """Show ``model``'s history (its ``event_model``) in the audit trail, as records of kind ``key``."""
    _AUDITED[key] = AuditedRecord(key=key, label=label, model=model, label_sql=label_sql, owner_column=owner_column,
                                  hr_only=hr_only, url_name=url_name, url_takes_id=url_takes_id,
                                  owner_url=owner_url, order=order)
    register_audit_source(event_model, record=key)


def register_audit_source(event_model: str, *, record: str, record_column: str = "pgh_obj_id",
                          describe: Callable[[dict, dict | None], tuple[str, list[tuple[str, str, str]]]] | None
                          = None) -> None:
    _AUDIT_SOURCES[event_model] = AuditSource(event_model=event_model, record=record, record_column=record_column,
                                              describe=describe)


def audited_records() -> dict[str, AuditedRecord]:
    return {item.key: item for item in sorted(_AUDITED.values(), key=lambda item: (item.order, item.key))}


def audit_sources() -> list[AuditSource]:
    """Every event table of a registered record, in a stable order."""
    return [source for _, source in sorted(_AUDIT_SOURCES.items()) if source.record in _AUDITED]
